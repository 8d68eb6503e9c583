"""Logging for the `c360` commands and the server: one stderr handler, personal data redacted from every record.

:func:`redact` masks what can be recognised in any text: Chinese resident
ID numbers (18 and 15 digits), mobile numbers (11 digits starting with 1,
with or without +86/0086/86, spaces or dashes) and e-mail addresses. A
:class:`RedactingFilter` on the root handler and a record factory (installed by
:func:`setup_logging`) apply it to the message, the arguments, the formatted
traceback and the stack of every record, whichever handler emits it (uvicorn
configures handlers of its own after us).

Names and addresses cannot be recognised reliably, so the hub never logs
them: GraphQL errors are logged as code and path only (see
``c360.schema.privacy.PrivateErrorsSchema``), never with the query text.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from typing import Any

__all__ = ["redact", "RedactingFilter", "setup_logging", "install_record_redaction", "LOG_FORMAT"]

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("apscheduler", "httpx", "httpcore", "asyncio", "urllib3", "alembic")

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_RIC18 = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_RIC15 = re.compile(r"(?<![0-9])[0-9]{15}(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]{4}){2}(?![0-9])")


def _mask_email(match: re.Match[str]) -> str:
    local, _, domain = match.group(0).partition("@")
    return f"{local[:1]}***@{domain}"


def _mask_ric(match: re.Match[str]) -> str:
    value = match.group(0)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def _mask_mobile(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", match.group(0))[-11:]
    return digits[:3] + "****" + digits[7:]


def redact(text: str) -> str:
    """``text`` with every recognisable ID number, mobile number and e-mail address masked."""
    if not text:
        return text
    text = _EMAIL.sub(_mask_email, text)
    text = _RIC18.sub(_mask_ric, text)
    text = _RIC15.sub(_mask_ric, text)
    return _MOBILE.sub(_mask_mobile, text)


_DONE = "_c360_redacted"


def _redact_record(record: logging.LogRecord) -> None:
    if getattr(record, _DONE, False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what can be shown
        message = f"{record.msg!s} {record.args!r}"
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    setattr(record, _DONE, True)


class RedactingFilter(logging.Filter):
    """Masks personal data in a record in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_factory_installed = False


def install_record_redaction() -> None:
    """Redact every record as it is created, so handlers configured later (uvicorn's) get clean records too."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def setup_logging(level: str | int | None = None) -> None:
    """One redacting stderr handler on the root logger; calling again only changes the level."""
    if level is None:
        level = os.environ.get("C360_LOG_LEVEL", "WARNING")
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
        if not isinstance(level, int):
            level = logging.WARNING
    install_record_redaction()
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, _DONE, False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(RedactingFilter())
        setattr(handler, _DONE, True)
        root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))

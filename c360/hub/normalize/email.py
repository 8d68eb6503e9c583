"""E-mail addresses.

Both the domain and the local part are lower-cased. RFC 5321 lets the local
part be case-sensitive, but every large mailbox provider (qq.com, 163.com,
126.com, gmail.com, corporate Exchange) ignores case, and the same customer
typed as ``Zhang.Wei@`` and ``zhang.wei@`` must collapse to one key. Provider
specific aliasing (gmail dots, ``+tag``) is deliberately NOT folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._text import fold_width, strip_spaces
from .reasons import Reason

__all__ = ["EmailResult", "normalize_email"]

_LOCAL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_PLACEHOLDER_LOCALS = frozenset(
    {"none", "null", "nil", "na", "noemail", "no-email", "nomail", "no", "unknown", "test", "x", "xx", "xxx"}
)
_PLACEHOLDER_DOMAINS = frozenset(
    {"example.com", "example.org", "example.net", "test.com", "localhost", "xxx.com"}
)


@dataclass(frozen=True, slots=True)
class EmailResult:
    """Normalized address; ``domain`` is ASCII (IDNs in punycode)."""

    raw: str
    value: str
    trusted: bool
    reason: Reason | None
    local: str | None = None
    domain: str | None = None


def _clean(raw: str) -> str:
    text = strip_spaces(fold_width(raw)).replace("\u3002", ".")
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    return text.rstrip(".;,").lower()


def _ascii_domain(domain: str) -> str | None:
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None


@lru_cache(maxsize=200_000, typed=True)  # pure: one value is normalized once per process
def normalize_email(raw: str) -> EmailResult:
    """Lower-case, width-fold and syntax-check an e-mail address."""
    text = _clean(raw)
    if not text:
        return EmailResult(raw, "", False, Reason.EMPTY)
    local, sep, domain = text.rpartition("@")
    if not sep or not local:
        return EmailResult(raw, text, False, Reason.BAD_FORMAT)
    ascii_domain = _ascii_domain(domain)
    value = f"{local}@{ascii_domain or domain}"
    labels = (ascii_domain or "").split(".")
    if (
        ascii_domain is None
        or len(local) > 64
        or not _LOCAL.match(local)
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not _TLD.match(labels[-1])
    ):
        return EmailResult(raw, value, False, Reason.BAD_FORMAT, local, ascii_domain or domain)
    if local in _PLACEHOLDER_LOCALS or ascii_domain in _PLACEHOLDER_DOMAINS:
        return EmailResult(raw, value, False, Reason.PLACEHOLDER, local, ascii_domain)
    return EmailResult(raw, value, True, None, local, ascii_domain)

"""Which channels a key may record contacts for.

A channel API key stands for one channel (the call center, a web shop, a business hall); what it
records through ``recordContact`` and ``updateServiceRequest`` must be of that channel, or a key
leaked from one channel could write history in another's name. A key's channels are set when it is
made (``c360 keys create NAME --channel CALL_CENTER``); without ``--channel`` a key named after a
channel (``call-center``, ``web``) is bound to it, and any other key may record every channel
(``None``), as keys made before channels were bound do.
"""

from __future__ import annotations

from collections.abc import Iterable

from c360.errors import AuthError
from c360.records.vocabulary import CHANNELS

__all__ = ["UnknownChannel", "api_name", "channel_names", "channel_of_name"]


class UnknownChannel(AuthError):
    """Raised when an operator names a channel the vocabulary does not have; the message lists the known ones."""

    def __init__(self, unknown: list[str]) -> None:
        super().__init__(f"unknown channel(s): {', '.join(unknown)}; known: {', '.join(sorted(api_name(c) for c in CHANNELS))}")


def _canonical(label: str) -> str:
    return label.strip().lower().replace("-", "_").replace(" ", "_")


def channel_names(labels: Iterable[str]) -> tuple[str, ...]:
    """Channel labels as an operator types them (``CALL_CENTER``, ``call-center``) as stored: canonical, sorted."""
    names = {_canonical(label) for label in labels if label.strip()}
    unknown = sorted(names - CHANNELS)
    if unknown:
        raise UnknownChannel(unknown)
    return tuple(sorted(names))


def channel_of_name(key_name: str) -> str | None:
    """The channel a key's name names (``call-center`` -> ``call_center``), if it names one."""
    name = _canonical(key_name)
    return name if name in CHANNELS else None


def api_name(channel: str) -> str:
    """A stored channel as the GraphQL ``Channel`` enum spells it (``call_center`` -> ``CALL_CENTER``)."""
    return channel.upper()

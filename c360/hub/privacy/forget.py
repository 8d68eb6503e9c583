"""Every hub process forgets an erased person's values, not only the one that ran the erasure.

The identifier normalizers memoize raw values per process (``c360.hub.normalize``), and the API
keeps parsed query texts. The process that erases empties its own at once; on PostgreSQL the
erasure also announces itself on the channel ``c360_erasures`` in its transaction, and each app
process listens (:class:`ErasureListener`, one LISTEN connection) and empties its memos when the
erasure commits. A listener that lost its connection empties them when it is back, since it may
have missed an erasure meanwhile. SQLite has no NOTIFY: there only the erasing process forgets.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from c360.hub.db.listen import ChannelListener, ListensOnChannel

__all__ = ["ERASURE_CHANNEL", "ErasureListener", "announce_erasure"]

ERASURE_CHANNEL = "c360_erasures"


def announce_erasure(session: Session) -> None:
    """Tell every listening hub process, when this transaction commits, that a person was erased (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": ERASURE_CHANNEL})


class ErasureListener(ListensOnChannel):
    """``LISTEN c360_erasures`` on a connection of its own (PostgreSQL only); each erasure calls ``forget``."""

    def __init__(self, database_url: str, forget: Callable[[], None]) -> None:
        self.forget = forget
        # anything erased while nobody listened is forgotten on (re)connection
        self._listener = ChannelListener(database_url, ERASURE_CHANNEL, what="erasure",
                                         on_notify=lambda _payload: forget(), on_listening=forget)  # fmt: skip

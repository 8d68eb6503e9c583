"""Declarative REST streams and connectors: a path, an envelope, a ``map`` of domain fields.

::

    class Orders(RestStream[ShopConfig]):
        name = "orders"
        path = "/v2/orders"
        record = OrderRecord
        key = "order_no"

        def map(self, raw):
            return {"party_key": required(raw, "member_id"), "amount": decimal(raw, "total")}

Paging is the stream's ``paginator`` (``c360.connectors.paginators``; items +
next-page token by default), incremental reads ask for ``since_param`` from
the saved cursor, and ``params()`` adds the stream's own query parameters,
e.g. from ``self.config``. The retry policy, the loop guard and the keyset
cursor come with the base class.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, TypeVar

import requests
from pydantic import BaseModel

from c360.connectors.base import Connector, Page, Stream
from c360.connectors.config import RestConfig, secret_from_env
from c360.connectors.errors import ConfigError
from c360.connectors.http import HttpClient
from c360.connectors.pagination import Keyset, keyset_pages
from c360.connectors.paginators import HttpPages, Paginator, TokenPaginator

__all__ = ["RestStream", "RestConnector"]

RC = TypeVar("RC", bound=RestConfig)


class RestStream(Stream[RC, HttpClient]):
    """A REST collection read incrementally with ``updated_since`` (inclusive), page by page."""

    path: ClassVar[str]
    cursor_field: ClassVar[str | None] = "updated_at"
    #: The query parameter asking for records changed at or after a cursor value; ``None``: no incremental reads.
    since_param: ClassVar[str | None] = "updated_since"
    paginator: ClassVar[Paginator[HttpPages]] = TokenPaginator()

    def params(self) -> dict[str, Any]:
        """The stream's own query parameters, sent with every page request (e.g. from ``self.config``)."""
        return {}

    def _pages(self, since: Any, page_size: int, label: str) -> Iterator[list[Mapping[str, Any]]]:
        params = self.params()
        if since is not None and self.since_param is not None:
            params[self.since_param] = since
        return self.paginator.pages(HttpPages(self.client, self.path, params, page_size, label))

    def read(self, cursor: Mapping[str, Any] | None, *, full: bool = False) -> Iterator[Page]:
        start = None if full else cursor
        keyset = Keyset(self.label, self.cursor_field, self.primary_key, start) if self.cursor_field else None
        since = keyset.since() if keyset else None
        yield from keyset_pages(self.label, self._pages(since, self.config.page_size, self.label), keyset)

    def probe(self) -> None:
        """One smallest page: proves the path exists and the credentials are accepted."""
        for _first in self._pages(None, 1, f"{self.label} probe"):
            break


class RestConnector(Connector):
    """A connector whose streams are ``RestStream`` classes sharing one ``HttpClient``.

    ``session`` is for tests that mount their own transport; the key comes from ``api_key_env``.
    """

    config_model: ClassVar[type[BaseModel]] = RestConfig
    kind: ClassVar[str] = "rest"

    def __init__(self, instance: str, config: BaseModel, *, session: requests.Session | None = None) -> None:
        super().__init__(instance, config)
        if not isinstance(config, RestConfig):
            raise ConfigError(f"[connectors.{instance}] expects a REST configuration")
        key = secret_from_env(instance, "api_key_env", config.api_key_env) if config.api_key_env else None
        self.client: HttpClient = HttpClient(instance, config, api_key=key, session=session)

    def check(self) -> None:
        for stream in self.streams():
            if isinstance(stream, RestStream):
                stream.probe()

    def close(self) -> None:
        self.client.close()

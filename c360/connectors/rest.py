"""Declarative REST streams and connectors for silos that page with ``items`` + ``next_page_token``.

A new stream is a subclass with ``name``, ``path``, ``primary_key``,
``cursor_field`` and ``map``::

    class Customers(RestStream):
        name = "customers"
        path = "/api/v1/customers"
        primary_key = ("customer_id",)
        cursor_field = "updated_at"

        def map(self, raw):
            return [make(PartyRecord, source="boss", source_key=required(raw, "customer_id"), ...)]

and a connector lists its stream classes. Silos that page differently
override ``request_params`` or ``parse_page``; the retry policy, the loop
guard and the keyset cursor come with the base class.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

import requests
from pydantic import BaseModel

from c360.connectors.base import Connector, Page, Stream
from c360.connectors.config import RestConfig, secret_from_env
from c360.connectors.errors import BadPageError, ConfigError
from c360.connectors.http import HttpClient
from c360.connectors.pagination import Keyset, TokenPaginator

__all__ = ["RestStream", "RestConnector"]


class RestStream(Stream):
    """A REST collection read incrementally with ``updated_since`` (inclusive) and page tokens."""

    path: ClassVar[str]
    cursor_field: ClassVar[str | None] = "updated_at"
    #: Query parameter names of the silo's paging contract.
    since_param: ClassVar[str] = "updated_since"
    token_param: ClassVar[str] = "page_token"
    size_param: ClassVar[str] = "page_size"

    def __init__(self, client: HttpClient, *, page_size: int) -> None:
        self.client = client
        self.page_size = page_size

    @property
    def label(self) -> str:
        return f"{self.client.silo}/{self.name}"

    def request_params(self, since: Any, token: str | None) -> dict[str, Any]:
        """Query parameters for one page request."""
        params: dict[str, Any] = {self.size_param: self.page_size}
        if since is not None:
            params[self.since_param] = since
        if token is not None:
            params[self.token_param] = token
        return params

    def parse_page(self, body: Any, where: str) -> tuple[list[Mapping[str, Any]], Any]:
        """(records, next token) from a decoded page; ``BadPageError`` if the shape is wrong."""
        if not isinstance(body, dict) or "items" not in body:
            raise BadPageError(f"{where}: response is not an object with 'items'")
        items = body["items"]
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise BadPageError(f"{where}: 'items' is not a list of objects")
        return items, body.get("next_page_token")

    def read(self, cursor: Mapping[str, Any] | None, *, full: bool = False) -> Iterator[Page]:
        start = None if full else cursor
        keyset = Keyset(self.label, self.cursor_field, self.primary_key, start) if self.cursor_field else None
        since = keyset.since() if keyset else None
        pages = TokenPaginator(self.label)
        while True:
            where = f"{self.label} page {pages.pages + 1}"
            body = self.client.get_json(self.path, self.request_params(since, pages.token))
            items, next_token = self.parse_page(body, where)
            records = keyset.take(items, where) if keyset else items
            if records:
                yield Page(records=records, cursor=keyset.cursor if keyset else None, label=where)
            if not pages.advance(next_token):
                return

    def probe(self) -> None:
        """One smallest page: proves the path exists and the credentials are accepted."""
        where = f"{self.label} probe"
        self.parse_page(self.client.get_json(self.path, {self.size_param: 1}), where)


class RestConnector(Connector):
    """A connector whose streams are ``RestStream`` classes sharing one ``HttpClient``."""

    config_model: ClassVar[type[BaseModel]] = RestConfig
    kind: ClassVar[str] = "rest"
    stream_classes: ClassVar[Sequence[type[RestStream]]] = ()

    def __init__(self, instance: str, config: BaseModel, *, http: requests.Session | None = None) -> None:
        super().__init__(instance, config, http=http)
        if not isinstance(config, RestConfig):
            raise ConfigError(f"[connectors.{instance}] expects a REST configuration")
        key = secret_from_env(instance, "api_key_env", config.api_key_env) if config.api_key_env else None
        self.client = HttpClient(instance, config, api_key=key, session=http)
        self._streams = [cls(self.client, page_size=config.page_size) for cls in self.stream_classes]

    def streams(self) -> Sequence[RestStream]:
        return list(self._streams)

    def check(self) -> None:
        for stream in self._streams:
            stream.probe()

    def close(self) -> None:
        self.client.close()

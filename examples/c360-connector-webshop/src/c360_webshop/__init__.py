"""Example c360 connector plugin: an online shop's members and orders.

Registered through the ``c360.connectors`` entry point in ``pyproject.toml``;
``c360 connectors list`` shows it as a plugin once the package is installed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import requests
from pydantic import BaseModel, Field

from c360.connectors import ConfigError, RestConfig, RestConnector, RestStream
from c360.connectors.mapping import decimal, flag, make, required, text, timestamp
from c360.records import CanonicalRecord, OrderRecord, PartyRecord, PhoneRef

__all__ = ["WebshopConfig", "WebshopConnector", "Members", "Orders"]

SOURCE = "webshop"


class WebshopConfig(RestConfig):
    """The shared REST settings plus the store whose data to read."""

    store: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")


class ShopStream(RestStream):
    """The shop scopes every list by store: one extra query parameter, via the ``request_params`` hook."""

    store: str = ""

    def request_params(self, since: Any, token: str | None) -> dict[str, Any]:
        return {**super().request_params(since, token), "store": self.store}


class Members(ShopStream):
    name = "members"
    path = "/v2/members"
    primary_key = ("member_id",)
    cursor_field = "updated_at"

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        phone, email = text(raw, "mobile"), text(raw, "email")
        return [
            make(
                PartyRecord,
                source=SOURCE,
                source_key=required(raw, "member_id"),
                updated_at=timestamp(raw, "updated_at"),
                deleted=flag(raw, "deleted"),
                party_type="person",
                name=text(raw, "nickname"),
                phones=(PhoneRef(number=phone),) if phone else (),
                emails=(email,) if email else (),
            )
        ]


class Orders(ShopStream):
    name = "orders"
    path = "/v2/orders"
    primary_key = ("order_no",)
    cursor_field = "updated_at"

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [
            make(
                OrderRecord,
                source=SOURCE,
                source_key=required(raw, "order_no"),
                updated_at=timestamp(raw, "updated_at"),
                party_source=SOURCE,
                party_key=required(raw, "member_id"),
                order_type="webshop",
                status=text(raw, "state"),
                channel="web",
                amount=decimal(raw, "total"),
                created_at=timestamp(raw, "placed_at"),
            )
        ]


class WebshopConnector(RestConnector):
    """Members and orders of one store of the online shop."""

    name: ClassVar[str] = "webshop"
    config_model: ClassVar[type[BaseModel]] = WebshopConfig
    stream_classes = (Members, Orders)

    def __init__(self, instance: str, config: BaseModel, *, http: requests.Session | None = None) -> None:
        super().__init__(instance, config, http=http)
        if not isinstance(config, WebshopConfig):
            raise ConfigError(f"[connectors.{instance}] expects a webshop configuration")
        for stream in self._streams:
            if isinstance(stream, ShopStream):
                stream.store = config.store

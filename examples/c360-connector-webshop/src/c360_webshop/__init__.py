"""Example c360 connector plugin: an online shop's members and orders.

It imports only the connector SDK's public surface, ``c360.connectors.sdk``,
and states the SDK version it was written for: against a hub whose SDK is
incompatible the entry point fails to load and ``c360 connectors list``
reports the plugin as broken. Registered through the ``c360.connectors``
entry point in ``pyproject.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from c360.connectors.sdk import (
    Field,
    Fields,
    OrderRecord,
    PartyRecord,
    PhoneRef,
    RestConfig,
    RestConnector,
    RestStream,
    decimal,
    require_sdk,
    required,
    text,
    timestamp,
)

require_sdk("2.0")

__all__ = ["WebshopConfig", "WebshopConnector", "Members", "Orders"]


class WebshopConfig(RestConfig):
    """The shared REST settings plus the store whose data to read."""

    store: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")


class ShopStream(RestStream[WebshopConfig]):
    """The shop scopes every list by store, and flags deleted records."""

    deleted = "deleted"

    def params(self) -> dict[str, Any]:
        return {"store": self.config.store}


class Members(ShopStream):
    name = "members"
    path = "/v2/members"
    record = PartyRecord
    key = "member_id"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        phone, email = text(raw, "mobile"), text(raw, "email")
        return dict(party_type="person", name=text(raw, "nickname"), phones=(PhoneRef(number=phone),) if phone else (),
                    emails=(email,) if email else ())  # fmt: skip


class Orders(ShopStream):
    name = "orders"
    path = "/v2/orders"
    record = OrderRecord
    key = "order_no"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        return dict(party_source=self.source, party_key=required(raw, "member_id"), order_type="webshop",
                    status=text(raw, "state"), channel="web", amount=decimal(raw, "total"),
                    created_at=timestamp(raw, "placed_at"))  # fmt: skip


class WebshopConnector(RestConnector):
    """Members and orders of one store of the online shop."""

    name: ClassVar[str] = "webshop"
    config_model = WebshopConfig
    stream_classes = (Members, Orders)

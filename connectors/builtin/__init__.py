"""The five connectors c360 ships with, one module per silo."""

from __future__ import annotations

from connectors.base import Connector
from connectors.builtin.bi import BiConnector
from connectors.builtin.billing import BillingConnector
from connectors.builtin.boss import BossConnector
from connectors.builtin.callcenter import CallCenterConnector
from connectors.builtin.keyaccount import KeyAccountConnector

__all__ = [
    "BUILTIN_CONNECTORS",
    "BiConnector",
    "BillingConnector",
    "BossConnector",
    "CallCenterConnector",
    "KeyAccountConnector",
]

BUILTIN_CONNECTORS: dict[str, type[Connector]] = {
    cls.name: cls
    for cls in (BossConnector, BillingConnector, CallCenterConnector, KeyAccountConnector, BiConnector)
}

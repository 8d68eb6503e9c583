"""The five connectors c360 ships with, one module per silo."""

from __future__ import annotations

from c360.connectors.base import Connector
from c360.connectors.builtin.bi import BiConnector
from c360.connectors.builtin.billing import BillingConnector
from c360.connectors.builtin.boss import BossConnector
from c360.connectors.builtin.callcenter import CallCenterConnector
from c360.connectors.builtin.keyaccount import KeyAccountConnector

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

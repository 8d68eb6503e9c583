"""What this build of the hub can do, said plainly (shown by `c360 demo` and the GraphQL `hub` field).

Each entry is flipped to available in the change that lands the capability,
so channels and operators never mistake a missing part for an empty result.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Capability", "CAPABILITIES", "missing"]


@dataclass(frozen=True)
class Capability:
    name: str
    available: bool
    note: str


CAPABILITIES: tuple[Capability, ...] = (
    Capability("master-index-schema", True, "golden customers, source records, identifiers, facts, logs"),
    Capability("simulated-silos", True, "BOSS and key-account REST, billing SQL, call-center CSV, BI JSONL"),
    Capability("sync", True, "five built-in connectors, scheduled incremental sync, quarantine, run history"),
    Capability("identity-resolution", True, "records are resolved into golden customers as they land"),
    Capability("customer-360-api", True, "customer, customerBy, searchCustomers: the identity-resolved 360 view"),
    Capability("contact-events", True, "recordContact, updateServiceRequest, the contactEvents feed and subscription"),
    Capability("access-control", True, "API keys and self-service tokens, scopes, masking by pii:read, access audit"),
    Capability("console", True, "/console for business-hall clerks and call-center agents; GraphiQL served offline"),
    Capability("right-to-erasure", True, "`c360 erase` and eraseCustomer: personal data removed, aggregates kept, audited"),
)


def missing() -> list[Capability]:
    return [capability for capability in CAPABILITIES if not capability.available]

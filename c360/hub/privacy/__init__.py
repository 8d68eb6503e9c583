"""Privacy: the right to erasure (``c360 erase``, ``eraseCustomer``)."""

from c360.hub.privacy.erase import (
    ErasureError,
    ErasureResult,
    RestoreResult,
    UnknownCustomer,
    UnknownSourceRecord,
    allow_restore,
    erase_customer,
    forget_erased_values,
    mask_msisdn,
    resolve_customer,
)
from c360.hub.privacy.forget import ERASURE_CHANNEL, ErasureListener, announce_erasure

__all__ = [
    "ERASURE_CHANNEL",
    "ErasureError",
    "ErasureListener",
    "ErasureResult",
    "RestoreResult",
    "UnknownCustomer",
    "UnknownSourceRecord",
    "allow_restore",
    "announce_erasure",
    "erase_customer",
    "forget_erased_values",
    "mask_msisdn",
    "resolve_customer",
]

"""Privacy: the right to erasure (``c360 erase``, ``eraseCustomer``)."""

from hub.privacy.erase import (
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

__all__ = [
    "ErasureError",
    "ErasureResult",
    "RestoreResult",
    "UnknownCustomer",
    "UnknownSourceRecord",
    "allow_restore",
    "erase_customer",
    "forget_erased_values",
    "mask_msisdn",
    "resolve_customer",
]

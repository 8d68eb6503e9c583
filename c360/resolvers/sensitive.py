"""A personal value as the reads hand it to the API, with its kind, so the API masks it by kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Sensitive"]


@dataclass(frozen=True)
class Sensitive:
    """Masked by the ``Protected`` scalar (``c360.schema.masking``) unless the caller may see it in clear."""

    kind: str  # ric | phone | email | uscc | passport | address | birth_date | name | ...
    value: Any

"""What a root field costs against the caller's look-up budget (``[auth] lookups_per_minute``).

The budget limits how fast a caller can turn full identifiers into customers. ``customerBy`` costs one
per phone or ID number it is given; ``searchCustomers`` answers a full phone number with its holder just
as well (an exact phone match ranks first), so a search whose text is a full identifier costs one
too. A name, an address or a phone's last digits are a search, and cost nothing. Each alias of a
document is a field of its own and pays for itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from c360.hub.normalize import normalize_phone, normalize_ric

__all__ = ["FULL_NUMBER_DIGITS", "LOOKUP_ARGUMENTS", "is_full_identifier", "lookup_cost"]

# customerBy arguments whose use is counted against the caller's look-up budget.
LOOKUP_ARGUMENTS = ("idNumber", "phone")  # as GraphQL names them (the hook sees raw arguments)
# From this many digits the search compares phone numbers whole (c360.resolvers.customers.search_customers).
FULL_NUMBER_DIGITS = 11


def is_full_identifier(text: str) -> bool:
    """Whether search ``text`` names one customer the way a look-up does: a whole phone or ID number."""
    if len(re.sub(r"\D", "", text)) >= FULL_NUMBER_DIGITS:
        return True
    return normalize_phone(text).trusted or normalize_ric(text).trusted


def lookup_cost(field: str, arguments: Mapping[str, Any]) -> int:
    """Look-ups root field ``field`` (a Query field, by its GraphQL name) costs with ``arguments``."""
    if field == "customerBy":
        return sum(1 for name in LOOKUP_ARGUMENTS if arguments.get(name))
    if field == "searchCustomers":
        text = arguments.get("text")
        return 1 if isinstance(text, str) and is_full_identifier(text.strip()) else 0
    return 0

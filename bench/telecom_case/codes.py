"""Check characters of the documents the case carries: resident ID (GB 11643) and social credit code (GB 32100).

Written from the standards, so the bench does not lean on the hub's own validation.
"""

from __future__ import annotations

__all__ = ["id_check_digit", "valid_resident_id", "org_code_check", "uscc_check", "valid_uscc", "USCC_CHARS"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECKS = "10X98765432"


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check digit of an 18-digit resident ID, from its first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("a resident ID body is 17 digits")
    return _ID_CHECKS[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def valid_resident_id(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit() and id_check_digit(number[:17]) == number[17].upper()


# GB 32100: 18 characters over 31 symbols (no I, O, S, V, Z).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714: the 9-character organization code inside it, with its own check.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check(first8: str) -> str:
    total = sum(_org_value(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def valid_uscc(code: str) -> bool:
    return (len(code) == 18 and all(c in USCC_CHARS for c in code)
            and org_code_check(code[8:16]) == code[16] and uscc_check(code[:17]) == code[17])

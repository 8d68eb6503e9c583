"""What the databases cannot store is found wherever it hides in a record, and shown escaped where it is kept."""

from __future__ import annotations

from datetime import date

import pytest

from c360.records import PartyRecord, PhoneRef
from c360.records.text import storable, unstorable_at

NUL = "the character U+0000 (NUL)"
HALF = "half of a UTF-16 surrogate pair (not a character)"


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ({"name": "张伟", "born": date(1985, 3, 2), "n": 3, "ok": True}, None),
        ({"name": "张\x00伟"}, ("name", NUL)),
        ({"phones": ("13811112222", "138\x00")}, ("phones[1]", NUL)),
        ({"extra": {"remark": [1, {"deep": "x\ud800"}]}}, ("extra.remark[1].deep", HALF)),
        ({"extra": {"key\x00": 1}}, ("extra.key\x00", NUL)),
        ("\x00", ("value", NUL)),
    ],
)
def test_the_first_unstorable_text_is_named_by_its_path(value: object, found: tuple[str, str] | None) -> None:
    assert unstorable_at(value) == found


def test_a_record_model_is_walked_by_field() -> None:
    phone = PhoneRef.model_construct(number="139\x00")  # built without validation, as a connector might hand it over
    record = PartyRecord.model_construct(source="crm", source_key="A", phones=(PhoneRef(number="13811112222"), phone))
    assert unstorable_at(record) == ("phones[1].number", NUL)


def test_storable_keeps_everything_else_and_escapes_what_cannot_be_stored() -> None:
    assert storable("张伟 ok") == "张伟 ok"
    assert storable('{"name": "张\x00伟", "x": "\ud800"}') == '{"name": "张\\u0000伟", "x": "\\ud800"}'

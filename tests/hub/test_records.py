from datetime import UTC, datetime

import pytest

from c360.records import RECORD_KINDS, InvalidRecord, PartyRecord, SubscriptionRecord


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_every_kind_stores_updated_at_in_utc(kind: str) -> None:
    """A zone-less silo time is China time; every kind, not only the base, must convert it."""
    cls = RECORD_KINDS[kind]
    required = {
        name: field.annotation
        for name, field in cls.model_fields.items()
        if field.is_required() and name not in ("source", "source_key")
    }
    values = {
        "party_type": "person",
        "msisdn": "13800138000",
        "account_key": "A1",
        "amount": "1.00",
        "request_key": "SR1",
        "status": "opened",
        "changed_at": "2024-01-01T08:00:00",
        "relation": "contact",
        "related_key": "contact:1",
    }
    record = cls(source="s", source_key="k", updated_at="2024-01-01T08:00:00", **{n: values[n] for n in required})
    assert record.updated_at == datetime(2024, 1, 1, 0, 0, tzinfo=UTC)


def test_event_times_are_utc_too() -> None:
    record = SubscriptionRecord(source="boss", source_key="S1", msisdn="1", activated_at="2024-03-01T08:00:00+08:00")
    assert record.activated_at == datetime(2024, 3, 1, 0, 0, tzinfo=UTC)
    party = PartyRecord(source="cc", source_key="call:1", party_type="person", observed_at="2024-03-01T08:00:00")
    assert party.observed_at == datetime(2024, 3, 1, 0, 0, tzinfo=UTC)


def test_validation_errors_name_fields_not_values() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        PartyRecord(source="boss", source_key="C1", party_type="robot", name="张伟")
    reason = InvalidRecord.from_validation(caught.value).reason
    assert "party_type" in reason and "张伟" not in reason

"""Clustering reads each record's document numbers without changing them (they are kept on resident profiles)."""

from __future__ import annotations

from c360.hub.identity.cluster import Link, cluster
from c360.hub.identity.matcher import hard_ids
from c360.hub.normalize.profile import block_keys, build_profile


def test_unions_leave_the_callers_document_sets_unchanged() -> None:
    traits = {1: ("person", {"ric": {"A"}}), 2: ("person", {"passport": {"P"}}), 3: ("person", {"ric": {"B"}})}
    clusters = cluster([1, 2, 3], [Link(1, 2, 12.0), Link(2, 3, 11.0)], traits)
    assert clusters == [[1, 2], [3]]  # 3's document differs from the one 1 brought into the cluster
    assert traits == {1: ("person", {"ric": {"A"}}), 2: ("person", {"passport": {"P"}}), 3: ("person", {"ric": {"B"}})}


def test_keys_and_documents_are_worked_out_once_per_profile() -> None:
    profile = build_profile(1, "boss", "c1", {"name": "张伟", "birth_date": "1985-03-02", "id_type": "PASSPORT", "id_number": "E1234567"})
    assert block_keys(profile) is block_keys(profile)
    assert hard_ids(profile) is hard_ids(profile) and hard_ids(profile) == {"passport": {"E1234567"}}
    assert profile == build_profile(1, "boss", "c1", {"name": "张伟", "birth_date": "1985-03-02", "id_type": "PASSPORT", "id_number": "E1234567"})

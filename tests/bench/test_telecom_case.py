"""The telecom case's generator keeps its invariants, and its scorer counts pairs right."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, timedelta
from itertools import pairwise as pairwise_
from pathlib import Path
from typing import Any

import pytest

from bench.telecom_case.case import generate_case
from bench.telecom_case.codes import id_check_digit, valid_resident_id, valid_uscc
from bench.telecom_case.hub_run import parse_import_output
from bench.telecom_case.metrics import (
    false_links_by_source_pair,
    missed_by_cause,
    pairwise,
    read_tags,
    read_truth,
    read_xref,
    source_pair_recall,
)
from bench.telecom_case.noise import Noise
from bench.telecom_case.peer_table import parse_date, split_name
from bench.telecom_case.silo_files import SOURCES, CaseFiles
from bench.telecom_case.world import build_world

PEOPLE, SEED = 200, 3


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> CaseFiles:
    return generate_case(tmp_path_factory.mktemp("case"), PEOPLE, SEED)


def lines(files: CaseFiles, source: str) -> list[dict[str, Any]]:
    with files.silo(source).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def every_record(files: CaseFiles) -> list[dict[str, Any]]:
    return [r for source in SOURCES for r in lines(files, source)]


def test_check_digits_follow_the_standards() -> None:
    assert id_check_digit("11010519491231002") == "X"  # the specimen number of GB 11643
    assert valid_resident_id("11010519491231002X")
    assert not valid_resident_id("11010519491231002Y")
    assert valid_uscc("91350100M000100Y43")  # a specimen code printed with GB 32100
    assert not valid_uscc("91350100M000100Y44")


def test_generated_codes_agree_with_python_stdnum() -> None:
    """A second implementation of both check characters (stdnum's place table is too old for the ID's region check)."""
    from stdnum.cn import ric, uscc

    world = build_world(PEOPLE, SEED, Noise(org_share=0.2))
    assert all(ric.calc_check_digit(p.id_number) == p.id_number[-1] for p in world.people)
    assert world.organizations and all(uscc.is_valid(o.credit_code) for o in world.organizations)


def test_truth_covers_every_record_once(case: CaseFiles) -> None:
    truth = read_truth(case.truth)
    records = [f"{r['source']}|{r['source_key']}" for r in every_record(case)]
    assert len(records) == len(set(records)) == len(truth)
    assert set(records) == set(truth)
    assert set(read_tags(case.tags)) == set(truth)
    assert {t[0] for t in truth.values()} == {"P", "O"}
    assert len({e for e in truth.values() if e.startswith("P")}) == PEOPLE


def test_same_seed_same_files_other_seed_other_files(case: CaseFiles, tmp_path: Path) -> None:
    again = generate_case(tmp_path / "again", PEOPLE, SEED)
    other = generate_case(tmp_path / "other", PEOPLE, SEED + 1)
    for source in SOURCES:
        assert again.silo(source).read_bytes() == case.silo(source).read_bytes()
        assert other.silo(source).read_bytes() != case.silo(source).read_bytes()
    assert again.truth.read_bytes() == case.truth.read_bytes()


def test_ids_are_valid_unless_a_typo_was_injected(case: CaseFiles) -> None:
    tags = read_tags(case.tags)
    transposed = 0
    for record in every_record(case):
        key = f"{record['source']}|{record['source_key']}"
        number = record.get("id_number") or record.get("credit_code")
        if not number:
            continue
        if record["kind"] == "organization":
            assert valid_uscc(number), key
        elif "id_transposed" in tags[key]:
            transposed += 1
            assert not valid_resident_id(number), key
        else:
            assert valid_resident_id(number), key
    assert transposed == sum("id_transposed" in t for t in tags.values())


def test_people_ids_carry_their_birth_date_and_gender() -> None:
    world = build_world(PEOPLE, SEED, Noise())
    for person in world.people:
        assert person.id_number[6:14] == f"{person.birth:%Y%m%d}"
        assert int(person.id_number[16]) % 2 == (1 if person.gender == "M" else 0)
        assert valid_resident_id(person.id_number)


def test_household_lines_are_shared_within_the_household_only(case: CaseFiles) -> None:
    world = build_world(PEOPLE, SEED, Noise())
    household_of = {p.entity: p.household.hid for p in world.people}
    lines_of = {h.fixed_line.number: h.hid for h in world.households if h.fixed_line}
    truth = read_truth(case.truth)
    users: dict[str, set[str]] = defaultdict(set)
    for record in every_record(case):
        entity = truth[f"{record['source']}|{record['source_key']}"]
        for phone in record.get("phones", []):
            number = phone["number"] if isinstance(phone, dict) else phone
            if number in lines_of:
                users[number].add(entity)
    assert users, "no record carries a household line"
    for number, entities in users.items():
        assert {household_of[e] for e in entities} == {lines_of[number]}
    assert any(len(e) > 1 for e in users.values()), "no household line is used by two members"


def test_recycled_numbers_have_disjoint_windows_and_callers_hold_their_number() -> None:
    world = build_world(600, SEED, Noise())
    holders: dict[str, list[tuple[int, date, date | None]]] = defaultdict(list)
    for person in world.people:
        for sub in person.mobiles:
            holders[sub.number].append((person.pid, sub.since, sub.until))
    shared = {n: h for n, h in holders.items() if len({pid for pid, _, _ in h}) > 1}
    assert shared, "no number was issued twice"
    for held in shared.values():
        held.sort(key=lambda h: h[1])
        for (pid, _, until), (next_pid, since, _) in pairwise_(held):
            assert pid != next_pid
            assert until is not None and until + timedelta(days=90) <= since


def test_callers_are_the_holders_on_the_call_day(tmp_path: Path) -> None:
    files = generate_case(tmp_path, 600, SEED)
    truth, tags = read_truth(files.truth), read_tags(files.tags)
    windows: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for record in lines(files, "boss"):
        for phone in record.get("phones", []):
            if isinstance(phone, dict):
                windows[phone["number"]].append((truth[f"boss|{record['source_key']}"], phone["since"][:10],
                                                 (phone["until"] or "9999")[:10]))
    checked = recycled = 0
    for record in lines(files, "callcenter"):
        key = f"callcenter|{record['source_key']}"
        phone = record["phones"][0]
        if {"placeholder_phone", "home_line", "ported_out"} & set(tags[key]):
            continue
        day = record["call_time"][:10]
        holders = [e for e, since, until in windows[phone["number"]] if since <= day < until]
        assert holders == [truth[key]], key
        checked += 1
        recycled += "recycled_number" in tags[key]
        assert phone["since"] < phone["until"] or "point_window" in tags[key]
    assert checked > 100 and recycled > 0


def test_written_values_follow_the_import_format(case: CaseFiles) -> None:
    tags = read_tags(case.tags)
    for record in every_record(case):
        key = f"{record['source']}|{record['source_key']}"
        assert record["kind"] in ("person", "organization")
        if "birth_date" in record:
            assert (parse_date(record["birth_date"]) is not None)
            assert ("/" in record["birth_date"]) == ("slash_date" in tags[key])
        for phone in record.get("phones", []):
            if isinstance(phone, dict) and phone.get("until"):
                assert phone["since"] < phone["until"] or "point_window" in tags[key]


def test_clean_formats_change_only_the_two_formats(case: CaseFiles, tmp_path: Path) -> None:
    clean = generate_case(tmp_path, PEOPLE, SEED, clean_formats=True)
    tags = read_tags(clean.tags)
    assert not any({"slash_date", "point_window"} & set(t) for t in tags.values())
    assert read_truth(clean.truth) == read_truth(case.truth)
    changed = 0
    for source in SOURCES:
        for before, after in zip(lines(case, source), lines(clean, source), strict=True):
            if before != after:
                changed += 1
                assert {k for k in before if before[k] != after.get(k)} <= {"birth_date", "phones"}
                assert "/" not in after.get("birth_date", "")
    assert changed == sum(bool({"slash_date", "point_window"} & set(t)) for t in read_tags(case.tags).values())


def test_peer_preparation_reads_names_and_dates() -> None:
    assert split_name("王女士") == (None, "王", None)
    assert split_name("老王") == (None, "王", None)
    assert split_name("欧阳娜娜") == ("欧阳娜娜", "欧阳", "娜娜")
    assert split_name("张伟") == ("张伟", "张", "伟")
    for raw in ("1985-03-02", "1985/3/2", "19850302", "1985-03-02 00:00:00"):
        assert parse_date(raw) == "1985-03-02"
    assert parse_date("1985/2/30") is None


def test_pairwise_scores_on_a_hand_made_xref(tmp_path: Path) -> None:
    (tmp_path / "truth.csv").write_text(
        "source,source_key,entity_id\n"
        "boss,1,P1\nbilling,1,P1\ncallcenter,1,P1\n"  # three records of P1: three true pairs
        "boss,2,P2\ncallcenter,2,P2\n"  # one true pair
        "boss,3,P3\n", encoding="utf-8")
    (tmp_path / "tags.csv").write_text("source,source_key,tags\nboss,1,\nbilling,1,\ncallcenter,1,surname_only\n"
                                       "boss,2,\ncallcenter,2,point_window\nboss,3,\n", encoding="utf-8")
    # P1's call is put with P2's records, P2's call was quarantined (not listed), P3 is alone.
    (tmp_path / "xref.csv").write_text("source,source_key,golden_id\nbilling,1,G1\nboss,1,G1\nboss,2,G2\n"
                                       "boss,3,G3\ncallcenter,1,G2\n", encoding="utf-8")
    truth, tags = read_truth(tmp_path / "truth.csv"), read_tags(tmp_path / "tags.csv")
    placed, listed = read_xref(tmp_path / "xref.csv")
    assert "callcenter|2" not in listed and len(listed) == 5

    scores = pairwise(truth, placed)
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (4, 2, 1)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.25)
    assert scores.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)

    assert source_pair_recall(truth, placed) == {
        ("billing", "boss"): (1, 1), ("billing", "callcenter"): (1, 0), ("boss", "callcenter"): (2, 0)}
    assert false_links_by_source_pair(truth, placed) == {("boss", "callcenter"): 1}
    missed = missed_by_cause(truth, placed, tags, listed)
    assert missed == {(("billing", "callcenter"), "surname_only"): 1, (("boss", "callcenter"), "surname_only"): 1,
                      (("boss", "callcenter"), "not imported"): 1}
    assert pairwise(truth, {}).predicted_pairs == 0 and pairwise(truth, {}).recall == 0.0
    assert pairwise(truth, dict.fromkeys(truth, "G")).precision == pytest.approx(4 / 15)


def test_truth_file_is_plain_csv(case: CaseFiles) -> None:
    with case.truth.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["source", "source_key", "entity_id"]


def test_import_output_is_read_in_either_form() -> None:
    listed = ("read 4, written 2, unchanged 0, quarantined 2, unresolvable 1\n"
              "  quarantined: line 2: birth_date: not an ISO-8601 date\n"
              "  quarantined: line 3: birth_date: not an ISO-8601 date\n")
    counts, reasons = parse_import_output(listed)
    assert counts == {"read": 4, "written": 2, "unchanged": 0, "quarantined": 2, "unresolvable": 1}
    assert reasons == {"birth_date: not an ISO-8601 date": 2}
    summed = ("read 9, written 2, unchanged 0, quarantined 7, unresolvable 0\n"
              "  quarantined 5: kind: must be person or organization\n"
              "  quarantined 2: not valid JSON (Expecting ',' delimiter at column 58)\n"
              "  e.g. line 1: kind: must be person or organization\n")
    counts, reasons = parse_import_output(summed)
    assert counts["quarantined"] == 7 == sum(reasons.values())
    assert reasons["kind: must be person or organization"] == 5
    several = ("boss.jsonl: read 3, written 3, unchanged 0, quarantined 0, unresolvable 0\n"
               "calls.jsonl: read 2, written 1, unchanged 0, quarantined 1, unresolvable 1\n"
               "read 5, written 4, unchanged 0, quarantined 1, unresolvable 1\n"
               "  quarantined 1: kind: must be person or organization\n")
    counts, reasons = parse_import_output(several)  # one command, several files: the sum, printed last
    assert counts == {"read": 5, "written": 4, "unchanged": 0, "quarantined": 1, "unresolvable": 1}

"""The households case end to end: generated files through ``c360 import``, scored from ``c360 export xref``.

A floor on an independent data set (written from a description of real silos, not from the matcher), so a
change to the matcher that loses links or makes false ones on data it was not shaped around fails here.
The generator and the hub are both deterministic: the figures of this seed only move when the rules do.
"""

from __future__ import annotations

import pytest

from tests.helpers.cases import assert_every_line_imported, score_case

PEOPLE, SEED = 1000, 3


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return score_case(tmp_path_factory, "households_case", PEOPLE, SEED)


def test_every_line_is_imported(scored: dict[str, object]) -> None:
    assert_every_line_imported(scored)


def test_links_are_right_and_most_are_found(scored: dict[str, object]) -> None:
    # 2026-12-05: precision 0.9950, recall 0.9298 (0.9057 before roads kept their section, fixed lines counted +4,
    # masked resident IDs were compared and a phone stayed an identifier up to seven records; 0.9274 before callers
    # on a local number without its area code were read)
    assert scored["precision"] >= 0.99  # type: ignore[operator]
    assert scored["recall"] >= 0.915  # type: ignore[operator]
    assert scored["f1"] >= 0.95  # type: ignore[operator]


def test_the_peer_reads_the_files_as_a_practitioner_would() -> None:
    from bench.households_case.peer import _numbers, parse_date, split_name

    assert split_name("王先生") == (None, "王", None)
    assert split_name("陈总") == (None, "陈", None)
    assert split_name("欧阳 娜娜") == ("欧阳娜娜", "欧阳", "娜娜")
    assert split_name("未知") == (None, None, None)
    assert [parse_date(d) for d in ("1985-03-02", "1985/3/2", "19850302", "1985年3月2日", "02/03/1985")] == [
        "1985-03-02", "1985-03-02", "1985-03-02", "1985-03-02", None]
    assert list(_numbers("+86 138 1111 2222/0086-13611112222")) == ["13811112222", "13611112222"]
    assert list(_numbers([{"number": "１３８１１１１２２２２", "since": "2020-01-01"}])) == ["13811112222"]
    assert list(_numbers("1.3811112222E10")) == ["13811112222"]

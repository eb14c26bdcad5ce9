"""The event log in plain language: lines, grouping, merging, table and handout."""

from __future__ import annotations

import numpy as np
import pytest

from sim import population
from sim.config import scenarios
from sim.core import exogenous, kernel
from sim.core.mechanisms import mechanisms
from sim.frontends.narrative import COLUMNS, UNKNOWN, Entry, EventLog, case_of, explain, reading, readings, source


def champion_left(month: int = 14, council: str = "Northdale DC", size: float = 0.18) -> Entry:
    return Entry(month, council, "case01_key_person", "01", "its champion left", size)


def test_an_entry_reads_as_one_line() -> None:
    assert champion_left().text == "Month 14 - Northdale DC - its champion left (case 01) - trust with partners -0.18"


def test_an_event_concerning_one_partner_names_it() -> None:
    log = EventLog()
    log.add(14, "Northdale DC", "felt held back by a less mature partner", "case04_maturity_gap", 0.02, "Eastshire CC")
    log.add(15, "Northdale DC", "felt held back by a less mature partner", "case04_maturity_gap", 0.02, "Westmere DC")
    log.add(16, "Southby DC", "feared being subsumed by a larger partner", "case06_scope_tension", 0.04, "Eastshire CC")
    assert log.lines() == [
        "Month 14 - Northdale DC - felt held back by a less mature partner (case 04) - trust in Eastshire CC -0.02",
        "Month 15 - Northdale DC - felt held back by a less mature partner (case 04) - trust in Westmere DC -0.02",
        "Month 16 - Southby DC - feared being subsumed by a larger partner (case 06) - fearing Eastshire CC: commitment -0.04",
    ]
    assert list(log.to_frame()["partner"]) == ["Eastshire CC", "Westmere DC", "Eastshire CC"]


def test_sources_and_sizes() -> None:
    log = EventLog()
    log.add(3, "Westmere DC", "a budget shock hit", "budget_shock", 0.061)
    log.add(9, "", "the business case was approved; integration begins")
    log.add(20, "Eastshire", "the venture is unsustainable below break-even", "case05_commercial_venture", 0.25)
    log.add(21, "Southby DC", "a new champion took up post", "case01_key_person")
    log.add(22, "Southby DC", "something new", "legacy_it", 0.5)
    assert log.lines() == [
        "Month 3 - Westmere DC - a budget shock hit (outside change) - commitment -0.06",
        "Month 9 - the partnership - the business case was approved; integration begins",
        "Month 20 - Eastshire - the venture is unsustainable below break-even (case 05) - revenue 25% short of break-even",
        "Month 21 - Southby DC - a new champion took up post (case 01)",
        "Month 22 - Southby DC - something new (Getting IT right) - size 0.50",
    ]
    assert case_of("budget_shock") == "exogenous" and case_of("") == ""
    assert source("01") == "(case 01)" and source("") == ""
    assert explain("case01_key_person") == "Over-dependency on key personnel (case 01)"
    assert explain("none") == ""


def test_councils_hit_alike_share_a_line() -> None:
    log = EventLog([Entry(7, name, "reorganisation", "exogenous", "local government reorganisation", 0.3) for name in ("A", "B", "C")])
    log.add(7, "D", "local government reorganisation", "reorganisation", 0.2)
    assert log.lines() == [
        "Month 7 - A, B, C - local government reorganisation (outside change) - commitment -0.30",
        "Month 7 - D - local government reorganisation (outside change) - commitment -0.20",
    ]


def test_monthly_repeats_merge_with_their_total() -> None:
    what = "feared being subsumed by a larger partner"
    log = EventLog(Entry(m, "A", "case06_scope_tension", "06", what, 0.01 * m) for m in (50, 51, 52, 60))
    log.add(51, "B", "a budget shock hit", "budget_shock", 0.05)
    assert log.lines() == [
        "Months 50-52 - A - feared being subsumed by a larger partner (case 06) - commitment -1.53 in all",
        "Month 51 - B - a budget shock hit (outside change) - commitment -0.05",
        "Month 60 - A - feared being subsumed by a larger partner (case 06) - commitment -0.60",
    ]


def test_levels_and_sizeless_events_do_not_merge() -> None:
    levels = [Entry(m, "A", "case05_commercial_venture", "05", "the venture is unsustainable below break-even", 0.2) for m in (1, 2)]
    log = EventLog(levels + [Entry(m, "A", "case01_key_person", "01", "a new champion took up post") for m in (3, 4)])
    assert len(log.lines()) == 4


def test_table_and_handout() -> None:
    log = EventLog([champion_left(), champion_left(15, "Westmere DC", 0.1)])
    table = log.to_frame()
    assert list(table.columns) == list(COLUMNS)
    assert table.month.tolist() == [14, 15]
    assert table.text[0] == champion_left().text
    text = log.to_markdown("A partnership", ["**Outcome:** collapsed"])
    assert text == (
        "# A partnership\n\n**Outcome:** collapsed\n\n## Timeline\n\n"
        "- Month 14 - Northdale DC - its champion left (case 01) - trust with partners -0.18\n"
        "- Month 15 - Westmere DC - its champion left (case 01) - trust with partners -0.10\n"
    )
    assert EventLog().to_markdown().endswith("- nothing happened\n")
    assert list(EventLog().to_frame().columns) == list(COLUMNS)


@pytest.mark.parametrize("scenario", scenarios.available("scenario"))
def test_every_kind_of_kernel_event_has_a_reading(scenario: str) -> None:
    reps = np.arange(120)
    P = population.build(scenarios.load(scenario), 1, reps)
    log: list[kernel.Event] = []
    kernel.run(P, reps, 1, log)
    assert {e.what for e in log} <= set(readings())


def test_readings_come_from_the_contracts_of_the_registry() -> None:
    """The READINGS table is gone: every event of every registered mechanism and of exogenous change reads as declared."""
    found = readings()
    for m in mechanisms():
        for event in m.events.values():
            assert found[event.what] == event.reading
    for event, _ in exogenous.EVENTS.values():
        assert found[event.what] == event.reading
    assert len(found) == len(exogenous.EVENTS) + sum(len(m.events) for m in mechanisms())
    assert reading("a milestone the front-end logs") == UNKNOWN

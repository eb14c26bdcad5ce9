"""The cases table and the case scenarios: each differs from the baseline only where it says so."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from sim.config.cases import BY_ID, CASES
from sim.config.scenarios import available, config_root, load
from sim.core.levers import NAMES as LEVERS
from sim.core.mechanisms import by_name

BY_NAME = by_name()

#: A comment that cites a source by name, or quotes the case's text.
CITATION = re.compile(r"#.*(Guide 08|Getting IT right|\")")


def flatten(value: Any, path: str = "", reference: Any = None) -> dict[str, Any]:
    """Leaves of nested data as ``path -> value``; a list whose length differs from ``reference`` is one leaf."""
    if isinstance(value, dict) and "dist" not in value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            ref = reference.get(key) if isinstance(reference, dict) else None
            out.update(flatten(item, f"{path}.{key}" if path else key, ref))
        return out
    if isinstance(value, list) and isinstance(reference, list) and len(reference) == len(value) and all(isinstance(v, dict) for v in value):
        out = {}
        for i, item in enumerate(value):
            out.update(flatten(item, f"{path}[{i}]", reference[i]))
        return out
    return {path: value}


def declared_paths(scenario: str, baseline: dict[str, Any]) -> set[str]:
    raw = yaml.safe_load((config_root() / "scenario" / f"{scenario}.yaml").read_text())
    raw.pop("defaults", None)
    return set(flatten(raw, reference=baseline))


def differing_paths(case: dict[str, Any], baseline: dict[str, Any]) -> set[str]:
    mine, base = flatten(case, reference=baseline), flatten(baseline, reference=case)
    return {path for path in mine.keys() | base.keys() if mine.get(path) != base.get(path)}


def test_table_names_real_mechanisms_scenarios_and_levers() -> None:
    assert [c.id for c in CASES] == [f"0{i}" for i in range(1, 8)]
    for case in CASES:
        assert case.mechanism in BY_NAME
        assert BY_NAME[case.mechanism].case == case.id
        assert case.scenario in available("scenario")
        assert set(case.levers) <= set(LEVERS)
        assert set(case.failure) <= {"shelved", "collapsed", "underperforming"}
        assert case.cause == BY_NAME[case.mechanism].cause
    assert BY_ID["05"].levers == ("market_testing",)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.scenario)
def test_case_scenario_differs_from_baseline_only_in_declared_fields(case) -> None:
    """Every difference from the baseline is declared in the case's file.

    A scenario that changes one council restates the whole list of councils (Hydra replaces
    lists), so declared council fields may equal the baseline's; every other declared field differs.
    """
    baseline = load("baseline").to_dict()
    scenario = load(case.scenario).to_dict()
    declared = declared_paths(case.scenario, baseline)
    differing = differing_paths(scenario, baseline)
    assert declared, "a case scenario must declare what makes it the case"
    assert differing, "a case scenario must differ from the baseline"
    assert differing <= declared, f"{case.scenario} differs from the baseline in undeclared fields {sorted(differing - declared)}"
    restated = declared - differing
    assert all(path.startswith("councils[") for path in restated), f"{case.scenario} declares fields equal to the baseline's: {sorted(restated)}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.scenario)
def test_every_declared_section_cites_a_passage(case) -> None:
    """Each section of a case's file cites its source, or quotes the case's text, in a comment above it or among its fields."""
    lines = (config_root() / "scenario" / f"{case.scenario}.yaml").read_text().splitlines()
    sections = [i for i, line in enumerate(lines) if re.match(r"^[a-z_]+:", line) and not line.startswith("defaults")]
    for start in sections:
        stop = next((j for j in sections if j > start), len(lines))
        above = start
        while above > 0 and lines[above - 1].lstrip().startswith("#"):
            above -= 1
        comments = lines[above:start] + [line for line in lines[start + 1 : stop] if line.lstrip().startswith("#") or "#" in line]
        assert any(CITATION.search(line) for line in comments), f"{lines[start]} in {case.scenario} cites no passage"


@pytest.mark.parametrize("scenario", available("scenario"))
def test_every_mechanism_is_active_in_every_scenario(scenario: str) -> None:
    config = load(scenario)
    assert all(params.enabled for params in config.mechanisms.values())
    assert set(config.mechanisms) == set(BY_NAME)


def test_a_case_is_found_by_its_number_however_written_and_an_unknown_one_is_told_in_one_line() -> None:
    """Notebook 03 invites ``show_scenario("01", exact=True)``: ``show_scenario("1")`` or ``show_lever("8")`` stopped with a bare KeyError."""
    from sim.config.cases import case
    from sim.config.checks import ConfigError

    assert case("01") is case("1") is case(1) is BY_ID["01"]
    with pytest.raises(ConfigError) as unknown:
        case("8")
    assert unknown.value.problems == ["case = '8' is not one of Guide 08's cases (available: 01, 02, 03, 04, 05, 06, 07)"]

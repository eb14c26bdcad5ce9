"""Config validation: every problem at once, one line each, naming field, value and allowed range."""

from __future__ import annotations

import pytest

from sim.config.checks import ConfigError
from sim.config.model import MAX_COUNCILS, MIN_COUNCILS, SECTIONS, ModelConfig, checked, model_config
from sim.core.declare import default_of
from sim.core.mechanisms import mechanisms

GOOD = [{}, {}]


def problems(**raw) -> list[str]:
    """The problems model_config reports for ``raw`` (councils default to two)."""
    raw.setdefault("councils", [{}, {}])
    with pytest.raises(ConfigError) as info:
        model_config(raw)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def test_defaults_make_a_complete_config():
    cfg = model_config({"councils": GOOD})
    assert isinstance(cfg, ModelConfig) and cfg.n_councils == 2
    assert cfg.partnership.horizon_months == default_of(type(cfg.partnership), "horizon_months")
    assert all(m.enabled for m in cfg.mechanisms.values())
    assert not any(lv.enabled for lv in cfg.levers.values())


def test_a_config_round_trips_through_plain_data():
    cfg = model_config({"councils": [{"it_maturity": 0.3}, {"it_maturity": {"dist": "beta", "a": 2, "b": 5}}]})
    assert model_config(cfg.to_dict()) == cfg


def test_the_example_from_the_issue():
    assert problems(councils=[{}, {"it_maturity": 1.7}]) == ["councils[1].it_maturity = 1.7 is outside [0, 1]"]


def test_all_problems_are_reported_at_once_in_order():
    found = problems(
        councils=[{"size": 0}, {"it_maturity": 1.7, "tier": "parish"}],
        partnership={"horizon_months": 5},
        mechanisms={"case01": {"specialist_hazard": -0.1}, "case99": {}},
        levers={"continuity_plan": {"strength": 2}},
    )
    assert found == [
        "councils[0].size = 0 is outside [0.1, 20]",
        "councils[1].it_maturity = 1.7 is outside [0, 1]",
        "councils[1].tier = 'parish' is not one of district, county, unitary, metropolitan, london_borough, other_public_body",
        "partnership.horizon_months = 5 is outside [12, 600]",
        "mechanisms.case01.specialist_hazard = -0.1 is outside [0, 1]",
        f"mechanisms.case99 is not known (known: {', '.join(m.name for m in mechanisms())})",
        "levers.continuity_plan.strength = 2 is outside [0, 1]",
    ]


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ({"partnership": {"horizon_months": 24.5}}, "partnership.horizon_months = 24.5 is not a whole number (allowed: [12, 600])"),
        ({"partnership": {"horizon_months": float("nan")}}, "partnership.horizon_months = nan is outside [12, 600]"),
        ({"partnership": {"horizon_months": float("inf")}}, "partnership.horizon_months = inf is outside [12, 600]"),
        ({"councils": [{"size": "big"}, {}]}, "councils[0].size = 'big' is not a number (allowed: [0.1, 20])"),
        ({"councils": [{"size": True}, {}]}, "councils[0].size = True is not a number (allowed: [0.1, 20])"),
        ({"councils": [{"pace": float("nan")}, {}]}, "councils[0].pace = nan is outside [0, 1]"),
        ({"councils": [{"name": 3}, {}]}, "councils[0].name = 3 must be text"),
        ({"mechanisms": {"case04": {"enabled": "no"}}}, "mechanisms.case04.enabled = 'no' must be true or false"),
        ({"exogenous": {"turnover_hazard": {"dist": "beta", "a": 1, "b": 50}}}, "exogenous.turnover_hazard must be a fixed value, not a distribution"),
        ({"partnership": {"min_partners": 3}}, "partnership.min_partners = 3 is outside [1, 2] (the number of councils)"),
        (
            {"decisions": {"weight_savings": 0.5, "weight_service": 0.5}},
            "decisions.weight_savings + weight_service + weight_fit + weight_trust = 1.4 must be 1 (they share out the value a council sees)",
        ),
        ({"decisions": {"memory": 0.0}}, "decisions.memory = 0 is outside [0.001, 1]"),
        ({"councils": [3, {}]}, "councils[0] must be a mapping of parameters, got 3"),
    ],
)
def test_a_bad_value_gives_one_line_naming_field_value_and_range(raw, line):
    assert problems(**raw) == [line]


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ({"councils": [{"colour": "red"}, {}]}, "councils[0].colour is not a parameter"),
        ({"partnership": {"colour": "red"}}, "partnership.colour is not a parameter"),
        ({"dynamics": {"speed": 1}}, "dynamics.speed is not a parameter"),
        ({"decisions": {"exit_threshold": 0.3}}, "decisions.exit_threshold is not a parameter"),
        ({"councils": [{"exit_threshold": 0.3}, {}]}, "councils[0].exit_threshold is not a parameter"),
        ({"mechanisms": {"case01": {"hazard": 0.1}}}, "mechanisms.case01.hazard is not a parameter"),
        ({"levers": {"magic": {"enabled": True}}}, "levers.magic is not known"),
        (
            {"partnerships": {"horizon_months": 24}},
            "partnerships is not a section (known: councils, partnership, dynamics, decisions, exogenous, mechanisms, levers)",
        ),
    ],
)
def test_unknown_keys_are_refused(raw, line):
    [found] = problems(**raw)
    assert found.startswith(line)


@pytest.mark.parametrize("k", [0, 1, MAX_COUNCILS + 1, 12])
def test_two_to_eight_councils(k):
    councils = "1 council" if k == 1 else f"{k} councils"  # not "1 councils"
    assert problems(councils=[{}] * k) == [f"councils has {councils}; allowed: {MIN_COUNCILS} to {MAX_COUNCILS}"]


@pytest.mark.parametrize("k", [MIN_COUNCILS, MAX_COUNCILS])
def test_the_ends_of_the_council_range_are_accepted(k):
    assert model_config({"councils": [{}] * k}).n_councils == k


@pytest.mark.parametrize(("councils", "kind"), [(None, "NoneType"), ({"a": {}}, "dict")])
def test_councils_must_be_a_list(councils, kind):
    assert problems(councils=councils) == [f"councils must be a list of 2 to 8 councils, got {kind}"]


@pytest.mark.parametrize(
    ("field", "node", "line"),
    [
        ("it_maturity", {"dist": "gamma", "a": 2}, "councils[0].it_maturity.dist = 'gamma' is not a distribution (allowed: beta, uniform"),
        ("it_maturity", {"dist": "beta", "a": 2}, "councils[0].it_maturity.b is missing (beta needs a, b)"),
        ("it_maturity", {"dist": "beta", "a": 2, "b": 5, "c": 1}, "councils[0].it_maturity.c is not a parameter of beta (allowed: a, b)"),
        ("it_maturity", {"dist": "beta", "a": 0, "b": 5}, "councils[0].it_maturity.a = 0 must be > 0"),
        ("it_maturity", {"dist": "beta", "a": "x", "b": 5}, "councils[0].it_maturity.a = 'x' is not a number"),
        ("size", {"dist": "beta", "a": 2, "b": 2}, "councils[0].size: beta draws lie in [0, 1] but the allowed range is [0.1, 20]"),
        ("it_maturity", {"dist": "uniform", "low": 0.8, "high": 0.2}, "councils[0].it_maturity: needs low <= high, got 0.8, 0.2"),
        ("it_maturity", {"dist": "uniform", "low": -0.5, "high": 0.2}, "councils[0].it_maturity.low = -0.5 is outside [0, 1]"),
        ("it_maturity", {"dist": "triangular", "low": 0.1, "mode": 0.9, "high": 0.5}, "councils[0].it_maturity: needs low <= mode <= high, got 0.1, 0.9, 0.5"),
        (
            "contract_end_month",
            {"dist": "randint", "low": 0.5, "high": 3},
            "councils[0].contract_end_month.low = 0.5 is not a whole number (allowed: [0, 600])",
        ),
        ("it_maturity", {"dist": "normal", "mean": 0.5, "sd": -1}, "councils[0].it_maturity.sd = -1 must be >= 0"),
        ("it_maturity", {"dist": "normal", "mean": 2, "sd": 0.1}, "councils[0].it_maturity.mean = 2 is outside [0, 1]"),
        ("tier", {"dist": "uniform", "low": 0, "high": 1}, "councils[0].tier.dist = uniform cannot draw a category (use choice with values from district"),
        ("tier", {"dist": "choice", "values": ["district", "parish"]}, "councils[0].tier.values[1] = 'parish' is not one of district, county"),
        ("tier", {"dist": "choice", "values": []}, "councils[0].tier.values is empty"),
        ("tier", {"dist": "choice", "values": "district"}, "councils[0].tier.values = 'district' must be a list"),
        ("size", {"dist": "choice", "values": 3}, "councils[0].size.values = 3 must be a list"),
        ("size", {"dist": "choice", "values": [1, 2], "p": 0.5}, "councils[0].size.p = 0.5 must be a list"),
        ("size", {"dist": "choice", "values": [1, 2], "p": [1.0]}, "councils[0].size.p has 1 entries for 2 values"),
        ("size", {"dist": "choice", "values": [1, 2], "p": [0.7, 0.7]}, "councils[0].size.p = [0.7, 0.7] must be non-negative and sum to 1"),
        ("size", {"dist": "choice", "values": [1, 50]}, "councils[0].size.values[1] = 50 is outside [0.1, 20]"),
    ],
)
def test_bad_distribution_nodes(field, node, line):
    [found] = problems(councils=[{field: node}, {}])
    assert found.startswith(line)


def test_good_distribution_nodes_are_accepted():
    nodes = {
        "it_maturity": {"dist": "beta", "a": 2, "b": 5},
        "pace": {"dist": "uniform", "low": 0.2, "high": 0.2},
        "size": {"dist": "triangular", "low": 0.6, "mode": 1.0, "high": 6.0},
        "orientation": {"dist": "normal", "mean": 0.5, "sd": 0.0},
        "contract_end_month": {"dist": "randint", "low": 0, "high": 36},
        "tier": {"dist": "choice", "values": ["district", "county"], "p": [0.25, 0.75]},
    }
    cfg = model_config({"councils": [nodes, {}]})
    assert cfg.councils[0].tier == nodes["tier"]


def test_integer_fields_become_integers():
    cfg = model_config({"councils": GOOD, "partnership": {"horizon_months": 24.0}})
    assert cfg.partnership.horizon_months == 24 and isinstance(cfg.partnership.horizon_months, int)


def test_every_registered_mechanism_gets_its_default_parameters():
    cfg = model_config({"councils": GOOD})
    assert list(cfg.mechanisms) == [m.name for m in mechanisms()]
    assert all(isinstance(cfg.mechanisms[m.name], m.params) for m in mechanisms())
    assert set(cfg.to_dict()) == set(SECTIONS)


def test_checked_checks_a_config_changed_after_it_was_built():
    cfg = model_config({"councils": GOOD})
    assert checked(cfg) == cfg and checked(cfg) is not cfg
    cfg.councils[0].it_maturity = 1.7
    cfg.partnership.horizon_months = 5
    with pytest.raises(ConfigError) as info:
        checked(cfg)
    assert info.value.problems == ["councils[0].it_maturity = 1.7 is outside [0, 1]", "partnership.horizon_months = 5 is outside [12, 600]"]
    with pytest.raises(ConfigError) as info:
        checked({"councils": GOOD})
    made = "make one with sim.load(scenario, policy) or sim.partnership(...)"
    assert info.value.problems == [f"config = {{'councils': [{{}}, {{}}]}} is not a model configuration: {made}"]

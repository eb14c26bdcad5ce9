"""Named scenarios and policies composed with Hydra, command-line style overrides, checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra.errors import ConfigCompositionException

from sim.config.checks import ConfigError
from sim.config.scenarios import available, changed, compose_run, config_root, load, model_sections


@pytest.fixture(scope="module")
def baseline():
    return load()


def test_the_baseline_is_a_population_of_four_council_partnerships(baseline):
    assert baseline.n_councils == 4
    assert isinstance(baseline.councils[3].tier, dict) and baseline.councils[3].tier["dist"] == "choice"
    assert all(m.enabled for m in baseline.mechanisms.values())
    assert not any(lv.enabled for lv in baseline.levers.values())
    assert {"baseline"} <= set(available("scenario")) and {"none"} <= set(available("policy"))


def test_a_plain_number_on_the_command_line_is_a_fixed_value(baseline):
    cfg = load("baseline", "none", ["councils.0.it_maturity=0.3"])
    assert cfg.councils[0].it_maturity == 0.3
    assert cfg.councils[1].it_maturity == baseline.councils[1].it_maturity


@pytest.mark.parametrize(
    ("scenario", "policy", "section", "name", "value"),
    [
        ("case07_premature_rebrand", "reputation_first", "decisions", "noise", 0.04),
        ("case03_misaligned_aspirations", "none", "partnership", "enthusiasm", 0.0),
        ("case01_key_person", "none", "exogenous", "reorganisation_hazard", 0.000417),
    ],
)
def test_a_change_to_a_loaded_config_is_what_composing_it_as_an_override_gives(scenario, policy, section, name, value):
    base = load(scenario, policy)
    assert changed(base, {section: {name: value}}) == load(scenario, policy, [f"{section}.{name}={value!r}"])
    assert changed(base, {section: {name: value}}) != base


def test_a_change_out_of_range_fails_as_loading_it_would(baseline):
    with pytest.raises(ConfigError, match=r"decisions\.noise = -1"):
        changed(baseline, {"decisions": {"noise": -1.0}})


def test_a_distribution_on_the_command_line(baseline):
    cfg = load("baseline", "none", ["councils.0.it_maturity={dist: beta, a: 2, b: 5}", "councils.1.pace='beta(3, 4)'"])
    assert cfg.councils[0].it_maturity == {"dist": "beta", "a": 2, "b": 5}
    assert cfg.councils[1].pace == {"dist": "beta", "a": 3, "b": 4}


def test_a_mechanism_can_be_switched_off(baseline):
    cfg = load("baseline", "none", ["mechanisms.case04.enabled=false"])
    assert cfg.mechanisms["case04"].enabled is False
    assert all(m.enabled for name, m in cfg.mechanisms.items() if name != "case04")


def test_a_policy_switches_its_levers_on():
    cfg = load("baseline", "continuity_plan")
    assert cfg.levers["continuity_plan"].enabled


def test_a_bad_value_fails_with_its_one_line():
    with pytest.raises(ConfigError) as info:
        load("baseline", "none", ["councils.0.it_maturity=1.7", "partnership.horizon_months=5"])
    assert info.value.problems == ["councils[0].it_maturity = 1.7 is outside [0, 1]", "partnership.horizon_months = 5 is outside [12, 600]"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nowhere", "none"), "scenario = 'nowhere' is not known (available: baseline, "),
        (("baseline", "nothing"), "policy = 'nothing' is not known (available: "),
    ],
)
def test_an_unknown_scenario_or_policy_names_those_available(args, message):
    with pytest.raises(ValueError) as info:
        load(*args)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("baseline", "Continuity plan"), "continuity_plan"),
        (("baseline", "continuity plan"), "continuity_plan"),
        (("baseline", "IT harmonisation first"), "it_harmonisation_first"),
        (("baseline", "All levers"), "all_levers"),
        (("baseline", "No lever"), "none"),
        (("baseline", "reputation_frist"), "reputation_first"),
        (("Well run", "none"), "well_run"),
        (("case04", "none"), "case04_trading_company"),
        (("Case 01", "none"), "case01_key_person"),
    ],
)
def test_a_title_typed_for_a_name_is_offered_the_name_not_taken_for_it(args, name):
    """``policy="Continuity plan"`` (a lever's title, as sentences and the trainer show it) got the list of policies but no suggestion."""
    with pytest.raises(ValueError) as info:
        load(*args)
    given = args[1] if args[0] == "baseline" else args[0]
    assert str(info.value).startswith(f"{'policy' if args[0] == 'baseline' else 'scenario'} = {given!r} is not known (did you mean {name}?) (available: ")


def test_one_override_given_as_text_is_one_override_not_one_per_letter():
    """``sim.load("baseline", "none", "councils.0.it_maturity=0.3")`` (a text for the list) gave a line per letter: "c cannot
    be read as an override", "o cannot be ...": it is one override, as ``sim.PartnershipModel`` takes it."""
    assert load("baseline", "none", "councils.0.it_maturity=0.3") == load("baseline", "none", ["councils.0.it_maturity=0.3"])
    with pytest.raises(ConfigError) as info:
        load("baseline", "none", ["councils.0.it_maturity=0.3", 3])
    assert info.value.problems == ["overrides: 3 is not text: give key=value lines, e.g. ['councils.0.it_maturity=0.3']"]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("baseline", ["continuity_plan", "open_motivations"]),
            "policy = ['continuity_plan', 'open_motivations'] is not a policy's name (e.g. 'continuity_plan'; sim.available('policy') lists them);"
            " to switch on several levers at once, add overrides such as ['levers.open_motivations.enabled=true']",
        ),
        ((None,), "scenario = None is not a scenario's name (e.g. 'baseline'; sim.available('scenario') lists them)"),
    ],
)
def test_a_scenario_or_policy_that_is_not_a_name_is_one_line(args, line):
    """``sim.load("baseline", ["continuity_plan", "open_motivations"])`` (two levers at once) and ``sim.load(None)`` gave
    AttributeError: 'list' object has no attribute 'replace'."""
    with pytest.raises(ConfigError) as info:
        load(*args)
    assert info.value.problems == [line]


def test_an_unknown_key_is_refused_by_hydra():
    with pytest.raises(ConfigCompositionException):
        load("baseline", "none", ["partnership.colour=red"])


def test_a_users_own_scenario_folder(tmp_path):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "pair.yaml").write_text("# @package _global_\ncouncils:\n  - {name: A, it_maturity: 0.9}\n  - {name: B, it_maturity: 0.1}\n")
    cfg = load("pair", "none", config_dir=tmp_path)
    assert [c.name for c in cfg.councils] == ["A", "B"] and cfg.councils[1].it_maturity == 0.1
    assert "pair" in available("scenario", tmp_path)


def test_a_config_folder_that_is_not_there_or_holds_no_scenarios_is_named(tmp_path):
    """sim.load("ours", config_dir=...) with a mistyped folder said only that the scenario is not known."""
    with pytest.raises(ConfigError) as info:
        load("ours", config_dir=tmp_path / "nowhere")
    assert info.value.problems == [f"config_dir = {str(tmp_path / 'nowhere')!r} is not a folder: give the folder that holds your scenario/ and policy/ folders"]
    with pytest.raises(ConfigError) as info:
        load("ours", config_dir=tmp_path)
    assert str(info.value).startswith("scenario = 'ours' is not known") and str(info.value).endswith(f"({str(tmp_path)!r} has no scenario/ folder)")


def test_a_council_named_by_its_index_in_brackets_is_given_the_dotted_path():
    """councils[0].it_maturity=0.9, the path as error lines print it, failed with Hydra's parse error blaming the value's quoting."""
    with pytest.raises(ConfigError) as info:
        load("baseline", "none", ["councils[0].it_maturity=0.9", "councils.1.it_maturity=0.5"])
    assert info.value.problems == [
        "councils[0].it_maturity cannot be set as written: a council (or other list item) is named by its position after a dot, councils.0.it_maturity=0.9"
    ]


@pytest.mark.parametrize("scenario", available("scenario"))
def test_every_named_scenario_loads(scenario):
    cfg = load(scenario, "none")
    assert 2 <= cfg.n_councils <= 8


@pytest.mark.parametrize("policy", available("policy"))
def test_every_named_policy_loads_and_switches_on_only_levers(policy):
    cfg = load("baseline", policy)
    on = {name for name, lever in cfg.levers.items() if lever.enabled}
    assert (policy == "none") == (not on)
    assert policy in on or policy in ("none", "all_levers")


def test_all_levers_switches_on_every_lever():
    from sim.core.levers import NAMES

    off = [name for name, lever in load("baseline", "all_levers").levers.items() if not lever.enabled]
    assert not off, f"configs/policy/all_levers.yaml leaves {', '.join(off)} off: add `<name>: {{enabled: true}}` under levers for each"
    assert list(load("baseline", "all_levers").levers) == list(NAMES)


def test_the_composed_run_config_holds_settings_and_the_model_sections():
    cfg = compose_run("baseline", "continuity_plan", ["seed=7"])
    assert cfg.seed == 7 and cfg.replications == 4000 and cfg.workers is None
    assert model_sections(cfg) == load("baseline", "continuity_plan")
    assert (config_root() / "scenario" / "baseline.yaml").is_file()


def test_each_policy_file_says_what_its_lever_is_and_acts_on_as_the_lever_table_does() -> None:
    from sim.config.scenarios import config_root
    from sim.core.levers import LEVERS

    for lever in LEVERS:
        lines = (config_root() / "policy" / f"{lever.name}.yaml").read_text().splitlines()
        assert lines[1] == f"# Lever {lever.name} ({lever.source}): {lever.learning}", lever.name
        assert lines[2] == f"# Acts on: {lever.targets}", lever.name


def test_no_function_defaults_or_starts_its_policy_at_the_literal_none():
    """sim.load, compose_run, PartnershipModel, discover.council_names and validation's runs each defaulted their policy to
    "none" (and the commands' reading of a config file started from it), typed again beside sim.config.settings.NO_POLICY:
    every policy default is now that one name."""
    import ast

    import sim.config.settings

    root = Path(sim.config.settings.__file__).resolve().parents[1]
    typed = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                positional = [*node.args.posonlyargs, *node.args.args]
                with_defaults = positional[len(positional) - len(node.args.defaults) :]
                pairs = [*zip(with_defaults, node.args.defaults, strict=True), *zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)]
                typed += [
                    f"{path.relative_to(root)}:{node.lineno} {node.name}({argument.arg})"
                    for argument, default in pairs
                    if "policy" in argument.arg and isinstance(default, ast.Constant) and default.value == "none"
                ]
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                (target,) = node.targets
                pairs = (
                    zip(target.elts, node.value.elts, strict=False)
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                    else [(target, node.value)]
                )
                typed += [
                    f"{path.relative_to(root)}:{node.lineno} {name.id} ="
                    for name, value in pairs
                    if isinstance(name, ast.Name) and "policy" in name.id and isinstance(value, ast.Constant) and value.value == "none"
                ]
    assert not typed, typed

"""``sim.run`` and ``sim.compare``: bad settings and a count of fewer than two parameter draws, by the command line's rule (one shared function)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import sim
from sim.config.checks import ConfigError
from sim.config.posterior import shipped_path
from sim.config.scenarios import load
from sim.config.uncertainty import draws_problem


def test_the_rule_names_the_count_the_draws_and_what_is_needed():
    assert draws_problem(400, 200, "prior") is None
    assert draws_problem(399, 200, "prior") == (
        "replications = 399 gives fewer than two parameter draws of replications_per_draw = 200: uncertainty=prior needs replications >= 400"
    )


def test_the_default_mode_gives_way_and_says_so_in_the_summary():
    with pytest.warns(UserWarning, match="uncertainty=posterior needs replications >= 50"):
        summary = sim.run(load("baseline"), seed=3, replications=20)
    assert summary["uncertainty"]["mode"] == "none"


def test_a_named_mode_is_refused_with_the_same_line():
    with pytest.raises(ConfigError) as refused:
        sim.run(load("baseline"), seed=3, replications=20, uncertainty="prior", replications_per_draw=15)
    assert refused.value.problems == [draws_problem(20, 15, "prior")]


def test_a_bad_replications_per_draw_is_refused_before_anything_runs():
    with pytest.raises(ConfigError, match="replications_per_draw = 1 must be a whole number >= 2"):
        sim.run(load("baseline"), seed=3, replications=20, replications_per_draw=1)


def test_no_replications_is_refused_naming_the_count_before_anything_runs(recwarn):
    """replications=0 passed the check as 1, warned that the default mode gives way, then failed with 'nothing to summarise'."""
    with pytest.raises(ConfigError) as refused:
        sim.run(load("baseline"), seed=3, replications=0)
    assert refused.value.problems == ["replications = 0 is outside [1, 100000000]"]  # sim-run's line
    assert not recwarn.list


def test_run_refuses_a_count_seed_or_worker_count_the_command_refuses_with_its_lines_all_at_once():
    """replications="4000" raised TypeError ("must be a whole number") and stopped at the first problem; sim-run lists each."""
    with pytest.raises(ConfigError) as refused:
        sim.run(load("baseline"), seed=-1, replications="4000", workers=0)
    assert refused.value.problems == [
        "replications = '4000' is not a number (allowed: [1, 100000000])",
        "seed = -1 is outside [0, 9223372036854775807]",
        "workers = 0 is outside [1, 1024]",
    ]


def test_a_comparison_prints_as_the_commands_text_and_stays_a_dataframe(tmp_path):
    """README's print(sim.compare(...)) showed '[3 rows x 93 columns]' of a truncated table."""
    frame = sim.compare("baseline", ["none", "continuity_plan"], replications=100, seed=1)
    text = str(frame)
    assert text.startswith("What each policy changed, compared with no lever on the same simulated partnerships:")  # it said "with none"
    assert "Continuity plan, compared with no lever," in text and "Uncertainty: posterior." in text and "columns]" not in text
    assert isinstance(frame, pd.DataFrame) and list(frame["policy"]) == ["none", "continuity_plan"]
    part = frame.iloc[1:]
    assert type(part) is pd.DataFrame and "continuity_plan" in str(part)  # a slice prints as a table
    frame.to_pickle(tmp_path / "comparison.pkl")
    assert pd.read_pickle(tmp_path / "comparison.pkl").equals(frame)


def test_compare_refuses_a_count_the_command_refuses_with_the_same_line():
    with pytest.raises(ConfigError) as refused:
        sim.compare("baseline", ["none", "continuity_plan"], replications=1, seed=1)
    assert refused.value.problems == ["replications = 1 is outside [2, 100000000]"]


def test_compare_follows_the_command_rule_on_too_few_draws():
    with pytest.warns(UserWarning, match="uncertainty=posterior needs replications >= 50"):
        frame = sim.compare("baseline", ["none", "continuity_plan"], replications=30, seed=1)
    assert frame.attrs["uncertainty"] == "none"
    with pytest.raises(ConfigError) as refused:
        sim.compare("baseline", ["none", "continuity_plan"], replications=30, seed=1, uncertainty="prior")
    assert refused.value.problems == [draws_problem(30, 25, "prior")]


@pytest.mark.parametrize("precision", [5, 0.0001, "0.01"])
def test_run_refuses_a_precision_the_command_refuses_with_the_same_line(precision):
    """sim.run(config, precision=5) ran (a half-width of 500 points) where sim-run refuses it, as it refuses 0.0001 and text."""
    from sim.config.settings import RunSettings, setting_problems

    with pytest.raises(ConfigError) as refused:
        sim.run(load("baseline"), seed=1, precision=precision)
    assert refused.value.problems == setting_problems(RunSettings, "precision", precision) != []


def test_run_and_compare_refuse_a_fixed_name_that_is_no_assumption_one_line_each():
    """fixed=["it_maturity"] (a council's attribute) and a misspelt path were ignored: the run drew them anyway, saying nothing."""
    with pytest.raises(ConfigError) as refused:
        sim.run(load("baseline"), seed=1, replications=100, fixed=["it_maturity", "decisions.memroy", "decisions.memory"])
    assert [line.split(" (e.g.")[0] for line in refused.value.problems] == [
        "fixed = 'it_maturity' is not the path of an assumption the run draws",
        "fixed = 'decisions.memroy' is not the path of an assumption the run draws (did you mean decisions.memory?)",
    ]
    with pytest.raises(ConfigError) as refused:
        sim.compare("baseline", ["none", "continuity_plan"], replications=100, fixed="decisions.memory")
    assert refused.value.problems == ["fixed = 'decisions.memory' must be a list of assumption paths, e.g. ['decisions.memory']"]


@pytest.mark.parametrize(
    ("call", "line"),
    [
        (
            lambda ours: sim.compare(ours, ["none", "staged_scope"], replication=50),
            "sim.compare: replication= is not one of its arguments (did you mean replications?)",
        ),
        (lambda ours: sim.compare(ours, policy=["none", "staged_scope"]), "sim.compare: policy= is not one of its arguments (did you mean policies?)"),
        (lambda ours: sim.run_ensemble(ours, replications=50), "sim.run_ensemble: seed is missing (it has no default)"),
        (lambda ours: sim.run(ours, replicatons=50), "sim.run: replicatons= is not one of its arguments (did you mean replications?)"),
        # read 4000 as the seed and ran the default 4,000 replications of seed 4000 (sim.run_ensemble takes replications first)
        (lambda ours: sim.run(ours, 40), "sim.run: 2 arguments given by position, where it takes only config so: give the others by name"),
        (lambda ours: sim.PartnershipModel(scenario="baseline"), "sim.PartnershipModel: scenario= is not one of its arguments (did you mean scenario_name?)"),
        (lambda ours: sim.load("baseline", polcy="none"), "sim.load: polcy= is not one of its arguments (did you mean policy?)"),
        (
            lambda ours: sim.council("Our District", "district"),
            "sim.council: 2 arguments given by position, where it takes only name so: give the others by name",
        ),
        (lambda ours: sim.summarise(None, horizn=36), "sim.summarise: horizn= is not one of its arguments (did you mean horizon?)"),
    ],
)
def test_a_misspelt_or_missing_argument_of_the_facade_is_one_line_naming_the_one_meant(call, line):
    """A notebook's ``sim.compare(ours, POLICIES, replication=600)`` gave Python's traceback ending "got an unexpected keyword
    argument 'replication'", naming no argument the function takes: now one line (the notebook shows no traceback)."""
    ours = sim.partnership([sim.council("Our District"), sim.council("Neighbour District")])
    with pytest.raises(ConfigError) as refused:
        call(ours)
    assert refused.value.problems[0].startswith(line), refused.value.problems
    assert refused.value._render_traceback_()[0] == f"ConfigError: {refused.value.problems[0]}"


@pytest.mark.parametrize("call", [lambda: sim.run("baseline", replications=20), lambda: sim.run_ensemble("baseline", replications=20, seed=1)])
def test_a_scenarios_name_given_for_a_configuration_is_one_line(call):
    """``sim.run("baseline")`` (``sim.compare`` takes a name) gave AttributeError: 'str' object has no attribute 'partnership', and
    ``sim.run_ensemble("baseline", ...)`` "parameter draws are made from one configuration: give one ModelConfig and no point_of_rep"."""
    with pytest.raises(ConfigError) as refused:
        call()
    assert refused.value.problems == ["config = 'baseline' is not a model configuration: make one with sim.load('baseline') or sim.partnership(...)"]


def test_policies_given_as_a_set_are_refused_naming_them():
    """``sim.compare(ours, {"none", "continuity_plan"})`` ran: a set has no order, so which policy was the reference every other was
    compared with depended on Python's string hashing, one process to the next. It is refused as sim-compare refuses a policies value
    that is not a list; a tuple is a list in its order."""
    ours = sim.partnership([sim.council("Our District"), sim.council("Neighbour District")])
    policies = {"none", "continuity_plan"}
    with pytest.raises(ConfigError) as refused:
        sim.compare(ours, policies, replications=40, seed=2, uncertainty="none")
    assert refused.value.problems == [f"policies = {policies!r} must be a list of at least two policy names, e.g. [none,continuity_plan]"]
    frame = sim.compare(ours, ("none", "continuity_plan"), replications=40, seed=2, uncertainty="none")
    assert list(frame["policy"]) == ["none", "continuity_plan"]


@pytest.mark.parametrize("scenario", ["baseline", "ours"])
def test_a_config_dir_that_is_not_a_path_is_one_line(scenario):
    """``sim.compare(..., config_dir=3)`` (``sim.load`` alike) ended in pathlib's TypeError 'argument should be a str or an
    os.PathLike object ..., not 'int'' from deep inside, naming no argument of the call."""
    ours = sim.partnership([sim.council("Our District"), sim.council("Neighbour District")])
    with pytest.raises(ConfigError) as refused:
        sim.compare(ours if scenario == "ours" else scenario, ["none", "continuity_plan"], replications=40, seed=2, config_dir=3, uncertainty="none")
    assert refused.value.problems == ["config_dir = 3 is not a folder's path: give the folder that holds your scenario/ and policy/ folders"]


def test_a_comparison_says_what_each_lever_is_and_is_assumed_to_do():
    """print(sim.compare(ours, ["none", "staged_scope"])) said Staged scope 'costs GBP 0.03 m per partnership' and what it changed,
    not what it is nor what the model assumes it does: the line sim-compare prints now follows the sentences."""
    ours = sim.partnership([sim.council("Our District"), sim.council("Neighbour District")])
    frame = sim.compare(ours, ["none", "staged_scope"], replications=40, seed=2, uncertainty="none")
    text = str(frame)
    assert "\n  Staged scope, from Guide 08 case 06: agree target service priorities in advance" in text, text
    assert "What the model assumes it does: case 06: concerns about deeper sharing are settled before the stage begins" in text, text
    assert frame.attrs["levers"][1] in text and len(frame.attrs["levers"]) == 2


def test_numpy_numbers_are_taken_as_the_numbers_they_hold():
    """``sim.compare(ours, ..., replications=np.int64(40), seed=np.int64(1))`` (a count read from a DataFrame) said
    'replications = np.int64(40) is not a number (allowed: [2, 100000000])', and sim.run alike: it is a number."""
    import numpy as np

    ours = sim.partnership([sim.council("Our District"), sim.council("Neighbour District")])
    policies = ["none", "continuity_plan"]
    numpy = sim.compare(ours, policies, replications=np.int64(40), seed=np.int64(2), workers=np.int64(1), uncertainty="none")
    pd.testing.assert_frame_equal(numpy, sim.compare(ours, policies, replications=40, seed=2, workers=1, uncertainty="none"))
    summary = sim.run(ours, seed=np.int64(2), replications=np.int64(40), block_size=np.int32(20), uncertainty="none")
    assert summary["outcomes"] == sim.run(ours, seed=2, replications=40, block_size=20, uncertainty="none")["outcomes"]
    with pytest.raises(ConfigError) as refused:
        sim.compare(ours, policies, replications=np.int64(1), seed=2, uncertainty="none")
    assert refused.value.problems == ["replications = 1 is outside [2, 100000000]"]


def test_one_override_given_to_compare_as_text_is_one_override():
    """``sim.compare(..., overrides="levers.continuity_plan.strength=0.5")`` (README's example without its brackets) gave a line
    per letter ("l cannot be read as an override", ...; on a partnership made in Python "overrides: 'l' is not a model parameter")."""
    ours = sim.partnership([sim.council("Our District"), sim.council("Neighbour District")])
    line = "levers.continuity_plan.strength=0.5"
    for scenario in ("baseline", ours):
        one = sim.compare(scenario, ["none", "continuity_plan"], replications=40, seed=2, overrides=line, uncertainty="none")
        listed = sim.compare(scenario, ["none", "continuity_plan"], replications=40, seed=2, overrides=[line], uncertainty="none")
        pd.testing.assert_frame_equal(one, listed)


def test_run_and_compare_drawing_from_a_posterior_worth_few_points_warn_and_record_its_size(tmp_path):
    """sim.run from a posterior worth about 1.5 points gave total intervals with no word that its draws repeat a point or two."""
    small = tmp_path / "small.csv"
    pd.read_parquet(shipped_path()).head(6).assign(weight=[0.8, 0.15, 0.02, 0.01, 0.01, 0.01]).to_csv(small, index=False)
    scenario = load("baseline", overrides=["partnership.horizon_months=24"])
    words = "worth about 2 equally weighted points (effective sample size 2 of its 6 rows;"
    with pytest.warns(UserWarning, match=r"its 4 parameter draws repeat those few points, so this run's total intervals understate") as caught:
        summary = sim.run(scenario, seed=3, replications=40, uncertainty="posterior", posterior=small, replications_per_draw=10)
    assert len(caught) == 1 and words in str(caught[0].message)
    assert summary["uncertainty"]["posterior_effective_size"] == pytest.approx(1.5078, abs=1e-4) and summary["uncertainty"]["posterior_rows"] == 6
    with pytest.warns(UserWarning, match="its 2 parameter draws repeat those few points"):
        sim.compare(scenario, ["none", "continuity_plan"], replications=40, seed=1, uncertainty="posterior", posterior=small, replications_per_draw=20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the shipped posterior is worth over a thousand points: no warning
        shipped = sim.run(scenario, seed=3, replications=40, uncertainty="posterior", replications_per_draw=10)
    assert shipped["uncertainty"]["posterior_effective_size"] > 1000


def test_a_warning_points_at_the_line_of_the_caller_not_at_the_argument_check(tmp_path):
    """sim.run(config, replications=40) warned from sim/config/checks.py:103 ('return function(*args, **kwargs)'), the wrapper
    that checks the arguments, so a notebook showed a line of the package, not the call to change; sim.compare and
    sim.run_ensemble alike."""
    small = tmp_path / "small.csv"
    pd.read_parquet(shipped_path()).head(6).assign(weight=[0.8, 0.15, 0.02, 0.01, 0.01, 0.01]).to_csv(small, index=False)
    scenario = load("baseline", overrides=["partnership.horizon_months=24"])
    with pytest.warns(UserWarning) as caught:
        sim.run(scenario, seed=3, replications=20)
        sim.compare(scenario, ["none", "continuity_plan"], replications=20, seed=1)
        sim.run_ensemble(scenario, replications=40, seed=3, uncertainty="posterior", posterior=small, replications_per_draw=10)
    assert [warning.filename for warning in caught] == [__file__] * 3

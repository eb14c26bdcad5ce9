"""The Mesa front-end tells the ensemble's story to the bit: outcome, month, cause, savings, events and the state every month."""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Iterator

import mesa
import numpy as np
import pandas as pd
import pytest
from conftest import flat_state
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import population
from sim.config import scenarios
from sim.config.checks import ConfigError
from sim.config.model import ModelConfig
from sim.core import kernel
from sim.core.state import State
from sim.frontends.ensemble import run_ensemble
from sim.frontends.model import MODEL_SERIES, PartnershipModel, resolve_seed

SCENARIOS = scenarios.available("scenario")
#: (seed, first replication) of the 200 pairs checked per scenario: 4 seeds x 50 replications.
SEEDS = ((0, 0), (1, 1_000), (2**32 + 7, 123_456), (2**62 + 3, 2**31 - 10))
PAIRS_PER_SEED = 50
ROW = np.array([0])


@functools.cache
def load(scenario: str = "baseline", policy: str = "none") -> ModelConfig:
    """A scenario's checked configuration, composed once per test session."""
    return scenarios.load(scenario, policy)


def snapshot(s: State, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Every state array at replications ``rows``, flattened to one row per replication, with ``rep`` and ``month``."""
    n = len(s.reps)
    out = {"rep": s.reps[rows, None], "month": np.full((len(rows), 1), s.month)}
    return out | {name: value.reshape(n, -1)[rows] for name, value in flat_state(s).items()}


def frame(snapshots: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Snapshots as one table, a column per array element, sorted by replication and month."""
    columns = {}
    for name in snapshots[0]:
        block = np.concatenate([snap[name] for snap in snapshots])
        columns |= {name: block[:, 0]} if name in ("rep", "month") else {f"{name}[{i}]": block[:, i] for i in range(block.shape[1])}
    return pd.DataFrame(columns).sort_values(["rep", "month"], kind="stable").reset_index(drop=True)


def batch_states(scenario: str, policy: str, seed: int, reps: np.ndarray) -> tuple[pd.DataFrame, list[kernel.Event]]:
    """The state of replications ``reps`` run together, every month each is running, and the kernel's event log."""
    P = population.build(load(scenario, policy), seed, reps)
    s = kernel.init_state(P, reps)
    log: list[kernel.Event] = []
    snaps = [snapshot(s, np.arange(len(reps)))]
    while s.running.any():
        running = np.flatnonzero(s.running)
        kernel.step(s, P, seed, log)
        snaps.append(snapshot(s, running))
    return frame(snaps), log


def mesa_runs(scenario: str, policy: str, seed: int, reps: np.ndarray) -> Iterator[tuple[PartnershipModel, list[dict[str, np.ndarray]]]]:
    """Each replication run alone as a Mesa model, with its state after every month."""
    for r in reps:
        model = PartnershipModel(scenario_name=scenario, policy_name=policy, seed=seed, replication=int(r), uncertainty="none")
        snaps = [snapshot(model.state, ROW)]
        while model.running:
            model.step()
            snaps.append(snapshot(model.state, ROW))
        yield model, snaps


def kernel_entries(model: PartnershipModel) -> list[tuple]:
    """The model's log entries that came from the kernel (every entry of a council: exits too; milestones and the end are the partnership's)."""
    return [(e.month, e.council, e.cause, e.what, e.size, e.partner, e.trigger) for e in model.events if e.council]


def check_agreement(scenario: str, policy: str, seed: int, first: int, n: int) -> None:
    """Mesa runs of replications ``first .. first + n - 1`` equal the ensemble's rows and a batch kernel run month by month."""
    reps = np.arange(first, first + n, dtype=np.int64)
    expected_states, log = batch_states(scenario, policy, seed, reps)
    models, snaps = [], []
    for model, model_snaps in mesa_runs(scenario, policy, seed, reps):
        models.append(model)
        snaps += model_snaps
    pd.testing.assert_frame_equal(frame(snaps), expected_states, check_exact=True)

    ensemble = run_ensemble(load(scenario, policy), n, seed, block_size=16, first_rep=first, uncertainty="none")
    tables = pd.concat([m.replication_table() for m in models], ignore_index=True)
    pd.testing.assert_frame_equal(tables, ensemble, check_exact=True)

    names = models[0].names
    for model in models:
        expected = [
            (e.month, names[e.council], e.cause, e.what, e.size, names[e.partner] if e.partner >= 0 else "", e.trigger)
            for e in log
            if e.rep == model.replication
        ]
        assert kernel_entries(model) == expected


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_mesa_equals_ensemble_quick(scenario: str) -> None:
    check_agreement(scenario, "none", 5, 40, 4)


def test_mesa_equals_ensemble_with_levers() -> None:
    check_agreement("baseline", "all_levers", 9, 0, 4)


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "first"), SEEDS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_mesa_equals_ensemble_200_pairs_per_scenario(scenario: str, seed: int, first: int) -> None:
    check_agreement(scenario, "none", seed, first, PAIRS_PER_SEED)


def test_a_lone_replication_equals_its_row_in_a_batch() -> None:
    """The kernel's own promise the model stands on (numpy sums a lone replication's causes pairwise unless told otherwise)."""
    reps = np.arange(12, dtype=np.int64)
    expected, _ = batch_states("baseline", "none", 5, reps)
    snaps = []
    for r in reps:
        P = population.build(load(), 5, reps[[r]])
        s = kernel.init_state(P, reps[[r]])
        snaps.append(snapshot(s, ROW))
        while s.running.any():
            kernel.step(s, P, 5)
            snaps.append(snapshot(s, ROW))
    pd.testing.assert_frame_equal(frame(snaps), expected, check_exact=True)


@settings(max_examples=5)
@given(seed=st.integers(0, 2**63 - 1), replication=st.integers(0, 2**40))
def test_any_seed_and_replication(seed: int, replication: int) -> None:
    model = PartnershipModel(seed=seed, replication=replication)
    model.run_model()
    expected = run_ensemble(load(), 3, seed, first_rep=replication).iloc[[0]]
    pd.testing.assert_frame_equal(model.replication_table(), expected, check_exact=True)


def test_overrides_reach_the_model() -> None:
    overrides = ("partnership.horizon_months=24", "councils.0.it_maturity=0.2")
    model = PartnershipModel(overrides=overrides, seed=2, replication=7, uncertainty="none")
    model.run_model()
    assert model.month <= 24
    assert model.P.council["it_maturity"][0, 0] == 0.2
    expected = run_ensemble(scenarios.load("baseline", "none", overrides), 8, 2, uncertainty="none").iloc[[7]].reset_index(drop=True)
    pd.testing.assert_frame_equal(model.replication_table(), expected, check_exact=True)


@pytest.fixture
def start_method() -> Iterator[None]:
    """Restore the multiprocessing start method that ``mesa.batch_run`` forces to "spawn"."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


def batch_run_outcomes(processes: int, seeds: list[int], replications: int) -> pd.DataFrame:
    results = mesa.batch_run(
        PartnershipModel,
        parameters={"scenario_name": "baseline", "replication": range(replications)},
        rng=seeds,
        number_processes=processes,
        data_collection_period=-1,
        display_progress=False,
    )
    runs = pd.DataFrame(results).drop_duplicates("RunId")
    columns = {"seed": "seed", "replication": "rep", "outcome": "outcome", "month": "end_month", "cause": "cause", "realised_savings": "realised_savings"}
    table = runs[list(columns)].rename(columns=columns).sort_values(["seed", "rep"]).reset_index(drop=True)
    return table.astype({"seed": np.int64, "rep": np.int64, "end_month": np.int64, "outcome": str, "cause": str})


def ensemble_outcomes(seeds: list[int], replications: int) -> pd.DataFrame:
    tables = [run_ensemble(load(), replications, seed).assign(seed=seed) for seed in seeds]
    table = pd.concat(tables, ignore_index=True)[["seed", "rep", "outcome", "end_month", "cause", "realised_savings"]]
    return table.astype({"seed": np.int64, "outcome": str, "cause": str}).sort_values(["seed", "rep"]).reset_index(drop=True)


def test_batch_run_agrees_with_the_ensemble(start_method: None) -> None:
    seeds = [3, 2**40 + 1]
    pd.testing.assert_frame_equal(batch_run_outcomes(1, seeds, 3), ensemble_outcomes(seeds, 3), check_exact=True)


def test_batch_run_without_rng_names_the_seed_it_ran(start_method: None) -> None:
    """mesa.batch_run without rng (its default) drew a fresh seed per run, and its rows' seed column read None: the run could not be replayed."""
    results = mesa.batch_run(PartnershipModel, parameters={"replication": 4}, data_collection_period=-1, display_progress=False)
    row = results[0]
    assert isinstance(row["seed"], int)
    assert {r["seed"] for r in results} == {row["seed"]}  # a row per council, one run
    again = PartnershipModel(seed=row["seed"], replication=4)
    again.run_model()
    assert (row["outcome"], row["month"], row["realised_savings"]) == (again.outcome, again.month, again.realised_savings)


@pytest.mark.slow
def test_batch_run_in_two_processes_agrees_with_the_ensemble(start_method: None) -> None:
    seeds = [4, 5]
    pd.testing.assert_frame_equal(batch_run_outcomes(2, seeds, 6), ensemble_outcomes(seeds, 6), check_exact=True)


def test_one_step_is_one_month_until_the_end() -> None:
    model = PartnershipModel(seed=1, replication=3)
    for month in range(1, 4):
        model.step()
        assert model.month == month == model.steps
    model.run_model()
    assert not model.running
    end = model.month
    assert end == model.replication_table().end_month[0]
    model.step()
    assert model.month == end
    assert model.steps == end + 1  # Mesa counts the call (README: "though Mesa still counts it")
    assert len(model.datacollector.get_model_vars_dataframe()) == end + 1  # nothing more collected


def test_datacollector_series() -> None:
    model = PartnershipModel(seed=1, replication=3)
    model.run_model()
    series = model.datacollector.get_model_vars_dataframe()
    assert list(series.columns) == list(MODEL_SERIES)
    assert list(series.month) == list(range(model.month + 1))
    assert series.phase.iloc[0] == "proposal" and series.phase.iloc[-1] == "ended"
    assert series.realised_savings.iloc[-1] == model.replication_table().realised_savings[0]
    assert np.isclose(series.savings_month.sum(), series.realised_savings.iloc[-1])
    assert np.isclose(series.planned_month.sum(), series.business_case.iloc[-1])
    partners = series.partners > 0
    assert (series.min_value_seen[partners] <= series.mean_value_seen[partners] + 1e-12).all()
    assert series.mean_value_seen[~partners].isna().all()
    assert (series.notices >= 0).all() and (series.notices <= series.partners).all()
    assert series.outcome.iloc[-1] == model.outcome
    agents = model.datacollector.get_agent_vars_dataframe()
    k = model.config.n_councils
    assert [f"trust_c{j}" for j in range(k)] == [c for c in agents.columns if c.startswith("trust_c")]
    assert len(agents.loc[0.0]) == k
    ids = agents.index.get_level_values("AgentID")
    assert (agents["name"] == [model.names[j] for j in agents["index"]]).all()  # trust_c{j} reads against the index column, not AgentID
    assert (ids == agents["index"] + 1).all()


def test_seed_and_rng() -> None:
    assert PartnershipModel(rng=5).seed == 5
    assert PartnershipModel(seed=np.int64(5), rng=5).seed == 5
    with pytest.raises(ConfigError, match=r"^seed = 5 and rng = 6 disagree: give one of them$"):
        PartnershipModel(seed=5, rng=6)
    with pytest.raises(ConfigError, match=r"^seed = 1\.5 is not a whole number \(allowed: \[0, 9223372036854775807\]\)$"):
        PartnershipModel(seed=1.5)
    with pytest.raises(ConfigError, match=r"^seed = -1 is outside \[0, 9223372036854775807\]$"):
        PartnershipModel(seed=-1)
    fresh = resolve_seed(None, None)
    assert 0 <= fresh < 2**63


def test_bad_arguments_are_one_config_error_line_each() -> None:
    """replication=1.5 ran replication 1; replication="2", replication=2**70 and config="baseline" failed deep inside (TypeError,
    OverflowError, AttributeError); a bad seed was a TypeError. Each is now one ConfigError line naming the argument, its value and what is allowed."""
    with pytest.raises(ConfigError) as refused:
        PartnershipModel(seed=1.5, replication=1.5)
    assert refused.value.problems == [
        "seed = 1.5 is not a whole number (allowed: [0, 9223372036854775807])",
        "replication = 1.5 is not a whole number (allowed: [0, 9223372036854775807])",
    ]
    for replication, line in (("2", "replication = '2' is not a number"), (2**70, f"replication = {2**70} is outside"), (-1, "replication = -1 is outside")):
        with pytest.raises(ConfigError, match=f"^{line}"):
            PartnershipModel(seed=0, replication=replication)
    with pytest.raises(ConfigError) as refused:
        PartnershipModel(config="baseline", seed=0)
    assert refused.value.problems == ["config = 'baseline' is not a loaded configuration (sim.load(...)): give a scenario's name as scenario_name=..."]
    assert PartnershipModel(seed=3.0, replication=np.int64(2)).replication == 2
    with pytest.raises(ConfigError) as refused:  # was AttributeError: 'int' object has no attribute 'partition'
        PartnershipModel(seed=0, overrides=["partnership.horizon_months=24", 3])
    assert refused.value.problems == ["overrides: 3 is not text: give key=value lines, e.g. ['councils.0.it_maturity=0.3']"]


def test_unseeded_run_can_be_replayed() -> None:
    first = PartnershipModel(replication=2)
    first.run_model()
    again = PartnershipModel(seed=first.seed, replication=2)
    again.run_model()
    pd.testing.assert_frame_equal(first.replication_table(), again.replication_table(), check_exact=True)


def test_unknown_scenario_is_named() -> None:
    with pytest.raises(ValueError, match="not known"):
        PartnershipModel(scenario_name="no_such_scenario", seed=0)


def test_a_loaded_configuration_in_the_scenarios_place_says_to_give_it_as_config() -> None:
    """PartnershipModel(cfg) (as sim.run(cfg) is called) failed with 'unhashable type: ModelConfig'."""
    config = scenarios.load("case02_decision_slippage")
    with pytest.raises(ConfigError, match=r"^scenario_name = a ModelConfig is not a name \(e\.g\. 'baseline'\): give a loaded configuration as config=\.\.\.$"):
        PartnershipModel(config, seed=0)
    model = PartnershipModel(config=config, seed=0)
    assert model.config.councils[0].name == config.councils[0].name


def test_a_policy_named_with_a_configuration_is_applied_and_a_misspelt_one_refused() -> None:
    """PartnershipModel(config=ours, policy_name="continuity_plan") ran without the lever (the name only labelled the run), and
    policy_name="continuity" was accepted without a word."""
    config = scenarios.load("case01_key_person")
    treated = scenarios.with_policy(config, "continuity_plan")
    assert treated.levers != config.levers
    assert PartnershipModel(config=config, policy_name="continuity_plan", seed=0).base_config.levers == treated.levers
    assert PartnershipModel(config=treated, policy_name="continuity_plan", seed=0).base_config.levers == treated.levers  # applied once
    assert PartnershipModel(config=config, seed=0).base_config.levers == config.levers
    with pytest.raises(ValueError, match=r"^policy = 'continuity' is not known \(did you mean continuity_plan\?\) \(available: "):
        PartnershipModel(config=config, policy_name="continuity", seed=0)


def test_handout_tells_the_outcome() -> None:
    model = PartnershipModel(seed=3, replication=5)
    model.run_model()
    text = model.handout()
    assert text.startswith("# Scenario baseline, policy none (seed 3, replication 5)\n")
    assert f"**Outcome:** {model.outcome} after {model.month} months" in text
    saved, planned = model.realised_savings, model.business_case
    assert f"**Savings:** GBP {saved:.2f}m realised by month {model.month}, against GBP {planned:.2f}m planned by then; costs GBP " in text
    assert all(c.name in text for c in model.councils)
    assert "## Timeline" in text
    if model.outcome in ("shelved", "collapsed"):
        assert model.trigger != "none"


def test_deeper_sharing_is_said_once_in_the_month_it_happens() -> None:
    """Case 06's story (seed 0, replication 250): its timeline said "sharing deepened beyond IT into other services" twice
    in month 46, for the partnership (a milestone the model logged) and for both councils (case 06's own event). Case 06's
    mechanism says it for every council, tagged with the case: one line, in each run where the sharing deepens."""
    deepened = 0
    for replication in (250, 251, 252):
        model = PartnershipModel(scenario_name="case06_district_county", seed=0, replication=replication)
        model.run_model()
        said = [line for line in model.events.lines() if "sharing deepened beyond IT" in line]
        assert len(said) == bool(model.state.partnership["deepened"][0]), said
        assert all(line.endswith("sharing deepened beyond IT into other services (case 06)") for line in said), said
        deepened += len(said)
    assert deepened, "the sharing deepens in case 06's story"


def test_the_business_case_is_approved_after_the_councils_approvals_that_month() -> None:
    """Case 05's story (seed 0, replication 303): "Month 21 - the partnership - the business case was approved; integration
    begins" came before "Month 21 - Westmere DC - approved the proposal", the last approval, which made it: the model
    logged its milestones before the month's events."""
    model = PartnershipModel(scenario_name="case05_commercial_venture", seed=0, replication=303)
    model.run_model()
    lines = model.events.lines()
    launch = next(k for k, line in enumerate(lines) if "the business case was approved" in line)
    month = lines[launch].split(" - ")[0]
    approvals = [k for k, line in enumerate(lines) if line.startswith(f"{month} - ") and "approved the proposal" in line]
    assert approvals and max(approvals) < launch, lines[min(approvals) : launch + 2]

"""The ensemble front-end: one table row per replication, the same whatever the blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import population
from sim.config.model import model_config
from sim.config.scenarios import load
from sim.core import decisions, kernel, triggers
from sim.core.declare import spec_of
from sim.core.layout import layout
from sim.core.params import PartnershipParams
from sim.core.state import OUTCOMES
from sim.frontends.ensemble import blocks, check_run, run_ensemble, simulate
from sim.frontends.table import COUNCIL_COLUMNS, Table

CAUSES = layout().causes
LABELS = [c.label for c in CAUSES]


def run_block(points, reps, seed, point_of_rep=None):
    """The replication table of ``reps`` as a DataFrame (the ensemble's rows)."""
    return simulate(points, np.asarray(reps, np.int64), seed, point_of_rep=point_of_rep).to_pandas()


@pytest.fixture(scope="module")
def baseline():
    """The baseline over three years (short runs)."""
    return load("baseline", "none", ["partnership.horizon_months=36"])


@pytest.fixture(scope="module")
def table(baseline):
    return run_ensemble(baseline, 40, 5, block_size=40, uncertainty="none")


def test_blocks_cover_the_replications_once():
    got = list(blocks(10, 4, first=3))
    assert [b.tolist() for b in got] == [[3, 4, 5, 6], [7, 8, 9, 10], [11, 12]]


@pytest.mark.parametrize("block_size", [1, 5, 16, 1000])
def test_the_table_is_the_same_for_any_block_size(baseline, table, block_size):
    pd.testing.assert_frame_equal(run_ensemble(baseline, 12, 5, block_size=block_size, uncertainty="none"), table.iloc[:12])


@pytest.mark.parametrize("r", [0, 13, 39])
def test_a_row_equals_its_replication_run_alone(baseline, table, r):
    alone = run_block(baseline, np.array([r]), 5)
    pd.testing.assert_frame_equal(alone, table.iloc[[r]].reset_index(drop=True))


def test_an_extension_continues_where_a_run_stopped(baseline, table):
    pd.testing.assert_frame_equal(run_ensemble(baseline, 15, 5, block_size=6, first_rep=25, uncertainty="none"), table.iloc[25:].reset_index(drop=True))


def test_another_seed_gives_other_partnerships(baseline, table):
    other = run_ensemble(baseline, 40, 6)
    assert not np.array_equal(other["c0_it_maturity"], table["c0_it_maturity"])


def test_one_row_per_replication_with_outcome_cause_and_councils(baseline, table):
    assert table["rep"].tolist() == list(range(40)) and "point" not in table
    assert list(table["outcome"].cat.categories) == list(OUTCOMES[1:])
    assert list(table["cause"].cat.categories) == [*LABELS, "none"]
    assert table["outcome"].notna().all() and table["cause"].notna().all()
    assert set(table["cause"]) <= {*LABELS, "none"}
    case_of = {c.label: c.case for c in CAUSES} | {"none": ""}
    assert (table["case"] == table["cause"].map(case_of)).all()
    assert ((table["outcome"] == "sustained") == (table["cause"] == "none")).all()
    exited = sum((table[f"c{k}_exit_month"] > 0).astype(int) for k in range(baseline.n_councils))
    assert (table["exits"] == exited).all()
    net = table["realised_savings"] - table["investment_cost"] - table["lever_cost"] - table["other_cost"]
    np.testing.assert_allclose(table["net_savings"], net)
    P = population.build(baseline, 5, np.arange(40))
    codes = simulate(baseline, np.arange(40), 5)
    for k in range(baseline.n_councils):
        for name in COUNCIL_COLUMNS:
            np.testing.assert_array_equal(codes.columns[f"c{k}_{name}"], P.council[name][:, k])
    assert table["c0_tier"].dtype == "category" and table["c0_size"].dtype == float


def test_the_table_agrees_with_the_final_state(baseline, table):
    reps = np.arange(40)
    s = kernel.run(population.build(baseline, 5, reps), reps, 5)
    assert table["outcome"].tolist() == [OUTCOMES[o] for o in s.partnership["outcome"]]
    np.testing.assert_array_equal(table["end_month"], s.partnership["end_month"])
    np.testing.assert_array_equal(table["realised_savings"], s.partnership["realised_savings"])
    for c, label in enumerate(LABELS):
        np.testing.assert_array_equal(table[f"savings_lost_{label}"], s.savings_lost[c])
        np.testing.assert_allclose(table[f"value_lost_{label}"], s.value_lost[c].mean(axis=1))
    assert table["trigger"].tolist() == [triggers.label(int(x)) for x in s.partnership["end_trigger"]]
    np.testing.assert_array_equal(table["notices"], s.council["notices"].sum(axis=1))
    assert (table["notices"] >= table["exits"]).all()
    P = population.build(baseline, 5, reps)
    np.testing.assert_array_equal(table["deepening_month"], P.partnership["deepening_month"])
    np.testing.assert_array_equal(table["delivery"], P.partnership["delivery"])
    assert table["governance"].tolist() == [spec_of(PartnershipParams, "governance").choices[int(g)] for g in P.partnership["governance"]]
    for k in range(baseline.n_councils):
        assert table[f"c{k}_exit_trigger"].tolist() == [triggers.label(int(x)) for x in s.council["exit_trigger"][:, k]]
        # the value a council still in saw in the last month; one that left, in the month it left
        month = np.where(s.council["exit_month"][:, k] >= 0, s.council["exit_month"][:, k] - 1, s.partnership["end_month"] - 1)
        expected = [decisions.value_seen(s.arrays, P, r, k, int(month[r])) for r in range(len(reps))]
        np.testing.assert_allclose(table[f"c{k}_value_seen"], expected)


def test_several_parameter_points_run_as_one_batch(baseline):
    short = load("baseline", "none", ["partnership.horizon_months=24", "mechanisms.case03.enabled=false"])
    reps = np.arange(8)
    point = np.array([0, 1] * 4)
    mixed = run_block([baseline, short], reps, 5, point_of_rep=point)
    assert mixed["point"].tolist() == point.tolist()
    for p, cfg in enumerate([baseline, short]):
        rows = np.nonzero(point == p)[0]
        alone = run_block(cfg, reps[rows], 5)
        pd.testing.assert_frame_equal(mixed.iloc[rows].drop(columns="point").reset_index(drop=True), alone)
    assert mixed.loc[point == 1, "end_month"].max() <= 24


def test_points_with_different_council_counts_cannot_share_a_batch(baseline):
    two = model_config({"councils": [{}, {}]})
    with pytest.raises(ValueError, match="same number of councils"):
        run_block([baseline, two], np.arange(2), 0, point_of_rep=np.array([0, 1]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"replications": 0}, r"replications = 0 is outside \[1, inf\)"),
        ({"seed": -1}, r"seed = -1 is outside \[0, 2\*\*63\)"),
        ({"block_size": 0}, r"block_size = 0 is outside \[1, inf\)"),
        ({"first_rep": -1}, r"first_rep = -1 is outside \[0, inf\)"),
        ({"seed": 2**63}, r"seed = 9223372036854775808 is outside \[0, 2\*\*63\)"),
        ({"workers": 0}, r"workers = 0 must be a whole number >= 1"),
    ],
)
def test_bad_run_settings_are_refused(baseline, kwargs, message):
    with pytest.raises(ValueError, match=message):
        run_ensemble(baseline, **{"replications": 5, "seed": 0, **kwargs})


@pytest.mark.parametrize("kwargs", [{"seed": 1.5}, {"replications": True}, {"block_size": "10"}])
def test_run_settings_must_be_whole_numbers(kwargs):
    with pytest.raises(TypeError, match="must be a whole number"):
        check_run(**{"replications": 5, "seed": 0, "block_size": 10, **kwargs})


def test_simulate_gives_a_table_with_a_point_column_only_for_several_points(baseline):
    plain = simulate(baseline, np.arange(3), 5)
    assert isinstance(plain, Table) and "point" not in plain.columns and len(plain) == 3
    mixed = simulate([baseline, baseline], np.arange(3), 5, point_of_rep=np.array([1, 0, 1]))
    assert list(mixed.columns)[:2] == ["rep", "point"] and mixed.columns["point"].tolist() == [1, 0, 1]

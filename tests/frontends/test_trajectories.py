"""Monthly quantiles of the state (fan charts): streamed over blocks, the same for any block size or engine, exact on the grid."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.config.scenarios import load
from sim.frontends.runner import Sinks, fixed, run_blocks
from sim.frontends.table import Table
from sim.frontends.trajectories import VARIABLES, ExactSum, TrajectoryRecorder, Variable


@pytest.fixture(scope="module")
def short():
    return load("baseline", "none", ["partnership.horizon_months=36"])


def recorded(config, seed: int, replications: int, block_size: int, engine: str = "ensemble") -> pd.DataFrame:
    recorder = TrajectoryRecorder(int(config.partnership.horizon_months))
    run_blocks(config, seed, fixed(replications, block_size), Sinks(trajectories=recorder), engine=engine)
    table = recorder.table()
    assert isinstance(table, Table)
    return table.to_pandas()


def test_trajectories_are_the_same_for_any_block_size(short):
    tables = [recorded(short, 9, 200, block_size) for block_size in (200, 33)]
    # bit for bit, the means too (their sums were once rounded block by block)
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=True)
    first = tables[0].set_index(["variable", "month"])
    assert first.loc[("partners", 0), "q50"] == 4 and first.loc[("partners", 0), "n"] == 200
    # before anything happens every council sees the whole promise (enthusiasm is left out of the trajectory), to a step of the grid
    step = 3.0 / 1000
    assert first.loc[("value_seen", 0), "q05"] == pytest.approx(1.0, abs=step) and first.loc[("value_seen", 0), "q95"] == pytest.approx(1.0, abs=step)
    assert first.loc[("value_seen", 36), "q50"] < 1.0
    assert list(tables[0]["variable"].cat.categories) == [v.name for v in VARIABLES]
    assert tables[0]["month"].max() == 36


def test_an_exact_sum_is_the_same_however_the_values_are_split():
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(size=2000) * 10.0 ** rng.integers(-20, 20, 2000), [5e-324, -1e300, 1e300, 0.0, -0.0]])
    whole, parts = ExactSum(), ExactSum()
    whole.add(values)
    for part in np.array_split(rng.permutation(values), 9):
        parts.add(part)
    parts.add(np.zeros(0))
    assert whole.units == parts.units
    assert whole.mean(len(values)) == float(sum(Fraction(v) for v in values) / len(values))
    assert np.isnan(ExactSum().mean(0))


def test_the_mesa_engine_records_the_same_trajectories(short):
    ensemble, mesa = recorded(short, 2, 6, 6), recorded(short, 2, 6, 6, engine="mesa")
    pd.testing.assert_frame_equal(mesa, ensemble)


def test_trajectory_quantiles_are_exact_on_the_grid():
    values = np.array([0.0, 0.1, 0.1, 0.2, 0.5, 0.5, 0.7, 0.9, 1.0, 1.0])
    var = Variable("x", "test", 0.0, 1.0, 10, lambda s: s.x)
    recorder = TrajectoryRecorder(0, [var])
    recorder.record(SimpleNamespace(month=0, x=values), np.ones(10, bool))
    row = recorder.table(quantiles=(0.1, 0.25, 0.5, 0.9)).to_pandas().iloc[0]
    # The lower empirical quantile: the smallest value with at least q of the values at or below it.
    assert [row["q10"], row["q25"], row["q50"], row["q90"]] == pytest.approx([0.0, 0.1, 0.5, 1.0])
    assert row["mean"] == pytest.approx(values.mean())


def test_undefined_values_are_left_out_and_months_without_any_are_nan():
    var = Variable("x", "test", 0.0, 1.0, 10, lambda s: s.x)
    recorder = TrajectoryRecorder(1, [var])
    recorder.record(SimpleNamespace(month=0, x=np.array([np.nan, 0.3, 2.0])), np.ones(3, bool))
    table = recorder.table(quantiles=(0.5,)).to_pandas()
    assert table["n"].tolist() == [2, 0]
    assert table["q50"].iloc[0] == pytest.approx(0.3) and np.isnan(table["q50"].iloc[1]) and np.isnan(table["mean"].iloc[1])
    # a value outside the range counts at its end
    assert recorder.counts["x"][0, -1] == 1

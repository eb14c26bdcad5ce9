"""Worker threads share a block's replications without changing a single number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import assert_same_state

from sim import population
from sim.config.scenarios import load
from sim.core import kernel
from sim.frontends.ensemble import run_ensemble, simulate

SEEDS = (0, 7, 2**40 + 3)
BLOCK_SIZES = (1, 7, 50)


@pytest.fixture(scope="module")
def baseline():
    return load("baseline", "none", ["partnership.horizon_months=48"])


@pytest.fixture(scope="module")
def one_worker(baseline):
    """The tables of one worker, by seed and block size."""
    return {(seed, block): run_ensemble(baseline, 50, seed, block_size=block, workers=1) for seed in SEEDS for block in BLOCK_SIZES}


@pytest.mark.parametrize("workers", [2, 3])
@pytest.mark.parametrize("block_size", BLOCK_SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_the_table_is_the_same_for_any_number_of_workers(baseline, one_worker, seed, block_size, workers):
    table = run_ensemble(baseline, 50, seed, block_size=block_size, workers=workers)
    pd.testing.assert_frame_equal(table, one_worker[(seed, block_size)], check_exact=True)


def test_one_worker_and_many_end_in_the_same_state(baseline):
    reps = np.arange(100, 160, dtype=np.int64)
    P = population.build(load("case04_trading_company", "all_levers"), 11, reps)
    alone = kernel.run(P, reps, 11, workers=1)
    for workers in (2, 3, 8):
        shared = kernel.run(P, reps, 11, workers=workers)
        assert shared.month == alone.month
        assert_same_state(shared, alone)


def test_more_workers_than_replications(baseline):
    pd.testing.assert_frame_equal(run_ensemble(baseline, 2, 5, workers=3), run_ensemble(baseline, 2, 5, workers=1), check_exact=True)


def test_a_logged_run_gives_the_rows_of_a_run_with_workers(baseline):
    """A run with a log goes month by month in one thread; its rows equal those of the threaded whole-run loop."""
    reps = np.arange(30, dtype=np.int64)
    log: list[kernel.Event] = []
    logged = simulate(baseline, reps, 2, log=log).to_pandas()
    assert log
    pd.testing.assert_frame_equal(logged, simulate(baseline, reps, 2, workers=2).to_pandas(), check_exact=True)

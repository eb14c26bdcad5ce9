"""Runs in blocks: fixed counts and precision targets, streamed results, events, and both engines giving the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.analysis.stats import PILOT, STEP, half_width, precision_plan, wilson
from sim.config.scenarios import load
from sim.core import kernel
from sim.frontends.ensemble import run_ensemble, simulate
from sim.frontends.runner import Sinks, events_table, fixed, run_blocks, simulate_mesa
from sim.frontends.table import Table
from sim.results.files import EVENT_SCHEMA, ParquetStream, read_metadata


class Collect:
    """A table sink keeping every block."""

    def __init__(self) -> None:
        self.blocks: list[Table] = []

    def write(self, table: Table) -> None:
        self.blocks.append(table)

    @property
    def table(self) -> Table:
        return Table.concat(self.blocks)


@pytest.fixture(scope="module")
def short():
    return load("baseline", "none", ["partnership.horizon_months=36"])


def test_a_fixed_plan_runs_its_count_in_blocks():
    plan = fixed(120, 50)
    assert [plan(done, 0) for done in (0, 50, 100, 120)] == [50, 50, 20, 0]
    assert fixed(0, 50)(0, 0) == 0


def test_blocks_go_to_every_sink_in_order_and_on_block_reports_progress(short):
    first, second, progress = Collect(), Collect(), []
    run = run_blocks(short, 4, fixed(120, 50), Sinks(tables=(first, second)), on_block=lambda done, size: progress.append((done, size)))
    assert run.replications == 120 and run.block_sizes == [50, 50, 20]
    assert progress == [(50, 50), (100, 20), (120, 0)]
    assert [len(b) for b in first.blocks] == [50, 50, 20] and first.blocks == second.blocks
    whole = first.table
    assert whole.columns["rep"].tolist() == list(range(120))
    assert run.collapsed == int((whole.values("outcome") == "collapsed").sum())
    pd.testing.assert_frame_equal(whole.to_pandas(), run_ensemble(short, 120, seed=4, uncertainty="none"))


def test_precision_adds_blocks_until_the_half_width_is_reached():
    five_years = load("baseline", "none", ["partnership.horizon_months=60"])  # no baseline partnership collapses within three years
    rows = Collect()
    run = run_blocks(five_years, 3, precision_plan(0.012, 500), Sinks(tables=(rows,)))
    assert len(run.block_sizes) >= 2
    assert run.block_sizes[0] == min(500, PILOT)
    assert all(size % STEP == 0 and size <= 500 for size in run.block_sizes)
    collapsed = rows.table.values("outcome") == "collapsed"
    assert run.replications == len(collapsed) and run.collapsed == collapsed.sum()
    assert half_width(wilson(int(collapsed.sum()), len(collapsed))) <= 0.012
    before = collapsed[: -run.block_sizes[-1]]
    assert half_width(wilson(int(before.sum()), len(before))) > 0.012
    again = Collect()
    assert run_blocks(five_years, 3, precision_plan(0.012, 500), Sinks(tables=(again,))).block_sizes == run.block_sizes
    pd.testing.assert_frame_equal(again.table.to_pandas(), rows.table.to_pandas())


def test_streams_write_every_block_and_events_do_not_change_rows(short, tmp_path):
    plain = run_ensemble(short, 120, seed=4, uncertainty="none")
    with ParquetStream(tmp_path / "r.parquet", metadata={"seed": 4}) as reps, ParquetStream(tmp_path / "e.parquet", EVENT_SCHEMA) as events:
        run_blocks(short, 4, fixed(120, 50), Sinks(tables=(reps,), events=events))
    written = pd.read_parquet(tmp_path / "r.parquet")
    pd.testing.assert_frame_equal(written, plain, check_categorical=False)
    assert pq.ParquetFile(tmp_path / "r.parquet").num_row_groups == 3
    assert read_metadata(tmp_path / "r.parquet") == {"seed": 4}
    ev = pd.read_parquet(tmp_path / "e.parquet")
    assert list(ev.columns) == EVENT_SCHEMA.names
    assert ev["rep"].between(0, 119).all() and ev["month"].between(1, 36).all()
    assert set(ev["council_name"]) <= {c.name for c in short.councils}
    partners = ev["partner"] >= 0
    assert (ev.loc[partners, "partner_name"] != "").all() and (ev.loc[~partners, "partner_name"] == "").all()


def test_the_event_table_names_councils_and_partners():
    log = [kernel.Event(3, 7, 1, "case04_maturity_gap", "04", "felt held back", 0.2, 0), kernel.Event(3, 9, -1, "", "", "a milestone", 0.0)]
    table = events_table(log, ["A", "B"])
    assert list(table.columns) == EVENT_SCHEMA.names
    assert table.columns["council_name"].tolist() == ["B", ""] and table.columns["partner_name"].tolist() == ["A", ""]
    assert len(events_table([], ["A", "B"])) == 0


def test_the_event_file_is_the_same_for_any_block_size_or_workers(short):
    files = []
    for block_size, workers in ((120, 1), (50, 1), (33, 2)):
        events = Collect()
        run_blocks(short, 4, fixed(120, block_size), Sinks(events=events), workers=workers)
        files.append(events.table.to_pandas())
    # replication by replication (a block's log comes month by month over its replications), each in the order it happened
    assert files[0]["rep"].is_monotonic_increasing and files[0].groupby("rep")["month"].apply(lambda m: m.is_monotonic_increasing).all()
    for other in files[1:]:
        pd.testing.assert_frame_equal(other, files[0], check_exact=True)


def test_mesa_engine_gives_the_ensemble_rows(short):
    ensemble = simulate(short, np.arange(5, dtype=np.int64), 6).to_pandas()
    rows = Collect()
    run_blocks(short, 6, fixed(5, 3), Sinks(tables=(rows,)), engine="mesa")
    mesa = rows.table.to_pandas()
    assert list(mesa.columns) == list(ensemble.columns)
    pd.testing.assert_frame_equal(mesa, ensemble)


def test_mesa_engine_logs_the_kernels_events_and_its_milestones(short):
    reps = np.arange(3, dtype=np.int64)
    kernel_log: list[kernel.Event] = []
    simulate(short, reps, 6, log=kernel_log)
    mesa_log: list[kernel.Event] = []
    simulate_mesa(short, reps, 6, log=mesa_log)
    from_kernel = [e for e in mesa_log if e.council >= 0 and not e.what.startswith("left the partnership")]
    key = lambda e: (e.rep, e.month, e.council, e.cause, e.what, e.size, e.partner)  # noqa: E731
    assert sorted(map(key, from_kernel)) == sorted(map(key, kernel_log))
    assert any(e.council == -1 for e in mesa_log)  # milestones and the ending concern the partnership as a whole


def test_the_mesa_event_file_is_the_ensembles_and_the_milestones():
    """docs/results.md: the Mesa file adds only the milestones (council -1); its other rows are the ensemble's, row for row."""
    files = []
    for engine, block_size in (("ensemble", 30), ("mesa", 7)):
        events = Collect()
        run_blocks(load("baseline", "none"), 5, fixed(30, block_size), Sinks(events=events), engine=engine)
        files.append(events.table.to_pandas())
    ensemble, mesa = files
    assert "left the partnership" in set(ensemble["what"]) and (ensemble["council"] >= 0).all()
    assert set(ensemble.loc[ensemble["what"] == "a budget shock hit", "case"]) == {"exogenous"}  # outside change, booked to no cause
    pd.testing.assert_frame_equal(mesa[mesa["council"] >= 0].reset_index(drop=True), ensemble, check_exact=True)

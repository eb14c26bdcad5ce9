"""Studies in blocks: precision targets, streamed results files, events, trajectories and both engines."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim import provenance
from sim.ensemble import run_ensemble
from sim.results import ParquetStream, atomic_path, read_metadata, write_json, write_table
from sim.runner import EVENT_SCHEMA, PILOT, STEP, Sinks, half_width, next_block, run_study, simulate
from sim.scenarios import load
from sim.settings import mesa_available
from sim.stats import wilson
from sim.trajectories import TrajectoryRecorder, Variable


@pytest.fixture(scope="module")
def short():
    return load("baseline", "none", ["partnership.horizon_months=36"])


def test_precision_adds_blocks_until_the_half_width_is_reached(short):
    study = run_study(short, 3, precision=0.012, block_size=500)
    assert len(study.block_sizes) >= 2
    assert study.block_sizes[0] == min(500, PILOT)
    assert all(size % STEP == 0 and size <= 500 for size in study.block_sizes)
    assert half_width(study.collapse) <= 0.012
    before = study.table.iloc[: -study.block_sizes[-1]]
    assert half_width(wilson(int((before["outcome"] == "collapsed").sum()), len(before))) > 0.012
    again = run_study(short, 3, precision=0.012, block_size=500)
    pd.testing.assert_frame_equal(again.table, study.table)


def test_next_block_grows_towards_the_normal_approximation():
    assert next_block(0, 0, 0.01, 10_000) == PILOT
    assert next_block(0, 0, 0.01, 300) == 300
    # p near 0.5 needs about 9,604 replications for +-0.01.
    assert next_block(1_000, 500, 0.01, 100_000) == 8_700
    assert next_block(1_000, 500, 0.01, 2_000) == 2_000
    assert next_block(9_900, 4_950, 0.01, 10_000) == STEP


def test_exactly_one_of_replications_and_precision(short):
    with pytest.raises(ValueError):
        run_study(short, 1)
    with pytest.raises(ValueError):
        run_study(short, 1, replications=10, precision=0.1)


def test_streams_write_every_block_and_events_and_trajectories_do_not_change_rows(short, tmp_path):
    plain = run_ensemble(short, 120, seed=4)
    recorder = TrajectoryRecorder(36)
    with ParquetStream(tmp_path / "r.parquet", metadata={"seed": 4}) as reps, ParquetStream(tmp_path / "e.parquet", EVENT_SCHEMA) as events:
        study = run_study(short, 4, replications=120, block_size=50, sinks=Sinks(reps, events, recorder))
    written = pd.read_parquet(tmp_path / "r.parquet")
    pd.testing.assert_frame_equal(written, plain.drop(columns="point"), check_categorical=False)
    assert pq.ParquetFile(tmp_path / "r.parquet").num_row_groups == 3
    assert read_metadata(tmp_path / "r.parquet") == {"seed": 4}
    ev = pd.read_parquet(tmp_path / "e.parquet")
    assert list(ev.columns) == EVENT_SCHEMA.names
    assert ev["rep"].between(0, 119).all() and ev["month"].between(1, 36).all()
    assert set(ev["council_name"]) <= {c.name for c in short.councils}
    assert len(study.table) == 120


def test_trajectories_are_the_same_for_any_block_size(short):
    tables = []
    for block_size in (200, 33):
        recorder = TrajectoryRecorder(36)
        run_study(short, 9, replications=200, block_size=block_size, sinks=Sinks(trajectories=recorder))
        tables.append(recorder.table())
    quantiles = [c for c in tables[0].columns if c.startswith("q")] + ["n"]
    pd.testing.assert_frame_equal(tables[0][quantiles], tables[1][quantiles])
    first = tables[0].set_index(["variable", "month"])
    assert first.loc[("partners", 0), "q50"] == 4 and first.loc[("partners", 0), "n"] == 200
    assert first.loc[("commitment", 0), "q05"] == pytest.approx(0.75)


def test_trajectory_quantiles_are_exact_on_the_grid():
    values = np.array([0.0, 0.1, 0.1, 0.2, 0.5, 0.5, 0.7, 0.9, 1.0, 1.0])
    var = Variable("x", "test", 0.0, 1.0, 10, lambda s: s.x)
    recorder = TrajectoryRecorder(0, [var])
    recorder.record(SimpleNamespace(month=0, x=values), np.ones(10, bool))
    row = recorder.table(quantiles=(0.1, 0.25, 0.5, 0.9)).iloc[0]
    # The lower empirical quantile: the smallest value with at least q of the values at or below it.
    assert [row["q10"], row["q25"], row["q50"], row["q90"]] == pytest.approx([0.0, 0.1, 0.5, 1.0])
    assert row["mean"] == pytest.approx(values.mean())


def test_atomic_files_leave_nothing_behind_when_interrupted(tmp_path):
    target = tmp_path / "x.json"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    with pytest.raises(KeyboardInterrupt), ParquetStream(tmp_path / "r.parquet") as stream:
        stream.write(pd.DataFrame({"a": [1, 2]}))
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    write_json(target, {"a": float("nan"), "b": np.int64(3)})
    assert json.loads(target.read_text()) == {"a": None, "b": 3}
    write_table(tmp_path / "t.parquet", pd.DataFrame({"a": [1.5]}), {"k": "v"})
    assert read_metadata(tmp_path / "t.parquet") == {"k": "v"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.parquet", "x.json"]


def test_an_empty_stream_needs_a_schema(tmp_path):
    with ParquetStream(tmp_path / "e.parquet", EVENT_SCHEMA):
        pass
    assert pd.read_parquet(tmp_path / "e.parquet").empty
    with pytest.raises(ValueError, match="no schema"), ParquetStream(tmp_path / "n.parquet"):
        pass
    assert not (tmp_path / "n.parquet").exists()


def test_provenance_names_versions_and_commit():
    prov = provenance.collect()
    assert prov["model_version"] == provenance.model_version()
    assert {"numpy", "scipy", "pandas", "hydra-core", "python"} <= set(prov["packages"])
    assert provenance.code_version("0123456789abcdef", True) == "0123456789ab-dirty"
    assert provenance.code_version(None, None) == "unknown"


@pytest.mark.skipif(not mesa_available(), reason="the Mesa front-end is not available")
def test_mesa_engine_gives_the_ensemble_rows(short):
    ensemble = simulate(short, np.arange(5, dtype=np.int64), 6)
    mesa = run_study(short, 6, replications=5, engine="mesa").table
    pd.testing.assert_frame_equal(mesa.reset_index(drop=True), ensemble[list(mesa.columns)], check_categorical=False)

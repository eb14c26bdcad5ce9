"""Results files: written atomically, Parquet streamed block by block, categorical columns dictionary-encoded, strict JSON."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.frontends.table import Table
from sim.results.files import EVENT_SCHEMA, ParquetStream, atomic_path, plain, read_metadata, to_arrow, write_json, write_table


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


def test_an_existing_file_is_replaced_only_when_the_new_one_is_complete(tmp_path):
    target = tmp_path / "x.json"
    write_json(target, {"v": 1})
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text('{"v": 2}')
        raise RuntimeError("interrupted")
    assert json.loads(target.read_text()) == {"v": 1}


def test_an_empty_stream_needs_a_schema(tmp_path):
    with ParquetStream(tmp_path / "e.parquet", EVENT_SCHEMA):
        pass
    assert pd.read_parquet(tmp_path / "e.parquet").empty
    assert pq.read_schema(tmp_path / "e.parquet").names == EVENT_SCHEMA.names
    with pytest.raises(ValueError, match="no schema"), ParquetStream(tmp_path / "n.parquet"):
        pass
    assert not (tmp_path / "n.parquet").exists()


def test_a_stream_writes_one_row_group_per_block_with_its_metadata(tmp_path):
    blocks = [Table({"rep": np.arange(i, i + 3), "x": np.full(3, float(i))}) for i in (0, 3, 6)]
    with ParquetStream(tmp_path / "r.parquet", metadata={"seed": 1}) as stream:
        for block in blocks:
            stream.write(block)
    assert stream.rows == 9
    assert pq.ParquetFile(tmp_path / "r.parquet").num_row_groups == 3
    assert read_metadata(tmp_path / "r.parquet") == {"seed": 1}
    assert pd.read_parquet(tmp_path / "r.parquet")["rep"].tolist() == list(range(9))


def test_a_table_becomes_arrow_without_pandas_and_reads_back_as_its_dataframe(tmp_path):
    table = Table(
        {
            "rep": np.arange(4, dtype=np.int64),
            "outcome": np.array([0, 1, -1, 1]),
            "size": np.array([1.0, 2.5, np.nan, 0.0]),
            "flag": np.array([True, False, True, True]),
            "what": np.array(["a", "", "ccc", "dé"], dtype=object),
        },
        {"outcome": ("shelved", "collapsed")},
    )
    arrow = to_arrow(table)
    assert arrow.schema.field("outcome").type == pa.dictionary(pa.int32(), pa.string())
    assert arrow.column("outcome").to_pylist() == ["shelved", "collapsed", None, "collapsed"]
    assert arrow.column("flag").to_pylist() == [True, False, True, True]
    assert arrow.column("what").to_pylist() == ["a", "", "ccc", "dé"]
    write_table(tmp_path / "t.parquet", table)
    back = pd.read_parquet(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(back, table.to_pandas(), check_categorical=False)


def test_plain_data_for_json():
    assert plain({"a": np.float64(1.5), 2: [np.int64(1), float("inf")], "c": np.array([1.0, np.nan])}) == {"a": 1.5, "2": [1, None], "c": [1.0, None]}


def test_a_commit_removes_what_an_earlier_run_left_unless_this_run_wrote_it(tmp_path):
    from sim.results.files import Staging

    for name in ("point.json", "run.log", "summary.json", "replications.parquet"):
        (tmp_path / name).write_text("earlier")
    (tmp_path / "points" / "0").mkdir(parents=True)
    with Staging(tmp_path, others=("point.json", "run.log", "points")):
        write_json(tmp_path / "summary.json", {"run": 2})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]
    (tmp_path / "point.json").write_text("earlier")
    with Staging(tmp_path, others=("point.json",)):
        write_json(tmp_path / "point.json", {"status": "ok"})  # a record, written at once by this run: kept
        write_json(tmp_path / "summary.json", {"run": 3})
    assert json.loads((tmp_path / "point.json").read_text()) == {"status": "ok"}


def test_a_calibrations_figures_wait_for_the_commit_and_a_failed_run_leaves_the_earlier_ones(tmp_path):
    """A calibration that failed after drawing its figures replaced the earlier calibration's figures beside its report."""
    from sim.results.files import CALIBRATION_FIGURES, Staging

    figures = tmp_path / CALIBRATION_FIGURES
    figures.mkdir()
    (figures / "predictive.png").write_text("earlier")
    (tmp_path / "calibration.md").write_text("earlier")
    with pytest.raises(RuntimeError), Staging(tmp_path, others=(CALIBRATION_FIGURES,)):
        with atomic_path(figures / "predictive.png") as tmp:
            tmp.write_text("later")
        assert (figures / "predictive.png").read_text() == "earlier", "held back until the run has succeeded"
        raise RuntimeError("the run fails before its report")
    assert sorted(p.name for p in figures.iterdir()) == ["predictive.png"] and (figures / "predictive.png").read_text() == "earlier"
    with Staging(tmp_path, others=(CALIBRATION_FIGURES,)):
        with atomic_path(figures / "predictive.png") as tmp:
            tmp.write_text("later")
        with atomic_path(tmp_path / "calibration.md") as tmp:
            tmp.write_text("later")
    assert (figures / "predictive.png").read_text() == "later" and (tmp_path / "calibration.md").read_text() == "later"


def test_a_failed_run_that_made_the_figures_folder_takes_it_away(tmp_path):
    from sim.results.files import CALIBRATION_FIGURES, Staging

    with pytest.raises(RuntimeError), Staging(tmp_path):
        with atomic_path(tmp_path / CALIBRATION_FIGURES / "predictive.png") as tmp:
            tmp.write_text("later")
        raise RuntimeError("the run fails")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_a_figure_saved_twice_gives_the_same_bytes(tmp_path, suffix):
    from matplotlib.figure import Figure

    from sim.results.files import save_figure

    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.plot([0, 1, 2], [1, 0, 1], marker="o")
    ax.set_xlabel("months")
    save_figure(tmp_path / f"first{suffix}", fig)
    save_figure(tmp_path / f"second{suffix}", fig)
    assert (tmp_path / f"first{suffix}").read_bytes() == (tmp_path / f"second{suffix}").read_bytes()

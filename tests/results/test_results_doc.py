"""docs/results.md documents every column of the results files and every categorical label."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from sim.config.scenarios import load
from sim.frontends.ensemble import simulate
from sim.results.files import EVENT_SCHEMA

DOC = (Path(__file__).resolve().parents[2] / "docs" / "results.md").read_text(encoding="utf-8")


def documented(column: str) -> bool:
    general = re.sub(r"^c\d+_", "c{k}_", column)
    general = re.sub(r"^(savings_lost|value_lost)_.*", r"\1_<cause>", general)
    return f"`{general}`" in DOC


def test_every_replication_column_and_label_is_documented():
    table = simulate(load("baseline", "none"), np.arange(3, dtype=np.int64), 0)
    assert [c for c in table.columns if not documented(c)] == []
    for name in ("outcome", "cause", "trigger", "governance", "c0_tier", "c0_champion"):
        assert [label for label in table.labels[name] if label and f"`{label}`" not in DOC and label not in DOC] == [], name


def test_every_event_column_is_documented():
    assert [c for c in EVENT_SCHEMA.names if f"`{c}`" not in DOC] == []


def _section(title: str) -> str:
    """The text of docs/results.md under ``## title``."""
    return DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_column_of_the_analysis_commands_files_is_documented():
    """docs/results.md, 'every results file and column', left out the files of sim-analyse sensitivity, sim-search and sim-calibrate."""
    pytest.importorskip("SALib")
    from sim.analysis.calibration import calibrate, calibrated_items
    from sim.analysis.search import search
    from sim.analysis.sensitivity import analyse
    from sim.cli.search import _row
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    sens = analyse(cfg, replications=10, trajectories=2, top=2, sobol_n=8, noise_points=2)
    text = _section("sim-analyse sensitivity")
    factors = set(sens.factors)
    for frame in (sens.morris, sens.sobol, sens.noise, sens.points):
        assert [c for c in frame.columns if c not in factors and f"`{c}`" not in text] == []
    found = search(cfg, pool=["continuity_plan"], replications=50, confirm_replications=100, max_levers=1, tune_packages=0)
    text = _section("sim-search")
    columns = {re.sub(r"^continuity_plan\.", "<lever>.", c) for e in found.confirmed for c in _row(e)}
    assert [c for c in sorted(columns) if f"`{c}`" not in text] == []
    targets = load_targets("uk_breakups")
    items = calibrated_items(cfg, ["decisions.memory", "decisions.outside_option"], targets)
    design = calibrate(cfg, targets, items, seed=1, replications=20, points=20, waves=1).design
    text = _section("sim-calibrate")
    paths = {a.path for a in items}
    general = {re.sub(r"^(u|stat|mcvar)\..*", r"\1.<", c) for c in design.columns if c not in paths}
    assert [c for c in sorted(general) if f"`{c}" not in text] == []


def _documented_columns(title: str) -> dict[str, str]:
    """``{column: type}`` of the table under ``## title`` whose first cell is one backquoted name (or several, comma-separated)."""
    found = {}
    for line in _section(title).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"`[^`]+`(, `[^`]+`)*", cells[0]):
            for name in re.findall(r"`([^`]+)`", cells[0]):
                found[name] = cells[1]
    return found


def test_the_sweep_tables_columns_types_and_files_are_the_documented_ones(tmp_path):
    """Every column sweep.parquet writes is documented with its type, every documented one is written, and CSV and Parquet agree."""
    import json

    import pandas as pd

    from sim.analysis.summary import Tally
    from sim.results import sweep
    from sim.results.files import read_metadata

    config = load("baseline", "none", ["partnership.horizon_months=36"])
    tally = Tally(36)
    tally.write(simulate(config, np.arange(60, dtype=np.int64), 0))
    summary = tally.summary()
    for point, maturity in enumerate((0.2, 0.8)):
        folder = tmp_path / str(point)
        values = {"scenario": "baseline", "councils.0.it_maturity": maturity, "partnership.min_partners": 2 + point}
        sweep.PointRecord(point, "ok", values, f"k{point}", 0, 60, host="h").write(folder)
        run = {"key": f"k{point}", "replications": 60, "uncertainty": "none"}
        (folder / "summary.json").write_text(json.dumps({"run": run, **summary, "provenance": {"model_version": "0", "code_version": "abc"}}))
    sweep.PointRecord(2, "failed", {"scenario": "baseline", "councils.0.it_maturity": 1.5, "partnership.min_partners": 2}, error="too high").write(
        tmp_path / "2"
    )
    sweep.collect(tmp_path)
    df = pd.read_parquet(tmp_path / "sweep.parquet")

    documented = _documented_columns("sweep.parquet")
    swept = ["scenario", "councils.0.it_maturity", "partnership.min_partners"]
    own = [c for c in df.columns if c not in swept and "." not in c]
    assert sorted(own) == sorted(documented), "sweep.parquet's own columns (point, status, seed...) are those documented"
    kinds = {"int64": "int64", "Int64": "Int64", "float64": "float64", "string": "string", "categorical": "category"}
    assert {c: str(df[c].dtype) for c in own} == {c: kinds[documented[c]] for c in own}
    swept_row = next(line for line in _section("sweep.parquet").splitlines() if line.startswith("| one column per swept value"))
    swept_types = {kinds.get(t.strip(), t.strip()) for t in re.split(r",| or ", swept_row.split("|")[2].split(" when ")[0])} | {"category"}
    assert {str(df[c].dtype) for c in swept} <= swept_types, swept_row
    summary_keys = set(re.findall(r"^\| `([a-z_]+)`", _section("summary.json"), re.M)) | {"replications", "confidence", "horizon_months"}
    assert {c.split(".")[0] for c in df.columns if "." in c and c not in swept} <= summary_keys, "each figure named by its summary.json path"
    assert df.groupby(swept, observed=True)["outcomes.collapsed.value"].mean().notna().sum() == 2

    text = pd.read_csv(tmp_path / "sweep.csv")
    assert list(text.columns) == list(df.columns) and len(text) == len(df) == 3
    numbers = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    pd.testing.assert_frame_equal(text[numbers].astype("float64"), df[numbers].astype("float64"), check_exact=True)

    failures = pd.read_csv(tmp_path / "failures.csv")
    listed = re.sub(r"\([^)]*\)", "", _section("failures.csv").split("One row per failed point:", 1)[1].split("Absent", 1)[0])
    assert list(failures.columns) == re.findall(r"`([^`]+)`", listed) and failures["point"].tolist() == [2]

    stamp = set(read_metadata(tmp_path / "sweep.parquet"))
    described = DOC.split("`sweep.parquet` holds many runs: its metadata has", 1)[1].split(";", 1)[0]
    assert stamp <= set(re.findall(r"`([^`]+)`", described))


def test_sim_compares_table_columns_and_types_are_the_documented_ones(tmp_path):
    """comparison.parquet's columns were said to be in docs/results.md, which had none of them (nor `<measure>_narrower`'s
    negative values): every column a comparison over parameter draws writes is documented with its type, and every documented one is written."""
    import pandas as pd
    import pyarrow.parquet as pq

    from sim.analysis.comparison import PairedTally
    from sim.results.files import write_table

    rng = np.random.default_rng(4)
    policies = ("none", "continuity_plan", "open_motivations")
    tables = {
        p: pd.DataFrame(
            {
                "rep": np.arange(200),
                "draw": np.arange(200) // 20,
                "outcome": rng.choice(["shelved", "collapsed", "underperforming", "sustained"], 200),
                "lever_cost": 0.1 * i,
                "net_savings": rng.normal(0.5, 1.0, 200),
            }
        )
        for i, p in enumerate(policies)
    }
    tally = PairedTally(list(policies))
    tally.add(tables)
    write_table(tmp_path / "comparison.parquet", tally.frame())
    types = {"large_string": "string", "string": "string", "int64": "int64", "double": "float64"}
    written = {re.sub(r"^(shelved|collapse|failure)(?=_|$)", "<measure>", f.name): types[str(f.type)] for f in pq.read_schema(tmp_path / "comparison.parquet")}
    assert written == _documented_columns("sim-compare")


def _file_table() -> set[str]:
    """The files named in docs/results.md's first table (what a run writes), each backquoted name of a row's first cell."""
    table = DOC.split("| file | written | one row per |", 1)[1].split("\n\n", 1)[0]
    return {name for line in table.splitlines()[2:] for name in re.findall(r"`([^`]+)`", line.split("|")[1])}


def test_the_files_a_run_can_write_are_those_docs_results_lists():
    """docs/results.md's table of the files a run writes left out survival.png and causes.png (figures=true); each command's files are in its section.

    The names of sim-calibrate's and sim-analyse sensitivity's files were string literals where they were written (not in
    sim.results.files) and the calibration's figures were not named in its section.
    """
    from sim.cli.analyse_sensitivity import RESULTS
    from sim.cli.run import FILES
    from sim.results import calibration, files, sweep

    assert _file_table() == {*FILES, sweep.POINT, sweep.TABLE, sweep.TABLE_CSV, sweep.FAILURES}
    calibrated = (files.POSTERIOR_SAMPLE, files.POSTERIOR, files.CALIBRATION_DESIGN, files.CALIBRATION_REPORT, *files.CALIBRATION_FIGURE_FILES.values())
    assert {Path(name).name for name in calibration.FILES} == set(calibrated), "sim-calibrate writes the files named in sim.results.files"
    sensitivity = (*RESULTS, files.SENSITIVITY, files.SENSITIVITY_POINTS, files.MORRIS_FIGURE, files.SOBOL_FIGURE)
    assert {f"{name}.csv" for name in files.SENSITIVITY_TABLES} <= set(RESULTS)
    for title, names in {
        "sim-compare": (files.COMPARISON, files.COMPARISON_FIGURE, files.EVENTS, files.SUMMARY),
        "sim-search": (files.SEARCH, files.CANDIDATES),
        "sim-calibrate": calibrated,
        "sim-analyse sensitivity": sensitivity,
    }.items():
        assert [name for name in names if f"`{name}`" not in _section(title)] == [], title


def test_a_calibration_sweeps_columns_are_the_documented_ones(tmp_path):
    """A sweep of sim-calibrate had no table: every column its sweep.parquet takes from a point's posterior.json is named in
    docs/results.md's sim-calibrate section (a parameter's path and a statistic's name as <path> and <statistic>)."""
    import pandas as pd

    from sim.analysis.calibration import calibrate, calibrated_items, point_figures
    from sim.config.calibration import load_targets
    from sim.results import sweep
    from sim.results.calibration import write_all

    cfg = load("baseline", "none")
    targets = load_targets("uk_breakups")
    items = calibrated_items(cfg, ["decisions.memory"], targets)
    result = calibrate(cfg, targets, items, seed=1, replications=20, points=10, waves=1)
    run = {"key": "k0", "replications": 20, "overrides": {"seed": 1}, "wall_time_s": 1.0}
    text = _section("sim-calibrate")
    figures = point_figures(result)
    assert [k for k in {"run": run, **figures} if f"`{k}`" not in text] == []
    write_all(result, tmp_path / "0", extra={"run": run, **figures})
    sweep.PointRecord(0, "ok", {"seed": 1}, "k0", 1, 20, host="h").write(tmp_path / "0")
    sweep.collect(tmp_path)
    df = pd.read_parquet(tmp_path / "sweep.parquet")
    own = set(_documented_columns("sweep.parquet")) | {"seed"}
    names = {re.sub(r"^predictive\.(?!inside$|statistics$)[^.]+\.", "predictive.<statistic>.", c) for c in df.columns if c not in own}
    names = {re.sub(r"^posterior\.decisions\.memory\.", "posterior.<path>.", c) for c in names}
    assert [c for c in sorted(names) if f"`{c}`" not in text] == []
    assert df.loc[0, "posterior.decisions.memory.mean"] == figures["posterior"]["decisions.memory"]["mean"]


def test_the_timing_figures_say_from_when_they_count():
    """``median_months_to_collapse`` had no unit and ``collapse_within`` no origin: a reader of a sweep's
    ``median_months_to_collapse.value`` could take it for months from launch (as ``sim-analyse sensitivity``'s
    ``months_to_collapse`` is), where the curve counts from the start of the run (``end_month``)."""
    rows = {line.split("|")[1].strip(): line for line in _section("summary.json").splitlines() if line.startswith("| `")}
    for figure in ("`collapse_within`", "`median_months_to_collapse`"):
        assert "from the start of the run" in rows[figure] and "not from launch" in rows[figure], rows[figure]


def test_the_comparison_says_what_a_blank_cell_of_its_csv_copies_means():
    """Where sim-compare and notebook 02 write "no spread seen" or "unclear", the CSV copies of the comparison hold a blank cell
    (nan), and docs/results.md explained only "not detected" (a parameter share of 0). It says what a blank cell is."""
    section = _section("sim-compare")
    assert "a nan is a blank cell" in section and "`comparisons.csv`" in section and "`comparison_full.csv`" in section
    assert all(f"`{words}`" in section for words in ("no spread seen", "unclear", "-", "not detected")), section

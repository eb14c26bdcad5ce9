"""sim-compare -m end to end as real subprocesses: one folder per sweep, points recorded, one table of comparisons, sim-collect and sim-report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from support.clusters import require_module

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
SIM_COMPARE, SIM_COLLECT, SIM_REPORT = (str(BIN / name) for name in ("sim-compare", "sim-collect", "sim-report"))
SMALL = ["policies=[none,continuity_plan]", "replications=100", "partnership.horizon_months=48", "uncertainty=none"]
ENV = {**os.environ, "HYDRA_FULL_ERROR": ""}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=600, env=ENV, check=False)


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """3 points, the second bad: case 04 has two councils, so 3 partners needed is found out of range when the point is composed."""
    folder = tmp_path_factory.mktemp("compare") / "sweep"
    done = run(SIM_COMPARE, "-m", "scenario=case04_trading_company", "partnership.min_partners=1,3,2", *SMALL, f"hydra.sweep.dir={folder}")
    return folder, done


def test_a_compare_sweep_records_its_points_and_fails_a_bad_one_alone(swept):
    """sim-compare -m wrote each point's comparison in its own job folder and nothing else: no sweep.json, no point records, no
    table; a bad point ended its job with Hydra's error and the sweep exited 1 or went on unrecorded."""
    folder, done = swept
    assert done.returncode == 3, done.stderr[-3000:]
    assert "1 of 3 points failed" in done.stderr and f"Comparisons: {folder / 'comparisons.parquet'}" in done.stderr
    assert (folder / "sweep.json").is_file()
    table = pd.read_parquet(folder / "sweep.parquet")
    assert list(table["status"].astype(str)) == ["ok", "failed", "ok"]
    assert "partnership.min_partners = 3 is outside [1, 2] (the number of councils)" in table["error"][1]
    assert list(pd.read_csv(folder / "failures.csv")["point"]) == [1]
    assert not (folder / "1" / "comparison.parquet").exists()


def test_a_compare_sweeps_speed_counts_every_policys_replications(swept):
    """The progress line's replications/s counted one policy's replications per point (100 here, of 2 x 100 run)."""
    folder, _ = swept
    assert [line.split()[:2] for line in (folder / ".progress").read_text().splitlines()] == [["o", "200"], ["f", "0"], ["o", "200"]]


def test_a_compare_sweep_gives_one_tidy_table_of_comparisons_with_the_swept_values(swept):
    """There was no table across points: each point's comparison.parquet had to be read and labelled by hand."""
    folder, _ = swept
    comparisons = pd.read_parquet(folder / "comparisons.parquet")
    assert list(comparisons.columns[:3]) == ["point", "scenario", "partnership.min_partners"]
    assert comparisons[["point", "partnership.min_partners", "policy"]].values.tolist() == [
        [0, 1, "none"],
        [0, 1, "continuity_plan"],
        [2, 2, "none"],
        [2, 2, "continuity_plan"],
    ]
    for point in (0, 2):
        own = pd.read_parquet(folder / str(point) / "comparison.parquet")
        rows = comparisons[comparisons["point"] == point].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows[own.columns], own, check_dtype=False)
    assert len(pd.read_csv(folder / "comparisons.csv")) == 4


def test_sim_collect_and_sim_report_read_a_compare_sweep(swept):
    """sim-collect said the folder held no point records, sim-report that it was not a results folder."""
    folder, _ = swept
    before = pd.read_parquet(folder / "comparisons.parquet")
    collect = run(SIM_COLLECT, str(folder))
    assert collect.returncode == 3 and "3 of 3 points done (2 ok, 1 failed)" in collect.stdout, collect.stdout + collect.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "comparisons.parquet"), before)
    report = run(SIM_REPORT, str(folder))
    assert report.returncode == 0, report.stderr[-3000:]
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "Sweep of 3 comparisons over partnership.min_partners" in page and "Chances and paired differences, point by point" in page
    assert (folder / "figures" / "forest_0.png").is_file()
    # each point's forest plot gave its levers' costs per point of collapse avoided (and which is measurably the least), the page's
    # table none: it now has sim-compare's column (per_point_cells), and the line saying what it holds
    table = page.split("Chances and paired differences, point by point")[1].split("<h2>")[0]
    assert "<th>per point of collapse avoided (GBP m, 95% interval)</th>" in table, table[:2000]
    assert table.count("<td>(reference)</td>") == 2 * 4  # each point's reference row: its three differences and its cost per point
    assert "per point of collapse avoided: what a lever costs for each percentage point of collapse it measurably avoids" in table


def test_a_compare_sweeps_folder_with_results_is_refused_then_resumed_and_a_stop_keeps_the_points_done(tmp_path):
    """A second sweep into the folder replaced the first one's points, and a stopped sweep could only start again."""
    folder = tmp_path / "sweep"
    longer = [arg if not arg.startswith("replications=") else "replications=1000" for arg in SMALL]
    args = [SIM_COMPARE, "-m", "seed=5,6,7", *longer, f"hydra.sweep.dir={folder}"]
    stopped = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.time() + 300
    while not list(folder.glob("*/summary.json")) and time.time() < deadline and stopped.poll() is None:
        time.sleep(0.2)
    stopped.send_signal(signal.SIGINT)
    _, stderr = stopped.communicate(timeout=300)
    assert stopped.returncode == 128 + signal.SIGINT, stderr[-3000:]
    assert "no sweep table was written" in stderr and not (folder / "comparisons.parquet").exists()
    first = run(*args)
    assert first.returncode == 2
    assert first.stderr.strip().splitlines() == [
        f"error: {folder} already holds results: add resume=true to skip the points already done, or choose another folder with hydra.sweep.dir=..."
    ]
    done = run(*args, "resume=true")
    assert done.returncode == 0, done.stderr[-3000:]
    before = {p: p.read_bytes() for p in folder.glob("*/summary.json")}
    again = run(*args, "resume=true")
    assert again.returncode == 0 and again.stderr.count("already done with the same configuration (resume=true): skipped") == 3
    assert {p: p.read_bytes() for p in folder.glob("*/summary.json")} == before
    assert pd.read_parquet(folder / "comparisons.parquet")["seed"].tolist() == [5, 5, 6, 6, 7, 7]


def test_two_compare_sweeps_of_the_same_second_one_on_joblib_keep_their_own_folders(tmp_path):
    """Two sim-compare -m started together shared multirun/DATE/TIME: the second's points were refused as in use by the
    first's, or replaced them. (The folder is named by the day here, so that the two share it whenever they start.)"""
    require_module("hydra_plugins.hydra_joblib_launcher", "joblib")
    (tmp_path / "cfg" / "hydra" / "sweep_dir").mkdir(parents=True)
    (tmp_path / "cfg" / "hydra" / "sweep_dir" / "daily.yaml").write_text(f"dir: {tmp_path}/multirun/${{now:%Y-%m-%d}}\n")
    clock = ["--config-dir", str(tmp_path / "cfg"), "+hydra/sweep_dir@hydra.sweep=daily"]
    runs = [
        subprocess.Popen([SIM_COMPARE, "-m", *clock, "seed=1,2", *SMALL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV),
        subprocess.Popen(
            [SIM_COMPARE, "-m", *clock, "seed=3,4", *SMALL, "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        ),
    ]
    errors = [process.communicate(timeout=600)[1] for process in runs]
    assert [process.returncode for process in runs] == [0, 0], [e[-3000:] for e in errors]
    day = time.strftime("%Y-%m-%d")
    folders = sorted((tmp_path / "multirun").iterdir())
    assert [f.name for f in folders] == [day, f"{day}-2"]
    seeds = sorted(sorted(set(pd.read_parquet(f / "comparisons.parquet")["seed"])) for f in folders)
    assert seeds == [[1, 2], [3, 4]]


def test_an_unknown_policy_in_a_swept_list_refuses_the_whole_multirun(tmp_path):
    """``sim-compare -m "policies=[none,nope],[none,continuity_plan]"`` ran the good point and recorded the other as failed (exit 3),
    where the docs promise a value a single run refuses refuses the whole multirun (exit 2, nothing run, no folder); a policy of
    one's own (``--config-dir``) is known."""
    (tmp_path / "mine" / "policy").mkdir(parents=True)
    (tmp_path / "mine" / "policy" / "ours.yaml").write_text("# @package _global_\nlevers:\n  continuity_plan: {enabled: true}\n", encoding="utf-8")
    folder = tmp_path / "sweep"
    for lists in ("policies=[none,nope],[none,ours]", "policies=[none,nope]"):
        done = run(SIM_COMPARE, "-m", "--config-dir", str(tmp_path / "mine"), lists, "seed=1,2", *SMALL[1:], f"hydra.sweep.dir={folder}")
        assert done.returncode == 2, done.stderr[-3000:]
        assert done.stderr.strip().splitlines() == [
            "error: policies[1] = 'nope' is not known (did you mean none?) (available: agreed_decision_process, all_levers, commercial_capability,"
            " communications_plan, continuity_plan, it_harmonisation_first, market_testing, neutral_cloud_platform, none, open_motivations, ours,"
            " reputation_first, staged_scope)"
        ]
        assert not folder.exists()


def test_a_list_written_without_brackets_in_a_multirun_is_one_line_saying_how_to_write_it(tmp_path):
    """``sim-compare -m "councils.0.it_maturity=0.2,0.5" policies=none,all_levers`` (the list without its brackets, which
    Hydra reads as a sweep of single names) gave a line per name, "policies = 'none' must be a list of at least two policy
    names", without saying that the commas made a sweep; without -m the same words said it in one line."""
    folder = tmp_path / "sweep"
    done = run(SIM_COMPARE, "-m", "councils.0.it_maturity=0.2,0.5", "policies=none,all_levers", *SMALL[1:], f"hydra.sweep.dir={folder}")
    assert done.returncode == 2, done.stderr[-3000:]
    assert done.stderr.strip().splitlines() == [
        "error: policies = none,all_levers: a sweep of single names, one policy per point, and each point takes a list:"
        " write it in brackets, policies=[none,all_levers] (to sweep lists: policies=[none,a],[none,b])"
    ]
    assert not folder.exists()

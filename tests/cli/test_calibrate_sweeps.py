"""sim-calibrate -m end to end as real subprocesses: one folder per sweep, points recorded, a refused one failed alone, one table, resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
SIM_CALIBRATE, SIM_COLLECT, SIM_REPORT = (str(BIN / name) for name in ("sim-calibrate", "sim-collect", "sim-report"))
#: The smallest calibration sim-calibrate --help allows (points >= 10, waves >= 1, replications >= 20), of one parameter.
SMALL = ["points=10", "waves=1", "replications=20", "parameters=[decisions.memory]", "workers=1"]
RECORDS = Path(__file__).resolve().parents[2] / "data" / "uk_breakups.csv"
#: Targets the model cannot reach (every partnership broken up within a year): its calibration is refused after its runs.
UNREACHABLE = """\
name: unreachable
event: breakup
horizon_months: 240
statistics:
- name: broken_up_within_1_year
  kind: breakup_by
  years: 1
  observed: 0.999
  sd: 0.001
"""
#: The columns a calibration's row holds (besides the sweep's own): what a researcher compares across points.
COLUMNS = [
    "posterior.decisions.memory.mean",
    "posterior.decisions.memory.low",
    "posterior.decisions.memory.high",
    "effective_sample_size",
    "plausible_points",
    "points_simulated",
    "predictive.inside",
    "predictive.statistics",
    "predictive.breakup_after_0_to_2_years.inside",
]
ENV = {**os.environ, "HYDRA_FULL_ERROR": ""}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=900, env=ENV, check=False, cwd=cwd)


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> tuple[Path, list[str], subprocess.CompletedProcess]:
    """3 points: the shipped targets, targets out of the model's reach (refused once its runs are done), the shipped record as a CSV."""
    root = tmp_path_factory.mktemp("calibrate")
    (root / "unreachable.yaml").write_text(UNREACHABLE, encoding="utf-8")
    folder = root / "sweep"
    args = [SIM_CALIBRATE, "-m", f"targets=uk_breakups,{root / 'unreachable.yaml'},{RECORDS}", "seed=1", *SMALL, f"hydra.sweep.dir={folder}"]
    return folder, args, run(*args)


def test_a_calibration_sweep_records_its_points_and_fails_a_refused_one_alone(swept):
    """sim-calibrate -m wrote each calibration into its own job folder and nothing else (no sweep.json, no point.json, no
    table), and a point whose targets were out of reach ended the whole sweep with exit 2, the later points never run."""
    folder, _, done = swept
    assert done.returncode == 3, done.stderr[-3000:]
    assert "1 of 3 points failed" in done.stderr and (folder / "sweep.json").is_file()
    assert [json.loads((folder / str(i) / "point.json").read_text())["status"] for i in range(3)] == ["ok", "failed", "ok"]
    assert not (folder / "1" / "posterior.parquet").exists() and (folder / "2" / "posterior.parquet").is_file()
    # the progress line's speed counted 20 replications per calibration, of 10 parameter points x 20 run
    assert [line.split()[:2] for line in (folder / ".progress").read_text().splitlines()] == [["o", "200"], ["f", "0"], ["o", "200"]]
    failures = pd.read_csv(folder / "failures.csv")
    assert list(failures["point"]) == [1] and "`broken_up_within_1_year` observed 0.999 is out of the model's reach" in failures["error"][0]


def test_a_calibration_sweep_gives_one_row_per_calibration_with_its_posterior_and_predictive_check(swept):
    """There was no table across calibrations: each point's posterior.parquet and calibration.md had to be read by hand."""
    folder, _, _ = swept
    table = pd.read_parquet(folder / "sweep.parquet")
    assert list(table["point"]) == [0, 1, 2] and list(table["status"].astype(str)) == ["ok", "failed", "ok"]
    assert [c for c in COLUMNS if c not in table.columns] == []
    ok = table[table["status"] == "ok"]
    assert ok[COLUMNS].notna().all().all() and table.loc[1, COLUMNS].isna().all()
    assert (ok["posterior.decisions.memory.low"] <= ok["posterior.decisions.memory.mean"]).all()
    assert (ok["posterior.decisions.memory.mean"] <= ok["posterior.decisions.memory.high"]).all()
    assert list(ok["predictive.statistics"]) == [4, 4] and (ok["predictive.inside"] <= 4).all()
    posterior = json.loads((folder / "0" / "posterior.json").read_text())
    assert ok.loc[0, "effective_sample_size"] == posterior["effective_sample_size"] and ok.loc[0, "key"] == posterior["run"]["key"]
    assert ok.loc[0, "plausible_points"] == posterior["plausible_points"] and ok.loc[0, "model_version"] == posterior["model_version"]
    assert list(pd.read_csv(folder / "sweep.csv")["point"]) == [0, 1, 2]
    collect = run(SIM_COLLECT, str(folder))
    assert collect.returncode == 3 and "3 of 3 points done (2 ok, 1 failed)" in collect.stdout, collect.stdout + collect.stderr


def test_a_calibration_sweep_gets_a_report_of_its_posteriors_and_predictive_checks(swept):
    """sim-report refused the folder in one line ("a sweep of sim-search or sim-calibrate"): each calibration.md had to be read in turn."""
    folder, _, _ = swept
    report = run(SIM_REPORT, str(folder))
    assert report.returncode == 0, report.stderr
    page = (folder / "report.html").read_text()
    assert "<title>Sweep of 3 calibrations over targets</title>" in page and "Points that did not complete" in page
    assert "each fitting decisions.memory to targets" in page and "10 parameter points of 20 replications each" in page
    table = pd.read_parquet(folder / "sweep.parquet").set_index("point")
    for point in (0, 2):
        posterior = json.loads((folder / str(point) / "posterior.json").read_text())
        memory = posterior["posterior"]["decisions.memory"]
        assert f"<td>{memory['mean']:.3g}</td><td>{memory['low']:.3g} to {memory['high']:.3g}</td>" in page
        check = f"<td>{posterior['effective_sample_size']:.0f}</td><td>{posterior['predictive']['inside']} of 4</td>"
        assert check in page and table.loc[point, "effective_sample_size"] == posterior["effective_sample_size"]
    assert "<h2>Posterior predictive check, statistic by statistic</h2>" in page and page.count("<td>breakup_after_0_to_2_years</td>") == 2
    assert sorted(p.name for p in (folder / "figures").iterdir()) == ["posterior_decisions.memory.png", "posterior_decisions.memory.svg"]
    assert "prior_posterior" not in page, "each point's own calibration figures are its own, not 'other results' of the sweep"


def test_a_calibration_sweeps_folder_is_refused_then_resumed_skipping_the_points_done(swept):
    """A second sweep into the folder replaced the first one's calibrations (resume=true was not a setting of sim-calibrate)."""
    folder, args, _ = swept
    refused = run(*args)
    assert refused.returncode == 2 and "already holds results: add resume=true" in refused.stderr
    before = {p: p.read_bytes() for p in folder.glob("*/posterior.json")}
    resumed = run(*args, "resume=true")
    assert resumed.returncode == 3 and resumed.stderr.count("already done with the same configuration (resume=true): skipped") == 2
    assert {p: p.read_bytes() for p in folder.glob("*/posterior.json")} == before
    assert list(pd.read_parquet(folder / "sweep.parquet")["status"].astype(str)) == ["ok", "failed", "ok"]


def test_two_calibration_sweeps_of_the_same_second_keep_their_own_folders(tmp_path):
    """Two sim-calibrate -m started together shared multirun/DATE/TIME, each job replacing the other's calibration of the
    same number. (The folder is named by the day here, so that the two share it whenever they start.)"""
    (tmp_path / "cfg" / "hydra" / "sweep_dir").mkdir(parents=True)
    (tmp_path / "cfg" / "hydra" / "sweep_dir" / "daily.yaml").write_text(f"dir: {tmp_path}/multirun/${{now:%Y-%m-%d}}\n")
    clock = ["--config-dir", str(tmp_path / "cfg"), "+hydra/sweep_dir@hydra.sweep=daily"]
    runs = [
        subprocess.Popen([SIM_CALIBRATE, "-m", *clock, seeds, *SMALL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
        for seeds in ("seed=1,2", "seed=3,4")
    ]
    errors = [process.communicate(timeout=900)[1] for process in runs]
    assert [process.returncode for process in runs] == [0, 0], [e[-3000:] for e in errors]
    day = time.strftime("%Y-%m-%d")
    folders = sorted((tmp_path / "multirun").iterdir())
    assert [f.name for f in folders] == [day, f"{day}-2"]
    seeds = sorted(sorted(pd.read_parquet(f / "sweep.parquet")["seed"]) for f in folders)
    assert seeds == [[1, 2], [3, 4]]


def test_a_single_calibration_records_its_run_without_a_point(tmp_path):
    """A single run writes no point.json and no sweep files; its posterior.json holds its run (with the key resume=true matches)
    and the figures a sweep's point holds."""
    out = tmp_path / "out"
    done = run(SIM_CALIBRATE, *SMALL, f"out={out}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "calibration",
        "calibration.md",
        "design.parquet",
        "posterior.json",
        "posterior.parquet",
    ]
    recorded = json.loads((out / "posterior.json").read_text())
    assert {"run", "posterior", "predictive"} <= set(recorded) and len(recorded["run"]["key"]) == 24


def test_resume_over_a_single_calibration_skips_it(tmp_path):
    """sim-calibrate out=cal, then the same with resume=true, ran the whole calibration again (under a notice that its results
    recorded no configuration): a single calibration recorded no key. It records one, so the second is skipped."""
    out = tmp_path / "cal"
    assert run(SIM_CALIBRATE, *SMALL, f"out={out}").returncode == 0
    made = (out / "posterior.parquet").stat().st_mtime_ns
    again = run(SIM_CALIBRATE, *SMALL, f"out={out}", "resume=true")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "already done with the same configuration (resume=true): skipped" in again.stderr and "made again" not in again.stderr, again.stderr
    assert (out / "posterior.parquet").stat().st_mtime_ns == made

"""Sweeps end to end as real subprocesses: the sweep table, joblib, resume after SIGKILL, bad points, designs and sim-collect."""

from __future__ import annotations

import contextlib
import html
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import stop_after
from support.clusters import require_module

from sim.results.lock import RunLock
from sim.results.sweep import same_figures

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
SIM_RUN, SIM_COLLECT = str(BIN / "sim-run"), str(BIN / "sim-collect")
#: 4 points (2 scenarios x 2 policies), small and short.
POINTS = ["scenario=case01_key_person,case04_trading_company", "policy=none,all_levers"]
SMALL = ["replications=150", "partnership.horizon_months=48"]


def sim_run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([SIM_RUN, *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, "HYDRA_FULL_ERROR": ""}, check=False)


def sweep(folder: Path, *extra: str) -> subprocess.CompletedProcess:
    return sim_run("-m", *POINTS, *SMALL, f"hydra.sweep.dir={folder}", *extra)


def table(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "sweep.parquet")


@pytest.fixture(scope="module")
def basic_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("basic") / "sweep"
    done = sweep(folder)
    assert done.returncode == 0, done.stderr[-3000:]
    return folder, done


@pytest.fixture(scope="module")
def basic(basic_run) -> Path:
    return basic_run[0]


def test_each_point_prints_what_was_run_its_headline_and_its_folder_not_its_whole_summary(basic_run):
    """Every job of a multirun printed its whole summary, some 60 lines a point."""
    folder, done = basic_run
    lines = [line for line in done.stdout.splitlines() if not line.startswith("[")]  # Hydra's own lines about the jobs
    assert len(lines) == 4 * 3, done.stdout
    for point in range(4):
        what, headline, where = lines[3 * point : 3 * point + 3]
        assert what.startswith("What was run: scenario ") and headline.startswith("Of 150 proposed partnerships, ")
        assert where == f"Results in {folder / str(point)}"


def test_the_sweep_table_has_a_row_per_point_with_its_values_and_figures(basic):
    df = table(basic)
    assert len(df) == 4 and list(df["point"]) == [0, 1, 2, 3]
    assert {"scenario", "policy", "seed", "job_dir", "status", "key", "outcomes.collapsed.value", "outcomes.collapsed.low", "savings.net_savings.high"} <= set(
        df.columns
    )
    assert list(df["scenario"].astype(str)) == ["case01_key_person"] * 2 + ["case04_trading_company"] * 2
    assert list(df["policy"].astype(str)) == ["none", "all_levers"] * 2
    assert isinstance(df["scenario"].dtype, pd.CategoricalDtype)
    assert (df["status"].astype(str) == "ok").all() and (df["replications"] == 150).all() and (df["seed"] == 0).all()
    assert (df["outcomes.collapsed.low"] <= df["outcomes.collapsed.value"]).all()
    assert (df["outcomes.collapsed.total.low"] <= df["outcomes.collapsed.monte_carlo.low"]).all(), "the default mode adds each figure's total interval"
    assert df["savings.lever_cost.value"][df["policy"] == "none"].eq(0).all() and df["savings.lever_cost.value"][df["policy"] == "all_levers"].gt(0).all()
    assert len(pd.read_csv(basic / "sweep.csv")) == 4
    assert not (basic / "failures.csv").exists()


def test_every_job_file_carries_its_point(basic):
    reps = pd.read_parquet(basic / "3" / "replications.parquet")
    assert list(reps.columns[:3]) == ["scenario", "policy", "replications"]
    assert isinstance(reps["policy"].dtype, pd.CategoricalDtype) and set(reps["policy"]) == {"all_levers"}
    summary = json.loads((basic / "3" / "summary.json").read_text())
    assert summary["run"]["overrides"] == {"scenario": "case04_trading_company", "policy": "all_levers", "replications": 150, "partnership.horizon_months": 48}
    assert summary["run"]["key"] == table(basic)["key"][3]


def test_common_random_numbers_across_points_by_default(basic):
    """Replication r meets the same shocks at every point: the drawn partnership is the same under both policies."""
    a = pd.read_parquet(basic / "2" / "replications.parquet")
    b = pd.read_parquet(basic / "3" / "replications.parquet")
    assert a["c0_it_maturity"].equals(b["c0_it_maturity"]) and a["commercial_capability"].equals(b["commercial_capability"])


def test_joblib_gives_the_same_figures(basic, tmp_path):
    require_module("hydra_plugins.hydra_joblib_launcher", "joblib")
    done = sweep(tmp_path / "sweep", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2")
    assert done.returncode == 0, done.stderr[-3000:]
    assert same_figures(table(basic), table(tmp_path / "sweep"))


def test_the_command_a_sweeps_report_gives_runs_it_again_into_its_folder_from_anywhere(tmp_path):
    """sim-report's "What was run" gave 'sim-run -m ... out=sw hydra.sweep.dir=sw': the folder twice (sim-run adds
    hydra.sweep.dir for out=), and a relative one read from wherever it was pasted. It now gives the command as typed
    after cd to the folder it ran in: pasted anywhere, it makes the same table in the same folder."""
    (tmp_path / "here").mkdir()
    (tmp_path / "elsewhere").mkdir()
    args = [SIM_RUN, "-m", "partnership.decision_clarity=0.2,0.8", "uncertainty=none", "replications=20", "out=sw"]
    env = {**os.environ, "HYDRA_FULL_ERROR": "", "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(args, cwd=tmp_path / "here", capture_output=True, text=True, timeout=600, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    folder = tmp_path / "here" / "sw"
    made = subprocess.run([str(BIN / "sim-report"), str(folder)], capture_output=True, text=True, timeout=600, env=env, check=False)
    assert made.returncode == 0, made.stderr
    what = html.unescape((folder / "report.html").read_text(encoding="utf-8").split("<p class=what>", 1)[1].split("</p>", 1)[0])
    line = what.split("command: ", 1)[1]
    assert line == f"cd {shlex.quote(str(tmp_path / 'here'))} && sim-run -m partnership.decision_clarity=0.2,0.8 uncertainty=none replications=20 out=sw"
    folder.rename(tmp_path / "here" / "first")
    again = subprocess.run(["bash", "-c", line], cwd=tmp_path / "elsewhere", capture_output=True, text=True, timeout=600, env=env, check=False)
    assert again.returncode == 0, again.stderr[-3000:]
    assert same_figures(table(tmp_path / "here" / "first"), table(folder))


def test_a_folder_with_results_is_refused_unless_resumed_and_then_every_point_is_skipped(basic, tmp_path):
    refused = sweep(basic)
    assert refused.returncode == 2 and "already holds results: add resume=true" in refused.stderr
    changed = sim_run("-m", "scenario=case01_key_person", *SMALL, f"hydra.sweep.dir={basic}", "resume=true")
    assert changed.returncode == 2 and "must repeat the same sweep" in changed.stderr
    before = table(basic)
    resumed = sweep(basic, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert resumed.stderr.count("already done with the same configuration (resume=true): skipped") == 4
    for point, (scenario, policy) in enumerate([(s, p) for s in ("case01_key_person", "case04_trading_company") for p in ("none", "all_levers")]):
        values = f"scenario={scenario} policy={policy} replications=150 partnership.horizon_months=48"
        assert f"Point {point} ({values}) already done" in resumed.stderr, (
            "a skipped point was named by its scenario and policy alone, as 'case04_trading_company/none' for every value of a swept parameter"
        )
    assert "notice:" not in resumed.stderr, "each skipped point also printed 'holds an earlier run's results: they are kept if...'"
    assert same_figures(before, table(basic))


def test_resume_with_the_swept_values_given_in_another_order_is_refused_not_run_again_point_by_point(basic):
    """Hydra's sweeper numbers the points by the swept keys in the order given: 'policy=... scenario=... resume=true' was taken
    for the same sweep (its fingerprint held the overrides sorted), and points 1 and 2, each now the other's values, were
    said to be 'made with another configuration', removed and run again: work thrown away, and a line blaming a value."""
    before = table(basic)
    reordered = sim_run("-m", *reversed(POINTS), *SMALL, f"hydra.sweep.dir={basic}", "resume=true")
    assert reordered.returncode == 2, reordered.stderr[-3000:]
    assert "resume=true must repeat the same sweep in the same order" in reordered.stderr
    assert "numbers its points by scenario, policy" in reordered.stderr and "gives them as policy, scenario" in reordered.stderr
    assert "is run again" not in reordered.stderr
    after = table(basic)
    assert same_figures(before, after) and after["wall_time_s"].tolist() == before["wall_time_s"].tolist()


def test_a_sweep_into_a_single_runs_folder_is_refused_resumed_or_not_and_leaves_it_as_it_was(tmp_path):
    """sim-run -m seed=1,2 out=D where D held a single run's results ran both points beside them and said 'Sweep: 3 of 2
    points done (3 ok, 0 failed)': the single run was collected as a point of the table; sim-collect D then refused D
    as one run's folder."""
    folder = tmp_path / "run"
    assert sim_run(*SMALL, "uncertainty=none", f"out={folder}").returncode == 0
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    for extra in ([], ["resume=true"]):
        refused = sim_run("-m", "seed=1,2", *SMALL, "uncertainty=none", f"out={folder}", *extra)
        assert refused.returncode == 2 and refused.stderr.count("error:") == 1, refused.stderr[-3000:]
        assert f"error: {folder} holds a single run's results (summary.json), not a sweep's" in refused.stderr
        assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


def test_a_single_run_into_a_sweeps_folder_is_refused_and_leaves_the_sweep_as_it_was(basic, tmp_path):
    """sim-run out=D where D held a multirun's sweep said 'D holds an earlier run's results: they are replaced', removed
    the sweep's sweep.parquet and sweep.csv and left its points' folders 0/ .. 3/ beside the single run's results."""
    folder = tmp_path / "sweep"
    shutil.copytree(basic, folder)
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    for where in (f"out={folder}", f"hydra.run.dir={folder}"):
        refused = sim_run(*SMALL, "uncertainty=none", where)
        assert refused.returncode == 2 and refused.stderr.count("error:") == 1, refused.stderr[-3000:]
        setting = where.partition("=")[0]
        assert f"error: {setting} = {folder} holds a sweep (sweep.json and its points' folders): a single run does not replace it" in refused.stderr
        assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


def test_killed_with_sigkill_and_resumed_gives_the_same_table(basic, tmp_path):
    folder = tmp_path / "sweep"
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    proc = subprocess.Popen(
        [SIM_RUN, "-m", *POINTS, *SMALL, f"hydra.sweep.dir={folder}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 300
        while len(list(folder.glob("*/summary.json"))) < 2:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    done = len(list(folder.glob("*/summary.json")))
    assert 2 <= done < 4 and not (folder / "sweep.parquet").exists()
    resumed = sweep(folder, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert resumed.stderr.count("skipped") >= done
    assert same_figures(table(basic), table(folder))
    assert not list(folder.glob("*/.*.tmp"))


def test_collect_refuses_one_runs_folder_and_writes_nothing_there(basic):
    job = basic / "0"
    before = sorted(p.name for p in job.iterdir())
    done = subprocess.run([SIM_COLLECT, str(job)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: folder = '{job}' is one run's folder, not a sweep's: sim-collect reads a multirun's folder or a design's run folder"
    assert sorted(p.name for p in job.iterdir()) == before


def test_collect_names_its_folder_when_it_holds_no_points(tmp_path):
    """'error: no point records (point.json) under D' did not name the setting, as every other bad-input line does."""
    done = subprocess.run([SIM_COLLECT, str(tmp_path)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and not list(tmp_path.iterdir())
    said = f"error: folder = '{tmp_path}' holds no point records (point.json): sim-collect reads a multirun's folder or a design's run folder"
    assert done.stderr.strip() == said


def test_a_stopped_collect_leaves_the_earlier_table_whole(basic, tmp_path, monkeypatch):
    """Ctrl-C while sim-collect wrote the table: a new sweep.parquet stood beside the earlier sweep.csv (and report).

    It said "no results were written" all the same. The table's files now replace the earlier
    ones together: stopped before, the earlier table is left whole.
    """
    import contextlib
    import io
    import shutil

    from sim.cli import collect
    from sim.results import sweep as results

    folder = tmp_path / "sweep"
    shutil.copytree(basic, folder)
    record = json.loads((folder / "1" / "point.json").read_text())
    (folder / "1" / "point.json").write_text(json.dumps({**record, "status": "failed", "error": "made to fail"}))
    before = {name: (folder / name).read_bytes() for name in ("sweep.parquet", "sweep.csv")}

    stop_after(monkeypatch, results, "write_table")
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        assert collect.main([str(folder)]) == 128 + signal.SIGINT
    assert stderr.getvalue().startswith("error: stopped by SIGINT (Ctrl-C) before the run finished: no results were written")
    assert {name: (folder / name).read_bytes() for name in before} == before
    assert not (folder / "failures.csv").exists() and not list(folder.glob(".*.tmp"))


def test_a_bad_point_fails_alone_is_recorded_and_the_sweep_exits_3(tmp_path):
    folder = tmp_path / "sweep"
    # 3 partners needed is a value in range, but not in case 04's two councils: found when the point is composed
    # (a value a single run refuses, such as councils.0.it_maturity=1.5, refuses the whole multirun: tests/cli/test_faults.py)
    done = sim_run("-m", "scenario=case04_trading_company", "partnership.min_partners=1,3,2", *SMALL, f"hydra.sweep.dir={folder}")
    assert done.returncode == 3, done.stderr[-3000:]
    assert "1 of 3 points failed" in done.stderr
    df = table(folder)
    assert list(df["status"].astype(str)) == ["ok", "failed", "ok"]
    assert "partnership.min_partners = 3 is outside [1, 2] (the number of councils)" in df["error"][1]
    assert df["outcomes.collapsed.value"].isna().tolist() == [False, True, False]
    failures = pd.read_csv(folder / "failures.csv")
    assert list(failures["point"]) == [1] and "outside [1, 2]" in failures["error"][0]
    assert not (folder / "1" / "replications.parquet").exists()
    collect = subprocess.run([SIM_COLLECT, str(folder)], capture_output=True, text=True, timeout=120, check=False)
    assert collect.returncode == 3 and "3 of 3 points done (2 ok, 1 failed)" in collect.stdout
    assert same_figures(df, table(folder))


def test_a_job_whose_folder_another_run_holds_names_the_sweep_folder_option(tmp_path):
    """A multirun's job refused because another run held its folder advised 'choose another folder with hydra.run.dir=...',
    which a multirun does not use: its folders are chosen with hydra.sweep.dir."""
    folder = tmp_path / "sweep"
    (folder / "0").mkdir(parents=True)
    with RunLock(folder / "0"):
        done = sim_run("-m", "seed=1,2", *SMALL, f"hydra.sweep.dir={folder}")
    assert done.returncode != 0
    assert f"{folder / '0'} is in use by another run" in done.stderr and "choose another folder with hydra.sweep.dir=..." in done.stderr, done.stderr[-3000:]
    assert "hydra.run.dir" not in done.stderr


def test_two_sweeps_of_the_same_second_one_on_joblib_keep_their_own_folders_and_points(tmp_path):
    """Two sim-run -m started together (a shell loop, a scheduler) shared multirun/DATE/TIME: one sweep's points were refused
    as in use by the other, and the table held the other's points under this one's sweep.json ("3/2 points done"). The second
    now takes the folder's next name, and the joblib workers write its points there. (The folder is named by the day here,
    as hydra/sweep_dir/absolute.yaml names it by the second for Ray and SLURM, so that the two share it whenever they start.)"""
    require_module("hydra_plugins.hydra_joblib_launcher", "joblib")
    (tmp_path / "cfg" / "hydra" / "sweep_dir").mkdir(parents=True)
    (tmp_path / "cfg" / "hydra" / "sweep_dir" / "daily.yaml").write_text(f"dir: {tmp_path}/multirun/${{now:%Y-%m-%d}}\n")
    clock = ["--config-dir", str(tmp_path / "cfg"), "+hydra/sweep_dir@hydra.sweep=daily"]
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    runs = [
        subprocess.Popen([SIM_RUN, "-m", *clock, "seed=1,2", *SMALL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env),
        subprocess.Popen(
            [SIM_RUN, "-m", *clock, "seed=3,4", *SMALL, "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        ),
    ]
    errors = [run.communicate(timeout=600)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [e[-3000:] for e in errors]
    day = time.strftime("%Y-%m-%d")
    folders = sorted((tmp_path / "multirun").iterdir())
    assert [f.name for f in folders] == [day, f"{day}-2"]
    assert sorted(sorted(table(f)["seed"].tolist()) for f in folders) == [[1, 2], [3, 4]]
    for folder in folders:
        assert table(folder)["status"].tolist() == ["ok", "ok"] and (folder / "1" / "summary.json").exists()
        assert any(f"Sweep table: {folder / 'sweep.parquet'}" in e for e in errors)


def test_out_is_the_sweeps_one_folder_refused_while_another_sweep_holds_it_and_resumed(tmp_path):
    """sim-run took no out= (sim-calibrate and sim-analyse sensitivity do); with -m it is the sweep's folder, as hydra.sweep.dir."""
    folder = tmp_path / "levers"
    folder.mkdir()
    with RunLock(folder, "hydra.sweep.dir"):
        held = sim_run("-m", "seed=1,2", *SMALL, f"out={folder}")
    assert held.returncode == 3, held.stderr[-3000:]
    lines = [line for line in held.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {folder} is in use by another run") and lines[0].endswith("with out=..."), lines
    assert sorted(p.name for p in folder.iterdir()) == []
    done = sim_run("-m", "seed=1,2", *SMALL, f"out={folder}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert table(folder)["job_dir"].tolist() == ["0", "1"] and "out" not in table(folder).columns
    assert (folder / "0" / "summary.json").exists() and not (tmp_path / "multirun").exists()
    resumed = sim_run("-m", "seed=1,2", *SMALL, f"out={folder}", "resume=true")
    assert resumed.returncode == 0 and resumed.stderr.count("already done with the same configuration (resume=true): skipped") == 2, resumed.stderr[-3000:]


def test_a_sweep_resumes_in_its_folder_however_named_and_with_other_threads(tmp_path):
    """docs/sweeps.md resumes ``out=sweeps/gap`` with ``hydra.sweep.dir=sweeps/gap, the same``, but the sweep's fingerprint held
    ``out=...`` as typed: that, the folder as an absolute path, or ``workers=1`` (threads never change results) was refused as
    'resume=true must repeat the same sweep'. A swept workers= is still another sweep."""
    folder = tmp_path / "gap"
    assert sim_run("-m", "seed=1,2", *SMALL, f"out={folder}").returncode == 0
    resumed = sim_run("-m", "seed=1,2", *SMALL, f"hydra.sweep.dir={folder}", "workers=1", "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert resumed.stderr.count("already done with the same configuration (resume=true): skipped") == 2
    swept = sim_run("-m", "seed=1,2", *SMALL, f"out={folder}", "workers=1,2", "resume=true")
    assert swept.returncode == 2 and "resume=true must repeat the same sweep" in swept.stderr, swept.stderr[-3000:]


def test_a_design_chunk_refused_at_its_start_fails_its_point_alone_with_one_line(tmp_path):
    """A design refused inside a multirun (here, no such design file) raised: Hydra's 'Error executing job' line, a
    traceback and 'an unexpected error: please report it' instead of the refusal's line; now its point fails alone. Where
    every point would be refused so, the multirun is refused whole before its folder is made (docs/faults.md)."""
    folder, nope = tmp_path / "sweep", tmp_path / "nope.csv"
    done = sim_run("-m", f"design={nope}", "seed=1,2", *SMALL, f"hydra.sweep.dir={folder}")
    assert done.returncode == 2, done.stderr[-3000:]
    assert done.stderr.strip().splitlines() == [f"error: design = '{nope}': no such file"] and not folder.exists()
    points = tmp_path / "points.csv"
    points.write_text("councils.0.it_maturity\n0.3\n")
    done = sim_run("-m", f"design={nope},{points}", "seed=1", *SMALL, f"hydra.sweep.dir={folder}")
    assert done.returncode == 3, done.stderr[-3000:]
    assert "error: point 0 (seed=1 " in done.stderr and f"design = '{nope}': no such file" in done.stderr
    assert "Error executing job" not in done.stderr and "Traceback" not in done.stderr and "unexpected error" not in done.stderr
    assert json.loads((folder / "0" / "point.json").read_text())["status"] == "failed"


def test_a_presets_bad_values_refuse_the_multirun_before_its_folder_is_made(tmp_path):
    """A preset of one's own (--config-dir) with a value out of range and an unknown scenario made the sweep folder,
    then printed Hydra's composition error for the scenario only; the out-of-range value was not reported."""
    (tmp_path / "cfg" / "sweep").mkdir(parents=True)
    (tmp_path / "cfg" / "sweep" / "mine.yaml").write_text(
        "# @package _global_\nhydra:\n  sweeper:\n    params:\n      councils.0.it_maturity: 0.2,1.7\n      scenario: baseline,case9\n      seed: 1,2\n",
        encoding="utf-8",
    )
    folder = tmp_path / "sweep"
    done = sim_run("-m", "--config-dir", str(tmp_path / "cfg"), "sweep=mine", "seed=3", *SMALL, f"hydra.sweep.dir={folder}")
    assert done.returncode == 2
    assert [line.split(" (available")[0] for line in done.stderr.strip().splitlines()] == [
        "error: scenario = 'case9' is not known",
        "error: councils[0].it_maturity = 1.7 is outside [0, 1] (in sweep preset mine)",
    ]
    assert "(in sweep preset mine)" in done.stderr.splitlines()[0]
    assert not folder.exists()


def test_a_design_gives_the_multirun_figures_resumes_and_fails_bad_rows_alone(basic, tmp_path):
    points = tmp_path / "points.csv"
    points.write_text("scenario,policy\ncase01_key_person,none\ncase01_key_person,all_levers\ncase04_trading_company,none\ncase04_trading_company,all_levers\n")
    out = tmp_path / "design"
    done = sim_run(f"design={points}", *SMALL, f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "note: this run uses the assumptions' stated values (uncertainty=none), not the default uncertainty=" in done.stderr
    summary = json.loads((out / "points" / "0" / "summary.json").read_text())
    assert summary["run"]["uncertainty"] == "none" and summary["uncertainty"] == {"mode": "none"}, "docs/results.md: every summary has both"
    assert summary["run"]["blocks"] == 1 and summary["run"]["precision_reached"] == pytest.approx(
        (summary["outcomes"]["collapsed"]["high"] - summary["outcomes"]["collapsed"]["low"]) / 2
    )
    design = table(out)
    stated = tmp_path / "stated"
    assert sweep(stated, "uncertainty=none").returncode == 0, "a design's points are parameter points: the multirun to match runs at the stated values"
    multirun = table(stated)
    assert list(design["key"]) == list(multirun["key"])
    figures = [c for c in multirun.columns if c.startswith(("outcomes.", "savings.", "collapse_within.", "causes_of_"))]
    pd.testing.assert_frame_equal(design[figures], multirun[figures])
    assert set(pd.read_parquet(out / "points" / "1" / "replications.parquet")["policy"]) == {"all_levers"}
    again = sim_run(f"design={points}", *SMALL, f"hydra.run.dir={out}")
    assert again.returncode == 2 and "already holds results" in again.stderr
    resumed = sim_run(f"design={points}", *SMALL, f"hydra.run.dir={out}", "resume=true")
    assert resumed.returncode == 0 and "4 points already done" in resumed.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("councils.0.it_maturity,partnership.governance\n0.3,joint_committee\n7,joint_committee\n0.6,no_such_form\n0.9,trading_company\n")
    failed = sim_run(f"design={bad}", "scenario=case04_trading_company", *SMALL, f"hydra.run.dir={tmp_path / 'bad'}")
    assert failed.returncode == 3, failed.stderr[-3000:]
    df = table(tmp_path / "bad")
    assert list(df["status"].astype(str)) == ["ok", "failed", "failed", "ok"]
    assert list(df["councils.0.it_maturity"]) == [0.3, 7.0, 0.6, 0.9]
    assert "2 of 4 points failed" in failed.stderr


def finished(kept: int) -> str:
    """How a stop names the points it keeps."""
    return "the point finished is" if kept == 1 else f"the {kept} points finished are"


def stopped_once(args: list[str], folder: Path, pattern: str) -> tuple[int, str]:
    """Run sim-run, send Ctrl-C once a file matching ``pattern`` appears in ``folder``; return the exit code and stderr."""
    proc = subprocess.Popen([SIM_RUN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "HYDRA_FULL_ERROR": ""})
    try:
        deadline = time.monotonic() + 300
        while not list(folder.glob(pattern)):
            assert proc.poll() is None, "the run ended before it could be stopped"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    return proc.returncode, stderr


def test_a_multirun_stopped_by_a_signal_says_its_finished_points_are_kept_and_resumes(tmp_path):
    """A multirun stopped with Ctrl-C said 'no results were written' while its finished points were on disk."""
    folder = tmp_path / "sweep"
    args = ["-m", "councils.0.it_maturity=0.1,0.5,0.9", "replications=400", "block_size=100", "uncertainty=none", f"hydra.sweep.dir={folder}"]
    returncode, stderr = stopped_once(args, folder, "*/summary.json")
    assert returncode == 128 + signal.SIGINT, stderr[-3000:]  # once (1 of many runs) it exited 2: show why
    kept = len(list(folder.glob("*/summary.json")))
    assert f"error: stopped by SIGINT (Ctrl-C) before the run finished: no sweep table was written in {folder}; {finished(kept)} kept in {folder}" in stderr
    assert "no results were written" not in stderr and not (folder / "sweep.parquet").exists()
    resumed = sim_run(*args, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert len(table(folder)) == 3


def test_a_point_stopped_after_writing_its_summary_is_not_recorded_done(tmp_path, monkeypatch):
    """Ctrl-C while a point printed its headline removed its results but left its point.json saying ``ok``.

    sim-collect then called the point failed ("summary.json missing"); it is now still ``running``,
    as a point stopped earlier is, and ``resume=true`` runs it again.
    """
    import contextlib
    import io

    from sim.cli import guard
    from sim.cli import run as run_cli
    from sim.results.sweep import read_record

    def stopped(info):
        raise guard.Stopped(signal.SIGINT)

    monkeypatch.setattr(run_cli, "what_was_run", stopped)
    folder = tmp_path / "sweep"
    args = ["-m", "councils.0.it_maturity=0.1,0.9", "replications=50", "uncertainty=none", f"hydra.sweep.dir={folder}"]
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        status = run_cli.main(args)
    assert status == 128 + signal.SIGINT, stderr.getvalue()[-3000:]
    assert not (folder / "0" / "summary.json").exists()
    assert read_record(folder / "0").status == "running"
    monkeypatch.undo()
    resumed = sim_run(*args, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert list(table(folder)["status"].astype(str)) == ["ok", "ok"]


def test_ctrl_c_on_a_joblib_sweep_gives_the_sweeps_line_only(tmp_path):
    """Ctrl-C reaches the whole process group: each joblib worker added "stopped by SIGINT while starting: nothing was written".

    A worker killed by it while sending its result once left sim-run waiting for ever; the
    workers now leave the stop to sim-run, which ends them and says what became of the sweep.
    """
    require_module("hydra_plugins.hydra_joblib_launcher", "joblib")
    folder = tmp_path / "sweep"
    args = ["-m", "councils.0.it_maturity=0.1,0.3,0.5,0.7,0.9", "replications=3000", "uncertainty=none", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
    proc = subprocess.Popen([SIM_RUN, *args, f"hydra.sweep.dir={folder}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not list(folder.glob("*/summary.json")):
            assert proc.poll() is None and time.monotonic() < deadline, "the sweep ended before it could be stopped"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C
        _, stderr = proc.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 128 + signal.SIGINT
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: stopped by SIGINT (Ctrl-C) before the run finished: no sweep table was written"), stderr[-3000:]
    assert "leaked semaphore" not in stderr, "each worker's progress bar took a multiprocessing lock, left behind when sim-run ended the worker"


def live_in_group(group: int) -> list[int]:
    """The processes of process group ``group`` that are still running (zombies left to an init that does not reap them aside)."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[2]) == group and fields[0] != "Z":
                live.append(int(stat.parent.name))
    return live


def test_a_joblib_sweeps_workers_end_soon_after_sim_run_is_killed(tmp_path):
    """SIGKILL of sim-run alone (kill -9 PID, the OOM killer; not its process group) left its loky workers behind: one
    blocked for ever sending its finished point's result to no one, one with no point idled loky's 300 s. Each now ends
    once sim-run has gone, as soon as its point is done (its results kept for resume=true), and starts no other."""
    require_module("hydra_plugins.hydra_joblib_launcher", "joblib")
    folder = tmp_path / "sweep"
    args = ["-m", "councils.0.it_maturity=0.1,0.3,0.5,0.7,0.9", "replications=3000", "uncertainty=none", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
    proc = subprocess.Popen([SIM_RUN, *args, f"hydra.sweep.dir={folder}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not list(folder.glob("*/summary.json")):
            assert proc.poll() is None and time.monotonic() < deadline, "the sweep ended before it could be killed"
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=30)
        begun = len(list(folder.glob("*/point.json")))
        deadline = time.monotonic() + 120
        while live_in_group(proc.pid):
            assert time.monotonic() < deadline, f"sim-run's workers still run 120 s after it was killed: {live_in_group(proc.pid)}"
            time.sleep(0.2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert begun < 5 and len(list(folder.glob("*/point.json"))) <= begun + 1, "no point still queued was taken once sim-run had gone"
    kept = [path.parent for path in folder.glob("*/summary.json")]
    assert all(json.loads((point / "point.json").read_text())["status"] == "ok" for point in kept), "a point ended is recorded before its worker ends"
    resumed = sim_run(*args, f"hydra.sweep.dir={folder}", "resume=true")
    assert resumed.returncode == 0 and resumed.stderr.count("skipped") == len(kept), resumed.stderr[-3000:]
    assert list(table(folder)["status"].astype(str)) == ["ok"] * 5


def test_a_design_stopped_by_a_signal_keeps_its_points_for_the_same_design_only(tmp_path):
    rows = "\n".join(f"{m / 10}" for m in range(1, 10))
    (tmp_path / "first.csv").write_text(f"councils.0.it_maturity\n{rows}\n")
    (tmp_path / "other.csv").write_text("councils.0.it_maturity\n0.15\n0.25\n")
    out = tmp_path / "design"
    first = [f"design={tmp_path / 'first.csv'}", "scenario=case04_trading_company", "replications=400", "block_size=100", f"hydra.run.dir={out}"]
    returncode, stderr = stopped_once(first, out, "points/*/summary.json")
    assert returncode == 128 + signal.SIGINT, stderr[-3000:]
    kept = len(list(out.glob("points/*/summary.json")))
    assert kept >= 1 and f"{finished(kept)} kept in {out / 'points'}" in stderr and not (out / "sweep.parquet").exists()
    report = subprocess.run([SIM_COLLECT, str(out), "--report"], capture_output=True, text=True, timeout=120, check=False)
    assert f"{kept} of 9 points done ({kept} ok" in report.stdout and "replications/s" in report.stdout, "the design's total, as a multirun's"
    other = sim_run(f"design={tmp_path / 'other.csv'}", "scenario=case04_trading_company", "replications=400", f"hydra.run.dir={out}", "resume=true")
    assert other.returncode == 2 and "resume=true must repeat the same design" in other.stderr, other.stderr[-2000:]
    assert not (out / "sweep.parquet").exists()
    resumed = sim_run(*first, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"{kept} points already done" in resumed.stderr and len(table(out)) == 9


def test_a_design_stopped_between_a_batch_and_its_summaries_leaves_no_point_half_done(tmp_path, monkeypatch):
    """Ctrl-C after a batch's replications were put in place, before its points' summaries (1 stop in 16 at random moments).

    The points of that batch without their summary kept their ``replications.parquet``: results
    of no complete run. They are now removed with the stop; ``resume=true`` runs them again.
    """
    import contextlib
    import io

    from sim.cli import design as design_cli
    from sim.cli import run as run_cli

    finished = []

    def finish_point(*args):
        finished.append(args)
        if len(finished) == 2:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        return original(*args)

    original = design_cli._finish_point
    monkeypatch.setattr(design_cli, "_finish_point", finish_point)
    (tmp_path / "points.csv").write_text("councils.0.it_maturity\n0.2\n0.5\n0.8\n")
    out = tmp_path / "design"
    args = [f"design={tmp_path / 'points.csv'}", *SMALL, f"hydra.run.dir={out}"]
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        assert run_cli.main(args) == 128 + signal.SIGINT, stderr.getvalue()
    assert "the point finished is kept" in stderr.getvalue()
    points = sorted(out.glob("points/*/"))
    assert len(points) == 3
    assert [(p / "summary.json").is_file() for p in points] == [(p / "replications.parquet").is_file() for p in points] == [True, False, False]
    monkeypatch.undo()
    resumed = sim_run(*args, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "1 points already done" in resumed.stderr and len(table(out)) == 3


def test_a_design_points_summary_carries_the_run_id_of_its_replications(tmp_path):
    """A design point's summary.json had no run.run_id, its replications.parquet had the run's: nothing tied the two files to one run."""
    import contextlib
    import io

    from sim.cli import run as run_cli
    from sim.results.files import read_metadata

    (tmp_path / "points.csv").write_text("councils.0.it_maturity\n0.2\n0.8\n")
    out = tmp_path / "design"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert run_cli.main([f"design={tmp_path / 'points.csv'}", *SMALL, f"hydra.run.dir={out}"]) == 0
    points = [p for p in out.glob("points/*") if p.is_dir()]
    ids = {json.loads((p / "summary.json").read_text())["run"].get("run_id") for p in points}
    ids |= {read_metadata(p / "replications.parquet")["run_id"] for p in points}
    assert len(points) == 2 and len(ids) == 1 and None not in ids


def test_design_chunks_through_a_multirun_make_one_table(tmp_path):
    rows = "\n".join(f"{m},{m / 2}" for m in (0.1, 0.3, 0.5, 0.7, 0.9))
    points = tmp_path / "points.csv"
    points.write_text(f"councils.0.it_maturity,councils.1.it_maturity\n{rows}\n")
    whole = sim_run(f"design={points}", "scenario=case04_trading_company", *SMALL, f"hydra.run.dir={tmp_path / 'whole'}")
    assert whole.returncode == 0, whole.stderr[-3000:]
    chunks = sim_run("-m", f"design={points}", "design_chunk=0/2,1/2", "scenario=case04_trading_company", *SMALL, f"hydra.sweep.dir={tmp_path / 'chunks'}")
    assert chunks.returncode == 0, chunks.stderr[-3000:]
    a, b = table(tmp_path / "whole"), table(tmp_path / "chunks")
    for folder in ("whole", "chunks"):
        report = subprocess.run([SIM_COLLECT, str(tmp_path / folder), "--report"], capture_output=True, text=True, timeout=120, check=False)
        assert "5 of 5 points done (5 ok, 0 failed); " in report.stdout, report.stdout
    assert list(b["point"]) == [0, 1, 2, 3, 4]
    figures = [c for c in a.columns if c.startswith("outcomes.")]
    pd.testing.assert_frame_equal(a[figures], b[figures])


def test_bad_design_files_are_refused_with_one_line_each(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("replications,colour\n5,red\n")
    done = sim_run(f"design={bad}", f"hydra.run.dir={tmp_path / 'out'}")
    assert done.returncode == 2
    assert "design column 'replications' is not a parameter path" in done.stderr and "design column 'colour'" in done.stderr
    missing = sim_run(f"design={tmp_path / 'nope.csv'}", f"hydra.run.dir={tmp_path / 'out2'}")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    precision = sim_run(f"design={bad}", "precision=0.05", f"hydra.run.dir={tmp_path / 'out3'}")
    assert precision.returncode == 2 and "precision needs a run per point" in precision.stderr


def test_an_empty_design_cell_is_recorded_as_the_base_value_the_point_ran_with(tmp_path):
    """docs/sweeps.md: an empty cell keeps the base value; the table says which (it showed NaN)."""
    points = tmp_path / "points.csv"
    points.write_text("councils.0.it_maturity,partnership.commercial_capability\n0.2,0.3\n0.5,0.4\n0.7,\n")
    out = tmp_path / "design"
    done = sim_run(f"design={points}", "partnership.commercial_capability=0.25", *SMALL, f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr[-3000:]
    df = table(out)
    assert df["partnership.commercial_capability"].dtype == "float64" and df["partnership.commercial_capability"].tolist() == [0.3, 0.4, 0.25]
    assert df["uncertainty"].astype(str).tolist() == ["none"] * 3
    stated = tmp_path / "stated"
    assert sim_run(f"design={points}", *SMALL, f"hydra.run.dir={stated}").returncode == 0
    kept = table(stated)["partnership.commercial_capability"].astype(str).tolist()
    assert kept[:2] == ["0.3", "0.4"] and json.loads(kept[2]) == {"dist": "beta", "a": 2, "b": 4}, "the baseline's distribution, as text"
    derived = tmp_path / "derived.csv"
    derived.write_text("councils.0.it_maturity,partnership.min_partners\n0.2,3\n0.5,\n")
    assert sim_run(f"design={derived}", *SMALL, f"hydra.run.dir={tmp_path / 'resolved'}").returncode == 0
    # the scenario leaves min_partners to the model (null): the table showed NaN, not the 2 the point ran with
    assert table(tmp_path / "resolved")["partnership.min_partners"].tolist() == [3, 2]


def test_a_design_row_naming_an_unknown_policy_gives_the_single_runs_line_and_its_other_problems(tmp_path):
    """A row with a misspelt policy and a value out of range failed with Hydra's "In 'config': Could not find
    'policy/all_lever' Available options in 'policy': ..." and nothing about the value."""
    points = tmp_path / "points.csv"
    points.write_text("councils.0.it_maturity,policy\n0.2,none\n1.5,all_lever\n")
    out = tmp_path / "out"
    done = sim_run(f"design={points}", "scenario=case04_trading_company", *SMALL, f"hydra.run.dir={out}")
    assert done.returncode == 3, done.stderr[-3000:]
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("error: point 1:")]
    assert "Could not find" not in line
    assert line.startswith("error: point 1: policy = 'all_lever' is not known (did you mean all_levers?) (available: ") and "all_levers" in line
    assert line.endswith("; councils[0].it_maturity = 1.5 is outside [0, 1]"), line
    assert f"point 1 failed (folder {out / 'points' / '1'}): policy = 'all_lever'" in done.stderr
    assert list(table(out)["status"].astype(str)) == ["ok", "failed"]


def test_a_stop_that_comes_out_of_hydra_as_another_error_is_still_a_stop(tmp_path, monkeypatch):
    """Ctrl-C while Hydra set up a point broke OmegaConf mid-change: its AttributeError ended the sweep.

    The sweep then exited 1 ("an unexpected error") or 2 (as a bad setting), with a sweep table
    written, and the point was recorded failed. Any error after a stop signal is now the stop:
    exit 130, the stopped line, no table, and ``resume=true`` runs the rest.
    """
    import contextlib
    import io

    from sim.cli import run as run_cli
    from sim.results.sweep import read_record

    calls = []

    def interrupted(info):
        calls.append(info)
        if len(calls) == 2:
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)
            except KeyboardInterrupt:
                raise AttributeError("'NoneType' object has no attribute '_invalidate_flags_cache'") from None
        return original(info)

    original = run_cli.what_was_run
    monkeypatch.setattr(run_cli, "what_was_run", interrupted)
    folder = tmp_path / "sweep"
    args = ["-m", "councils.0.it_maturity=0.1,0.5,0.9", "replications=50", "uncertainty=none", f"hydra.sweep.dir={folder}"]
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        assert run_cli.main(args) == 128 + signal.SIGINT, stderr.getvalue()
    assert "error: stopped by SIGINT (Ctrl-C) before the run finished: no sweep table was written" in stderr.getvalue()
    assert "unexpected error" not in stderr.getvalue() and not (folder / "sweep.parquet").exists()
    assert read_record(folder / "1").status == "running" and not (folder / "2").exists()
    monkeypatch.undo()
    resumed = sim_run(*args, "resume=true")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert list(table(folder)["status"].astype(str)) == ["ok", "ok", "ok"]

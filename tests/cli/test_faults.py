"""Every bad input and every fault ends with one clear line, nothing lost, nothing mixed (docs/faults.md).

Bad input: exit 2, one ``error:`` line per problem, nothing written (no run folder either).
A fault of the environment: exit 3, one line saying what failed and what to do. A signal:
128 + its number. Never a traceback; a results folder holds either no results or one run's
complete set. Through the real commands (subprocesses) and in-process through ``main(argv)``
and the Python API.

Read-only folders and full disks are made with tmpfs mounts (CI runs as root, which ignores
``chmod``); where mounting is not allowed those tests skip, except under ``CI=true``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from conftest import stop_after
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.results.files import RESULT_FILES, read_metadata, results_bytes
from sim.results.lock import LOCK_NAME, RunLock

BIN = Path(sys.executable).parent
SIM_RUN, SIM_COMPARE, SIM_VALIDATE = (str(BIN / name) for name in ("sim-run", "sim-compare", "sim-validate"))
QUICK = ("replications=40", "partnership.horizon_months=24")
#: The model commands run with parameter uncertainty off here (fixed numbers, no posterior read) unless a test names a mode.
MODEL_COMMANDS = ("sim-run", "sim-compare")
ON_CI = os.environ.get("CI", "").lower() == "true"
BIG = "18446744073709551616"  # 2**64
MAX_SEED = 2**63 - 1


# ---------------------------------------------------------------------------------------
# helpers


def certain(command: str, args: Sequence[str]) -> list[str]:
    """``args`` with ``uncertainty=none`` added for a model command that names no mode."""
    plain = Path(command).name in MODEL_COMMANDS and not any(a.startswith("uncertainty=") for a in args)
    return [*args, "uncertainty=none"] if plain else list(args)


def sim(command: str, *args: str, out: Path | None = None, env: dict | None = None, cwd: Path | None = None, timeout: float = 1200) -> Any:
    """Run a command as a user would (``out``: its run folder)."""
    full = [command, *certain(command, args)] + ([f"hydra.run.dir={out}"] if out is not None else [])
    environment = {**os.environ, "HYDRA_FULL_ERROR": "", **(env or {})}
    return subprocess.run(full, capture_output=True, text=True, timeout=timeout, env=environment, cwd=cwd, check=False)


def errors(stderr: str) -> list[str]:
    """The lines of stderr other than notices."""
    return [line for line in stderr.strip().splitlines() if line and not line.startswith("notice:")]


def assert_refused(code: int, stderr: str, status: int, *starts: str) -> None:
    """Exit ``status`` with exactly one ``error:`` line per expected start, in order, and no traceback."""
    lines = errors(stderr)
    assert code == status, stderr
    assert "Traceback" not in stderr
    assert len(lines) == len(starts), stderr
    for line, start in zip(lines, starts, strict=True):
        assert line.startswith(f"error: {start}"), f"{line!r} does not start with {start!r}"


def leftovers(folder: Path) -> list[str]:
    """Results files, temporary files and locks in ``folder``."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name in RESULT_FILES or p.name.endswith(".tmp") or p.name == LOCK_NAME)


def assert_complete(folder: Path) -> dict:
    """``folder`` holds one run's complete set of results: every file listed, present and stamped with the same run_id; returns the summary."""
    summary = json.loads((folder / "summary.json").read_text())
    run = summary["run"]
    present = sorted(p.name for p in folder.iterdir() if p.name in RESULT_FILES)
    assert present == sorted(run["files"]), (present, run["files"])
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name == LOCK_NAME]
    assert run["run_id"]
    for name in present:
        if name.endswith(".parquet"):
            meta = read_metadata(folder / name)
            assert meta["run_id"] == run["run_id"] and meta["seed"] == run["seed"], name
    assert pq.read_metadata(folder / "replications.parquet").num_rows == run["replications"]
    assert (folder / ".hydra" / "config.yaml").is_file()
    return summary


def unavailable(reason: str) -> None:
    """Skip a test that needs what this machine does not allow, except under CI=true, where it fails."""
    if ON_CI:
        pytest.fail(f"{reason} (CI=true: the fault tests must run)")
    pytest.skip(reason)


@contextlib.contextmanager
def tmpfs(path: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at ``path`` with ``options`` (``ro``, ``size=1m``), unmounted afterwards."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        unavailable("mounting a tmpfs needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        unavailable(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def popen(*args: str) -> subprocess.Popen:
    """``sim-run args`` started in the background."""
    return subprocess.Popen([SIM_RUN, *certain(SIM_RUN, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def in_process(main, argv: Sequence[str]) -> tuple[int, str, str]:
    """Run a command's ``main(argv)`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(certain(f"sim-{main.__module__.rpartition('.')[2]}", argv))
    return code, out.getvalue(), err.getvalue()


def run_main(argv: Sequence[str]) -> tuple[int, str, str]:
    from sim.cli.run import main

    return in_process(main, argv)


def wait_for(condition, seconds: float = 300, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the run ended before it could be interrupted: {proc.communicate()[1][-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the run")
        time.sleep(0.05)


def writing(folder: Path) -> bool:
    return bool(list(folder.glob(".replications.parquet.*.tmp")))


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> Path:
    """A first run, so that the compiled model is in the cache; returns its folder."""
    out = tmp_path_factory.mktemp("warm") / "run"
    done = sim(SIM_RUN, *QUICK, out=out)
    assert done.returncode == 0, done.stderr
    return out


# ---------------------------------------------------------------------------------------
# a run owns its folder; every file of a run belongs to that run


@pytest.mark.slow
def test_a_folder_in_use_is_refused_and_left_alone(warm, tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    with RunLock(folder):
        done = sim(SIM_RUN, *QUICK, out=folder)
    assert_refused(done.returncode, done.stderr, 3, f"{folder} is in use by another run (PID {os.getpid()}")
    assert "choose another folder with hydra.run.dir=" in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == []  # no .hydra, no run.log, the lock gone with its holder


@pytest.mark.slow
def test_two_runs_into_one_folder_never_mix(warm, tmp_path):
    """The issue's example: two seeds started together into one folder. One runs; the other is refused (or runs after it)."""
    folder = tmp_path / "D"
    procs = [popen("replications=20000", f"seed={s}", f"hydra.run.dir={folder}") for s in (1, 2)]
    results = [(p.wait(timeout=900), p.communicate()[1]) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 3], [0, 0]), results
    for code, stderr in results:
        if code == 3:
            assert_refused(code, stderr, 3, f"{folder} is in use by another run")
    summary = assert_complete(folder)
    assert summary["run"]["seed"] in (1, 2) and summary["run"]["replications"] == 20000


@pytest.mark.slow
def test_runs_started_together_into_the_default_folder_each_get_their_own(warm, tmp_path):
    """Without hydra.run.dir, runs started in the same second would share outputs/DATE/TIME: each takes the next free name instead."""
    commands = [[SIM_RUN, *certain(SIM_RUN, [*QUICK, f"seed={s}"])] for s in (1, 2, 3)]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path) for command in commands]
    assert [p.wait(timeout=900) for p in procs] == [0, 0, 0], [p.communicate()[1] for p in procs]
    folders = sorted(p.parent for p in tmp_path.glob("outputs/*/*/summary.json"))
    assert len(folders) == 3
    assert sorted(assert_complete(folder)["run"]["seed"] for folder in folders) == [1, 2, 3]


@pytest.mark.slow
def test_a_rerun_replaces_every_file_of_the_earlier_run(warm, tmp_path):
    folder = tmp_path / "again"
    assert sim(SIM_RUN, *QUICK, "seed=1", "save_events=true", "save_trajectories=true", out=folder).returncode == 0
    first = assert_complete(folder)
    assert {"events.parquet", "trajectories.parquet"} <= set(first["run"]["files"])
    done = sim(SIM_RUN, *QUICK, "seed=2", out=folder)
    assert done.returncode == 0, done.stderr
    assert "holds an earlier run's results: they are replaced when this run has finished" in done.stderr
    second = assert_complete(folder)
    assert not (folder / "events.parquet").exists() and not (folder / "trajectories.parquet").exists()
    assert second["run"]["run_id"] != first["run"]["run_id"] and second["run"]["seed"] == 2
    assert "seed=2" in (folder / ".hydra" / "overrides.yaml").read_text()


@pytest.mark.slow
def test_a_run_of_another_command_leaves_nothing_of_the_earlier_run(warm, tmp_path):
    """sim-compare into a sim-run folder left the run's point.json (status ok) and run.log beside the comparison."""
    folder = tmp_path / "mixed"
    assert sim(SIM_RUN, *QUICK, out=folder).returncode == 0
    done = sim(SIM_COMPARE, "policies=[none,continuity_plan]", *QUICK, out=folder)
    assert done.returncode == 0, done.stderr
    assert "holds an earlier run's results: they are replaced when this run has finished" in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == [".hydra", "comparison.parquet", "comparison.png", "summary.json"]  # no empty compare.log
    again = sim(SIM_RUN, *QUICK, out=folder)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in folder.iterdir()) == [".hydra", "point.json", "replications.parquet", "summary.json"]
    assert json.loads((folder / "point.json").read_text())["status"] == "ok"


@pytest.mark.slow
def test_a_refused_or_stopped_rerun_keeps_the_earlier_results_untouched(warm, tmp_path):
    folder = tmp_path / "kept"
    assert sim(SIM_RUN, *QUICK, "save_events=true", out=folder).returncode == 0
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    done = sim(SIM_RUN, "seed=-1", out=folder)
    assert_refused(done.returncode, done.stderr, 2, "seed = -1 is outside [0, 9223372036854775807]")
    proc = popen("replications=2000000", "block_size=500", f"hydra.run.dir={folder}")
    wait_for(lambda: writing(folder), proc=proc)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=300)
    assert_refused(proc.returncode, stderr, 143, "stopped by SIGTERM before the run finished")
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before
    assert_complete(folder)


@pytest.mark.slow
def test_what_a_killed_run_leaves_is_cleaned_at_the_next_start(warm, tmp_path):
    folder = tmp_path / "killed"
    command = [SIM_RUN, *certain(SIM_RUN, ["replications=2000000", "block_size=500"]), f"hydra.run.dir={folder}"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for(lambda: writing(folder), proc=proc)
    proc.kill()  # SIGKILL: no chance to clean up
    proc.communicate(timeout=60)
    left = {p.name for p in folder.iterdir()}
    assert LOCK_NAME in left and any(name.startswith(".replications.parquet.") for name in left)
    assert any(name.startswith("..hydra.") for name in left), left  # Hydra's .hydra/, staged under a temporary name
    (folder / "replications.parquet").write_bytes(b"half a set left by a run killed while renaming")
    done = sim(SIM_RUN, *QUICK, out=folder)
    assert done.returncode == 0, done.stderr
    assert f"notice: removed what a stopped run left in {folder}" in done.stderr
    assert_complete(folder)
    assert not [p.name for p in folder.iterdir() if p.name.startswith("..hydra.")]


def test_a_stale_lock_is_taken_over(tmp_path):
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": 999_999_999, "host": "elsewhere", "started": 0}))
    with RunLock(tmp_path) as lock:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()
    assert not (tmp_path / LOCK_NAME).exists()


def test_results_are_made_visible_together_or_not_at_all(tmp_path, monkeypatch):
    import pandas as pd

    from sim.results import files

    files.write_json(tmp_path / "summary.json", {"old": True})
    files.write_table(tmp_path / "events.parquet", pd.DataFrame({"a": [1]}))
    with pytest.raises(RuntimeError), files.Staging(tmp_path):  # a run that fails: the earlier set stays
        files.write_table(tmp_path / "replications.parquet", pd.DataFrame({"a": [2]}))
        raise RuntimeError("failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet", "summary.json"]
    (tmp_path / files.REPORT).write_text("a report of the earlier run")
    (tmp_path / files.FIGURES).mkdir()
    (tmp_path / files.FIGURES / "survival.png").write_bytes(b"earlier")
    files.write_json(tmp_path / files.DISCOVERY[0], {})
    (tmp_path / "notes.txt").write_text("the user's own")
    with files.Staging(tmp_path) as stage:  # a run that succeeds: its set replaces the earlier one, files it does not write included
        files.write_table(tmp_path / "replications.parquet", pd.DataFrame({"a": [3]}))
        files.write_json(tmp_path / "summary.json", {"run_id": files.current_run_id()})
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".tmp")) == sorted(
            ["events.parquet", "summary.json", files.REPORT, files.FIGURES, files.DISCOVERY[0], "notes.txt"]
        )
    # what other commands made from the earlier results goes with them; the user's own file stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "replications.parquet", "summary.json"]
    (tmp_path / "notes.txt").unlink()
    assert read_metadata(tmp_path / "replications.parquet")["run_id"] == stage.run_id == json.loads((tmp_path / "summary.json").read_text())["run_id"]
    real = os.replace

    def interrupted(src, dst):  # a signal between two renames
        if Path(dst).name == "summary.json":
            raise KeyboardInterrupt
        real(src, dst)

    with pytest.raises(KeyboardInterrupt), files.Staging(tmp_path):
        files.write_table(tmp_path / "replications.parquet", pd.DataFrame({"a": [4]}))
        files.write_json(tmp_path / "summary.json", {})
        monkeypatch.setattr(os, "replace", interrupted)
    monkeypatch.setattr(os, "replace", real)
    assert list(tmp_path.iterdir()) == []  # no results rather than part of a set


# ---------------------------------------------------------------------------------------
# bad input that used to be accepted silently: exit 2, one line, nothing written


SILENT = [
    (["+replicatons=10"], ["replicatons is not a setting or a section of sim-run (did you mean replications?)"]),
    (["replicatons=10"], ["replicatons is not a setting or a section of sim-run (did you mean replications?)"]),
    (["+foo=1"], ["foo is not a setting or a section of sim-run"]),
    (
        ["polcy=none", "scenaro=baseline"],
        ["polcy is not a setting or a section of sim-run (did you mean policy?)", "scenaro is not a setting or a section of sim-run (did you mean scenario?)"],
    ),
    (["partnership.horizon_montsh=30"], ["partnership.horizon_montsh is not a parameter (did you mean horizon_months?)"]),
    (["councils.0.it_maturity='beta(2, 5, 7)'"], ["councils[0].it_maturity = beta(2, 5, 7) takes 2 arguments (a, b), got 3"]),
    (["councils.0.it_maturity=null"], ["councils.0.it_maturity = null is not a value (allowed: [0, 1]); leave councils.0.it_maturity out"]),
    (["replications=50", "precision=0.05"], ["replications=50 and precision=0.05 were both given: precision decides the number of replications"]),
    (["councils.0.name=${oc.env:HOME}"], ["councils[0].name = ${oc.env:HOME} reads the environment variable HOME: write the value itself"]),
    (["seed=${oc.env:SEED}"], ["seed = ${oc.env:SEED} reads the environment variable SEED"]),
    (["councils.0.name=${oops}"], ["councils[0].name = ${oops} reads ${...} as the value of another setting, and there is no setting oops: for the text"]),
    (["councils.0.it_maturity='normal(0.5, nan)'"], ["councils[0].it_maturity.sd = nan is not a finite number"]),
    (["councils.0.it_maturity='beta(5000, 2)'"], ["councils[0].it_maturity.a = 5000 is outside [0.1, 1000]"]),
    (["councils.9.it_maturity=0.3"], ["councils.9.it_maturity=0.3: the scenario has fewer than 10 councils"]),
    (["seed=[1,2"], ["seed=[1,2 cannot be read as an override"]),
    (
        ["+replicatons=10", "seed=-1", "councils.1.pace=1.5", "engine=warp"],
        [
            "replicatons is not a setting",
            "seed = -1 is outside [0, 9223372036854775807]",
            "engine = 'warp' is not one of ensemble, mesa",
            "councils[1].pace = 1.5 is outside [0, 1]",
        ],
    ),
]


@pytest.mark.parametrize(("args", "lines"), SILENT, ids=[" ".join(a) for a, _ in SILENT])
def test_bad_input_accepted_silently_before_is_refused_in_process(tmp_path, args, lines):
    out = tmp_path / "run"
    code, stdout, stderr = run_main([*args, f"hydra.run.dir={out}"])
    assert_refused(code, stderr, 2, *lines)
    assert stdout == "" and not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize(("args", "lines"), [SILENT[0], SILENT[5], SILENT[6], SILENT[7]], ids=["typo", "null", "count and precision", "environment"])
def test_bad_input_accepted_silently_before_is_refused_by_the_command(tmp_path, args, lines):
    out = tmp_path / "run"
    done = sim(SIM_RUN, *args, out=out)
    assert_refused(done.returncode, done.stderr, 2, *lines)
    assert done.stdout == "" and not out.exists()


@pytest.mark.slow
def test_an_empty_run_folder_is_refused_and_nothing_lands_in_the_working_directory(tmp_path):
    done = sim(SIM_RUN, *QUICK, "hydra.run.dir=", cwd=tmp_path)
    assert_refused(done.returncode, done.stderr, 2, "hydra.run.dir = '' is empty: give a folder for the results")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_compare_refuses_a_policy_listed_twice(tmp_path):
    out = tmp_path / "cmp"
    done = sim(SIM_COMPARE, "policies=[none,none]", "replications=20", out=out)
    assert_refused(done.returncode, done.stderr, 2, "policies = [none,none] names none more than once: list each policy once")
    assert not out.exists()


def test_compare_refusals_in_process(tmp_path):
    from sim.cli.compare import main

    out = tmp_path / "cmp"
    code, _, stderr = in_process(main, ["policies=[none,nowhere]", f"hydra.run.dir={out}"])
    assert_refused(code, stderr, 2, "policies[1] = 'nowhere' is not known (available: ")
    code, _, stderr = in_process(main, ["policy=none", f"hydra.run.dir={out}"])
    assert_refused(code, stderr, 2, "policy is a sim-run setting: sim-compare takes a list")
    # an unknown policy was reported only once every setting was right
    code, _, stderr = in_process(main, ["policies=[none,reputation_frist]", "replications=abc", f"hydra.run.dir={out}"])
    assert_refused(code, stderr, 2, "replications = 'abc' is not a number", "policies[1] = 'reputation_frist' is not known (did you mean reputation_first?)")
    code, _, stderr = in_process(main, ["policies=[none,continuity_plan]", "+replicatons=5", "councils.0.it_maturity=2", f"hydra.run.dir={out}"])
    assert_refused(code, stderr, 2, "replicatons is not a setting or a section of sim-compare", "councils[0].it_maturity = 2 is outside [0, 1]")
    # a misspelt key gave a second line, from each policy's composition, without the closest name
    code, _, stderr = in_process(main, ["policies=[none,continuity_plan]", "councils.0.it_maturty=0.7", "replication=500", f"hydra.run.dir={out}"])
    assert_refused(
        code,
        stderr,
        2,
        "councils.0.it_maturty is not a parameter (did you mean it_maturity?)",
        "replication is not a setting or a section of sim-compare (did you mean replications?)",
    )
    assert not out.exists()


def test_validate_refuses_bad_arguments_with_one_line():
    from sim.cli.validate import main

    for argv, line in [
        (["--replications", "5"], "--replications = 5 is outside [100, 10000000]"),
        (["--seed", BIG], f"--seed = {BIG} is outside [0, {MAX_SEED}]"),
        (["--replications", "abc"], "--replications = 'abc' is not a whole number (see sim-validate --help)"),
        (["--colour", "red"], "unrecognized arguments: --colour red"),
    ]:
        code, _, stderr = in_process(main, argv)
        assert_refused(code, stderr, 2, line)
    # every problem at once: a value argparse cannot read no longer hides the rest
    code, _, stderr = in_process(main, ["--replications", "abc", "--seed", "x", "--workers", "0"])
    assert_refused(code, stderr, 2, "--replications = 'abc'", "--seed = 'x' is not a whole number", "--workers = 0 is outside")


def test_validate_refuses_an_out_it_cannot_write_before_it_runs(tmp_path):
    """--out /proc/x.md ran every case scenario (minutes), then stopped with exit 3 writing the figures: now one line, exit 2, before any run."""
    from sim.cli.validate import main

    blocker = tmp_path / "a_file"
    blocker.write_text("", encoding="utf-8")
    code, _, stderr = in_process(main, ["--out", str(blocker / "validation.md")])
    assert_refused(code, stderr, 2, f"--out = {blocker / 'validation.md'}: {blocker} is a file, not a folder")
    if Path("/proc").is_dir():
        code, _, stderr = in_process(main, ["--robustness", "0", "--out", "/proc/validation.md"])
        assert_refused(code, stderr, 2, "--out = /proc/validation.md: cannot write /proc: no file can be made in it")


# ---------------------------------------------------------------------------------------
# the later commands join: sim-search, sim-calibrate, sim-analyse, sim-report, sim-collect

#: (command module, arguments, the start of each line), for the commands added after sim-run and sim-compare.
LATER = [
    ("sim.cli.search", ["+foo=1", "target=5"], ["foo is not a setting or a section of sim-search", "target = 5 is outside [0.001, 1]"]),
    ("sim.cli.search", ["councils.0.name=${oc.env:HOME}", "tune=0"], ["councils[0].name = ${oc.env:HOME} reads the environment variable HOME"]),
    ("sim.cli.search", ["scenario=nope", "tune=0"], ["scenario = 'nope' is not known (available: "]),
    (
        "sim.cli.search",
        ["engine=mesa", "attribution=counterfactual", "detail=true", "tune=0"],  # tune=0: without Optuna (README's install) tune=3 adds its own line
        [f"{name} is not a setting or a section of sim-search (see sim-search --help)" for name in ("engine", "attribution", "detail")],
    ),
    ("sim.cli.search", ["tune=2"] if importlib.util.find_spec("optuna") is None else ["tune=51"], ["tune = "]),
    ("sim.cli.calibrate", ["nosuch=1"], ["nosuch is not a setting or a section of sim-calibrate"]),
    ("sim.cli.calibrate", ["waves=0", "points=-1"], ["points = -1 is outside [10, 1000000]", "waves = 0 is outside [1, 20]"]),
    ("sim.cli.calibrate", ["targets=/no/such.yaml", "councils.0.it_maturity=5"], ["councils[0].it_maturity = 5 is outside", "targets = '/no/such.yaml'"]),
    ("sim.cli.analyse", [], ["subcommand is missing: give one of discover, sensitivity, design"]),
    ("sim.cli.analyse", ["nope"], ["subcommand = 'nope' is not known"]),
    ("sim.cli.analyse", ["sensitivity", "replications=-1"], ["replications = -1 is outside [10, 1000000]"]),
    ("sim.cli.report", ["/no/such/folder"], ["folder = '/no/such/folder'"]),
    ("sim.cli.collect", ["/no/such/folder"], ["folder = '/no/such/folder' is not a folder"]),
    ("sim.cli.report", ["/no/such/folder", "stray"], ["unrecognized arguments: stray (see sim-report --help)"]),
    ("sim.cli.collect", [], ["the following arguments are required: folder (see sim-collect --help)"]),
    ("sim.cli.analyse", ["discover", "/no/such/folder", "--boxes", "many"], ["--boxes = 'many' is not a whole number", "folder = '/no/such/folder'"]),
]


@pytest.mark.parametrize(("module", "args", "lines"), LATER, ids=[f"{m.rpartition('.')[2]} {' '.join(a)}" for m, a, _ in LATER])
def test_the_later_commands_refuse_bad_input_with_one_line_each_and_write_nothing(tmp_path, module, args, lines):
    import importlib

    main = importlib.import_module(module).main
    out = tmp_path / "run"
    hydra = module.endswith(("search", "calibrate"))
    code, _, stderr = in_process(main, [*args, f"hydra.run.dir={out}"] if hydra else args)
    assert_refused(code, stderr, 2, *lines)
    assert not out.exists()


@pytest.mark.slow
def test_a_search_that_misses_its_target_exits_1_and_keeps_its_results(warm, tmp_path):
    from sim.cli.search import main

    out = tmp_path / "search"
    small = ["pool=[continuity_plan]", "max_levers=1", "tune=0", "replications=50", "confirm_replications=100", "partnership.horizon_months=24"]
    code, stdout, stderr = in_process(main, [*small, "target=0.001", f"hydra.run.dir={out}"])
    assert code == 1 and "No package found meets the target" in stdout, stderr
    assert (out / "search.json").is_file() and (out / "candidates.parquet").is_file()


@pytest.mark.slow
def test_a_report_into_a_read_only_folder_is_one_line(warm, tmp_path):
    with tmpfs(tmp_path / "ro", "size=8m") as ro:
        shutil.copytree(warm, ro / "run", ignore=shutil.ignore_patterns("*.lock"))
        remount = subprocess.run(["mount", "-o", "remount,ro", str(ro)], capture_output=True, text=True, check=False)
        if remount.returncode != 0:
            unavailable(f"cannot remount the tmpfs read-only: {remount.stderr.strip()}")
        done = subprocess.run([str(BIN / "sim-report"), str(ro / "run")], capture_output=True, text=True, timeout=300, check=False)
        assert_refused(done.returncode, done.stderr, 3, "cannot write ")
        assert "the file system is read-only" in done.stderr and not (ro / "run" / "report.html").exists()


# ---------------------------------------------------------------------------------------
# seeds and very large numbers


@pytest.mark.slow
def test_the_largest_seed_runs_and_replays(warm, tmp_path):
    first, again = tmp_path / "first", tmp_path / "again"
    assert sim(SIM_RUN, *QUICK, f"seed={MAX_SEED}", out=first).returncode == 0
    summary = assert_complete(first)
    assert summary["run"]["seed"] == MAX_SEED and summary["provenance"]["config"]["seed"] == MAX_SEED
    assert sim(SIM_RUN, *QUICK, f"seed={summary['run']['seed']}", out=again).returncode == 0
    assert pq.read_table(first / "replications.parquet").equals(pq.read_table(again / "replications.parquet"))


HUGE = [
    (f"seed={BIG}", f"seed = {BIG} is outside [0, {MAX_SEED}]"),
    (f"replications={BIG}", f"replications = {BIG} is outside [1, 100000000]"),
    (f"block_size={BIG}", f"block_size = {BIG} is outside [1, 1000000]"),
    (f"workers={BIG}", f"workers = {BIG} is outside [1, 1024]"),
    (f"precision={BIG}", f"precision = {BIG} is outside [0.001, 0.5]"),
    (f"partnership.horizon_months={BIG}", f"partnership.horizon_months = {BIG} is outside [12, 600]"),
    (f"councils.0.size={BIG}", f"councils[0].size = {BIG} is outside [0.1, 20]"),
    (f"councils.0.it_maturity='beta({BIG}, 5)'", f"councils[0].it_maturity.a = {BIG} is outside [0.1, 1000]"),
    (f"councils.0.it_maturity='uniform(0, {BIG})'", f"councils[0].it_maturity.high = {BIG} is outside [0, 1]"),
    (f"councils.0.contract_end_month='randint(0, {BIG})'", f"councils[0].contract_end_month.high = {BIG} is outside"),
    (f"councils.0.size='choice(1, {BIG})'", f"councils[0].size.values[1] = {BIG} is outside [0.1, 20]"),
    (f"councils.0.it_maturity={{dist: normal, mean: 0.5, sd: {BIG}}}", None),
]


@pytest.mark.parametrize(("arg", "line"), HUGE, ids=[a.partition("=")[0] for a, _ in HUGE])
def test_an_integer_of_2_64_or_more_gives_one_line_or_a_valid_run(tmp_path, arg, line):
    out = tmp_path / "run"
    base = QUICK if "precision" not in arg else ("partnership.horizon_months=24",)
    code, _, stderr = run_main([*base, arg, f"hydra.run.dir={out}"])
    if line is None:  # a valid (if extreme) value: the run completes
        assert code == 0, stderr
        assert_complete(out)
    else:
        assert_refused(code, stderr, 2, line)
        assert not out.exists()


# ---------------------------------------------------------------------------------------
# faults of the environment and broken files: one line, never a traceback


@pytest.mark.slow
def test_a_read_only_run_folder(warm, tmp_path):
    with tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
        done = sim(SIM_RUN, *QUICK, out=ro / "run")
        assert_refused(done.returncode, done.stderr, 3, f"cannot write {ro / 'run'}: the file system is read-only; choose a folder you can write to")
        done = sim(SIM_RUN, *QUICK, out=ro)
        assert_refused(done.returncode, done.stderr, 3, f"cannot write {ro / LOCK_NAME}: the file system is read-only")
        assert list(ro.iterdir()) == []


@pytest.mark.slow
def test_a_run_folder_that_is_a_file(warm, tmp_path):
    blocker = tmp_path / "results"
    blocker.write_text("not a folder")
    for out in (blocker, blocker / "sub"):
        done = sim(SIM_RUN, *QUICK, out=out)
        assert_refused(done.returncode, done.stderr, 3, f"hydra.run.dir = {out}: {blocker} is a file, not a folder")
    assert blocker.read_text() == "not a folder"


@pytest.mark.slow
def test_results_that_cannot_fit_are_refused_before_starting(warm, tmp_path):
    with tmpfs(tmp_path / "small", "size=1m") as small:
        done = sim(SIM_RUN, "replications=100000", out=small / "run")
        assert_refused(done.returncode, done.stderr, 3, "the results need about 84.8 MB but")
        assert "free: free some space, run fewer replications or choose another folder with hydra.run.dir=" in done.stderr
        assert list(small.iterdir()) == []


def test_the_size_estimate_covers_the_measured_sizes():
    # measured (bytes of replications.parquet / events.parquet per replication) at 2, 4 and 8 councils
    for councils, table, events in ((2, 481, 189), (4, 767, 838), (8, 1205, 1816)):
        assert results_bytes(1_000_000, councils) > table * 1_000_000
        assert results_bytes(1_000_000, councils, events=True) > (table + events) * 1_000_000
        assert results_bytes(1_000_000, councils, events=True) < 2 * (table + events) * 1_000_000


@pytest.mark.slow
def test_a_disk_that_fills_during_the_run(warm, tmp_path):
    with tmpfs(tmp_path / "disk", "size=40m") as disk:
        out = disk / "run"
        proc = popen("replications=30000", "block_size=500", f"hydra.run.dir={out}")
        wait_for(lambda: (out / LOCK_NAME).exists(), proc=proc)
        with contextlib.suppress(OSError), open(disk / "filler", "wb") as filler:  # fill the disk while the run starts
            while True:
                filler.write(b"\0" * 1_000_000)
        _, stderr = proc.communicate(timeout=600)
        assert_refused(proc.returncode, stderr, 3, f"cannot write {out}: no space is left on the device")
        assert "free some space or write the results elsewhere (hydra.run.dir=...)" in stderr
        assert not out.exists()
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


@pytest.fixture
def config_folder(tmp_path) -> Path:
    folder = tmp_path / "ours"
    (folder / "scenario").mkdir(parents=True)
    broken = "# @package _global_\ndefaults:\n  - baseline\n  - _self_\ncouncils:\n  - {name: A, it_maturity: 0.3\n  - {name: B}\n"
    (folder / "scenario" / "broken.yaml").write_text(broken)
    (folder / "scenario" / "itself.yaml").write_text("# @package _global_\ndefaults:\n  - itself\n  - _self_\n")
    (folder / "scenario" / "loop_a.yaml").write_text("# @package _global_\ndefaults:\n  - loop_b\n  - _self_\n")
    (folder / "scenario" / "loop_b.yaml").write_text("# @package _global_\ndefaults:\n  - loop_a\n  - _self_\n")
    return folder


@pytest.mark.parametrize(
    ("scenario", "line"),
    [
        ("broken", "{folder}/scenario/broken.yaml, line 7, column 5: expected ',' or '}}', but got '{{' (YAML syntax error)"),
        ("itself", "scenario = 'itself': its defaults list leads back to itself (itself -> itself)"),
        ("loop_a", "scenario = 'loop_a': its defaults list leads back to itself (loop_a -> loop_b -> loop_a)"),
    ],
)
def test_broken_scenario_files_give_file_and_line(config_folder, tmp_path, scenario, line):
    out = tmp_path / "run"
    code, _, stderr = run_main(["--config-dir", str(config_folder), f"scenario={scenario}", f"hydra.run.dir={out}"])
    assert_refused(code, stderr, 2, line.format(folder=config_folder))
    assert not out.exists()
    from sim import load
    from sim.config.checks import ConfigError

    with pytest.raises(ConfigError) as refused:
        load(scenario, config_dir=config_folder)
    assert len(refused.value.problems) == 1 and refused.value.problems[0].startswith(line.format(folder=config_folder))


@pytest.mark.slow
def test_a_broken_scenario_file_through_the_command(warm, config_folder, tmp_path):
    done = sim(SIM_RUN, "--config-dir", str(config_folder), "scenario=broken", out=tmp_path / "run")
    assert_refused(done.returncode, done.stderr, 2, f"{config_folder}/scenario/broken.yaml, line 7, column 5")


# ---------------------------------------------------------------------------------------
# signals


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "status", "name"), [(signal.SIGINT, 130, "SIGINT (Ctrl-C)"), (signal.SIGTERM, 143, "SIGTERM"), (signal.SIGHUP, 129, "SIGHUP")]
)
def test_a_signal_stops_the_run_with_one_line_and_no_results(warm, tmp_path, signum, status, name):
    out = tmp_path / "run"
    proc = popen("replications=2000000", "block_size=500", f"hydra.run.dir={out}")
    wait_for(lambda: writing(out), proc=proc)
    time.sleep(0.5)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=300)
    assert_refused(proc.returncode, stderr, status, f"stopped by {name} before the run finished: no results were written in {out}")
    assert not out.exists()


@pytest.mark.slow
def test_a_signal_while_starting_gives_one_line(tmp_path):
    out = tmp_path / "run"
    proc = popen("replications=2000000", "block_size=500", f"hydra.run.dir={out}")  # long enough never to finish first on a busy machine
    time.sleep(1.0)  # still importing (or just started)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and len(errors(stderr)) == 1 and errors(stderr)[0].startswith("error: stopped by SIGINT")
    assert leftovers(out) == []


#: The console scripts that run under sim.cli.guard: every one but sim-demo (a web server).
GUARDED = ("sim-run", "sim-compare", "sim-validate", "sim-report", "sim-analyse", "sim-collect", "sim-search", "sim-calibrate")


def as_program(name: str, code: str) -> Any:
    """Run ``code`` in a fresh interpreter started as console script ``name`` (its ``sys.argv[0]``), having imported :mod:`sim.cli` as the script does first."""
    start = f"import sys; sys.argv[0] = {str(BIN / name)!r}; import sim.cli\n"
    environment = {key: value for key, value in os.environ.items() if key != "SIM_CLI_PID"}
    return subprocess.run([sys.executable, "-c", start + code], capture_output=True, text=True, timeout=120, env=environment, check=False)


def test_every_console_script_but_sim_demo_is_guarded():
    from importlib.metadata import entry_points

    scripts = {script.name for script in entry_points(group="console_scripts") if script.value.startswith("sim.")}
    assert scripts - {"sim-demo"} == set(GUARDED)


@pytest.mark.parametrize("name", GUARDED)
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_while_any_command_is_importing_gives_one_line(name, signum, status):
    """sim-report, sim-analyse, sim-collect, sim-search and sim-calibrate had no handler while importing.

    Ctrl-C printed a KeyboardInterrupt traceback, SIGTERM or SIGHUP killed them without a line.
    """
    done = as_program(name, f"import os; os.kill(os.getpid(), {int(signum)}); import sim.cli.guard")
    assert_refused(done.returncode, done.stderr, status, f"stopped by {signal.Signals(signum).name} while starting: nothing was written")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_after_the_command_has_finished_leaves_its_outcome_alone(tmp_path, signum):
    """A signal once the guard had handed the signals back (sim-run -m printing 'Sweep table: ...', the interpreter exiting).

    It printed 'stopped ... while starting: nothing was written' and exited 128 + N, or killed
    the program without a line, its results complete.
    """
    code = (
        "import os, sys, time\n"
        "from sim.cli import collect\n"
        f"status = collect.main([{str(tmp_path / 'none')!r}])\n"
        f"os.kill(os.getpid(), {int(signum)})\n"
        "time.sleep(0.2)\n"
        "print('ended')\n"
        "sys.exit(status)\n"
    )
    done = as_program("sim-collect", code)
    assert_refused(done.returncode, done.stderr, 2, f"folder = '{tmp_path / 'none'}' is not a folder")
    assert done.stdout == "ended\n"


def test_a_stop_while_the_results_are_renamed_into_place_is_too_late_to_stop_the_run(tmp_path, monkeypatch):
    """Ctrl-C between two renames of the commit removed the new results placed so far, the earlier run's too.

    The re-run then said "no results were written" over a folder its commit had already emptied
    of the earlier results ("a stopped re-run leaves the earlier results exactly as they were").
    The stop now waits for the commit: the results are in place, the run has finished (exit 0).
    """
    from sim.results import files

    out = tmp_path / "run"
    assert run_main([*QUICK, f"hydra.run.dir={out}"])[0] == 0
    renamed = []

    def replace(source, target):
        if Path(target).name in RESULT_FILES:
            renamed.append(target)
            if len(renamed) == 1:  # the first result in place, the others (and the earlier run's) not yet
                os.kill(os.getpid(), signal.SIGINT)
        original(source, target)

    original = os.replace
    monkeypatch.setattr(files.os, "replace", replace)
    code, stdout, stderr = run_main([*QUICK, "seed=5", f"hydra.run.dir={out}"])
    monkeypatch.undo()
    assert code == 0, stderr
    assert errors(stderr) == [] and "Results in" in stdout
    assert assert_complete(out)["run"]["seed"] == 5


def test_a_stop_after_the_results_are_in_place_leaves_the_run_finished(tmp_path, monkeypatch):
    """Ctrl-C while sim-run released its folder's lock, its results in place, came out of the command: a traceback, exit 1."""
    from sim.results.lock import RunLock

    def release(lock):
        os.kill(os.getpid(), signal.SIGINT)
        original(lock)

    original = RunLock.release
    monkeypatch.setattr(RunLock, "release", release)
    out = tmp_path / "run"
    code, _, stderr = run_main([*QUICK, f"hydra.run.dir={out}"])
    monkeypatch.undo()
    assert code == 0, stderr
    assert errors(stderr) == []
    assert_complete(out)
    assert leftovers(out) == sorted(p.name for p in out.iterdir() if p.name in RESULT_FILES)


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_stop_before_the_results_are_in_place_does_not_say_where_they_are(tmp_path, monkeypatch, command):
    """Ctrl-C after the run printed "Results in D", before its results were renamed into place: they were removed.

    The output said both "Results in D" and "no results were written in D". The line naming
    the folder is now printed once the results are there.
    """
    import importlib

    from sim.cli import guard

    stop_after(monkeypatch, guard, "_call_hydra")
    out = tmp_path / "run"
    code, stdout, stderr = in_process(importlib.import_module(f"sim.cli.{command}").main, [*QUICK, f"hydra.run.dir={out}"])
    monkeypatch.undo()
    assert_refused(code, stderr, 130, f"stopped by SIGINT (Ctrl-C) before the run finished: no results were written in {out}")
    assert "Results in" not in stdout and not out.exists()


def test_a_stop_lost_in_a_finalizer_still_stops_the_run(tmp_path, monkeypatch):
    """Ctrl-C while a finalizer ran (the progress bar's ``__del__``): Python printed the stop ("Exception ignored in ...") and went on.

    The run then put its results in place and exited 0 as if never stopped (and, the stop taken,
    ignored a second Ctrl-C). It now stops before its results go in place, with the one line.
    """
    from sim.cli import run as run_cli

    class Finalized:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)

    def summary_line(info):
        Finalized()
        return original(info)

    original = run_cli.what_was_run
    monkeypatch.setattr(run_cli, "what_was_run", summary_line)
    out = tmp_path / "run"
    code, _, stderr = run_main([*QUICK, f"hydra.run.dir={out}"])
    monkeypatch.undo()
    assert_refused(code, stderr, 130, f"stopped by SIGINT (Ctrl-C) before the run finished: no results were written in {out}")
    assert "Exception ignored" not in stderr and not out.exists()
    import logging

    left = [h for h in logging.root.handlers if isinstance(h, logging.FileHandler) and Path(h.baseFilename).is_relative_to(out)]
    assert not left, "a log file in the removed run folder stayed open: logging on in this process failed on it"


# ---------------------------------------------------------------------------------------
# the compiled-code cache


def _source_tree_cache_files() -> set[Path]:
    import sim

    return {p for p in Path(sim.__file__).parent.rglob("*") if p.suffix in (".nbi", ".nbc")}


def _warm_cache() -> Path:
    from sim.core import jit

    folder = jit.cache_root() / jit.source_hash()
    if not any(folder.rglob("*.nbi")):
        pytest.skip(f"no compiled model in {folder} to copy")
    return folder


@pytest.mark.slow
def test_a_read_only_cache_falls_back_to_a_temporary_one_and_never_the_source_tree(warm, tmp_path):
    cached = _warm_cache()
    before = _source_tree_cache_files()
    temp = tmp_path / "tmp"
    shutil.copytree(cached, temp / f"partnership-sim-numba-{os.getuid()}" / cached.name)  # the fallback, already compiled
    with tmpfs(tmp_path / "ro-cache", "ro,size=1m") as ro:
        done = sim(SIM_RUN, *QUICK, out=tmp_path / "run", env={"NUMBA_CACHE_DIR": str(ro), "TMPDIR": str(temp)})
    assert done.returncode == 0, done.stderr
    assert f"notice: the compiled-code cache {ro / cached.name} cannot be written; using {temp}" in done.stderr
    assert "Traceback" not in done.stderr and errors(done.stderr) == []
    assert _source_tree_cache_files() == before
    assert_complete(tmp_path / "run")


@pytest.mark.slow
def test_a_damaged_cache_is_moved_aside_and_the_tool_stays_usable(warm, tmp_path):
    cached = _warm_cache()
    root = tmp_path / "cache"
    shutil.copytree(cached, root / cached.name)
    for index in (root / cached.name).rglob("*.nbi"):
        index.write_bytes(index.read_bytes()[: len(index.read_bytes()) // 2])  # truncated, as by a full disk or a crash
    env = {"NUMBA_CACHE_DIR": str(root)}
    done = sim(SIM_RUN, *QUICK, out=tmp_path / "first", env=env, timeout=1800)
    assert done.returncode == 0, done.stderr
    assert f"notice: the compiled-code cache {root / cached.name} is damaged" in done.stderr
    assert "and compiling the model afresh" in done.stderr and "Traceback" not in done.stderr
    assert [p.name for p in root.iterdir() if ".broken-" in p.name]
    again = sim(SIM_RUN, *QUICK, out=tmp_path / "again", env=env)
    assert again.returncode == 0 and "damaged" not in again.stderr
    assert pq.read_table(tmp_path / "first" / "replications.parquet").equals(pq.read_table(tmp_path / "again" / "replications.parquet"))


# ---------------------------------------------------------------------------------------
# a multirun with a value a single run refuses is refused whole, before any folder is made; a
# point whose values are each fine but not together fails alone: its line, its record, no
# results; the sweep exits 3


@pytest.mark.slow
def test_a_bad_multirun_point_fails_alone_with_one_line_and_no_results(warm, tmp_path):
    sweep = tmp_path / "sweep"
    # 5 partners needed is a value in range, but not in the baseline's 4 councils: found when the point is composed
    done = sim(SIM_RUN, "-m", "partnership.min_partners=2,5", *QUICK, f"hydra.sweep.dir={sweep}")
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in errors(done.stderr) if line.startswith("error:")]
    assert len(lines) == 2, done.stderr
    assert lines[0].startswith("error: point 1 (") and lines[0].endswith(": partnership.min_partners = 5 is outside [1, 4] (the number of councils)")
    assert lines[1] == f"error: 1 of 2 points failed (reasons in {sweep / 'failures.csv'})"
    assert_complete(sweep / "0")
    assert leftovers(sweep / "1") == []
    assert json.loads((sweep / "1" / "point.json").read_text())["status"] == "failed"


def test_a_launcher_given_to_a_single_run_is_refused_as_a_setting_it_would_ignore(tmp_path):
    """sim-run hydra/launcher=joblib seed=1 (no -m) ran as a single run and ignored the launcher, saying nothing; a sweep
    preset without -m, which it would ignore too, is refused."""
    try:  # without the [joblib] extra its parent package, hydra_plugins, is missing too
        joblib = importlib.util.find_spec("hydra_plugins.hydra_joblib_launcher") is not None
    except ModuleNotFoundError:
        joblib = False
    launcher = "joblib" if joblib else "basic"
    done = sim(SIM_RUN, f"hydra/launcher={launcher}", "seed=1", *QUICK, out=tmp_path / "run")
    assert errors(done.stderr) == [
        f"error: hydra/launcher = {launcher} chooses how a multirun's points are launched, and this is a single run, which would ignore it:"
        f" sim-run -m ... hydra/launcher={launcher} for a multirun, or leave it out"
    ]
    assert done.returncode == 2 and not (tmp_path / "run").exists()


def test_a_multirun_over_a_key_that_names_nothing_is_refused_before_any_folder_is_made(tmp_path):
    sweep = tmp_path / "sweep"
    done = sim(SIM_RUN, "-m", "councils.0.it_maturty=0.2,0.5", *QUICK, f"hydra.sweep.dir={sweep}")
    assert done.returncode == 2
    assert errors(done.stderr) == ["error: councils.0.it_maturty is not a parameter (did you mean it_maturity?)"]
    assert not sweep.exists()


def test_a_multirun_whose_every_point_would_fail_is_refused_whole_before_any_folder_is_made(tmp_path):
    """sim-run -m seed=1,2 uncertainty=posterior replications=20 launched both points; each failed for a reason known before
    launch (the values not swept, together), and the sweep wrote a folder of failures and exited 3 (on SLURM: a job per point)."""
    sweep = tmp_path / "sweep"
    line = "replications = 20 gives fewer than two parameter draws of replications_per_draw = 25: uncertainty=posterior needs replications >= 50"
    single = sim(SIM_RUN, "seed=1", "uncertainty=posterior", "replications=20", out=tmp_path / "single")
    assert single.returncode == 2 and errors(single.stderr) == [f"error: {line}"], single.stderr
    for seeds in ("1,2", "range(1,1001)"):  # 1,000 points that differ in their seeds alone: one of them is checked for all
        done = sim(SIM_RUN, "-m", f"seed={seeds}", "uncertainty=posterior", "replications=20", f"hydra.sweep.dir={sweep}")
        assert done.returncode == 2, done.stderr
        assert errors(done.stderr) == errors(single.stderr), "the line a single run with those values gives, once"
        assert not sweep.exists()
    # a problem that depends on the swept value names the point, as its job's line would
    done = sim(SIM_RUN, "-m", "partnership.min_partners=5,6", *QUICK, f"hydra.sweep.dir={sweep}")
    assert done.returncode == 2, done.stderr
    assert errors(done.stderr) == [
        f"error: point {i} (scenario=baseline policy=none partnership.min_partners={n} replications=40 partnership.horizon_months=24 uncertainty=none):"
        f" partnership.min_partners = {n} is outside [1, 4] (the number of councils)"
        for i, n in enumerate((5, 6))
    ]
    assert not sweep.exists()


def test_a_multirun_with_a_value_a_single_run_refuses_is_refused_whole_with_that_runs_line(tmp_path):
    """sim-run -m councils.0.it_maturity=0.2,1.5 ran point 0, failed point 1 and exited 3: 1.5 is known to be bad before launch."""
    sweep = tmp_path / "sweep"
    done = sim(SIM_RUN, "-m", "councils.0.it_maturity=0.2,1.5", "replications=200", f"hydra.sweep.dir={sweep}")
    assert done.returncode == 2, done.stderr
    assert errors(done.stderr) == ["error: councils[0].it_maturity = 1.5 is outside [0, 1]"]
    assert not sweep.exists()
    single = sim(SIM_RUN, "councils.0.it_maturity=1.5", "replications=200", out=tmp_path / "single")
    assert single.returncode == 2 and errors(single.stderr) == errors(done.stderr), "the same line as a single run's"


@pytest.mark.parametrize(
    ("command", "args", "lines"),
    [
        # range() and choice() are listed as Hydra's sweeper lists them; each bad value once; a setting and a parameter together
        (
            SIM_RUN,
            ["seed=range(-2,2)", "councils.1.pace=choice(0.5,2,2)"],
            ["seed = -2 is outside [0, 9223372036854775807]", "seed = -1 is outside [0, 9223372036854775807]", "councils[1].pace = 2 is outside [0, 1]"],
        ),
        (
            SIM_RUN,
            ["engine=ensemble,warp", "councils.0.it_maturity=0.2,null"],
            ["engine = 'warp' is not one of ensemble, mesa", "councils.0.it_maturity = null is not a value"],
        ),
        # a value not swept, in a multirun, would fail every point
        (SIM_RUN, ["seed=1,2", "replications=-5"], ["replications = -5 is outside [1, 100000000]"]),
        (
            SIM_COMPARE,
            ["councils.0.it_maturity=0.2,1.5", "replications=1,50"],
            ["councils[0].it_maturity = 1.5 is outside [0, 1]", "replications = 1 is outside [2, 100000000]"],
        ),
        (str(BIN / "sim-search"), ["target=0.2,5"], ["target = 5 is outside [0.001, 1]"]),
        # a continuous range: Hydra's basic sweeper refused it only after making the sweep folder
        (SIM_RUN, ["councils.0.it_maturity=interval(0,1)"], ["councils.0.it_maturity=interval(0,1) is a continuous range a multirun cannot list"]),
        (
            str(BIN / "sim-calibrate"),
            ["points=-1,20", "parameters=[decisions.memory],5"],
            ["points = -1 is outside [10, 1000000]", "parameters = 5 must be a list"],
        ),
    ],
)
def test_every_model_commands_multirun_refuses_each_bad_value_before_any_folder_is_made(tmp_path, command, args, lines):
    sweep = tmp_path / "sweep"
    done = sim(command, "-m", *args, f"hydra.sweep.dir={sweep}")
    assert_refused(done.returncode, done.stderr, 2, *lines)
    assert not sweep.exists()


@pytest.mark.slow
def test_a_multirun_of_values_each_fine_still_runs(warm, tmp_path):
    sweep = tmp_path / "sweep"
    done = sim(SIM_RUN, "-m", "councils.0.it_maturity=0.2,0.5", "seed=range(1,2)", *QUICK, f"hydra.sweep.dir={sweep}")
    assert done.returncode == 0, done.stderr
    for point in ("0", "1"):
        assert_complete(sweep / point)


@pytest.mark.parametrize(
    ("header", "lines"),
    [
        (
            "councils.0.it_maturty,partnership.horizon_montsh,councils.1.it_maturity",
            [
                "error: design column councils.0.it_maturty is not a parameter (did you mean it_maturity?)",
                "error: design column partnership.horizon_montsh is not a parameter (did you mean horizon_months?)",
            ],
        ),
        # pandas reads a repeated CSV column name as councils.0.it_maturity.1, which passed the column check (an index after a
        # parameter was taken for a list's): every point then failed with "'float' object does not support item assignment", exit 3
        (
            "councils.0.it_maturity,councils.0.it_maturity,councils.1.it_maturity.1",
            [
                "error: design column councils.1.it_maturity.1 is not a parameter: councils.1.it_maturity is a parameter, not a section",
                "error: design column 'councils.0.it_maturity' is given 2 times: one column per override path",
            ],
        ),
    ],
)
def test_a_design_column_that_names_nothing_is_refused_before_any_folder_is_made(tmp_path, header, lines):
    design = tmp_path / "bad.csv"
    design.write_text(f"{header}\n0.3,0.3,0.5\n0.5,0.3,0.5\n")
    out = tmp_path / "out"
    done = sim(SIM_RUN, f"design={design}", *QUICK, out=out)
    assert done.returncode == 2
    assert errors(done.stderr) == lines
    assert not out.exists()


def test_a_design_every_row_of_which_would_fail_is_refused_before_any_folder_is_made(tmp_path):
    """sim-run design=bad.csv whose rows were all out of range (councils.0.it_maturity -5 and 7) made its folder, failed each
    point, wrote a sweep table of failures only and exited 3: every row was bad input known before anything ran."""
    bad, out, sweep = tmp_path / "bad.csv", tmp_path / "out", tmp_path / "sweep"
    bad.write_text("councils.0.it_maturity\n-5\n7\n")
    rows = [f"point {i}: councils[0].it_maturity = {value} is outside [0, 1]" for i, value in enumerate((-5, 7))]
    done = sim(SIM_RUN, f"design={bad}", *QUICK, out=out)
    assert done.returncode == 2, done.stderr
    assert errors(done.stderr) == [f"error: {line}" for line in rows]
    assert not out.exists()
    # the rows a chunk runs (here row 1 alone); resume=true: the folder is left as it was
    out.mkdir()
    (out / "mine.txt").write_text("kept")
    done = sim(SIM_RUN, f"design={bad}", "design_chunk=1/2", "resume=true", *QUICK, out=out)
    assert done.returncode == 2 and errors(done.stderr) == [f"error: {rows[1]}"], done.stderr
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    # a problem every row has is said once
    bad.write_text("councils.0.it_maturity,councils.1.it_maturity\n-5,0.3\n-5,1.5\n")
    done = sim(SIM_RUN, f"design={bad}", *QUICK, out=tmp_path / "out2")
    assert done.returncode == 2, done.stderr
    assert errors(done.stderr) == [
        "error: all 2 points: councils[0].it_maturity = -5 is outside [0, 1]",
        "error: point 1: councils[1].it_maturity = 1.5 is outside [0, 1]",
    ]
    assert not (tmp_path / "out2").exists()
    # a multirun whose every chunk would fail is refused before launch, as any multirun every point of which would fail
    bad.write_text("councils.0.it_maturity\n-5\n7\n")
    done = sim(SIM_RUN, "-m", f"design={bad}", "design_chunk=0/2,1/2", *QUICK, f"hydra.sweep.dir={sweep}")
    assert done.returncode == 2, done.stderr
    lines = errors(done.stderr)
    assert len(lines) == 2 and all(line.startswith(f"error: chunk {i}/2 (") and line.endswith(f"): {rows[i]}") for i, line in enumerate(lines)), lines
    assert not sweep.exists()


# ---------------------------------------------------------------------------------------
# the Python API


def test_a_config_changed_after_load_is_checked_again():
    from sim import load
    from sim.config.checks import ConfigError
    from sim.frontends.ensemble import run_ensemble

    for value, line in ((5, "councils[0].it_maturity = 5 is outside [0, 1]"), (math.nan, "councils[0].it_maturity = nan is outside [0, 1]")):
        cfg = load()
        cfg.councils[0].it_maturity = value
        with pytest.raises(ConfigError) as refused:
            run_ensemble(cfg, 5, 1)
        assert refused.value.problems == [line]


@pytest.mark.parametrize(
    ("kwargs", "kind", "message"),
    [
        ({"seed": 1.9}, TypeError, "seed = 1.9 must be a whole number"),
        ({"first_rep": -5}, ValueError, r"first_rep = -5 is outside \[0, inf\)"),
        ({"seed": 2**64}, ValueError, rf"seed = {BIG} is outside \[0, 2\*\*63\)"),
        ({"replications": 2**64}, ValueError, rf"replications = {BIG} is more than one call runs \(at most 100000000\)"),
        ({"first_rep": 2**63 - 5}, ValueError, r"first_rep = 9223372036854775803 is outside \[0, 9223372036854775788\]"),
        ({"workers": 2**64}, ValueError, rf"workers = {BIG} is outside \[1, 1024\]"),
    ],
)
def test_run_ensemble_refuses_bad_arguments(kwargs, kind, message):
    from sim import load
    from sim.frontends.ensemble import run_ensemble

    with pytest.raises(kind, match=message):
        run_ensemble(load(), **{"replications": 20, "seed": 1, **kwargs})


#: The refusals of SILENT that concern the model's values (what ``sim.load`` takes).
MODEL_ONLY = [s for s in SILENT if not any(a.startswith(("seed=", "+repl", "repl", "+foo", "polcy")) for a in s[0])]


@pytest.mark.parametrize(("args", "lines"), MODEL_ONLY)
def test_load_refuses_with_the_commands_words(args, lines):
    from sim import load
    from sim.config.checks import ConfigError

    with pytest.raises(ConfigError) as refused:
        load("baseline", "none", args)
    assert len(refused.value.problems) == len(lines)
    for problem, start in zip(refused.value.problems, lines, strict=True):
        assert problem.startswith(start)


def test_load_names_a_misspelt_key_like_the_command():
    from sim import load
    from sim.config.checks import ConfigError

    with pytest.raises(ConfigError, match=r"replicatons is not a setting or a section of sim.load \(did you mean replications\?\)"):
        load("baseline", "none", ["+replicatons=10"])


def test_the_facade_refuses_a_count_with_a_precision_and_a_policy_twice():
    import sim
    from sim.config.checks import ConfigError

    with pytest.raises(ConfigError, match=r"replications=50 and precision=0\.05 were both given"):
        sim.run(sim.load(), replications=50, precision=0.05)
    with pytest.raises(ConfigError, match=r"policies = \[none,none\] names none more than once"):
        sim.compare("baseline", ["none", "none"], replications=10)


def test_a_mesa_councils_drawn_attributes_cannot_be_set():
    from sim.frontends.model import PartnershipModel

    model = PartnershipModel(scenario_name="baseline", seed=1, replication=0)
    council = next(iter(model.agents))
    with pytest.raises(AttributeError, match="size is drawn for the run"):
        council.size = 3.0
    with pytest.raises(ValueError, match=r"it_maturity = nan is outside \[0, 1\]"):
        council.it_maturity = math.nan


# ---------------------------------------------------------------------------------------
# property: any set of overrides either runs to a complete, consistent set of files, or
# exits 2 with one line per problem and writes nothing

#: For each setting or parameter: overrides and whether each is valid.
CHOICES: dict[str, list[tuple[str, bool]]] = {
    "seed": [("seed=3", True), (f"seed={MAX_SEED}", True), ("seed=-1", False), (f"seed={BIG}", False), ("seed=abc", False)],
    "replications": [("replications=25", True), ("replications=0", False)],
    "precision": [("precision=0.2", True), ("precision=2", False)],
    "block_size": [("block_size=7", True), ("block_size=0", False)],
    "horizon": [("partnership.horizon_months=24", True), ("partnership.horizon_months=5", False)],
    "maturity": [
        ("councils.0.it_maturity=0.4", True),
        ("councils.0.it_maturity='beta(2, 5)'", True),
        ("councils.0.it_maturity=1.7", False),
        ("councils.0.it_maturity=null", False),
        ("councils.0.it_maturity='beta(2, 5, 7)'", False),
    ],
    "name": [("councils.1.name=Other", True), ("councils.1.name=${oc.env:HOME}", False)],
    "typo": [("+replicatons=10", False), ("+foo=1", False), ("partnership.horizon_montsh=3", False)],
    "engine": [("engine=ensemble", True), ("engine=warp", False)],
    "events": [("save_events=true", True), ("save_events=maybe", False)],
    "policy": [("policy=continuity_plan", True), ("policy=nope", False)],
}


def expected_problems(chosen: dict[str, tuple[str, bool]]) -> int:
    bad = sum(not ok for _, ok in chosen.values())
    both = "replications" in chosen and "precision" in chosen and chosen["replications"][1] and chosen["precision"][1]
    return bad + int(both)


overrides = st.fixed_dictionaries({}, optional={key: st.sampled_from(values) for key, values in CHOICES.items()}).filter(
    lambda d: "replications" in d or "precision" in d or "horizon" in d  # keep the valid runs short
)


def check_outcome(code: int, stderr: str, out: Path, chosen: dict[str, tuple[str, bool]]) -> None:
    expected = expected_problems(chosen)
    assert "Traceback" not in stderr
    if expected == 0:
        assert code == 0, stderr
        summary = assert_complete(out)
        assert ("events.parquet" in summary["run"]["files"]) == ("events" in chosen)
    else:
        lines = errors(stderr)
        assert code == 2, stderr
        assert len(lines) == expected and all(line.startswith("error: ") for line in lines), (chosen, stderr)
        assert not out.exists()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(chosen=overrides)
def test_any_overrides_run_completely_or_are_refused_line_by_line(tmp_path, chosen):
    out = tmp_path / uuid.uuid4().hex
    code, _, stderr = run_main([arg for arg, _ in chosen.values()] + [f"hydra.run.dir={out}"])
    check_outcome(code, stderr, out, chosen)


@pytest.mark.slow
@pytest.mark.parametrize(
    "keys",
    [
        {"seed": 0, "replications": 0, "events": 0},
        {"seed": 3, "replications": 1, "maturity": 3, "typo": 0, "name": 1, "policy": 1},
        {"replications": 0, "precision": 0, "horizon": 0},
    ],
    ids=["valid", "six problems", "count and precision"],
)
def test_overrides_through_the_command(warm, tmp_path, keys):
    chosen = {key: CHOICES[key][index] for key, index in keys.items()}
    out = tmp_path / "run"
    done = sim(SIM_RUN, *(arg for arg, _ in chosen.values()), out=out)
    check_outcome(done.returncode, done.stderr, out, chosen)


# ---------------------------------------------------------------------------------------
# memory does not grow with the number of replications


def peak_rss(args: Sequence[str], out: Path) -> int:
    """Peak resident memory (bytes) of ``sim-run args`` run in a child process of its own."""
    proc = subprocess.Popen([SIM_RUN, *certain(SIM_RUN, args), f"hydra.run.dir={out}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
    return usage.ru_maxrss * 1024


@pytest.mark.slow
def test_peak_memory_does_not_depend_on_the_number_of_replications(warm, tmp_path):
    small = peak_rss(["replications=10000", "partnership.horizon_months=36"], tmp_path / "small")
    large = peak_rss(["replications=200000", "partnership.horizon_months=36"], tmp_path / "large")
    assert large < 1_000_000_000
    assert large - small < 60_000_000, (small, large)  # 190,000 more replications: under 320 bytes each, were they kept

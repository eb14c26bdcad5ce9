"""``out=`` of ``sim-compare``, ``sim-search`` and ``sim-calibrate``, as ``sim-run``'s: a run's folder, or with ``-m`` the sweep's one folder.

``sim-compare`` and ``sim-search`` refused ``out=`` ("out is not a setting or a section of sim-compare"), and
``sim-calibrate`` refused it with ``-m`` ("names one folder for every job of a multirun"), though the README says a
run owns its folder, ``out=DIR`` choosing it, for a sweep too. Each now takes it as ``sim-run`` does, with the same guarantees:
the folder's lock, the results renamed into place, and one line (exit 2, nothing written) for an ``out=`` that
names another folder than ``hydra.run.dir`` / ``hydra.sweep.dir``, has a file in the way, cannot be written or is swept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import calibrate, compare, search
from sim.results.lock import RunLock

BIN = Path(sys.executable).parent
#: Each command: its entry point, small settings, and the results file a run of it writes last.
COMMANDS = {
    "sim-compare": (
        compare.main,
        ["replications=20", "uncertainty=none", "policies=[none,continuity_plan]", "partnership.horizon_months=24", "workers=1"],
        "summary.json",
    ),
    "sim-search": (
        search.main,
        [
            "replications=50",
            "confirm_replications=100",
            "target=0.99",
            "tune=0",
            "max_levers=1",
            "pool=[continuity_plan]",
            "runners_up=0",
            "partnership.horizon_months=24",
            "workers=1",
        ],
        "search.json",
    ),
    "sim-calibrate": (
        calibrate.main,
        ["points=10", "waves=1", "replications=20", "parameters=[decisions.memory]", "workers=1"],
        "calibration.md",
    ),
}
NAMES = sorted(COMMANDS)


def command(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command ``name`` run as a user runs it, in ``cwd``."""
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=600, env=env, cwd=cwd, check=False)


def error_lines(stderr: str) -> list[str]:
    """The lines of ``stderr`` that hold anything."""
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("name", NAMES)
def test_help_lists_out_with_what_it_allows(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    main: Callable[[list[str]], int] = COMMANDS[name][0]
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("out "))
    assert "text (default unset)" in lines[at]
    assert "with -m the sweep's one folder, its points in out/0, out/1..." in lines[at + 1], lines[at + 1]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_a_run_writes_its_results_and_hydra_into_out(name: str, tmp_path: Path) -> None:
    _, small, last = COMMANDS[name]
    out = tmp_path / "mine"
    done = command(name, *small, f"out={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / last).is_file() and (out / ".hydra").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"], "nothing in outputs/DATE/TIME"
    assert f"esults in {out}" in done.stdout, done.stdout  # sim-compare, sim-calibrate: "Results in D"; sim-search: "...; results in D"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_a_sweep_into_out_puts_its_points_in_out_0_and_out_1(name: str, tmp_path: Path) -> None:
    _, small, last = COMMANDS[name]
    out = tmp_path / "swept"
    done = command(name, "-m", "seed=1,2", *small, f"out={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    table = pd.read_parquet(out / "sweep.parquet")
    assert table["job_dir"].tolist() == ["0", "1"] and table["status"].tolist() == ["ok", "ok"]
    assert "out" not in table.columns, "the sweep's folder is not a swept value"
    assert all((out / job / last).is_file() for job in ("0", "1"))
    assert json.loads((out / "1" / "point.json").read_text())["status"] == "ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["swept"], "nothing in multirun/DATE/TIME"


def refusals(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    """Each refused use of ``out=``: its arguments and its one line."""
    out, other, taken = tmp_path / "out", tmp_path / "other", tmp_path / "taken"
    return {
        "another run folder": (
            [f"out={out}", f"hydra.run.dir={other}"],
            f"out = {out} and hydra.run.dir = {other} name two folders: give one of them (out= also keeps the run's log and .hydra with its results)",
        ),
        "another sweep folder": (
            ["-m", "seed=1,2", f"out={out}", f"hydra.sweep.dir={other}"],
            f"out = {out} and hydra.sweep.dir = {other} name two folders: give one of them (out= is the sweep's folder)",
        ),
        "a file in the way": ([f"out={taken}/x"], f"out = {taken}/x: {taken} is a file, not a folder; choose another folder with out=..."),
        "a folder no file can be made in": (
            ["out=/proc/x"],
            "out = /proc/x: cannot write /proc: no file can be made in it (a folder of the system, as /proc and /sys are);"
            " choose a folder you can write to (out=...)",
        ),
        "a swept out": (
            ["-m", "seed=1,2", "out=a,b"],
            "out = a,b names the sweep's one folder, which is not swept: give one folder (its points go in out/0, out/1...)",
        ),
    }


@pytest.mark.parametrize("case", ["another run folder", "another sweep folder", "a file in the way", "a folder no file can be made in", "a swept out"])
@pytest.mark.parametrize("name", NAMES)
def test_an_out_that_cannot_be_used_is_refused_in_one_line_and_nothing_is_written(
    name: str, case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").write_text("")
    main, small, _ = COMMANDS[name]
    args, line = refusals(tmp_path)[case]
    assert main([*args, *small]) == 2
    assert error_lines(capsys.readouterr().err) == [f"error: {line}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.slow
@pytest.mark.parametrize("multirun", [False, True], ids=["run", "sweep"])
@pytest.mark.parametrize("name", NAMES)
def test_an_out_another_run_is_using_is_refused_naming_out(name: str, multirun: bool, tmp_path: Path) -> None:
    _, small, _ = COMMANDS[name]
    out = tmp_path / "busy"
    out.mkdir()
    with RunLock(out):
        done = command(name, *(["-m", "seed=1,2"] if multirun else []), *small, f"out={out}", cwd=tmp_path)
    assert done.returncode == 3, done.stderr[-3000:]
    lines = error_lines(done.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"error: {out} is in use by another run") and lines[0].endswith("with out=..."), lines
    assert sorted(p.name for p in out.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["busy"]

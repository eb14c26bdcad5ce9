"""Hydra sweeps through the project's launcher presets on real engines: a toy job, and the real ``sim-run``.

The same 3-point multirun of ``tests/support/toy_app.py`` (no model code) runs through the
basic launcher, joblib, Ray (against a private head, and a fresh local Ray) and submitit on a
private one-node SLURM; every launcher must give the same per-point results. Then the real
``sim-run`` sweep (2 points x 200 replications) runs through Ray and SLURM and its
``sweep.parquet`` must hold the figures of the basic launcher's (wall times, folders and host
names aside). Each sweep has a hard timeout and prints its time.

Markers: ``ray``, ``slurm`` (``-m "not ray and not slurm"`` leaves them out). Missing engines
skip on a user's machine and fail with ``CI=true``. Never two clusters at once: the fixtures
hold a file lock, and ``make test`` uses ``--dist loadfile`` (this file on one worker). The
``xdist_group`` mark is for ``--dist loadgroup``, broken with pytest 9.2 / xdist 3.8.0
(see tests/support/clusters.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from support.clusters import (
    CONFIGS,
    SUPPORT,
    ToyRun,
    exclusive,
    ray_head_fixture,  # noqa: F401  (fixture "ray_head")
    ray_missing,
    require_module,
    run_toy,
    say,
    slurm_cluster_fixture,  # noqa: F401  (fixture "slurm_cluster")
    toy_env,
    unavailable,
)

sys.path.insert(0, str(SUPPORT))
import toy_app

from sim.results.sweep import same_figures

pytestmark = [pytest.mark.xdist_group("clusters")]

SEEDS = (1, 2, 3)


def report(name: str, run: ToyRun, record_property) -> None:
    """Print and record the wall time and the jobs' start latencies (for the overhead figures)."""
    starts = sorted(r["started_at"] - run.submitted_at for r in run.results.values())
    fresh = sorted(r["started_at"] - r["imported_at"] for r in run.results.values())
    pids = len({r["pid"] for r in run.results.values()})
    line = f"[{name}] wall {run.wall_s:.2f} s; jobs started after {', '.join(f'{s:.2f}' for s in starts)} s; {pids} worker process(es)"
    say(line)
    record_property(f"{name}_wall_s", round(run.wall_s, 3))
    record_property(f"{name}_job_starts_s", [round(s, 3) for s in starts])
    record_property(f"{name}_import_to_start_s", [round(s, 3) for s in fresh])


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> ToyRun:
    """The sweep through Hydra's basic launcher, in this process's own interpreter: the reference."""
    return run_toy(tmp_path_factory.mktemp("basic"))


def test_basic_launcher_gives_the_direct_results(reference, record_property):
    report("basic", reference, record_property)
    assert sorted(r["seed"] for r in reference.results.values()) == list(SEEDS)
    for r in reference.results.values():
        assert {k: r[k] for k in ("sum", "mean")} == toy_app.compute(r["seed"], 1000, 1.0)


def test_presets_compose(tmp_path):
    """The presets resolve as documented, without starting anything (``--cfg hydra``)."""

    def launcher(*overrides: str, env: dict | None = None) -> str:
        cmd = [sys.executable, str(SUPPORT / "run_toy.py"), f"hydra.searchpath=[file://{CONFIGS}]", *overrides, "--cfg", "hydra", "--resolve"]
        proc = subprocess.run(cmd, env=toy_env(env), capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout

    require_module("hydra_plugins.hydra_submitit_launcher", "slurm")
    out = launcher("hydra/launcher=slurm")
    assert "submitit_slurm" not in out and "SlurmLauncher" in out
    folder = next(line.split(": ", 1)[1] for line in out.splitlines() if line.strip().startswith("submitit_folder:"))
    assert folder.startswith(f"{tmp_path}/multirun/") and folder.endswith("/.submitit/%j"), folder
    require_module("hydra_plugins.hydra_ray_launcher", "ray")
    assert "address: local" in launcher("hydra/launcher=ray")
    assert "address: 10.0.0.1:6379" in launcher("hydra/launcher=ray", env={"RAY_ADDRESS": "10.0.0.1:6379"})
    assert "address: h:1" in launcher("hydra/launcher=ray", "hydra.launcher.ray.init.address=h:1")


def test_joblib_launcher(reference, tmp_path, record_property):
    require_module("hydra_plugins.hydra_joblib_launcher", "joblib")
    run = run_toy(tmp_path / "sweep", "hydra/launcher=joblib")
    report("joblib", run, record_property)
    assert run.compared() == reference.compared()


@pytest.mark.ray
def test_ray_launcher_on_an_existing_cluster(reference, ray_head, tmp_path, record_property):
    """Attach through RAY_ADDRESS (the preset's documented way).

    The head's workers do not inherit this driver's PYTHONPATH. On one machine Ray hands them the
    driver script's folder and the current directory anyway (``JobConfig._py_driver_sys_path``);
    on a cluster of several machines the code must be installed at the same path on every node or
    shipped with ``runtime_env``: that override is exercised here.
    """
    run = run_toy(
        tmp_path / "sweep",
        "hydra/launcher=ray",
        f"++hydra.launcher.ray.init.runtime_env.env_vars.PYTHONPATH={SUPPORT}",
        env={**ray_head.env, "RAY_ADDRESS": ray_head.address},
    )
    report("ray_cluster", run, record_property)
    assert f"'address': '{ray_head.address}'" in run.output
    assert run.compared() == reference.compared()


@pytest.mark.ray
def test_ray_launcher_fresh_local_ray(reference, tmp_path, record_property):
    """The preset's default: a fresh Ray started and ended by the sweep (its own temp dir, loopback, no token file)."""
    why = ray_missing()
    if why:
        unavailable(why)
    with exclusive("ray"):
        temp_dir = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
        try:
            run = run_toy(
                tmp_path / "sweep",
                "hydra/launcher=ray",
                f"++hydra.launcher.ray.init._temp_dir={temp_dir}",
                env={"RAY_AUTH_MODE": "disabled", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"},
            )
        finally:
            subprocess.run(["rm", "-rf", str(temp_dir)], check=False)
    report("ray_local", run, record_property)
    assert "'address': 'local'" in run.output
    assert run.compared() == reference.compared()


@pytest.mark.slurm
def test_submitit_slurm_launcher(reference, slurm_cluster, tmp_path, record_property):
    require_module("hydra_plugins.hydra_submitit_launcher", "slurm")
    run = run_toy(
        tmp_path / "sweep",
        "hydra/launcher=slurm",
        f"hydra.launcher.partition={slurm_cluster.partition}",
        "hydra.launcher.mem_gb=1",
        "hydra.launcher.timeout_min=5",
        env=slurm_cluster.env,
    )
    report("slurm", run, record_property)
    assert run.compared() == reference.compared()
    # Every job really ran under SLURM, as a job array in this private cluster.
    logs = list((tmp_path / "sweep" / ".submitit").glob("*/*_log.out"))
    assert len(logs) == len(SEEDS), logs
    assert all(json.loads(p.read_text()).get("host") for p in (tmp_path / "sweep").glob("*/result.json"))


def test_a_missing_engine_skips_here_but_fails_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no engine"):
        unavailable("no engine")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no engine"):
        unavailable("no engine")


def test_the_cluster_lock_excludes_other_processes():
    """While another process holds a lock, ``exclusive`` waits and then gives up; in one process it is re-entrant."""
    code = "import time\nfrom support.clusters import exclusive\nwith exclusive('selftest'):\n print('held', flush=True)\n time.sleep(30)"
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=SUPPORT.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(TimeoutError), exclusive("selftest", timeout=1):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with exclusive("selftest", timeout=5), exclusive("selftest", timeout=0):
        pass


# --- the real sim-run sweep ----------------------------------------------------------------

SIM_RUN = str(Path(sys.executable).with_name("sim-run"))
#: 2 points x 200 replications.
SIM_POINTS = ("scenario=case01_key_person", "policy=none,continuity_plan", "replications=200")
#: Hard limit for one sim-run sweep: a fresh worker may have to compile the model (75-80 s cold).
SIM_TIMEOUT = 900


def sim_sweep(name: str, folder: Path, *overrides: str, env: dict | None = None, record_property=None) -> pd.DataFrame:
    """``sim-run -m`` the two points into ``folder`` (extra environment ``env``); its sweep table. Prints the time."""
    full = {**os.environ, "HYDRA_FULL_ERROR": "1", **(env or {})}
    if not (env or {}).get("RAY_ADDRESS"):
        full.pop("RAY_ADDRESS", None)
    started = time.monotonic()
    done = subprocess.run(
        [SIM_RUN, "-m", *SIM_POINTS, f"hydra.sweep.dir={folder}", *overrides], capture_output=True, text=True, timeout=SIM_TIMEOUT, env=full, check=False
    )
    wall = time.monotonic() - started
    say(f"[sim-run {name}] 2 points x 200 replications in {wall:.1f} s (exit {done.returncode})")
    if record_property is not None:
        record_property(f"sim_run_{name}_wall_s", round(wall, 2))
    assert done.returncode == 0, f"sim-run through {name} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-4000:]}"
    table = pd.read_parquet(folder / "sweep.parquet")
    assert len(table) == 2 and (table["status"].astype(str) == "ok").all()
    return table


@pytest.fixture(scope="module")
def sim_reference(tmp_path_factory) -> pd.DataFrame:
    """The sim-run sweep through Hydra's basic launcher (the reference)."""
    return sim_sweep("basic", tmp_path_factory.mktemp("sim-basic") / "sweep")


@pytest.mark.ray
def test_sim_run_sweep_on_a_ray_cluster_gives_the_basic_figures(sim_reference, ray_head, tmp_path, record_property):
    """Attached through RAY_ADDRESS; the workers import the installed package (the same interpreter on this machine)."""
    table = sim_sweep("ray", tmp_path / "sweep", "hydra/launcher=ray", env={**ray_head.env, "RAY_ADDRESS": ray_head.address}, record_property=record_property)
    assert same_figures(sim_reference, table)


@pytest.mark.slurm
def test_sim_run_sweep_on_slurm_gives_the_basic_figures(sim_reference, slurm_cluster, tmp_path, record_property):
    """A job array on the private one-node SLURM; with cloudpickle 2.x too (the schema classes pickle by reference)."""
    require_module("hydra_plugins.hydra_submitit_launcher", "slurm")
    folder = tmp_path / "sweep"
    overrides = ("hydra/launcher=slurm", f"hydra.launcher.partition={slurm_cluster.partition}", "hydra.launcher.mem_gb=1", "hydra.launcher.timeout_min=15")
    table = sim_sweep("slurm", folder, *overrides, env=slurm_cluster.env, record_property=record_property)
    assert same_figures(sim_reference, table)
    assert len(list((folder / ".submitit").glob("*/*_log.out"))) == 2  # both points ran as SLURM jobs


def three_point_slurm_sweep(slurm_cluster, folder: Path) -> list[str]:
    """``sim-run``'s command of a 3-point sweep (1500 replications each) as a job array on the private SLURM, into ``folder``."""
    args = [SIM_RUN, "-m", "scenario=case01_key_person", "policy=none,continuity_plan,all_levers", "replications=1500", "uncertainty=none"]
    return [*args, "hydra/launcher=slurm", f"hydra.launcher.partition={slurm_cluster.partition}", "hydra.launcher.mem_gb=1", f"out={folder}"]


def sweep_with_a_task_cancelled(slurm_cluster, args: list[str], env: dict[str, str], pick: Callable[[list[list[str]]], str | None]) -> tuple[int, str, float]:
    """Run ``args``; once ``pick`` names a task of the queue (``squeue``'s task ids and short states), cancel it and wait for
    the sweep to end (240 s at most, else fail with the queue's states): its exit status, standard error and wall time. What is
    left of the task's array is cancelled at the end."""
    started = time.monotonic()
    task = None
    with subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as sweep:
        try:
            listed: list[list[str]] = []
            while task is None and time.monotonic() - started < 120:
                time.sleep(0.2)
                listed = [line.split() for line in slurm_cluster.run("squeue", "-h", "-r", "-o", "%i %t").splitlines()]
                task = pick(listed)
            assert task is not None, listed
            slurm_cluster.run("scancel", task)
            try:
                _, err = sweep.communicate(timeout=240)
            except subprocess.TimeoutExpired:
                sweep.kill()
                states = slurm_cluster.run("squeue", "-h", "--array", "--states=all", "--format=%i|%T|%N")
                pytest.fail(f"sim-run still waiting 240 s after scancel {task} (squeue: {states!r}):\n{sweep.communicate()[1][-3000:]}")
        finally:
            sweep.kill()
            if task is not None:
                subprocess.run([slurm_cluster.commands["scancel"], task.split("_")[0]], env=slurm_cluster.env, capture_output=True, timeout=30, check=False)
    return sweep.returncode, err, time.monotonic() - started


@pytest.mark.slurm
def test_a_slurm_job_cancelled_on_a_cluster_without_accounting_ends_the_sweep_as_lost(slurm_cluster, tmp_path, record_property):
    """With no accounting (sacct answers nothing) submitit read a cancelled job as UNKNOWN and sim-run waited for ever; now its state
    comes from squeue: the sweep says a job was lost (exit 3), and resume=true runs its point."""
    require_module("hydra_plugins.hydra_submitit_launcher", "slurm")
    folder = tmp_path / "sweep"
    args = three_point_slurm_sweep(slurm_cluster, folder)
    env = {**os.environ, **slurm_cluster.env}

    def waiting_alone(listed: list[list[str]]) -> str | None:  # two tasks run on the 2 CPUs, the third waits: cancel that one
        running = sum(state == "R" for _, state in listed)
        return next((task for task, state in listed if state == "PD"), None) if len(listed) == 3 and running == 2 else None

    code, err, wall = sweep_with_a_task_cancelled(slurm_cluster, args, env, waiting_alone)
    say(f"[sim-run slurm, a job cancelled] ended in {wall:.1f} s (exit {code})")
    record_property("sim_run_slurm_cancelled_wall_s", round(wall, 2))
    assert code == 3 and "error: a job of the sweep was lost" in err and "(state: CANCELLED)" in err, err[-3000:]
    again = subprocess.run([*args, "resume=true"], env=env, capture_output=True, text=True, timeout=SIM_TIMEOUT)
    assert again.returncode == 0, again.stderr[-3000:]
    table = pd.read_parquet(folder / "sweep.parquet")
    assert len(table) == 3 and (table["status"].astype(str) == "ok").all()


@pytest.mark.slurm
def test_a_slurm_task_cancelled_while_its_array_waits_ends_the_sweep_as_lost(slurm_cluster, tmp_path, record_property):
    """A task cancelled while the array's tasks all waited in its record (here held: SBATCH_HOLD) is dropped from it, and
    ``squeue --states=all`` never lists it again: submitit kept reading it PENDING and sim-run waited for ever (the hang once
    seen when this file's other test cancelled a task just after the array was submitted). It now reads UNLISTED: lost, exit 3.
    Where slurmctld still lists the task when sim-run looks (a CI run once saw it so), it reads CANCELLED: lost alike."""
    require_module("hydra_plugins.hydra_submitit_launcher", "slurm")
    args = three_point_slurm_sweep(slurm_cluster, tmp_path / "sweep")
    env = {**os.environ, **slurm_cluster.env, "SBATCH_HOLD": "1"}

    def first_of_three_held(listed: list[list[str]]) -> str | None:
        return min(task for task, _ in listed) if len(listed) == 3 and all(state == "PD" for _, state in listed) else None

    code, err, wall = sweep_with_a_task_cancelled(slurm_cluster, args, env, first_of_three_held)
    say(f"[sim-run slurm, a waiting task cancelled] ended in {wall:.1f} s (exit {code})")
    record_property("sim_run_slurm_cancelled_waiting_wall_s", round(wall, 2))
    assert code == 3 and "error: a job of the sweep was lost" in err, err[-3000:]
    assert "(state: UNLISTED)" in err or "(state: CANCELLED)" in err, err[-3000:]

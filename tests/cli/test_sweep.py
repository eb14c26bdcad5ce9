"""The sweep callback of ``sim-run`` (``sim/cli/sweep.py``), in process: what each job records."""

from __future__ import annotations

import contextvars
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hydra.types import RunMode
from omegaconf import OmegaConf
from support.clusters import CONFIGS, require_module
from support.sweeps import drew_from, named

from sim.cli import guard
from sim.cli.sweep import (
    LAUNCHER_SETTINGS,
    UNLISTED,
    SweepCallback,
    cluster_absent,
    discard_unstarted,
    launcher_problems,
    missing_launcher,
    slurm_jobs_folder,
    slurm_states_without_accounting,
    sweep_command,
)
from sim.results import provenance
from sim.results.sweep import PointRecord


def job_config(sweep_dir: Path, mode: RunMode = RunMode.MULTIRUN):
    return OmegaConf.create({"hydra": {"mode": mode, "sweep": {"dir": str(sweep_dir)}}})


def test_a_point_run_by_a_ray_or_slurm_worker_records_the_sweeps_command(tmp_path, monkeypatch):
    """Its provenance named the worker's command line (Ray's default_worker.py ..., submitit's _submit.py ...)."""
    command = ["sim-run", "-m", "seed=1,2", "hydra/launcher=slurm", f"hydra.sweep.dir={tmp_path}"]
    (tmp_path / "sweep.json").write_text(json.dumps({"command": command}))
    monkeypatch.setattr(sys, "argv", [".../submitit/core/_submit.py", f"{tmp_path}/.submitit/%j"])

    def start_job(mode: RunMode) -> list[str]:
        SweepCallback().on_job_start(job_config(tmp_path, mode), task_function=print)
        return provenance.collect()["command"]

    assert contextvars.copy_context().run(start_job, RunMode.MULTIRUN) == command
    assert contextvars.copy_context().run(start_job, RunMode.RUN) == sys.argv


def test_a_sweeps_recorded_command_names_its_folder_once_and_always(tmp_path):
    """sweep.json recorded sys.argv: 'out=D hydra.sweep.dir=D' (sim-run adds the second for the first), and a sweep in
    Hydra's default folder recorded no folder, so pasting its command ran it into a new multirun/DATE/TIME."""

    def recorded(argv: list[str], setting: str | None) -> list[str]:
        def record() -> list[str]:
            provenance.COMMAND.set(guard.typed_command("sim-run", argv, setting))
            return sweep_command(tmp_path)

        return contextvars.copy_context().run(record)

    assert recorded(["-m", "seed=1,2", "out=sw", "hydra.sweep.dir=sw"], "out") == ["sim-run", "-m", "seed=1,2", "out=sw"]
    assert recorded(["-m", "seed=1,2"], None) == ["sim-run", "-m", "seed=1,2", f"out={tmp_path}"]
    assert recorded(["-m", "seed=1,2", "hydra.sweep.dir=there"], None) == ["sim-run", "-m", "seed=1,2", "hydra.sweep.dir=there"]
    assert guard.typed_command("sim-run", ["seed=1", "out=a", "hydra.run.dir=a"], "out") == ["sim-run", "seed=1", "out=a"], "a single run's too"


def test_a_sweep_that_ended_before_its_first_point_leaves_nothing(tmp_path):
    """A launcher failing before its first job (SLURM refusing the jobs, joblib's n_jobs=0) left the sweep folder with
    multirun.yaml, sweep.json and .submitit/, and the table printed 'Sweep: 0 of 2 points done'."""
    made = tmp_path / "made"
    (made / ".submitit" / "7").mkdir(parents=True)
    for name in ("sweep.json", "multirun.yaml", ".progress"):
        (made / name).write_text("{}")
    assert discard_unstarted(made, made=True) and not made.exists()
    there = tmp_path / "there"
    (there / ".submitit").mkdir(parents=True)
    (there / "sweep.json").write_text("{}")
    (there / "notes.txt").write_text("mine")
    assert discard_unstarted(there, made=False) and sorted(p.name for p in there.iterdir()) == ["notes.txt"]


def test_a_sweep_with_a_point_or_a_jobs_log_is_kept(tmp_path):
    started = tmp_path / "started"
    (started / "0").mkdir(parents=True)
    (started / "sweep.json").write_text("{}")
    PointRecord(0, "running").write(started / "0")
    logged = tmp_path / "logged"
    (logged / ".submitit" / "7_0").mkdir(parents=True)
    (logged / ".submitit" / "7_0" / "7_0_0_log.err").write_text("ImportError: no module named sim")
    for folder in (started, logged):
        assert not discard_unstarted(folder, made=True) and (folder / ".submitit" if folder is logged else folder / "sweep.json").exists()


def test_launcher_settings_out_of_range_are_one_line_each(tmp_path):
    """joblib's n_jobs=0 and Ray's num_cpus=-1 failed with a traceback once the sweep folder was made; SLURM ran timeout_min=-5."""

    def launcher(target: str, **settings) -> object:
        return OmegaConf.create({"hydra": {"launcher": {"_target_": f"hydra_plugins.x.{target}", **settings}}})

    assert launcher_problems(launcher("JoblibLauncher", n_jobs=0)) == [
        "hydra.launcher.n_jobs = 0 is not allowed: a whole number >= 1, or -1 (one process per core)"
    ]
    assert launcher_problems(launcher("RayLauncher", ray={"remote": {"num_cpus": -1, "max_retries": 3}})) == [
        "hydra.launcher.ray.remote.num_cpus = -1 is not allowed: a number > 0 (CPUs per job)"
    ]
    assert launcher_problems(launcher("SlurmLauncher", timeout_min=-5, mem_gb=0, cpus_per_task=None, partition="x")) == [
        "hydra.launcher.timeout_min = -5 is not allowed: a whole number of minutes >= 1",
        "hydra.launcher.mem_gb = 0 is not allowed: a number of GB > 0",
    ]
    assert launcher_problems(launcher("JoblibLauncher", n_jobs=-1)) == launcher_problems(launcher("BasicLauncher")) == []
    with pytest.raises(SystemExit) as refused:
        SweepCallback().on_multirun_start(OmegaConf.merge(launcher("JoblibLauncher", n_jobs=0), job_config(tmp_path / "sweep")))
    assert refused.value.code == 2 and not (tmp_path / "sweep").exists()


def test_a_launcher_whose_extra_is_not_installed_is_one_line_naming_the_extra(tmp_path, monkeypatch, capsys):
    """hydra/launcher=joblib (or ray) without its extra ended in Hydra's traceback 'Unknown plugin class' and 'an unexpected error:
    please report it'; hydra/launcher=slurm said only that 'hydra/launcher/submitit_slurm' could not be loaded."""
    from hydra.errors import MissingConfigException

    from sim.config.overrides import composition_problems

    for name in ("hydra_plugins.hydra_joblib_launcher", "hydra_plugins.hydra_joblib_launcher.joblib_launcher"):
        monkeypatch.setitem(sys.modules, name, None)  # as without the [joblib] extra
    config = OmegaConf.create({"hydra": {"launcher": {"_target_": "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher", "n_jobs": 0}}})
    line = "hydra/launcher = joblib needs the [joblib] extra, which is not installed: pip install 'partnership-sim[joblib]'"
    assert missing_launcher(config) == [line]
    with pytest.raises(SystemExit) as refused:
        SweepCallback().on_multirun_start(OmegaConf.merge(config, job_config(tmp_path / "sweep")))
    assert refused.value.code == 2 and capsys.readouterr().err == f"error: {line}\n" and not (tmp_path / "sweep").exists()
    assert missing_launcher(OmegaConf.create({"hydra": {"launcher": {"_target_": "hydra._internal.core_plugins.basic_launcher.BasicLauncher"}}})) == []
    slurm = MissingConfigException("In 'hydra/launcher/slurm': Could not load 'hydra/launcher/submitit_slurm'.", "hydra/launcher/submitit_slurm")
    assert composition_problems(slurm, ["hydra/launcher=slurm"], [CONFIGS]) == [
        "In 'hydra/launcher/slurm': Could not load 'hydra/launcher/submitit_slurm': the SLURM launcher needs the [slurm] extra, which is not installed:"
        " pip install 'partnership-sim[slurm]'"
    ]


def test_a_misspelt_launcher_is_one_line_naming_it_the_closest_and_every_launcher():
    """sim-run -m seed=1,2 hydra/launcher=joblb said Hydra's "In 'hydra/config': Could not find 'hydra/launcher/joblb'
    (available in hydra/launcher: ...)", where a misspelt scenario has the project's line with the closest name."""
    from hydra.errors import MissingConfigException

    from sim.config.overrides import composition_problems

    options = ["basic", "joblib", "ray", "slurm"]
    typo = MissingConfigException("In 'hydra/config': Could not find 'hydra/launcher/joblb'", "hydra/launcher/joblb", options)
    assert composition_problems(typo, ["-m", "seed=1,2", "hydra/launcher=joblb"], [CONFIGS]) == [
        "hydra/launcher = 'joblb' is not known (did you mean joblib?) (available: basic, joblib, ray, slurm)"
    ]


def test_a_misspelt_launcher_setting_is_offered_the_closest_and_every_setting_of_the_launcher():
    """sim-run -m seed=1,2 hydra/launcher=joblib hydra.launcher.njobs=2 said only 'hydra.launcher.njobs is not a parameter',
    where a misspelt parameter is offered the closest name."""
    from sim.config.overrides import compose_problems

    require_module("hydra_plugins.hydra_joblib_launcher", "joblib")
    _, problems, failed = compose_problems("config", ["hydra/launcher=joblib", "hydra.launcher.njobs=2"], return_hydra_config=True)
    assert failed and problems == [
        "hydra.launcher.njobs is not a setting of hydra.launcher (did you mean n_jobs?) (known: n_jobs, backend, prefer, require, verbose,"
        " timeout, pre_dispatch, batch_size, temp_folder, max_nbytes, mmap_mode)"
    ]
    _, problems, _ = compose_problems("config", ["hydra.launcher.n_jobs=2"], return_hydra_config=True)
    assert problems == ["hydra.launcher.n_jobs is not a setting of hydra.launcher, which has none"], "Hydra's basic launcher has no settings"


def test_a_misspelt_section_of_hydra_is_named_with_the_keys_of_the_section_it_is_not_in():
    """sim-run hydra.runn.dir=x said 'hydra.runn.dir is not a setting of hydra.runn (known: run, sweep, ...)': hydra.runn is
    what does not exist, and the keys listed are hydra's. The line names the misspelt section and offers the closest key."""
    from sim.config.overrides import compose_problems

    _, problems, failed = compose_problems("config", ["hydra.runn.dir=x"], return_hydra_config=True)
    assert failed and len(problems) == 1
    assert problems[0].startswith("hydra.runn.dir: hydra.runn is not a section of hydra (did you mean run?) (known: run, sweep, launcher,")
    _, problems, _ = compose_problems("config", ["hydra.job_logging.handlers.filee.delay=true"], return_hydra_config=True)
    assert problems == [
        "hydra.job_logging.handlers.filee.delay: hydra.job_logging.handlers.filee is not a section of hydra.job_logging.handlers"
        " (did you mean file?) (known: console, file)"
    ]


def ray_config(address: str) -> object:
    return OmegaConf.create(
        {"hydra": {"launcher": {"_target_": "hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher", "ray": {"init": {"address": address}}}}}
    )


def test_a_ray_address_where_no_cluster_answers_is_one_line_before_the_sweep_folder(tmp_path, capsys):
    """RAY_ADDRESS naming a port where no head listens left sim-run retrying for more than 5 minutes (a warning every few seconds; stopped then),
    and an address that is not HOST:PORT ('nonsense') ended in Ray's ValueError traceback, 'an unexpected error' (exit 1)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]  # bound, not listening: a connection is refused
        absent = cluster_absent(ray_config(f"127.0.0.1:{port}"))
        assert absent is not None and absent.startswith(f"no Ray cluster answers at 127.0.0.1:{port} (hydra.launcher.ray.init.address, or RAY_ADDRESS):")
        assert f"ray start --head --port={port}" in absent
        require_module("hydra_plugins.hydra_ray_launcher", "ray")
        started = time.monotonic()
        with pytest.raises(SystemExit) as stopped:
            SweepCallback().on_multirun_start(OmegaConf.merge(ray_config(f"ray://127.0.0.1:{port}"), job_config(tmp_path / "sweep")))
    assert stopped.value.code == 3 and time.monotonic() - started < 10 and not (tmp_path / "sweep").exists()
    assert capsys.readouterr().err.count("\n") == 1
    with socket.socket() as head:
        head.bind(("127.0.0.1", 0))
        head.listen()
        assert cluster_absent(ray_config("{}:{}".format(*head.getsockname()))) is None
    assert cluster_absent(ray_config("local")) is None and cluster_absent(ray_config("auto")) is None
    for bad in ("nonsense", "head-node", "127.0.0.1:0", "127.0.0.1:70000", "http://h:1/x"):
        assert launcher_problems(ray_config(bad)) == [
            f"hydra.launcher.ray.init.address = {bad!r} is not allowed: local (a fresh Ray on this machine), auto or HOST:PORT of a running head;"
            " default: RAY_ADDRESS, else local"
        ]
    assert all(launcher_problems(ray_config(good)) == [] for good in ("local", "auto", "head-node:6379", "ray://10.0.0.1:10001", "[::1]:6379"))


def test_the_slurm_launcher_without_sbatch_is_one_line_before_the_sweep_folder(tmp_path, monkeypatch, capsys):
    """Without SLURM's commands on PATH, hydra/launcher=slurm ended in submitit's traceback 'Could not detect "srun", are you indeed on a
    slurm cluster?' and 'an unexpected error: please report it' (exit 1)."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    slurm = OmegaConf.create({"hydra": {"launcher": {"_target_": "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher"}}})
    assert cluster_absent(slurm) == (
        "hydra/launcher = slurm needs SLURM's commands, and sbatch and srun are not on PATH: run the sweep where SLURM is installed (a cluster's"
        " login node, where sinfo lists its partitions), or choose another launcher (hydra/launcher=joblib for this machine's cores)"
    )
    local = OmegaConf.create({"hydra": {"launcher": {"_target_": "hydra_plugins.hydra_submitit_launcher.submitit_launcher.LocalLauncher"}}})
    assert cluster_absent(local) is None  # submitit_local needs no SLURM
    require_module("hydra_plugins.hydra_submitit_launcher", "slurm")
    with pytest.raises(SystemExit) as stopped:
        SweepCallback().on_multirun_start(OmegaConf.merge(slurm, job_config(tmp_path / "sweep")))
    assert stopped.value.code == 3 and not (tmp_path / "sweep").exists()
    assert capsys.readouterr().err == f"error: {cluster_absent(slurm)}\n"


@pytest.mark.parametrize("preset", ["joblib", "ray", "slurm", "submitit_local"])
def test_the_launcher_presets_pass_the_check(preset):
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    plugin = {"joblib": "joblib", "ray": "ray"}.get(preset, "submitit")
    require_module(f"hydra_plugins.hydra_{plugin}_launcher", {"submitit": "slurm"}.get(plugin, plugin))
    from sim.config import schema

    schema.store(schema.SCHEMA_NAME, schema.RunSchema)  # as sim-run does before composing
    GlobalHydra.instance().clear()
    with initialize_config_dir(str(CONFIGS), version_base=None):
        config = compose("config", [f"hydra/launcher={preset}"], return_hydra_config=True)
    GlobalHydra.instance().clear()
    assert config.hydra.launcher._target_.rpartition(".")[2] in LAUNCHER_SETTINGS and launcher_problems(config) == []


def test_the_joblib_and_ray_presets_compose_without_hydras_deprecation_warning():
    """Hydra 1.3's five lines on "automatic schema matching" came three times per sweep and once per joblib or Ray worker.

    In a fresh interpreter, as a worker: pytest resets the warning filters of each test.
    """
    require_module("hydra_plugins.hydra_joblib_launcher", "joblib")
    require_module("hydra_plugins.hydra_ray_launcher", "ray")
    code = (
        "import warnings\n"
        "import sim.cli.sweep\n"
        "from hydra import compose, initialize_config_dir\n"
        "from sim.config import schema\n"
        "schema.store(schema.SCHEMA_NAME, schema.RunSchema)\n"
        "warnings.filterwarnings('always', append=True)\n"
        f"with initialize_config_dir({str(CONFIGS)!r}, version_base=None):\n"
        "    for preset in ('joblib', 'ray'):\n"
        "        compose('config', [f'hydra/launcher={preset}'], return_hydra_config=True)\n"
        "print('composed')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "composed", done.stderr[-2000:]
    assert "validated against ConfigStore schema" not in done.stderr, done.stderr


def test_the_slurm_jobs_folder_is_submitits_folder_up_to_its_pattern(tmp_path):
    def folder(submitit_folder: str | None) -> Path | None:
        return slurm_jobs_folder(OmegaConf.create({"hydra": {"launcher": {"submitit_folder": submitit_folder}}}))

    assert folder(f"{tmp_path}/.submitit/%j") == tmp_path / ".submitit"
    assert folder(f"{tmp_path}/logs") == tmp_path / "logs"
    assert folder(None) is None


def _slurm_commands(folder: Path, sacct: str) -> Path:
    """Stand-ins for ``sacct`` (``sacct``: its shell body) and ``squeue`` (prints the file it returns) in ``folder``."""
    folder.mkdir()
    queue = folder / "queue"
    (folder / "sacct").write_text(f"#!/bin/sh\n{sacct}\n")
    (folder / "squeue").write_text(f'#!/bin/sh\ncat "{queue}"\n')
    for name in ("sacct", "squeue"):
        (folder / name).chmod(0o755)
    return queue


def _watched(monkeypatch, folder: Path, sacct: str) -> tuple[Any, Callable[[str], dict[str, str]]]:
    """submitit's SLURM watcher of a sweep's three tasks (array 13), with the squeue fallback; and what it reads of a queue listing."""
    require_module("hydra_plugins.hydra_submitit_launcher", "slurm")
    from submitit.slurm.slurm import SlurmInfoWatcher

    for method in ("_make_command", "read_info"):  # the fallback installed for this test only
        monkeypatch.setattr(SlurmInfoWatcher, method, getattr(SlurmInfoWatcher, method))
    queue = _slurm_commands(folder, sacct)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    slurm_states_without_accounting()
    watcher = SlurmInfoWatcher(delay_s=600)
    for job in ("13", "13_0", "13_1", "13_2"):  # submitit registers the array's id, then its tasks'
        watcher.register_job(job)

    def states(listed: str) -> dict[str, str]:
        queue.write_text(listed)
        watcher.update()
        return {job: watcher.get_state(job, mode="cache") for job in ("13_0", "13_1", "13_2")}

    return watcher, states


def test_a_slurm_task_cancelled_while_waiting_with_its_array_reads_ended_without_accounting(tmp_path, monkeypatch):
    """Recorded on the tests' SLURM without accounting (22.05): ``scancel 13_0`` while the array's three tasks
    waited; ``squeue --states=all`` never listed 13_0 again (SLURM drops a waiting task from its array's
    record), submitit kept reading it PENDING, and sim-run waited for ever. A job of the sweep that squeue
    no longer lists now reads UNLISTED, which submitit takes as ended (it then finds no result: lost)."""
    watcher, states = _watched(monkeypatch, tmp_path / "bin", "echo 'Slurm accounting storage is disabled' >&2; exit 1")
    assert states("13_0|PENDING|\n13_1|PENDING|\n13_2|PENDING|\n") == dict.fromkeys(("13_0", "13_1", "13_2"), "PENDING")
    assert states("13_2|RUNNING|simnode\n13_1|RUNNING|simnode\n") == {"13_0": UNLISTED, "13_1": "RUNNING", "13_2": "RUNNING"}
    assert watcher.is_done("13_0", mode="cache") and not watcher.is_done("13_1", mode="cache")
    # a job ended more than MinJobAge ago is no longer listed either (submitit may ask only every 10 minutes)
    assert states("12_0|COMPLETED|simnode\n") == dict.fromkeys(("13_0", "13_1", "13_2"), UNLISTED)


def test_where_sacct_answers_a_job_it_does_not_list_keeps_its_state(tmp_path, monkeypatch):
    """With accounting, submitit reads sacct as before: a job sacct does not list (yet) is not taken as ended."""
    listed = tmp_path / "sacct.out"
    _, states = _watched(monkeypatch, tmp_path / "bin", f'cat "{listed}"')
    listed.write_text("JobID|State|NodeList\n13_0|PENDING|\n13_1|PENDING|\n13_2|PENDING|\n")
    assert states("") == dict.fromkeys(("13_0", "13_1", "13_2"), "PENDING")
    listed.write_text("JobID|State|NodeList\n13_1|RUNNING|simnode\n")
    assert states("") == {"13_0": "PENDING", "13_1": "RUNNING", "13_2": "PENDING"}


def test_a_job_refused_because_its_folder_is_in_use_leaves_that_folders_record_alone(tmp_path):
    """It wrote 'failed' into the point.json of the run using the folder (a sweep resumed while its jobs still ran),
    which then read as failed in the table even once that run had finished the point."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.hydra_config import HydraConfig
    from hydra.core.utils import JobReturn, JobStatus

    from sim.config import schema
    from sim.results.lock import FolderBusy
    from sim.results.sweep import read_record

    schema.store(schema.SCHEMA_NAME, schema.RunSchema)
    GlobalHydra.instance().clear()
    with initialize_config_dir(str(CONFIGS), version_base=None):
        config = compose("config", ["seed=1"], return_hydra_config=True)
    GlobalHydra.instance().clear()
    OmegaConf.set_readonly(config, False)
    config.hydra.mode, config.hydra.sweep.dir, config.hydra.runtime.output_dir, config.hydra.job.num = RunMode.MULTIRUN, str(tmp_path), str(tmp_path / "0"), 0
    PointRecord(0, "running", {"seed": 1}, "k0", 1, 10).write(tmp_path / "0")
    busy = JobReturn(status=JobStatus.FAILED, _return_value=FolderBusy(f"{tmp_path / '0'} is in use by another run"))
    crashed = JobReturn(status=JobStatus.FAILED, _return_value=RuntimeError("boom"))
    HydraConfig.instance().set_config(config)
    try:
        SweepCallback().on_job_end(config, busy)
        assert read_record(tmp_path / "0").status == "running"
        SweepCallback().on_job_end(config, crashed)  # a job that crashed in its own folder is recorded
        assert (read_record(tmp_path / "0").status, read_record(tmp_path / "0").error) == ("failed", "RuntimeError: boom")
    finally:
        HydraConfig.instance().cfg = None


@pytest.mark.parametrize("key", ["k0", "other"])
def test_a_point_resumed_reads_its_summary_once(tmp_path, monkeypatch, capsys, key):
    """begin_point read a folder's summary.json up to three times to skip a point done or begin it (complete, then its
    replications, then whether it recorded a configuration): once. A single run resumed was named 'Point 0', as if a sweep's."""
    import types

    from sim.cli.sweep import begin_point
    from sim.results import sweep as results

    (tmp_path / "summary.json").write_text(json.dumps({"run": {"key": "k0", "replications": 7}}), encoding="utf-8")
    (tmp_path / "done.parquet").write_bytes(b"")
    reads = []
    read = results.read_summary
    monkeypatch.setattr(results, "read_summary", lambda folder: reads.append(folder) or read(folder))
    settings = types.SimpleNamespace(seed=1, replications=5, resume=True)
    record = begin_point(tmp_path, key, ["done.parquet"], settings, point={"scenario": "baseline", "decisions.memory": 0.3}, began=0.0, multirun=False)
    assert reads == [tmp_path]
    err = capsys.readouterr().err
    assert (record is None) == (key == "k0") and ("skipped" in err) == (key == "k0")
    assert ("This run (scenario=baseline decisions.memory=0.3) was already done" in err) == (key == "k0"), "the skip line names the run by its values"
    assert "Point 0" not in err, "a single run is no point of a sweep"


UNMATCHED, ANOTHER_KEY = "so nothing shows they match this run", "(another value, model version or posterior sample gives another key)"


@pytest.mark.parametrize(
    ("summary", "files", "why"),
    [
        ({"run": {"replications": 7}}, ["done.parquet"], f"its results record no configuration key (made before results recorded one), {UNMATCHED}"),
        ({"run": {"key": "other", "replications": 7}}, ["done.parquet"], f"its results were made with another configuration {ANOTHER_KEY}"),
        ({"run": {"key": "k0", "replications": 7}}, ["done.parquet", "draws.parquet"], "its results are incomplete (draws.parquet missing)"),
    ],
)
@pytest.mark.parametrize("multirun", [True, False])
def test_a_point_resume_cannot_reuse_is_said_to_run_again_and_why(tmp_path, monkeypatch, capsys, summary, files, why, multirun):
    """A folder whose results recorded no key (a calibration made before 6c71b11, whose notice went with it) was made
    again under resume=true without a word; so was one made with another configuration. One line says the point runs
    again, why, and what becomes of its earlier files: a sweep's point removes them before it runs; a single run keeps
    them until its own are committed (it removed them at its start, so a run stopped midway lost them, though the
    notice above it said 'kept if made with the same configuration, else replaced when this run has finished')."""
    import types

    from sim.cli.sweep import begin_point
    from sim.results import sweep as results

    (tmp_path / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (tmp_path / "done.parquet").write_bytes(b"")
    settings = types.SimpleNamespace(seed=1, replications=5, resume=True)
    monkeypatch.setattr("sim.cli.sweep.HydraConfig", types.SimpleNamespace(get=lambda: types.SimpleNamespace(job=types.SimpleNamespace(num=3))))
    record = begin_point(tmp_path, "k0", files, settings, point={"decisions.memory": 0.3}, began=0.0, multirun=multirun)
    named, fate = (
        ("Point 3 (decisions.memory=0.3)", "removed first") if multirun else ("This run (decisions.memory=0.3)", "kept until it has finished, then replaced")
    )
    assert capsys.readouterr().err == f"{named} is run again (resume=true): {why}; its earlier results in {tmp_path} are {fate}, not mixed with the new\n"
    assert record is not None and (results.read_summary(tmp_path) is None) == multirun and (tmp_path / "done.parquet").exists() != multirun
    (tmp_path / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    begin_point(tmp_path, "k0", files, types.SimpleNamespace(seed=1, replications=5, resume=False), point={}, began=0.0, multirun=False)
    assert capsys.readouterr().err == "", "without resume=true nothing was to be reused"


def test_a_sweeps_end_says_the_small_posterior_its_points_drew_from(tmp_path, capsys):
    """Each point of a sweep drawing from a posterior worth under 40 points printed its note as it ran; the sweep's end,
    where its results are read, said nothing of it."""
    from sim.cli.sweep import STATE, finish

    drew_from(tmp_path, 0, "cal/posterior.parquet", 22.4, 30)
    drew_from(tmp_path, 1, "cal/posterior.parquet", 22.4, 30)
    STATE.sweep_dir, STATE.collected = None, None
    finish(tmp_path)
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("Sweep: 2 points done (2 ok, 0 failed)")
    assert err[1].startswith(f"note: every point drew from posterior = {named('cal/posterior.parquet')}, worth about 22 equally weighted points")


def test_a_joblib_worker_whose_sim_run_has_gone_ends_between_points_never_within_one(monkeypatch):
    """After SIGKILL of sim-run, its joblib workers finished their points, then blocked for ever sending the result to no
    one, took a point still queued, or idled 300 s (loky's idle_worker_timeout). The watch ends a worker as soon as its
    parent has gone: at once between points, at the end of a point within one, and before a point it would start."""
    import threading

    from sim.cli.sweep import ParentWatch

    ended = threading.Event()
    parent = {"pid": 4242}  # (each watch's thread ends once the test gives os.getppid back: 4242 is no longer the parent)
    monkeypatch.setattr(os, "getppid", lambda: parent["pid"])
    watch = ParentWatch(4242, end=ended.set, poll=0.01)
    watch.point_starts()
    parent["pid"] = 1  # adopted: sim-run has gone while a point runs
    assert not ended.wait(0.2), "a point in progress is finished, its results written"
    watch.point_ends()
    assert ended.is_set(), "then the worker ends, before it sends the result or takes another point"
    for busy in (False, True):
        ended.clear()
        parent["pid"] = 4242
        watch = ParentWatch(4242, end=ended.set, poll=0.01)
        if busy:
            watch.point_starts()
        parent["pid"] = 1
        assert ended.wait(2) != busy, "a worker between points ends within the poll"
    ended.clear()
    watch.point_starts()
    assert ended.is_set(), "a point taken after sim-run has gone does not start"
    ended.clear()
    parent["pid"] = 4242
    alive = ParentWatch(4242, end=ended.set, poll=0.01)
    alive.point_starts()
    alive.point_ends()
    assert not ended.wait(0.1), "while sim-run runs, the worker goes on"


def test_only_a_joblib_workers_jobs_watch_their_parent(monkeypatch):
    import multiprocessing
    import types

    from sim.cli import sweep

    joblib = OmegaConf.create({"hydra": {"launcher": {"_target_": "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"}}})
    basic = OmegaConf.create({"hydra": {"launcher": {"_target_": "hydra._internal.core_plugins.basic_launcher.BasicLauncher"}}})
    monkeypatch.setattr(sweep, "_WATCH", [])
    assert multiprocessing.parent_process() is None and sweep.parent_watch(joblib) is None, "sim-run itself (joblib with one job runs it here)"
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: types.SimpleNamespace(pid=4242))
    monkeypatch.setattr(sweep, "ParentWatch", lambda pid: types.SimpleNamespace(parent=pid))
    assert sweep.parent_watch(basic) is None
    watch = sweep.parent_watch(joblib)
    assert watch is not None and watch.parent == 4242 and sweep.parent_watch(joblib) is watch, "one watch per worker, started by its first job"


def test_joblib_workers_start_with_ctrl_c_left_to_sim_run():
    """Ctrl-C in a joblib worker's first second (loky's start-up and imports, before it ignores SIGINT) printed its
    ``KeyboardInterrupt`` traceback under sim-run's one line (1 in 4 Ctrl-C at random moments). A worker now starts with
    SIGINT blocked; sim-run's own mask is as it was."""
    require_module("hydra_plugins.hydra_joblib_launcher", "joblib")
    script = (
        "import signal\n"
        "from joblib.externals.loky import get_reusable_executor\n"
        "from sim.cli.sweep import workers_born_deaf_to_ctrl_c\n"
        "def blocked():\n"
        "    return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])\n"
        "if __name__ == '__main__':\n"
        "    seen = []\n"
        "    for deaf in (False, True):\n"
        "        if deaf:\n"
        "            workers_born_deaf_to_ctrl_c()\n"
        "            workers_born_deaf_to_ctrl_c()\n"
        "        executor = get_reusable_executor(max_workers=1)\n"
        "        seen.append((executor.submit(blocked).result(), blocked()))\n"
        "        executor.shutdown()\n"
        "    print(seen)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[(False, False), (True, False)]"


def test_a_ray_sweeps_driver_keeps_sim_runs_stop_signals(monkeypatch):
    """``ray.init`` sets SIGTERM to ``sys.exit(15)``: SIGTERM to sim-run on Ray gave status 15, Ray's ``*** SIGTERM
    received`` lines and no word of the points kept. The launcher's ``start_ray`` now gives the signals back, and
    Ray's exit while Ray started is the stop."""
    import os
    import signal
    import time

    require_module("hydra_plugins.hydra_ray_launcher", "ray")
    from hydra_plugins.hydra_ray_launcher import _core

    from sim.cli import guard
    from sim.cli.sweep import ray_sweep_watched

    def ray_init(config) -> None:  # what ray.init does to the driver's signals
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(signum))

    def ray_init_stopped(config) -> None:
        sys.exit(signal.SIGTERM)

    monkeypatch.setattr(guard, "_RECEIVED", guard._Received())  # the stop received stays this test's
    for start in (ray_init, ray_init_stopped):
        monkeypatch.setattr(_core, "start_ray", start)
        monkeypatch.setattr(_core, "launch_job_on_ray", lambda *args, **kwargs: None)
        ray_sweep_watched()
        with guard.signals(), pytest.raises(guard.Stopped) as stopped:
            _core.start_ray(None)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        assert stopped.value.signum == signal.SIGTERM


def test_ray_finding_no_cluster_for_address_auto_is_one_line(monkeypatch):
    """``address=auto`` with no cluster started here: Ray's ConnectionError, an OSError, was read as a file fault ('cannot write a results file: Could not
    find any running Ray instance ...; check the folder')."""
    require_module("hydra_plugins.hydra_ray_launcher", "ray")
    from hydra_plugins.hydra_ray_launcher import _core

    from sim.cli import guard
    from sim.cli.sweep import ray_sweep_watched

    def ray_init(config) -> None:  # what ray.init(address="auto") raises with no cluster to find
        raise ConnectionError("Could not find any running Ray instance.")

    monkeypatch.setattr(guard, "_RECEIVED", guard._Received())
    monkeypatch.setattr(_core, "start_ray", ray_init)
    monkeypatch.setattr(_core, "launch_job_on_ray", lambda *args, **kwargs: None)
    ray_sweep_watched()
    with pytest.raises(guard.Fault) as fault:
        _core.start_ray(None)
    line = "Ray found no cluster to attach to (hydra.launcher.ray.init.address = auto): Could not find any running Ray instance."
    assert str(fault.value) == line and guard.report(fault.value) == guard.EXIT_FAULT


#: One sweep's start in a process of its own: sim-run's multirun configuration as Hydra composes it, with the sweep folder
#: ``argv[2]`` (interpolations kept), waiting for the file ``argv[3]`` to start (its callback's on_multirun_start); prints
#: the folder it claimed, the folder its jobs get and the sweep's size, then holds the folder a moment as a running sweep does.
RACER = """
import json, os, sys, time
from pathlib import Path
from hydra import compose, initialize_config_dir
from hydra.core.utils import setup_globals
from hydra.types import RunMode
from omegaconf import OmegaConf
from sim.cli.sweep import STATE, SweepCallback
from sim.config import schema

configs, folder, go = sys.argv[1:]
setup_globals()
schema.store(schema.SCHEMA_NAME, schema.RunSchema)
with initialize_config_dir(configs, version_base=None):
    config = compose("config", ["seed=1"], return_hydra_config=True)
OmegaConf.set_readonly(config, False)
config.hydra.mode, config.hydra.sweep.dir, config.hydra.overrides.task = RunMode.MULTIRUN, folder, ["seed=1,2"]
Path(f"{go}.{os.getpid()}").touch()
while not Path(go).exists():
    time.sleep(0.002)
SweepCallback().on_multirun_start(config)
jobs = [line for line in config.hydra.overrides.hydra if line.startswith("hydra.sweep.dir=")]
print(json.dumps([str(STATE.sweep_dir), str(config.hydra.sweep.dir), jobs, json.loads((STATE.sweep_dir / "sweep.json").read_text())["points"]]))
time.sleep(1)
"""


def _race(folder: str, tmp_path: Path, sweeps: int = 2) -> list[subprocess.CompletedProcess]:
    """Start ``sweeps`` sweeps into ``folder`` at the same moment, each in a process of its own (:data:`RACER`)."""
    go = tmp_path / "go"
    processes = [
        subprocess.Popen([sys.executable, "-c", RACER, str(CONFIGS), folder, str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(sweeps)
    ]
    deadline = time.time() + 120
    while len(list(tmp_path.glob("go.*"))) < sweeps and time.time() < deadline:
        time.sleep(0.01)
    go.touch()
    done = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def test_two_sweeps_started_in_the_same_second_each_get_their_own_folder(tmp_path):
    """Both found multirun/DATE/TIME empty and wrote into it: the table mixed their points ("3/2 points done") and one sweep's
    point 0 was refused as in use by the other. The folder is now made by one mkdir: the second takes TIME-2, and its jobs
    are given that folder (absolute) among the sweep's overrides, from which Hydra composes each job wherever it runs."""
    clock = f"{tmp_path}/multirun/${{now:%Y}}"  # named by the clock, the same for both (Hydra's default is to the second)
    done = _race(clock, tmp_path)
    assert [d.returncode for d in done] == [0, 0], [d.stderr[-2000:] for d in done]
    found = sorted(json.loads(d.stdout) for d in done)
    year = time.strftime("%Y")
    assert [f[0] for f in found] == [str(tmp_path / "multirun" / year), str(tmp_path / "multirun" / f"{year}-2")], found
    for folder, job_folder, overrides, points in found:
        assert job_folder == folder and overrides == [f"hydra.sweep.dir='{folder}'"] and points == 2


def test_a_sweep_into_a_folder_chosen_and_held_by_another_sweep_is_refused_in_one_line(tmp_path):
    """Two sweeps given the same hydra.sweep.dir at once both wrote into it; the first now holds the folder's lock while it runs."""
    done = sorted(_race(str(tmp_path / "mine"), tmp_path), key=lambda d: d.returncode)
    assert [d.returncode for d in done] == [0, 3], [d.stderr[-2000:] for d in done]
    assert json.loads(done[0].stdout)[0] == str(tmp_path / "mine")
    lines = [line for line in done[1].stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path / 'mine'} is in use by another run (PID "), lines
    assert lines[0].endswith("choose another folder with hydra.sweep.dir=..."), lines


def test_out_names_one_folder_a_run_or_a_sweep_and_is_checked_before_anything_runs(tmp_path):
    from sim.cli.common import out_as_folder, out_problems

    assert out_as_folder(["-m", "seed=1,2", "out=d"]) == (["-m", "seed=1,2", "out=d", "hydra.sweep.dir=d"], "out")
    assert out_as_folder(["seed=1", "out=d"]) == (["seed=1", "out=d", "hydra.run.dir=d"], "out")
    assert out_as_folder(["-m", "seed=1,2", "out=d", "hydra.sweep.dir=d"]) == (["-m", "seed=1,2", "out=d", "hydra.sweep.dir=d"], None)
    assert out_problems(["-m", "seed=1,2", f"out={tmp_path}"], sweep_folder=True) == []
    (tmp_path / "file").write_text("")
    assert out_problems(["-m", f"out={tmp_path}/file/x"], sweep_folder=True) == [
        f"out = {tmp_path}/file/x: {tmp_path}/file is a file, not a folder; choose another folder with out=..."
    ]
    assert out_problems(["-m", "out=a,b"], sweep_folder=True) == [
        "out = a,b names the sweep's one folder, which is not swept: give one folder (its points go in out/0, out/1...)"
    ]
    assert out_problems(["-m", f"out={tmp_path}", "hydra.sweep.dir=b"], sweep_folder=True) == [
        f"out = {tmp_path} and hydra.sweep.dir = b name two folders: give one of them (out= is the sweep's folder)"
    ]
    assert out_problems(["-m", f"out={tmp_path}"]) == [
        f"out = {tmp_path} names one folder for every job of a multirun, each replacing the one before: leave out= unset (each job has its own)"
    ]
    assert out_problems(["out=/proc/x"], sweep_folder=True)[0].startswith("out = /proc/x: cannot write /proc")


def test_names_are_checked_against_a_folder_of_ones_own_and_a_multiruns_lists_each_value(tmp_path):
    """``name_problems`` skipped every name once ``--config-dir`` was given (Hydra's many-line message then); it now names the
    folder's own choices among those available. A multirun's lists (``policies``) are checked in each value of a sweep, each
    unknown name once; a single run's are left to its settings' check, and a folder that is not there to its own line."""
    from sim.cli.common import name_problems
    from sim.config.scenarios import available

    for group in ("scenario", "policy"):
        (tmp_path / group).mkdir()
    (tmp_path / "scenario" / "ours.yaml").write_text("# @package _global_\n", encoding="utf-8")
    (tmp_path / "policy" / "mine.yaml").write_text("# @package _global_\n", encoding="utf-8")
    own = ["--config-dir", str(tmp_path)]
    scenarios = ", ".join(available("scenario", tmp_path))
    assert "ours" in scenarios
    assert name_problems([*own, "scenario=ours"], ("scenario",)) == []
    assert name_problems([*own, "scenario=nope"], ("scenario",)) == [f"scenario = 'nope' is not known (available: {scenarios})"]
    lists = (("policies", "policy"),)
    swept = "policies=[none,nope],[none,mine],[nope,none]"
    policies = ", ".join(available("policy", tmp_path))
    assert name_problems(["-m", *own, swept], (), lists) == [
        f"policies[1] = 'nope' is not known (did you mean none?) (available: {policies})",
        f"policies[0] = 'nope' is not known (did you mean none?) (available: {policies})",
    ]
    assert name_problems([*own, "policies=[none,nope]"], (), lists) == []
    assert name_problems(["--config-dir", str(tmp_path / "nowhere"), "-m", "scenario=nope", swept], ("scenario",), lists) == []


def test_a_list_swept_as_single_names_by_choice_is_not_said_to_be_separated_by_commas():
    """``-m policies=choice(none,all_levers)`` (a sweep of single names, as ``policies=none,all_levers`` is) was told
    "values separated by commas are a sweep", though no commas separate its values: the line says what it is."""
    from sim.cli.common import name_problems

    lists = (("policies", "policy"),)
    for written in ("policies=choice(none,all_levers)", "policies=none,all_levers"):
        assert name_problems(["-m", written], (), lists) == [
            "policies = none,all_levers: a sweep of single names, one policy per point, and each point takes a list:"
            " write it in brackets, policies=[none,all_levers] (to sweep lists: policies=[none,a],[none,b])"
        ]


def test_the_progress_bars_lock_is_set_once_when_the_commands_load():
    """progress_bar set tqdm's lock to BAR_LOCK on every bar it made; the module sets it once as it loads (in every worker
    too), so a process takes the thread lock before any bar, and no bar sets it again."""
    check = "import tqdm; from sim.cli import common; assert tqdm.tqdm.get_lock() is common.BAR_LOCK, tqdm.tqdm.get_lock()"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


class SlowCompile:
    """A numba compile made to take 4 s (:class:`sim.core.jit.CompileNotice`'s place)."""

    def __enter__(self) -> SlowCompile:
        time.sleep(4)
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class NoCompile:
    """A compile that must not happen (:class:`sim.core.jit.CompileNotice`'s place)."""

    def __enter__(self) -> NoCompile:
        raise AssertionError("the model was compiled where no point runs")

    def __exit__(self, *exc: object) -> None:
        pass


@pytest.fixture
def slow_compile(monkeypatch):
    """The model not compiled in this process nor cached: its compile takes 4 s."""
    from sim.frontends import compiling

    monkeypatch.setattr(compiling, "_ready", set())
    monkeypatch.setattr(compiling, "compiled_code_cached", lambda: False)
    monkeypatch.setattr(compiling, "CompileNotice", SlowCompile)


def test_a_sweeps_first_compile_is_its_own_field_not_its_first_points_time_nor_the_time_left(tmp_path, slow_compile, monkeypatch, capsys):
    """The first numba compile (about 75 s on a cold cache) ran inside point 0's run: its wall_time_s read 91.6 s against
    0.5-0.7 s for the others, and after 1 of 4 points the sweep said 'about 5 min left' 3 s before its end. A job now
    compiles before its point's clock starts and records the seconds as the point's compile_time_s, which the speed
    and the time left leave out. Here the compile is made to take 4 s."""
    import pandas as pd

    from sim.cli import sweep as sweep_module
    from sim.cli.run import main

    folder = tmp_path / "sw"
    argv = ["-m", "seed=1,2,3", "uncertainty=none", "replications=20", "partnership.horizon_months=24", f"out={folder}"]
    assert contextvars.copy_context().run(main, argv) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("sweep: 1/3 points done")]
    df = pd.read_parquet(folder / "sweep.parquet")
    assert (df["wall_time_s"] < 4).all(), df["wall_time_s"].tolist()
    assert len(lines) == 1 and lines[0].endswith(" s left"), lines
    assert float(lines[0].rsplit("about ", 1)[1].split()[0]) < 4, lines[0]
    assert df["compile_time_s"].tolist()[0] >= 4 and df["compile_time_s"].tolist()[1:] == [0, 0], "compiled once, by the first job"
    # a job whose point resume=true skips made its process ready all the same (some 3 s with the cache warm): it no longer does
    ready: list[float] = []
    monkeypatch.setattr(sweep_module, "prepare_process", lambda: ready.append(1.0) or 1.0)
    assert contextvars.copy_context().run(main, [*argv, "resume=true"]) == 0
    assert ready == [], "a skipped point's job compiled the model"
    again = pd.read_parquet(folder / "sweep.parquet")
    assert again["compile_time_s"].tolist() == df["compile_time_s"].tolist(), "a point skipped keeps the compiling of the job that made it"


def test_a_single_runs_compile_is_its_own_field_not_its_wall_time(tmp_path, slow_compile):
    """A single sim-run compiled in its first block: its summary's wall_time_s counted the compile (65 s of a 70 s main job on
    a fresh machine) and its point.json's compile_time_s was null. It now compiles once its input is checked, before its clock
    starts, as a sweep's job does before its point. Here the compile is made to take 4 s."""
    from sim.cli.run import main

    folder = tmp_path / "one"
    argv = ["uncertainty=none", "replications=20", "partnership.horizon_months=24", f"out={folder}"]
    assert contextvars.copy_context().run(main, argv) == 0
    record = json.loads((folder / "point.json").read_text(encoding="utf-8"))
    wall = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["run"]["wall_time_s"]
    assert record["compile_time_s"] >= 4 and wall < 4 and record["wall_time_s"] == wall, (record, wall)


def test_a_single_run_refused_is_refused_before_compiling(tmp_path, monkeypatch, capsys):
    """A single run compiles once its input is checked: bad input is refused at once, not after a minute of compiling."""
    from sim.cli.run import main
    from sim.frontends import compiling

    monkeypatch.setattr(compiling, "_ready", set())
    monkeypatch.setattr(compiling, "compiled_code_cached", lambda: False)
    monkeypatch.setattr(compiling, "CompileNotice", NoCompile)
    assert contextvars.copy_context().run(main, ["replications=-1", f"out={tmp_path / 'bad'}"]) == 2
    assert "replications = -1" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_a_jobs_process_is_made_ready_before_its_point_begins_and_once():
    """With the compiled model in the cache, point 0 of a sweep still took 4.4 s against 0.6 s for the others: its process
    imported SciPy's statistics for its figures, some 3 s on a busy machine. A job's process now loads the model and imports
    them before its point's clock starts (its compile_time_s), once: a later job's point begins at once."""
    code = "import sys; from sim.cli.sweep import prepare_process as p; first = p(); print(first, 'scipy.stats' in sys.modules, p())"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    first, imported, again = done.stdout.split()[-3:]
    assert float(first) > 0 and imported == "True" and float(again) == 0

"""The sweep callback of ``sim-run`` (``sim/cli/sweep.py``), in process: what each job records."""

from __future__ import annotations

import contextvars
import json
import sys
from pathlib import Path

from hydra.types import RunMode
from omegaconf import OmegaConf

from sim.cli.sweep import SweepCallback, discard_unstarted
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

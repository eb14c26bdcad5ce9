"""The sweep callback of ``sim-run`` (``sim/cli/sweep.py``), in process: what each job records."""

from __future__ import annotations

import contextvars
import json
import sys
from pathlib import Path

from hydra.types import RunMode
from omegaconf import OmegaConf

from sim.cli.sweep import SweepCallback
from sim.results import provenance


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

"""A tiny self-contained Hydra app for the launcher tests (no model code).

Its job draws ``n`` standard normals from ``numpy.random.default_rng(seed)``, multiplies
their sum by ``scale`` and writes ``result.json`` into its own job directory. The result
depends only on the overrides, so every launcher must produce the same numbers.

It is run as ``python tests/support/run_toy.py ...``, which imports this module, as ``sim-run``
imports ``experiments.run``. The task itself travels by value (see :func:`process_times`) but
the functions it calls are pickled by reference, so the workers must import ``toy_app``.
The tests put ``tests/support`` on ``PYTHONPATH`` (inherited by joblib's workers and by
SLURM jobs, which get the submitter's environment; passed to Ray's workers through
``runtime_env``).
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import hydra
import numpy as np
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

#: When this module was imported: a fresh worker imports it just before running its first job.
IMPORTED_AT = time.time()


def _process_started_at() -> float | None:
    """When this process started (Linux /proc, 10 ms resolution), or None elsewhere."""
    try:
        stat = Path("/proc/self/stat").read_text()
        ticks = int(stat[stat.rfind(")") + 2 :].split()[19])  # start time, in clock ticks since boot
        # Age on the boot-time clock, then back from now: /proc/stat's btime is whole seconds and
        # drifts from the wall clock on VMs (it put SLURM jobs' starts before their submission).
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
        return time.time() - age
    except (OSError, ValueError, IndexError, AttributeError):
        return None


#: When the worker process itself started: ``started_at - PROCESS_STARTED_AT`` is what a fresh worker costs.
PROCESS_STARTED_AT = _process_started_at()


def compute(seed: int, n: int, scale: float) -> dict[str, float]:
    """The deterministic part: a seeded sum and its mean."""
    draws = np.random.default_rng(seed).standard_normal(n)
    return {"sum": float(draws.sum() * scale), "mean": float(draws.mean() * scale)}


def process_times() -> tuple[float | None, float]:
    """This process's start and this module's import time, as seen by the process that runs the job.

    Called through the module (pickled by reference), unlike the task below: ``hydra.main``
    replaces ``task`` in this module by its wrapper, so cloudpickle cannot find the undecorated
    function by name and ships it *by value*, with the submitter's values of the module
    constants it reads. What it calls by name (``compute``, this function) is imported on the worker.
    """
    return PROCESS_STARTED_AT, IMPORTED_AT


@hydra.main(config_path=str(Path(__file__).resolve().parent / "toy_conf"), config_name="toy", version_base="1.3")
def task(cfg: DictConfig) -> dict[str, float]:
    started = time.time()
    process_started_at, imported_at = process_times()
    result = compute(int(cfg.seed), int(cfg.n), float(cfg.scale))
    out = Path(HydraConfig.get().runtime.output_dir)
    record = {
        "overrides": list(HydraConfig.get().overrides.task),
        "seed": int(cfg.seed),
        "n": int(cfg.n),
        "scale": float(cfg.scale),
        **result,
        # Where and when it ran (not compared across launchers): for the overhead figures.
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "process_started_at": process_started_at,
        "imported_at": imported_at,
        "started_at": started,
        "finished_at": time.time(),
    }
    (out / "result.json").write_text(json.dumps(record, indent=1) + "\n")
    return result


if __name__ == "__main__":
    task()

"""Compiling the month once, before the first run of a version of the code, with a notice.

The first run after the code changes compiles every part of the month a user can reach
(the whole-run loop on every core, the month-by-month step the Mesa model, event logs and
trajectories use, the draws of a population) in one go, under one notice with its progress;
later runs load the machine code from the cache (see :mod:`sim.core.jit`).
:func:`ensure_compiled` says how long it took, so that a sweep's job can do it before its
point's clock starts and record it apart (its ``compile_time_s``): a point's ``wall_time_s``
and a sweep's time left are then the simulation's alone.
"""

from __future__ import annotations

import time

import numpy as np

from sim.config.model import model_config
from sim.core import kernel
from sim.core.jit import CompileNotice, is_cached
from sim.core.layout import Layout, layout

_ready: set[Layout] = set()


def compiled_code_cached() -> bool:
    """Whether this version's compiled month is already in the cache (if not, the first run compiles it)."""
    return is_cached("sim.core.kernel._whole_runs")


def ensure_compiled(plan: Layout | None = None, *, load: bool = False) -> float:
    """Compile every entry point of the month for ``plan`` now (with a notice), unless it is cached or done; return the seconds it took.

    Parameters
    ----------
    plan
        The layout of the mechanisms (default: the current registry's, :func:`sim.core.layout.layout`).
    load
        Where the machine code is cached, load it now too (a run of two replications) rather than in the
        first block a run simulates: what a sweep's job does before its point's clock starts.

    Returns
    -------
    float
        The seconds spent compiling (or, with ``load``, loading) the month: 0 where this process had done it already.
    """
    from sim import population

    plan = plan or layout()
    if plan in _ready:
        return 0.0
    started = time.perf_counter()
    cold = not compiled_code_cached()
    config = model_config({"councils": [{"name": "A"}, {"name": "B"}], "partnership": {"horizon_months": 24, "approval_months": 1}})
    reps = np.arange(2, dtype=np.int64)

    def warm_up() -> None:
        P = population.build(config, 0, reps, plan=plan)
        kernel.run(P, reps, 0, workers=2, plan=plan)
        kernel.run(P, reps, 0, log=[], plan=plan)

    if plan is layout():
        if cold:
            with CompileNotice():
                warm_up()
        elif load:
            warm_up()
    _ready.add(plan)
    return time.perf_counter() - started

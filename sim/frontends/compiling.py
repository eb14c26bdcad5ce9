"""Compiling the month once, before the first run of a version of the code, with a notice.

The first run after the code changes compiles every part of the month a user can reach
(the whole-run loop on every core, the month-by-month step the Mesa model, event logs and
trajectories use, the draws of a population) in one go, under one notice with its progress;
later runs load the machine code from the cache (see :mod:`sim.core.jit`).
"""

from __future__ import annotations

import numpy as np

from sim.config.model import model_config
from sim.core import kernel
from sim.core.jit import CompileNotice, is_cached
from sim.core.layout import Layout, layout

_ready: set[Layout] = set()


def compiled_code_cached() -> bool:
    """Whether this version's compiled month is already in the cache (if not, the first run compiles it)."""
    return is_cached("sim.core.kernel._whole_runs")


def ensure_compiled(plan: Layout | None = None) -> None:
    """Compile every entry point of the month for ``plan`` now (with a notice), unless it is cached or done."""
    from sim import population

    plan = plan or layout()
    if plan in _ready:
        return
    cold = not compiled_code_cached()
    config = model_config({"councils": [{"name": "A"}, {"name": "B"}], "partnership": {"horizon_months": 24, "approval_months": 1}})
    reps = np.arange(2, dtype=np.int64)

    def warm_up() -> None:
        P = population.build(config, 0, reps, plan=plan)
        kernel.run(P, reps, 0, workers=2, plan=plan)
        kernel.run(P, reps, 0, log=[], plan=plan)

    if cold and plan is layout():
        with CompileNotice():
            warm_up()
    _ready.add(plan)

"""Paired comparisons made by hand for the tests of what a comparison's words and plots say (``tests/analysis``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.comparison import compare_policies


def rank_in_doubt() -> pd.DataFrame:
    """Two levers at the same cost whose rank per point the run tells but the assumptions' doubt could undo.

    Staged scope saves 40 and Open motivations 10 of 50 partnerships in half of 40 draws of the assumptions, 20 and 25 in
    the other half; nothing saves none of 2,000 partnerships at no cost.

    Returns
    -------
    pandas.DataFrame
        :func:`sim.analysis.comparison.compare_policies` of ``none``, ``staged_scope`` and ``open_motivations``.
    """
    n, saved_a, saved_b = 2000, [], []
    for draw in range(40):
        a, b = (40, 10) if draw % 2 == 0 else (20, 25)
        saved_a += range(50 * draw, 50 * draw + a)
        saved_b += range(50 * draw, 50 * draw + b)

    def saved(reps: list[int], cost: float = 1.0) -> pd.DataFrame:
        outcome = np.where(np.isin(np.arange(n), reps), "sustained", "collapsed")
        return pd.DataFrame({"rep": np.arange(n), "outcome": outcome, "lever_cost": np.full(n, cost), "net_savings": np.zeros(n), "draw": np.arange(n) // 50})

    return compare_policies({"none": saved([], cost=0.0), "staged_scope": saved(saved_a), "open_motivations": saved(saved_b)})

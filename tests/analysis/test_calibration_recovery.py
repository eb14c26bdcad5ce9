"""Recovery: plant known parameter values, make synthetic targets from their runs, calibrate, and find the planted values again.

The synthetic record is large (its shares have standard deviations near 0.01) and has a
denominator (break-up shares of launched partnerships), so the targets identify the planted
parameters; the test fails if the calibration narrows none of them, or if a planted value falls
outside its posterior 90% interval.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis import calibration as C
from sim.config import assumptions as A
from sim.config.calibration import share_sd, targets_from
from sim.config.scenarios import load

PLANTED = {"decisions.outside_option": 0.62, "decisions.noise": 0.06}
HORIZON = 120
SEED = 11


def synthetic_targets(cfg, n: int) -> dict:
    """Targets made from ``n`` replications of the planted point (replications the calibration never runs)."""
    planted = C.with_horizon(A.with_values(cfg, PLANTED), HORIZON)
    items = [A.by_path()[p] for p in PLANTED]
    u = np.array([[0.5] * len(items)])
    runs = C.simulate_points(planted, [], u, event="breakup", seed=SEED + 1000, replications=n, workers=2)
    durations, launched = runs.durations[0], int(runs.launched[0])
    assert len(durations) > 200, "the planted point should break up often enough to make targets"
    stats = []
    for lo, hi in ((0, 2), (2, 4), (4, 6)):
        k = int(((durations >= lo) & (durations < hi)).sum())
        stats.append(
            {"name": f"share_{lo}_{hi}", "kind": "duration_share", "years": [lo, hi], "observed": k / len(durations), "sd": share_sd(k, len(durations))}
        )
    for years in (2, 5, 10):
        k = int((durations < years).sum())
        stats.append({"name": f"by_{years}", "kind": "breakup_by", "years": years, "observed": k / launched, "sd": share_sd(k, launched)})
    return {"name": "synthetic", "event": "breakup", "horizon_months": HORIZON, "discrepancy": 0.0, "parameters": list(PLANTED), "statistics": stats}


@pytest.mark.slow
def test_planted_parameters_fall_inside_the_posterior_90_percent_interval():
    cfg = load("baseline", "none")
    targets = targets_from(synthetic_targets(cfg, 4000))
    items = C.calibrated_items(cfg, None, targets)
    result = C.calibrate(cfg, targets, items, seed=SEED, replications=300, points=150, waves=2, workers=2)
    table = C.parameter_table(result).set_index("parameter")
    identified = table[table["narrowing"] >= 0.3]
    assert len(identified) >= 1, f"the synthetic targets should narrow at least one planted parameter:\n{table}"
    for path, row in identified.iterrows():
        assert row.posterior_low <= PLANTED[path] <= row.posterior_high, f"{path}: planted {PLANTED[path]} outside [{row.posterior_low}, {row.posterior_high}]"
    assert result.info["effective_sample_size"] >= 10

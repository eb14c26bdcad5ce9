"""Speed of a calibration: parameter points per ensemble batch, emulators, and the projected time of a full study.

    python benchmarks/bench_calibration.py              # 20 parameters; 200 points x 500 replications, batches of 1, 20 and 200 points
    python benchmarks/bench_calibration.py --quick      # 40 points x 100 replications

Prints, for few and many replications per point and for one or many points per ensemble batch:
replications per second (building the configurations and parameter arrays included) and the projected time of the issue's target
(20 parameters, 3,000 points x 500 replications on a 240-month horizon, every core), plus the
time to fit and use the emulators of one wave. Figures are noisy on a shared machine: compare
ratios from one run. ``experiments/calibration.py`` prints the real study's time per wave.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from sim.analysis import calibration as C
from sim.config.calibration import load_targets
from sim.config.scenarios import load
from sim.config.settings import available_cores

TARGET_POINTS, TARGET_REPLICATIONS = 3000, 500


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 points x 100 replications")
    args = parser.parse_args()
    points, replications = (40, 100) if args.quick else (200, 500)
    targets = load_targets("uk_breakups")
    cfg = C.with_horizon(load("baseline", "none"), targets.horizon_months)
    items = C.calibrated_items(cfg, None, targets)
    workers = available_cores()
    u = np.random.default_rng(1).random((points, len(items)))
    C.simulate_points(cfg, items, u[:2], event="breakup", seed=1, replications=10, workers=workers)  # compile, warm caches
    load_now = os.getloadavg()[0]
    print(f"{len(items)} parameters, {points} points x {replications} replications, horizon {targets.horizon_months} months, {workers} threads")
    print(f"load average at the start: {load_now:.1f} (the machine is shared: figures scale with it)")
    print(f"{'replications/point':>19} {'points/batch':>13} {'replications/s':>15} {'seconds':>9} {f'projected {TARGET_POINTS} x {TARGET_REPLICATIONS}':>24}")
    rates = {}
    for per_point in sorted({max(20, replications // 10), replications}):
        for batch in (1, points):
            subset = u if batch > 1 else u[: max(4, points // 10)]
            started = time.perf_counter()
            runs = C.simulate_points(cfg, items, subset, event="breakup", seed=1, replications=per_point, workers=workers, batch_points=batch)
            seconds = time.perf_counter() - started
            rate = len(subset) * per_point / seconds
            rates[per_point, batch] = rate
            print(f"{per_point:>19} {batch:>13} {rate:>15,.0f} {seconds:>9.1f} {TARGET_POINTS * TARGET_REPLICATIONS / rate / 60:>20.1f} min")
    values, _ = C.statistics(runs, targets)
    started = time.perf_counter()
    big = np.random.default_rng(2).random((1000, len(items)))
    emulator = C.Emulator(big, np.tile(values, (1000 // len(values) + 1, 1))[:1000])
    fitted = time.perf_counter() - started
    started = time.perf_counter()
    C.plausible(np.random.default_rng(3).random((20_000, len(items))), [emulator] * 3, targets, 3.0)
    screened = time.perf_counter() - started
    print(f"emulators of one wave (1000 points, {len(items)} parameters, {emulator.form}): fit {fitted:.2f} s")
    print(f"20,000 candidates through 3 waves' emulators: {screened:.2f} s")
    few = min(k[0] for k in rates)
    print(
        f"{points} points per batch against one: {rates[few, points] / rates[few, 1]:.1f}x at {few} replications per point, "
        f"{rates[replications, points] / rates[replications, 1]:.1f}x at {replications}"
    )
    projected = TARGET_POINTS * TARGET_REPLICATIONS / rates[replications, points] / 60
    print(f"target: {TARGET_POINTS} x {TARGET_REPLICATIONS} in under 60 min: projected {projected:.1f} min")


if __name__ == "__main__":
    main()

"""What parameter draws cost: building the draws' configurations, building their parameter arrays, and a D x M run against a plain run.

    python benchmarks/bench_uncertainty.py                 # 20,000 replications, M = 25 (D = 800)
    python benchmarks/bench_uncertainty.py --replications 4000 --per-draw 25

Prints, measured in one run (warm numba cache; the first call compiles):

- draws: seconds to draw the free assumptions of D draws and build their D checked configurations,
  per draw;
- population: seconds of :func:`sim.population.build` for the replications with D points against
  one point, and the ratio;
- run: wall seconds of ``sim.run(..., uncertainty="prior")`` against ``sim.run(...)`` on the same
  replications (summaries included: the per-draw tally and the total intervals), and the ratio;
- sensitivity: seconds per design point of a Morris batch (points built and run), for scale.

Machines here are shared and noisy: compare ratios measured in one run, not numbers across runs.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import sim
from sim import population
from sim.config.settings import available_cores
from sim.config.uncertainty import uncertainty


def timed(call) -> tuple[float, object]:
    """Wall seconds of one call, and its result."""
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20_000)
    parser.add_argument("--per-draw", type=int, default=25, help="M, replications per parameter draw")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    config = sim.load("baseline")
    workers = available_cores()
    r, m = args.replications, args.per_draw
    d = -(-r // m)
    print(f"machine: {platform.machine()}, {workers} cores; Python {platform.python_version()}, numpy {np.__version__}; partnership-sim {sim.__version__}")
    sim.run(config, seed=args.seed, replications=2 * m, uncertainty="prior", replications_per_draw=m)  # compile and warm up

    u = uncertainty("prior", m)
    draw_s, _ = timed(lambda: u.values(config, args.seed, np.arange(d)))
    points_s, points = timed(lambda: u.points(config, args.seed, np.arange(d)))
    free = len(u.free(config))
    built = f"configurations built in {points_s:.2f} s ({1000 * points_s / d:.1f} ms a draw)"
    print(f"draws: {d:,} draws of {free} free assumptions: drawn in {draw_s:.2f} s, {built}")

    block = min(r, 10_000)
    reps = np.arange(block, dtype=np.int64)
    one_s, _ = timed(lambda: population.build(config, args.seed, reps))
    blocks_points = -(-block // m)
    many_s, _ = timed(lambda: population.build(points[:blocks_points], args.seed, reps, reps // m, trusted=True))
    print(f"population: {block:,} replications, 1 point {one_s:.2f} s, {blocks_points:,} points {many_s:.2f} s: ratio {many_s / one_s:.1f}")

    plain_s, _ = timed(lambda: sim.run(config, seed=args.seed, replications=r, workers=workers))
    drawn_s, summary = timed(lambda: sim.run(config, seed=args.seed, replications=r, uncertainty="prior", replications_per_draw=m, workers=workers))
    collapsed = summary["outcomes"]["collapsed"]
    print(
        f"run: {r:,} replications on {workers} threads: plain {plain_s:.1f} s, prior ({d:,} draws x {m}) {drawn_s:.1f} s: ratio {drawn_s / plain_s:.2f}"
        f" (collapse {collapsed['value']:.1%}, total interval [{collapsed['total']['low']:.1%}, {collapsed['total']['high']:.1%}])"
    )

    from sim.analysis.sensitivity import run_points
    from sim.config import assumptions as catalogue

    items = list(catalogue.acting(config, catalogue.free(config)))
    design = np.random.default_rng(args.seed).random((200, len(items)))
    build_s, configs = timed(lambda: catalogue.points(config, catalogue.quantile(items, design)))
    run_s, _ = timed(lambda: run_points(configs, 200, args.seed, workers=workers))
    print(
        f"sensitivity: 200 design points x 200 replications: points built {build_s:.1f} s, run {run_s:.1f} s"
        f" ({1000 * (build_s + run_s) / 200:.0f} ms a point, {(build_s + run_s) / run_s:.2f} x the simulation alone)"
    )


if __name__ == "__main__":
    main()

"""Speed and memory of the ensemble (and the Mesa front-end when present) on the baseline.

    python benchmarks/bench_engines.py                 # K = 2, 4, 8 x 1e3, 1e4, 1e5 replications
    python benchmarks/bench_engines.py --quick         # a smaller grid

Prints partnership-months per second (parameters drawn and kernel run, block by block) and
the peak traced memory of one block for each size, and the Mesa
front-end's rate and the ensemble/Mesa ratio measured in the same run. The figures are
noisy (shared machines): compare ratios from one run, not numbers across runs.
"""

from __future__ import annotations

import argparse
import copy
import platform
import time
import tracemalloc

import numpy as np

from sim import kernel, population
from sim.config import ModelConfig
from sim.scenarios import load


def with_councils(config: ModelConfig, n_councils: int) -> ModelConfig:
    """The baseline with ``n_councils`` councils (the baseline's councils repeated in turn)."""
    out = copy.deepcopy(config)
    out.councils = [copy.deepcopy(config.councils[i % len(config.councils)]) for i in range(n_councils)]
    for i, council in enumerate(out.councils):
        council.name = f"Council {i + 1}"
    return out


def ensemble_rate(config: ModelConfig, replications: int, seed: int = 1, block: int = 10_000) -> float:
    """Partnership-months per second of building parameters and running the kernel, block by block.

    A partnership-month counts only while the partnership lasts (up to its end month).
    """
    months = 0
    start = time.perf_counter()
    for first in range(0, replications, block):
        reps = np.arange(first, min(first + block, replications))
        P = population.build(config, seed, reps)
        months += int(kernel.run(P, reps, seed).end_month.sum())
    return months / (time.perf_counter() - start)


def peak_memory(config: ModelConfig, replications: int, seed: int = 1) -> float:
    """Peak traced memory (MB) of one block of ``replications`` (traced separately: tracing slows numpy)."""
    tracemalloc.start()
    reps = np.arange(replications)
    kernel.run(population.build(config, seed, reps), reps, seed)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return peak


def mesa_rate(config_name: str, runs: int = 20) -> float | None:
    """Partnership-months per second of the Mesa front-end, or None if it is not installed."""
    try:
        from sim.model import PartnershipModel
    except ImportError:
        return None
    months = 0
    start = time.perf_counter()
    for r in range(runs):
        model = PartnershipModel(scenario_name=config_name, seed=1, replication=r)
        while model.running:
            model.step()
            months += 1
    return months / (time.perf_counter() - start)


def main() -> None:
    """Run the grid and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="K = 4 only, 1e3 and 1e4 replications")
    args = parser.parse_args()
    baseline = load("baseline")
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)
    councils = (4,) if args.quick else (2, 4, 8)
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; Python {platform.python_version()}; numpy {np.__version__}")
    warm = with_councils(baseline, 4)
    ensemble_rate(warm, 200)
    print(f"{'K':>3} {'replications':>12} {'partnership-months/s':>22} {'peak MB (one block)':>20}")
    rate_k4 = None
    for k in councils:
        config = with_councils(baseline, k)
        for n in sizes:
            rate = ensemble_rate(config, n)
            if k == 4 and n == 10_000:
                rate_k4 = rate
            print(f"{k:>3} {n:>12,} {rate:>22,.0f} {peak_memory(config, min(n, 10_000)):>20.0f}")
    mesa = mesa_rate("baseline")
    if mesa is None:
        print("Mesa front-end: not available (sim.model missing)")
    else:
        ensemble_now = ensemble_rate(warm, 10_000)
        print(f"Mesa front-end (K=4): {mesa:,.0f} partnership-months/s; ensemble {ensemble_now:,.0f}/s; ratio {ensemble_now / mesa:,.0f}x")
    if rate_k4 is not None:
        print(f"target: ensemble at K=4 >= 1,000,000 partnership-months/s on one core (floor 500,000): measured {rate_k4:,.0f}")


if __name__ == "__main__":
    main()

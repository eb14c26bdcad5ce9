"""Speed and memory of the ensemble (and the Mesa front-end when present) on the baseline.

    python benchmarks/bench_engines.py                 # K = 2, 4, 8 x 1e3, 1e4, 1e5 replications
    python benchmarks/bench_engines.py --quick         # a smaller grid
    python benchmarks/bench_engines.py --markdown benchmarks/results.md   # also write the figures there

Prints partnership-months per second (parameters drawn and kernel run, block by block) and
the peak traced memory of one block for each size, and the Mesa front-end's rate (measured
as in ``bench_mesa.py``) and the ensemble/Mesa ratio measured in the same run. The figures are
noisy (shared machines): compare ratios from one run, not numbers across runs.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np
from bench_mesa import mesa_run  # run as a script, this folder is on the path

import sim
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


def mesa_rate(scenario: str, models: int = 40) -> float:
    """Partnership-months per second of ``PartnershipModel.step`` (as ``bench_mesa.py`` measures it)."""
    elapsed, months = mesa_run(scenario, models, seed=1)
    return months / elapsed


def machine() -> str:
    """One line naming the machine and the versions that matter for speed."""
    import numba

    return (
        f"{platform.machine()} {platform.processor() or 'cpu'}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__}, partnership-sim {sim.__version__}"
    )


def main() -> None:
    """Run the grid, print the figures and optionally write them as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="K = 4 only, 1e3 and 1e4 replications")
    parser.add_argument("--markdown", metavar="PATH", help="also write the figures to this Markdown file")
    args = parser.parse_args()
    baseline = load("baseline")
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)
    councils = (4,) if args.quick else (2, 4, 8)
    lines = [f"machine: {machine()}", ""]
    print(lines[0])
    warm = with_councils(baseline, 4)
    ensemble_rate(warm, 200)
    lines += ["| K | replications | partnership-months/s | peak MB (one block) |", "| ---: | ---: | ---: | ---: |"]
    print(f"{'K':>3} {'replications':>12} {'partnership-months/s':>22} {'peak MB (one block)':>20}")
    rate_k4 = None
    for k in councils:
        config = with_councils(baseline, k)
        for n in sizes:
            rate = ensemble_rate(config, n)
            if k == 4 and n == 10_000:
                rate_k4 = rate
            peak = peak_memory(config, min(n, 10_000))
            print(f"{k:>3} {n:>12,} {rate:>22,.0f} {peak:>20.0f}")
            lines.append(f"| {k} | {n:,} | {rate:,.0f} | {peak:.0f} |")
    lines.append("")
    mesa, ensemble_now = mesa_rate("baseline"), ensemble_rate(warm, 10_000)
    lines.append(f"Mesa front-end (K=4): {mesa:,.0f} partnership-months/s; ensemble {ensemble_now:,.0f}/s; ratio {ensemble_now / mesa:,.0f}x")
    print(lines[-1])
    if rate_k4 is not None:
        lines.append(f"target: ensemble at K=4 >= 1,000,000 partnership-months/s on one core (floor 500,000): measured {rate_k4:,.0f}")
        print(lines[-1])
    if args.markdown:
        header = [
            "# Benchmark results",
            "",
            f"Written by `python benchmarks/bench_engines.py{' --quick' if args.quick else ''} --markdown {args.markdown}`"
            f" on {time.strftime('%Y-%m-%d')}. Partnership-months per second include drawing each",
            "replication's councils; a partnership-month counts only while the partnership lasts.",
            "Figures from one run on a shared machine: compare ratios, not numbers across runs.",
            "",
        ]
        Path(args.markdown).write_text("\n".join(header + lines) + "\n")


if __name__ == "__main__":
    main()

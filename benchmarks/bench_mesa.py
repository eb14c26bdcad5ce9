"""Speed of the Mesa front-end next to the ensemble, on one core, and where a lone replication's month goes.

    .venv/bin/python benchmarks/bench_mesa.py                 # rates and their ratio
    .venv/bin/python benchmarks/bench_mesa.py --breakdown     # + the cost of a month, layer by layer
    .venv/bin/python benchmarks/bench_mesa.py --profile       # + the kernel's functions for one replication

A partnership-month is one month of one partnership that is still running (a partnership
that ends in month 37 counts 37). The Mesa rate counts ``model.step()`` with everything
on (kernel, agents, DataCollector, event log), not building the model. Times are this
process's CPU time, pinned to one core; each measurement is repeated and the fastest
kept, since other work on the machine only slows it down.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from collections.abc import Callable

import numpy as np

from sim import population
from sim.config import scenarios
from sim.config.model import ModelConfig
from sim.core import kernel
from sim.frontends.ensemble import run_ensemble
from sim.frontends.model import PartnershipModel

FLOOR = 5_000


def fastest(measures: dict[str, Callable[[], tuple[float, int]]], repeat: int) -> dict[str, tuple[float, int]]:
    """Each measure's shortest (seconds, months) over ``repeat`` rounds; a round runs every measure once, so load drifts hit all alike."""
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in measures}
    for _ in range(repeat):
        for name, measure in measures.items():
            results[name].append(measure())
    return {name: min(runs) for name, runs in results.items()}


def ensemble_run(config: ModelConfig, replications: int, seed: int) -> tuple[float, int]:
    """Seconds and partnership-months of one :func:`run_ensemble`."""
    start = time.process_time()
    table = run_ensemble(config, replications, seed)
    return time.process_time() - start, int(table.end_month.sum())


def mesa_run(scenario: str, models: int, seed: int) -> tuple[float, int]:
    """Seconds spent in ``PartnershipModel.step`` (construction excluded) and partnership-months of ``models`` runs."""
    months, elapsed = 0, 0.0
    for r in range(models):
        model = PartnershipModel(scenario_name=scenario, seed=seed, replication=r)
        start = time.process_time()
        model.run_model()
        elapsed += time.process_time() - start
        months += model.month
    return elapsed, months


def kernel_run(config: ModelConfig, models: int, seed: int, log: bool) -> tuple[float, int]:
    """Seconds in bare :func:`kernel.step` on one replication at a time (as the model runs it), and months."""
    months, elapsed = 0, 0.0
    for r in range(models):
        reps = np.array([r], np.int64)
        P = population.build(config, seed, reps)
        s = kernel.init_state(P, reps)
        events: list[kernel.Event] | None = [] if log else None
        start = time.process_time()
        while s.running[0]:
            kernel.step(s, P, seed, events)
            months += 1
        elapsed += time.process_time() - start
    return elapsed, months


def breakdown(us: dict[str, float]) -> None:
    """Print the cost of a month, layer by layer, from microseconds per month of each measure."""
    print("\ncost of one month, microseconds (fastest round of each)")
    print(f"  kernel.step, one replication, no event log   {us['alone']:8.0f}")
    print(f"  + the kernel's event log                     {us['logged'] - us['alone']:+8.0f}")
    print(f"  + Mesa: event queue, DataCollector, agents,  {us['mesa'] - us['logged']:+8.0f}")
    print("    narrative, exits")
    print(f"  = PartnershipModel.step                      {us['mesa']:8.0f}")


def profile(config: ModelConfig, models: int, seed: int) -> None:
    """Print the kernel's functions by own time for one replication at a time."""
    profiler = cProfile.Profile()
    for r in range(models):
        reps = np.array([r], np.int64)
        P = population.build(config, seed, reps)
        s = kernel.init_state(P, reps)
        profiler.enable()
        while s.running[0]:
            kernel.step(s, P, seed, [])
        profiler.disable()
    print()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--models", type=int, default=40, help="Mesa models run (replications 0 .. models-1)")
    parser.add_argument("--replications", type=int, default=10_000, help="ensemble replications")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="repeat each measurement, keep the fastest")
    parser.add_argument("--breakdown", action="store_true", help="the cost of a month, layer by layer")
    parser.add_argument("--profile", action="store_true", help="cProfile of kernel.step on one replication")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    config = scenarios.load(args.scenario)
    PartnershipModel(scenario_name=args.scenario, seed=args.seed)
    models, seed = args.models, args.seed
    measures = {
        "mesa": lambda: mesa_run(args.scenario, models, seed),
        "ensemble": lambda: ensemble_run(config, args.replications, seed),
    }
    if args.breakdown:
        measures |= {
            "alone": lambda: kernel_run(config, models, seed, log=False),
            "logged": lambda: kernel_run(config, models, seed, log=True),
        }
    result = fastest(measures, args.repeat)
    (mesa_s, mesa_months), (ensemble_s, ensemble_months) = result["mesa"], result["ensemble"]
    mesa, ensemble = mesa_months / mesa_s, ensemble_months / ensemble_s
    print(f"scenario {args.scenario}, K = {config.n_councils} councils, seed {seed}, one core, fastest of {args.repeat} rounds")
    print(f"  Mesa front-end   {mesa:12,.0f} partnership-months/s   ({models} models, {mesa_months:,} months)")
    print(f"  ensemble         {ensemble:12,.0f} partnership-months/s   ({args.replications:,} replications, {ensemble_months:,} months)")
    print(f"  ensemble / Mesa  {ensemble / mesa:12,.0f} x")
    print(f"  floor            {FLOOR:12,} partnership-months/s for the Mesa front-end: {'met' if mesa >= FLOOR else 'NOT met'}")
    if args.breakdown:
        breakdown({name: elapsed / months * 1e6 for name, (elapsed, months) in result.items()})
    if args.profile:
        profile(config, models, seed)


if __name__ == "__main__":
    main()

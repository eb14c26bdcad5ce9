"""Speed of the model as a user meets it: first compile, start-up, every core, the population's share, memory, Mesa.

    python benchmarks/bench_engines.py                 # every figure (a few minutes: one cold compile)
    python benchmarks/bench_engines.py --quick         # smaller blocks, K = 4 only
    python benchmarks/bench_engines.py --markdown benchmarks/results.md   # also write the figures there (its first section; the rest is kept)

Prints, measured in one run:

- cold compile: seconds for a fresh process with an empty numba cache to run ten replications,
  less the same run warm; then whether saving events and trajectories (and the Mesa model)
  need a second compile (they should not: their warm runs cost the same as the plain one);
- warm start-up: wall seconds of ``sim-run replications=10`` with a warm cache (median of 3);
- partnership-months per second, population drawn, on 1 core and on every core, and the ratio;
- the share of an ensemble block's time spent drawing the population;
- peak traced memory of one block for K = 2, 4, 8;
- the Mesa front-end's rate and the ensemble / Mesa ratio.

Machines here are shared and noisy: compare ratios measured in one run, not numbers across runs.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from bench_mesa import mesa_run  # run as a script, this folder is on the path

import sim
from sim import population
from sim.config.model import ModelConfig
from sim.config.scenarios import load
from sim.config.settings import available_cores
from sim.core import kernel

ROOT = Path(__file__).resolve().parents[1]
SIM_RUN = Path(sys.executable).with_name("sim-run")

COLD = """
import time
start = time.perf_counter()
import sim
sim.run_ensemble(sim.load("baseline"), replications=10, seed=1, workers=1)
print(time.perf_counter() - start)
"""
MESA = """
import time
start = time.perf_counter()
from sim.frontends.model import PartnershipModel
PartnershipModel(scenario_name="baseline", seed=1, replication=0).run_model()
print(time.perf_counter() - start)
"""


def _env(cache: str) -> dict[str, str]:
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    env.pop("NUMBA_CACHE_DIR", None)
    return env


def _python(code: str, cache: str) -> float:
    """Seconds printed by ``code`` run in a fresh interpreter with numba's cache under ``cache``."""
    out = subprocess.run([sys.executable, "-c", code], env=_env(cache), capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def _sim_run(cache: str, out: str, *settings: str) -> float:
    """Wall seconds of ``sim-run replications=10 settings`` writing to ``out``."""
    start = time.perf_counter()
    subprocess.run([str(SIM_RUN), "replications=10", f"hydra.run.dir={out}", *settings], env=_env(cache), check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def compile_figures() -> dict[str, float]:
    """Cold compile, and whether events, trajectories or the Mesa model compile again, in fresh processes on an empty cache."""
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        cold = _python(COLD, cache)
        warm = statistics.median(_python(COLD, cache) for _ in range(2))
        plain = statistics.median(_sim_run(cache, f"{out}/{n}") for n in range(2))
        options = _sim_run(cache, f"{out}/options", "save_events=true", "save_trajectories=true")
        mesa = _python(MESA, cache)
    return {"cold": cold, "warm": warm, "compile": cold - warm, "plain": plain, "options": options, "mesa": mesa}


def warm_start(runs: int = 3) -> float:
    """Median wall seconds of ``sim-run replications=10`` with a warm cache (after one run to warm it)."""
    times = []
    with tempfile.TemporaryDirectory() as out:
        for n in range(runs + 1):
            start = time.perf_counter()
            subprocess.run([str(SIM_RUN), "replications=10", f"hydra.run.dir={out}/{n}"], check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def with_councils(config: ModelConfig, n_councils: int) -> ModelConfig:
    """The baseline with ``n_councils`` councils (the baseline's councils repeated in turn)."""
    out = copy.deepcopy(config)
    out.councils = [copy.deepcopy(config.councils[i % len(config.councils)]) for i in range(n_councils)]
    for i, council in enumerate(out.councils):
        council.name = f"Council {i + 1}"
    return out


def block_times(config: ModelConfig, replications: int, workers: int, seed: int = 1) -> tuple[float, float, int]:
    """Seconds drawing the population, seconds in the kernel, and partnership-months, for one block."""
    reps = np.arange(replications)
    start = time.perf_counter()
    P = population.build(config, seed, reps)
    drawn = time.perf_counter()
    s = kernel.run(P, reps, seed, workers=workers)
    done = time.perf_counter()
    return drawn - start, done - drawn, int(s.partnership["end_month"].sum())


def rates(config: ModelConfig, replications: int, repeat: int = 3) -> dict[str, float]:
    """Partnership-months per second (population drawn) on 1 core and every core, fastest of ``repeat`` rounds each."""
    cores = available_cores()
    best: dict[int, tuple[float, float, int]] = {}
    for _ in range(repeat):
        for workers in sorted({1, cores}):
            t = block_times(config, replications, workers)
            if workers not in best or t[0] + t[1] < sum(best[workers][:2]):
                best[workers] = t
    one, every = best[1], best[cores]
    return {
        "cores": cores,
        "one": one[2] / (one[0] + one[1]),
        "every": every[2] / (every[0] + every[1]),
        "population_share_one": one[0] / (one[0] + one[1]),
        "population_share_every": every[0] / (every[0] + every[1]),
    }


def peak_memory(config: ModelConfig, replications: int, seed: int = 1) -> float:
    """Peak traced memory (MB) of one block of ``replications``."""
    tracemalloc.start()
    reps = np.arange(replications)
    kernel.run(population.build(config, seed, reps), reps, seed)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return peak


def machine() -> str:
    """One line naming the machine and the versions that matter for speed."""
    import numba

    return (
        f"{platform.machine()}, {os.cpu_count()} cores ({available_cores()} usable); Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__}, partnership-sim {sim.__version__}; "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )


def main() -> None:
    """Measure, print and optionally write the figures as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="blocks of 4,000 replications, K = 4 only for memory")
    parser.add_argument("--markdown", metavar="PATH", help="also write the figures to this Markdown file")
    args = parser.parse_args()
    lines = [f"machine: {machine()}", ""]
    print(lines[0])

    c = compile_figures()
    lines += [
        f"cold compile (empty numba cache): {c['compile']:.1f} s (first run {c['cold']:.1f} s, warm {c['warm']:.1f} s)",
        f"second compile for events + trajectories: {'none' if c['options'] < 2 * c['plain'] + 1 else 'YES'}"
        f" (warm run with them {c['options']:.1f} s, without {c['plain']:.1f} s); Mesa model, warm: {c['mesa']:.1f} s",
    ]
    lines.append(f"warm start-up, `sim-run replications=10`: {warm_start():.2f} s wall (median of 3)")
    for line in lines[-3:]:
        print(line)

    baseline = load("baseline")
    block = 4_000 if args.quick else 20_000
    block_times(baseline, 200, 1)
    r = rates(baseline, block)
    lines += [
        "",
        f"ensemble, K = 4, blocks of {block:,}, population drawn: {r['one']:,.0f} partnership-months/s on 1 core, "
        f"{r['every']:,.0f} on {r['cores']} cores (x{r['every'] / r['one']:.2f})",
        f"share of a block's time drawing the population: {r['population_share_one']:.1%} on 1 core, {r['population_share_every']:.1%} on {r['cores']}",
    ]
    for line in lines[-2:]:
        print(line)

    lines += ["", "| K | peak MB, one block of 10,000 |", "| ---: | ---: |"]
    for k in (4,) if args.quick else (2, 4, 8):
        lines.append(f"| {k} | {peak_memory(with_councils(baseline, k), 10_000):.0f} |")
        print(lines[-1])

    mesa_s, mesa_months = mesa_run("baseline", 20 if args.quick else 40, seed=1)
    mesa = mesa_months / mesa_s
    lines += ["", f"Mesa front-end (K = 4): {mesa:,.0f} partnership-months/s; ensemble on 1 core {r['one']:,.0f}/s: x{r['one'] / mesa:,.0f}"]
    print(lines[-1])
    if args.markdown:
        header = [
            "# Benchmark results",
            "",
            f"Written by `python benchmarks/bench_engines.py{' --quick' if args.quick else ''} --markdown {args.markdown}` on {time.strftime('%Y-%m-%d')}.",
            "A partnership-month counts only while the partnership lasts. Figures from one run on a shared machine:",
            "compare ratios, not numbers across runs.",
            "",
        ]
        path = Path(args.markdown)
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        kept = old[old.find("\n## ") + 1 :] if "\n## " in old else ""  # the other benchmarks' sections and the notes stay
        path.write_text("\n".join(header + lines) + "\n" + ("\n" + kept if kept else ""), encoding="utf-8")


if __name__ == "__main__":
    main()

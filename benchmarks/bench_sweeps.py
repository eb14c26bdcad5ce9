"""Sweep throughput on this machine: points per second and replications per second, 1 vs 2 workers, and what a fresh worker costs.

    .venv/bin/python benchmarks/bench_sweeps.py                 # all
    .venv/bin/python benchmarks/bench_sweeps.py --points 8 --replications 2000 multirun design
    .venv/bin/python benchmarks/bench_sweeps.py cold            # a fresh worker with an empty numba cache

``multirun``: ``sim-run -m`` over N points through the basic launcher with ``workers=1`` and
``workers=2`` (threads inside each job), and through joblib with ``n_jobs=2``.
``design``: the same N points as a design file (one batch), ``workers=1`` and ``2``.
``cold``: ``sim-run replications=10`` with an empty numba cache (compiles), then again warm.
Figures go to stdout as a Markdown table (docs/scaling.md quotes them). Noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SIM_RUN = str(BIN / "sim-run")
IT = (0.2, 0.35, 0.5, 0.65, 0.8, 0.3, 0.45, 0.6, 0.75, 0.9, 0.25, 0.55, 0.7, 0.85, 0.4, 0.95)


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=3600, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-3000:]}")
    return time.monotonic() - started


def row(name: str, points: int, reps: int, wall: float) -> str:
    return f"| {name} | {points} x {reps:,} | {wall:.1f} s | {points / wall:.2f} | {points * reps / wall:,.0f} |"


def multirun(points: int, reps: int) -> list[str]:
    values = ",".join(str(v) for v in IT[:points])
    out = []
    for name, extra in (
        ("multirun, basic, workers=1", ["workers=1"]),
        ("multirun, basic, workers=2", ["workers=2"]),
        ("multirun, joblib n_jobs=2 (1 thread each)", ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]),
    ):
        with tempfile.TemporaryDirectory() as folder:
            cmd = [
                SIM_RUN,
                "-m",
                "scenario=case04_trading_company",
                f"councils.1.it_maturity={values}",
                f"replications={reps}",
                f"hydra.sweep.dir={folder}/s",
                *extra,
            ]
            out.append(row(name, points, reps, timed(cmd)))
    return out


def design(points: int, reps: int) -> list[str]:
    out = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "points.csv"
        path.write_text("councils.1.it_maturity\n" + "\n".join(str(v) for v in IT[:points]) + "\n")
        for workers in (1, 2):
            cmd = [
                SIM_RUN,
                f"design={path}",
                "scenario=case04_trading_company",
                f"replications={reps}",
                f"workers={workers}",
                f"hydra.run.dir={folder}/d{workers}",
            ]
            out.append(row(f"design, one process, workers={workers}", points, reps, timed(cmd)))
    return out


def cold() -> list[str]:
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as folder:
        env = {"XDG_CACHE_HOME": cache}
        env_clean = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
        os.environ.clear()
        os.environ.update(env_clean)
        first = timed([SIM_RUN, "replications=10", f"hydra.run.dir={folder}/a"], env)
        warm = timed([SIM_RUN, "replications=10", f"hydra.run.dir={folder}/b"], env)
    return [f"| fresh worker, empty numba cache (compiles) | {first:.1f} s |", f"| fresh worker, warm cache (imports, load) | {warm:.1f} s |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="*", default=["multirun", "design", "cold"], choices=["multirun", "design", "cold"])
    parser.add_argument("--points", type=int, default=8)
    parser.add_argument("--replications", type=int, default=2000)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    if "multirun" in args.what or "design" in args.what:
        print("| how | points x replications | wall | points/s | replications/s |\n|---|---|---|---|---|")
        if "multirun" in args.what:
            print("\n".join(multirun(args.points, args.replications)), flush=True)
        if "design" in args.what:
            print("\n".join(design(args.points, args.replications)), flush=True)
    if "cold" in args.what:
        print("| what | wall |\n|---|---|")
        print("\n".join(cold()), flush=True)


if __name__ == "__main__":
    main()

"""What each Hydra launcher preset costs per job, with the toy app of the cluster tests (no model code).

    .venv/bin/python benchmarks/bench_launchers.py                    # basic, joblib, ray (local, cluster), slurm
    .venv/bin/python benchmarks/bench_launchers.py --points 8 basic joblib

For each launcher, a multirun of 1 point and one of N points (default 8): ``fixed`` is the wall
time of the 1-point sweep (app start, launcher start, one job), ``per job`` is
``(wall_N - wall_1) / (N - 1)`` (the marginal cost of one more job, with the launcher's own
parallelism on this machine's cores), ``first job after`` the time from the command to the first
job's start, and ``fresh worker`` the median time from a worker process's start to its imports
done and to its first job's start (see :func:`fresh_worker_s`).
Ray and SLURM run on private clusters started by ``tests/support/clusters.py``; their start-up
times are printed too. Figures are noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support import clusters

LAUNCHERS = ("basic", "joblib", "ray_local", "ray_cluster", "slurm")


def sweep(name: str, points: int, overrides: list[str], env: dict[str, str]) -> clusters.ToyRun:
    seeds = ",".join(str(s) for s in range(1, points + 1))
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as folder:
        return clusters.run_toy(Path(folder) / "sweep", *overrides, env=env, points=f"seed={seeds}", timeout=600)


def fresh_worker_s(run: clusters.ToyRun) -> tuple[float | None, float | None]:
    """Medians, over worker processes started after the submission, of process start to
    ``toy_app`` imported (interpreter and imports) and to its first job's start (+ unpickling,
    Hydra's job set-up, and any wait for work: Ray starts its workers ahead of the tasks)."""
    first: dict[int, dict] = {}
    for r in sorted(run.results.values(), key=lambda r: r["started_at"]):
        first.setdefault(r["pid"], r)
    fresh = [r for r in first.values() if r.get("process_started_at") and r["process_started_at"] > run.submitted_at]
    if not fresh:
        return None, None
    imports = statistics.median(r["imported_at"] - r["process_started_at"] for r in fresh)
    return imports, statistics.median(r["started_at"] - r["process_started_at"] for r in fresh)


def measure(name: str, points: int, overrides: list[str], env: dict[str, str]) -> None:
    one = sweep(name, 1, overrides, env)
    many = sweep(name, points, overrides, env)
    per_job = (many.wall_s - one.wall_s) / (points - 1)
    imports, first_job = fresh_worker_s(many)
    workers = len({r["pid"] for r in many.results.values()})
    latency = min(r["started_at"] for r in many.results.values()) - many.submitted_at
    fresh = "fresh worker n/a (jobs run in the driver)" if imports is None else f"fresh worker: imports {imports:.2f} s, first job after {first_job:.2f} s"
    totals = f"({points} points: {many.wall_s:.2f} s, {workers} processes)"
    print(f"{name:12s} fixed {one.wall_s:5.2f} s  per job {per_job:5.2f} s  first job after {latency:5.2f} s  {fresh}  {totals}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("launchers", nargs="*", metavar="LAUNCHER", help=f"some of {', '.join(LAUNCHERS)} (default: all)")
    parser.add_argument("--points", type=int, default=8)
    args = parser.parse_args()
    chosen = args.launchers or list(LAUNCHERS)
    if unknown := set(chosen) - set(LAUNCHERS):
        parser.error(f"unknown launcher(s): {', '.join(sorted(unknown))}")
    if "basic" in chosen:
        measure("basic", args.points, [], {})
    if "joblib" in chosen:
        measure("joblib", args.points, ["hydra/launcher=joblib"], {})
    if "ray_local" in chosen:
        with tempfile.TemporaryDirectory(prefix="ray-", dir="/tmp") as temp_dir:
            local_env = {"RAY_AUTH_MODE": "disabled", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
            measure("ray_local", args.points, ["hydra/launcher=ray", f"++hydra.launcher.ray.init._temp_dir={temp_dir}"], local_env)
    if "ray_cluster" in chosen:
        with clusters.ray_head() as head:
            measure("ray_cluster", args.points, ["hydra/launcher=ray"], {**head.env, "RAY_ADDRESS": head.address})
    if "slurm" in chosen:
        with clusters.slurm_cluster() as cluster:
            overrides = ["hydra/launcher=slurm", f"hydra.launcher.partition={cluster.partition}", "hydra.launcher.mem_gb=1", "hydra.launcher.timeout_min=5"]
            measure("slurm", args.points, overrides, cluster.env)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()

"""sim-analyse design: a design over the free assumptions' plausible ranges, as a CSV of parameter points.

    sim-analyse design --n 200 --method lhs --out points.csv
    sim-analyse design --n 64 --method sobol scenario=case03_misaligned_aspirations decisions.memory=0.2

One column per free assumption, named by its override path (``decisions.memory``), one row
per point: the design on the unit cube (a Latin hypercube, a scrambled Sobol sequence or plain
random points, from :mod:`scipy.stats.qmc`) taken through each prior's inverse CDF
(:func:`sim.config.assumptions.quantile`), shared weights rescaled to sum to 1, so that every
row is a valid set of overrides (for a sweep's ``design=points.csv``). Parameters the scenario,
the policy or an override sets, and those of levers and mechanisms switched off, are left out.
The file is written atomically; bad arguments exit with status 2 and one line.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.cli.common import compose_model, fixed_paths, split_arguments
from sim.cli.guard import notice, out_file_problems
from sim.config.checks import ArgumentParser
from sim.config.settings import MAX_SEED
from sim.frontends.design import CSV_SUFFIXES, PARQUET_SUFFIXES

METHODS = ("lhs", "sobol", "random")


def design(config: Any, n: int, method: str, seed: int, fixed: Sequence[str] = ()) -> Any:
    """The design as a pandas DataFrame: one column per free assumption of ``config`` (not in ``fixed``), ``n`` rows."""
    import pandas as pd
    from scipy.stats import qmc

    from sim.config import assumptions as catalogue

    items = list(catalogue.acting(config, catalogue.free(config, fixed)))
    if not items:
        raise ValueError("no free assumption to design over")
    d = len(items)
    if method == "lhs":
        u = qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)
    elif method == "sobol":
        with warnings.catch_warnings():  # the command says it in one line (see main)
            warnings.filterwarnings("ignore", message="The balance properties of Sobol' points", category=UserWarning)
            u = qmc.Sobol(d=d, rng=np.random.default_rng(seed)).random(n)
    else:
        u = np.random.default_rng(seed).random((n, d))
    values = catalogue.shared_out(config, catalogue.quantile(items, u))
    return pd.DataFrame({a.path: values[a.path].astype(int) if a.spec.integer else values[a.path] for a in items})


def main(argv: Sequence[str]) -> int:
    """Write the design CSV; exit status 2 with one line per bad argument."""
    parser = ArgumentParser(prog="sim-analyse design", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="number of points, whole number in [1, 1000000] (default 100)")
    parser.add_argument(
        "--method", choices=METHODS, default="lhs", help="lhs (Latin hypercube, the default), sobol (scrambled; best with a power of two) or random"
    )
    parser.add_argument("--seed", type=int, default=0, help=f"seed of the design, whole number in [0, {MAX_SEED}] (default 0)")
    parser.add_argument("--out", type=Path, default=Path("points.csv"), help="CSV file to write, or Parquet where it ends in .parquet (default points.csv)")
    parser.add_argument("arguments", nargs="*", help="scenario=NAME, policy=NAME and model parameters (PATH=VALUE), as in sim-run")
    parser.add_argument("--config-dir", default=None, help="a folder of your own scenario/ and policy/ files (as in sim-run)")
    args, problems = parser.parse_all(list(argv))
    if not 1 <= args.n <= 1_000_000:
        problems.append(f"--n = {args.n} is outside [1, 1000000]")
    if not 0 <= args.seed <= MAX_SEED:
        problems.append(f"--seed = {args.seed} is outside [0, {MAX_SEED}]")
    if args.out.suffix.lower() not in (*CSV_SUFFIXES, *PARQUET_SUFFIXES) and not args.out.is_dir():
        problems.append(f"--out = {args.out} must be a .csv or .parquet file (the design files sim-run design= reads)")
    else:
        problems += out_file_problems(args.out, "the CSV file", f" (e.g. {args.out / 'points.csv'})")
    _, scenario, policy, overrides, unknown = split_arguments(args.arguments, (), "sim-analyse design")
    config = compose_model(scenario, policy, overrides, "sim-analyse design", [*problems, *unknown], args.config_dir)
    if args.method == "sobol" and args.n & (args.n - 1):
        below, above = 1 << (args.n.bit_length() - 1), 1 << args.n.bit_length()
        notice(f"--n = {args.n} is not a power of two: Sobol points keep their balance only for a power of two (e.g. {below} or {above})")
    frame = design(config, args.n, args.method, args.seed, fixed_paths(overrides))
    from sim.results.files import atomic_path

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(args.out) as tmp:
        frame.to_parquet(tmp, index=False) if args.out.suffix.lower() in PARQUET_SUFFIXES else frame.to_csv(tmp, index=False)
    print(f"Wrote {args.out}: {len(frame)} points ({args.method}) over {frame.shape[1]} free assumptions of scenario {scenario}, policy {policy}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

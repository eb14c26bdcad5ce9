"""sim-analyse discover: which ranges of the inputs lead to collapse, with PRIM from the EMA Workbench.

    sim-analyse discover outputs/2026-12-02/10-00-00                   # a run: its replications.parquet
    sim-analyse discover DIR --outcome failure --boxes 3 --min-coverage 0.4
    sim-analyse discover multirun/2026-12-02/10-00-00 --threshold 0.2  # a sweep: points with P(collapse) >= 0.2
    sim-analyse discover multirun/2026-12-02/10-00-00 --outcome failure  # a sweep: points with P(failure) in its upper quartile

Prints each box with its coverage and density against the overall rate and the input ranges
it keeps, each input by its title (its council's name and the parameter's declared meaning,
then its column), and writes ``discovery.json``, ``discovery.png`` and ``discovery.svg`` into
the folder, all three renamed into place together once written (a failure leaves the earlier
ones, never a mix; ``sim-report`` embeds the figure); ``discovery.json`` keeps the inputs and
limits by column with ``titles`` beside them, the settings (the table read, the outcome and, on a
sweep, the threshold, and PRIM's) and the provenance (model and code versions, command). Needs
the ``[analysis]`` extra (``pip install 'partnership-sim[analysis]'``). Bad input exits with
status 2 (``--threshold`` on a run, too).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from sim.cli.guard import Commit
from sim.config.checks import EXIT_BAD_INPUT, ArgumentParser
from sim.results import provenance
from sim.results.files import DISCOVERY, read_metadata, save_figure, write_json

#: On a sweep, each ``--outcome``'s column of ``sweep.parquet`` (a point's probability of it) and how it is said.
SWEPT_CHANCES = {
    "collapsed": ("outcomes.collapsed.value", "P(collapse)"),
    "shelved": ("outcomes.shelved.value", "P(shelved)"),
    "failure": ("failure.value", "P(failure)"),
}


def _parser() -> ArgumentParser:
    parser = ArgumentParser(prog="sim-analyse discover", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a sim-run folder (replications.parquet) or a sweep folder (sweep.parquet)")
    parser.add_argument(
        "--outcome",
        default=None,
        help="collapsed (default), shelved or failure (shelved, collapsed or underperforming):"
        " on a run, each partnership's; on a sweep, each point's probability of it",
    )
    parser.add_argument("--boxes", type=int, default=2, help="most boxes to find, 1 to 10 (default 2)")
    parser.add_argument("--min-coverage", type=float, default=0.5, help="each box: the densest with at least this coverage, 0 to 1 (default 0.5)")
    parser.add_argument("--peel-alpha", type=float, default=0.05, help="share peeled off at each PRIM step, 0.01 to 0.5 (default 0.05)")
    parser.add_argument("--mass-min", type=float, default=0.05, help="smallest share of cases a box may hold, 0.001 to 0.5 (default 0.05)")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="on a sweep: points with P(outcome) at least this, 0 to 1 (default: the upper quartile of the points)",
    )
    return parser


def _problems(args: argparse.Namespace) -> list[str]:
    from sim.analysis.discover import OUTCOMES

    checks = [
        ("outcome", args.outcome, args.outcome is None or args.outcome in OUTCOMES, f"one of {', '.join(OUTCOMES)}"),
        ("boxes", args.boxes, 1 <= args.boxes <= 10, "a whole number from 1 to 10"),
        ("min-coverage", args.min_coverage, 0 <= args.min_coverage <= 1, "from 0 to 1"),
        ("peel-alpha", args.peel_alpha, 0.01 <= args.peel_alpha <= 0.5, "from 0.01 to 0.5"),
        ("mass-min", args.mass_min, 0.001 <= args.mass_min <= 0.5, "from 0.001 to 0.5"),
        ("threshold", args.threshold, args.threshold is None or 0 <= args.threshold <= 1, "from 0 to 1"),
    ]
    problems = [f"--{name} = {value!r} is not allowed: {allowed}" for name, value, ok, allowed in checks if not ok]
    if not args.folder.is_dir():
        problems.append(f"folder = {str(args.folder)!r} is not a folder")
    elif (args.folder / "replications.parquet").is_file() and not (args.folder / "sweep.parquet").is_file():
        if args.threshold is not None:
            problems.append(f"--threshold = {args.threshold!r} applies to a sweep's points: on a run the cases are its partnerships, by --outcome")
    elif not (args.folder / "sweep.parquet").is_file():
        problems.append(f"folder = {str(args.folder)!r} holds neither replications.parquet (a sim-run folder) nor sweep.parquet (a sweep)")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run PRIM on the folder's table, print the boxes and write the results files."""
    args, problems = _parser().parse_all(argv)
    problems += _problems(args)
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from sim.analysis import discover as d

    try:
        d.prim_module()
    except ImportError:
        print("error: sim-analyse discover needs the EMA Workbench: pip install 'partnership-sim[analysis]'", file=sys.stderr)
        return EXIT_BAD_INPUT
    import pandas as pd

    if (args.folder / "sweep.parquet").is_file():
        from sim.results.report import swept_columns

        table = pd.read_parquet(args.folder / "sweep.parquet")
        if "status" in table.columns:
            table = table[table["status"].astype(str) == "ok"]
        inputs = swept_columns(table)
        outcome = args.outcome or "collapsed"
        column, chance = SWEPT_CHANCES[outcome]
        estimate = table[column].to_numpy(float)
        threshold = float(np.quantile(estimate, 0.75)) if args.threshold is None else args.threshold
        x = table[inputs].reset_index(drop=True)
        what = f"points with {chance} >= {threshold:.1%}"
        found = d.discover(x, estimate >= threshold, what, args.boxes, args.min_coverage, args.peel_alpha, args.mass_min, _sweep_councils(table))
        chosen = {"table": "sweep.parquet", "outcome": outcome, "threshold": threshold, "threshold_given": args.threshold is not None}
    else:
        table = pd.read_parquet(args.folder / "replications.parquet")
        inputs = d.drawn_inputs(table)
        outcome = args.outcome or "collapsed"
        y = d.OUTCOMES[outcome](table["outcome"].astype(str).to_numpy())
        run = read_metadata(args.folder / "replications.parquet")
        councils = d.council_names(str(run.get("scenario", "baseline")), str(run.get("policy", "none")), run.get("point"))
        found = d.discover(table[inputs], y, outcome, args.boxes, args.min_coverage, args.peel_alpha, args.mass_min, councils)
        if "draw" in table.columns and table["draw"].nunique() > 1:  # a run with parameter draws: their assumptions are shared by each draw's cases
            within = table.groupby("draw", observed=True)[inputs].nunique(dropna=False).max()
            found.shared = {name: int(table["draw"].nunique()) for name in inputs if within[name] == 1}
        chosen = {"table": "replications.parquet", "outcome": outcome}
    print(d.render(found))
    settings = {**chosen, "boxes": args.boxes, "min_coverage": args.min_coverage, "peel_alpha": args.peel_alpha, "mass_min": args.mass_min}
    figure = d.discovery_figure(found)
    with Commit.only(args.folder, results=DISCOVERY):  # the three files appear together, or none
        write_json(args.folder / DISCOVERY[0], {**found.to_dict(), "settings": settings, "provenance": provenance.collect()})
        for name in DISCOVERY[1:]:
            save_figure(args.folder / name, figure)
    print(f"Results in {args.folder}: {', '.join(DISCOVERY)}")
    return 0


def _sweep_councils(table: Any) -> list[str]:
    """The councils' names of a sweep whose points share one scenario (and policy); empty otherwise (the titles then number the councils)."""
    from sim.analysis import discover as d

    chosen = {}
    for group in ("scenario", "policy"):
        values = table[group].astype(str).unique() if group in table.columns else ["baseline" if group == "scenario" else "none"]
        if len(values) != 1:
            return []
        chosen[group] = values[0]
    return d.council_names(chosen["scenario"], chosen["policy"])


if __name__ == "__main__":
    sys.exit(main())

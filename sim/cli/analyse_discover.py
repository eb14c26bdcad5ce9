"""sim-analyse discover: which ranges of the inputs lead to collapse, with PRIM from the EMA Workbench.

    sim-analyse discover outputs/2026-12-02/10-00-00                   # a run: its partnerships (replications.parquet)
    sim-analyse discover DIR --outcome failure --boxes 3 --min-coverage 0.4
    sim-analyse discover multirun/2026-12-02/10-00-00 --threshold 0.2  # a sweep: points with P(collapse) >= 0.2
    sim-analyse discover multirun/2026-12-02/10-00-00 --outcome failure  # a sweep: points with P(failure) in its upper quartile
    sim-analyse discover RUN --threshold 0.5          # a run with parameter draws (uncertainty=prior or posterior): draws with P(collapse) >= 0.5
    sim-analyse discover RUN --cases partnerships     # ... or its partnerships, as on a run without draws

Prints each box with its coverage and density against the overall rate and the input ranges
it keeps, each input by its title (its council's name and the parameter's declared meaning,
then its column), and writes ``discovery.json``, ``discovery.png`` and ``discovery.svg`` into
the folder, all three renamed into place together once written (a failure leaves the earlier
ones, never a mix; ``sim-report`` embeds the figure); ``discovery.json`` keeps the inputs and
limits by column with ``titles`` beside them, the settings (the table read, the outcome and, on a
sweep or over draws, the threshold, and PRIM's) and the provenance (model and code versions, command).
On a run with parameter draws (``draws.parquet``) each draw is a case, as a sweep's point is: its
drawn assumptions are the inputs and the share of its replications with the outcome its
probability; the words say how noisy a share of so few replications is. Needs the ``[analysis]``
extra (``pip install 'partnership-sim[analysis]'``). Bad input exits with status 2 (``--threshold``
on a run's partnerships, ``--cases draws`` on a run without draws, too).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from sim.cli.guard import Commit
from sim.config.checks import EXIT_BAD_INPUT, ArgumentParser
from sim.config.settings import NO_POLICY
from sim.results import provenance
from sim.results.files import DISCOVERY, DRAWS, REPLICATIONS, read_metadata, save_figure, write_json
from sim.results.sweep import TABLE

#: What ``--cases`` may name on a run: its parameter draws (``draws.parquet``) or its partnerships.
CASES = ("draws", "partnerships")
#: A run of parameter draws to suggest where a run without them is asked for its draws.
DRAWS_RUN = "sim-run uncertainty=prior replications=2000 replications_per_draw=20"


def _parser() -> ArgumentParser:
    parser = ArgumentParser(prog="sim-analyse discover", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("folder", type=Path, help=f"a sim-run folder ({REPLICATIONS}, with parameter draws also {DRAWS}) or a sweep folder ({TABLE})")
    parser.add_argument(
        "--outcome",
        default=None,
        help="collapsed (default), shelved or failure (shelved, collapsed or underperforming):"
        " on a run's partnerships, each one's; on a sweep or a run's draws, each point's or draw's probability of it",
    )
    parser.add_argument(
        "--cases",
        default=None,
        help=f"on a run: draws (the default on a run with parameter draws: each draw a case, its drawn assumptions in {DRAWS} the inputs,"
        " the share of its replications with the outcome its probability) or partnerships (the default, and the only cases, on a run"
        " without draws: each replication a case, the parameters it drew the inputs)",
    )
    parser.add_argument("--boxes", type=int, default=2, help="most boxes to find, 1 to 10 (default 2)")
    parser.add_argument("--min-coverage", type=float, default=0.5, help="each box: the densest with at least this coverage, 0 to 1 (default 0.5)")
    parser.add_argument("--peel-alpha", type=float, default=0.05, help="share peeled off at each PRIM step, 0.01 to 0.5 (default 0.05)")
    parser.add_argument("--mass-min", type=float, default=0.05, help="smallest share of cases a box may hold, 0.001 to 0.5 (default 0.05)")
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="on a sweep or a run's draws: points or draws with P(outcome) at least this, 0 to 1 (default: their upper quartile)",
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
        ("cases", args.cases, args.cases is None or args.cases in CASES, f"one of {', '.join(CASES)}"),
    ]
    problems = [f"--{name} = {value!r} is not allowed: {allowed}" for name, value, ok, allowed in checks if not ok]
    folder = str(args.folder)
    if not args.folder.is_dir():
        problems.append(f"folder = {folder!r} is not a folder")
    elif (args.folder / TABLE).is_file():
        if args.cases is not None:
            problems.append(f"--cases = {args.cases!r} applies to a run: a sweep's cases are its points")
    elif not (args.folder / REPLICATIONS).is_file():
        problems.append(f"folder = {folder!r} holds neither {REPLICATIONS} (a sim-run folder) nor {TABLE} (a sweep)")
    elif args.cases == "draws" and not (args.folder / DRAWS).is_file():
        problems.append(
            f"--cases = 'draws' needs a run with parameter draws, and {folder!r} has none (no {DRAWS}, as a run with uncertainty=none has none):"
            f" run {DRAWS_RUN} (or uncertainty=posterior), or leave out --cases to search its partnerships"
        )
    elif args.threshold is not None and _cases(args) == "partnerships":
        problems.append(f"--threshold = {args.threshold!r} applies to a sweep's points or a run's draws: a run's partnerships are cases by --outcome alone")
    return problems


def _cases(args: argparse.Namespace) -> str:
    """The cases of a run folder: ``--cases`` as given, else its draws where it has them, else its partnerships."""
    return args.cases or ("draws" if (args.folder / DRAWS).is_file() else "partnerships")


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

    outcome = args.outcome or "collapsed"
    if (args.folder / TABLE).is_file():
        from sim.analysis.plots import sweep_estimate
        from sim.results.report import swept_columns

        table = pd.read_parquet(args.folder / TABLE)
        if "status" in table.columns:
            table = table[table["status"].astype(str) == "ok"]
        inputs = swept_columns(table)
        problem = _sweep_problem(args.folder, table, inputs, sweep_estimate(outcome)[0])
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return EXIT_BAD_INPUT
        estimate = table[sweep_estimate(outcome)[0]].to_numpy(float)
        chances = d.Chances("point", table[inputs].reset_index(drop=True), estimate, table["replications"].to_numpy(float))
        councils, chosen = _sweep_councils(table), {"table": TABLE}
    elif _cases(args) == "draws":
        replications = pd.read_parquet(args.folder / REPLICATIONS, columns=["draw", "outcome"])
        try:
            chances = d.draw_chances(replications, pd.read_parquet(args.folder / DRAWS), outcome)
        except ValueError as error:
            print(f"error: folder = {str(args.folder)!r}: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        councils, chosen = _run_councils(args.folder), {"table": DRAWS, "cases": "draws"}
    else:
        chances = None
        table = pd.read_parquet(args.folder / REPLICATIONS)
        inputs = d.drawn_inputs(table)
        y = d.OUTCOMES[outcome](table["outcome"].astype(str).to_numpy())
        found = d.discover(table[inputs], y, outcome, args.boxes, args.min_coverage, args.peel_alpha, args.mass_min, _run_councils(args.folder))
        if "draw" in table.columns and table["draw"].nunique() > 1:  # a run with parameter draws: their assumptions are shared by each draw's cases
            within = table.groupby("draw", observed=True)[inputs].nunique(dropna=False).max()
            found.shared = {name: int(table["draw"].nunique()) for name in inputs if within[name] == 1}
        chosen = {"table": REPLICATIONS, "cases": "partnerships", "outcome": outcome}
    if chances is not None:  # a sweep's points or a run's draws: each case a probability, of interest at or above the threshold
        threshold = float(np.quantile(chances.estimate, 0.75)) if args.threshold is None else args.threshold
        found = d.discover_chances(chances, outcome, threshold, args.boxes, args.min_coverage, args.peel_alpha, args.mass_min, councils)
        chosen |= {"outcome": outcome, "threshold": threshold, "threshold_given": args.threshold is not None}
    print(d.render(found))
    settings = {**chosen, "boxes": args.boxes, "min_coverage": args.min_coverage, "peel_alpha": args.peel_alpha, "mass_min": args.mass_min}
    figure = d.discovery_figure(found)
    with Commit.only(args.folder, results=DISCOVERY):  # the three files appear together, or none
        write_json(args.folder / DISCOVERY[0], {**found.to_dict(), "settings": settings, "provenance": provenance.collect()})
        for name in DISCOVERY[1:]:
            save_figure(args.folder / name, figure)
    print(f"Results in {args.folder}: {', '.join(DISCOVERY)}")
    return 0


def _sweep_problem(folder: Path, table: Any, inputs: list[str], estimate: str) -> str | None:
    """Why the completed points ``table`` of the sweep in ``folder`` give PRIM no cases to search (None: they do).

    Its points must be ``sim-run``'s (their probability in the column ``estimate``; a sweep of ``sim-compare``,
    ``sim-search`` or ``sim-calibrate`` has none), two or more, and differ in some swept value (``inputs``).
    """
    named = f"folder = {str(folder)!r}"
    if len(table) and estimate not in table.columns:
        sweeps = "a sweep of sim-compare, sim-search or sim-calibrate"
        return f"{named} holds a sweep whose points have no {estimate} ({sweeps}): discover reads a sim-run sweep or run"
    if len(table) < 2 or not inputs:
        found = f"{len(table)} completed point{'' if len(table) == 1 else 's'}" + (" sharing every swept value" if len(table) > 1 else "")
        return f"{named}: its {TABLE} holds {found}: PRIM needs two or more whose swept values differ (sim-collect {folder} brings the table up to date)"
    return None


def _run_councils(folder: Path) -> list[str]:
    """The councils' names of the run in ``folder``, from its replication table's metadata (empty where its scenario cannot be composed here)."""
    from sim.analysis import discover as d

    run = read_metadata(folder / REPLICATIONS)
    return d.council_names(str(run.get("scenario", "baseline")), str(run.get("policy", NO_POLICY)), run.get("point"))


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

"""sim-report: one self-contained HTML report of a results folder (a run, a comparison or a sweep).

    sim-report outputs/2026-12-02/10-00-00                # writes report.html and figures/*.png, *.svg there
    sim-report multirun/2026-12-02/10-00-00 --output sweep.html

The report holds the plain-language summary, the figures (embedded, so the page needs no
network and no other file), tables, any other figures and small tables the folder holds,
the statistical detail, provenance from ``summary.json`` and the model's limitations
(see :mod:`sim.results.report`). A folder that is not a results folder exits with status 2, as does a sweep's
whose table is not written yet (stopped, or still running: ``sim-collect`` writes it).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from sim.cli import guard
from sim.config.checks import EXIT_BAD_INPUT, ArgumentParser
from sim.results.files import FIGURES
from sim.results.report import REPORT, ReportError, write
from sim.results.sweep import TABLE, records, sweep_info


def main(argv: list[str] | None = None) -> int:
    """Console entry point ``sim-report``. Faults of the environment and stop signals end with one line (exit 3, 128 + signal)."""
    return guard.protect(lambda: _main(argv), option="--output ...")


def _main(argv: list[str] | None) -> int:
    parser = ArgumentParser(prog="sim-report", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a results folder: sim-run's (summary.json), sim-compare's (comparison.parquet) or a sweep's (sweep.parquet)")
    parser.add_argument("--output", type=Path, default=None, help=f"where to write the page (default: FOLDER/{REPORT}); figures go to FOLDER/figures")
    args = parser.parse_args(argv)
    if args.output is not None and (problems := guard.out_file_problems(args.output, "the HTML file", f" (e.g. {args.output / REPORT})", "--output")):
        for line in problems:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not (args.folder / TABLE).is_file() and sweep_info(args.folder):
        # a sweep stopped, still running or whose jobs crashed: its table is not written yet
        again = f"sim-collect {shlex.quote(str(args.folder))} builds it from the points finished, then sim-report reads it"
        if not records(args.folder):
            again = "none of its points has started, so there is nothing to report yet"
        print(f"error: folder = {str(args.folder)!r} is a sweep's folder without its table ({TABLE}) yet: {again}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        with guard.Commit.only(args.folder, subfolders=(FIGURES,)):  # the page and its figures together
            path = write(args.folder, args.output)
    except ReportError as err:
        print(f"error: folder = {str(args.folder)!r}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

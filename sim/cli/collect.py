"""sim-collect: build a sweep's table from whatever points finished, and say where the sweep stands.

    sim-collect multirun/2026-12-02/17-10-06        # writes sweep.parquet, sweep.csv (and failures.csv)
    sim-collect DIR --report                         # only the progress line: points done, speed, time left
                                                     # (none once the sweep is not running: killed, stopped)

The same table ``sim-run`` writes when a sweep ends (:mod:`sim.results.sweep`), built from the
points' own records, so it works while a sweep runs (on a cluster, from any machine that sees
the shared folder), after a job crashed (Hydra then skips its end-of-sweep step) and for a
design's run folder. Exits with status 3 if any point failed, 2 if the folder holds no point.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.cli import guard
from sim.config.checks import ArgumentParser
from sim.results import sweep as results
from sim.results.lock import still_held

EXIT_NO_POINTS = 2
EXIT_POINTS_FAILED = 3


def collect_table(sweep_dir: Path) -> results.Collected:
    """Collect the table of the sweep in ``sweep_dir`` (:func:`sim.results.sweep.collect`), its files renamed into place together.

    ``sweep.parquet``, ``sweep.csv``, ``failures.csv`` and a ``sim-compare`` sweep's ``comparisons.parquet`` and ``.csv`` (removed if no point failed) replace
    the earlier ones all at once: a stop before leaves the earlier table whole, not a new
    ``sweep.parquet`` beside the earlier ``sweep.csv``; once they are in place, the table is
    written and a stop no longer changes that (:class:`~sim.cli.guard.Commit`).
    """
    with guard.Commit.only(sweep_dir, results=(results.TABLE, results.TABLE_CSV, results.FAILURES, results.COMPARISONS, results.COMPARISONS_CSV)):
        return results.collect(sweep_dir)


def main(argv: list[str] | None = None) -> int:
    """Console entry point ``sim-collect``. Faults of the environment and stop signals end with one line (exit 3, 128 + signal)."""
    return guard.protect(lambda: _main(argv), option="")


def _main(argv: list[str] | None) -> int:
    parser = ArgumentParser(prog="sim-collect", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a sweep folder (multirun) or a design's run folder")
    parser.add_argument("--report", action="store_true", help="print where the sweep stands; write nothing")
    args = parser.parse_args(argv)
    named, reads = f"folder = {str(args.folder)!r}", "sim-collect reads a multirun's folder or a design's run folder"
    if not args.folder.is_dir():
        print(f"error: {named} is not a folder", file=sys.stderr)
        return EXIT_NO_POINTS
    if (args.folder / results.POINT).is_file():
        print(f"error: {named} is one run's folder, not a sweep's: {reads}", file=sys.stderr)
        return EXIT_NO_POINTS
    if results.sweep_info(args.folder) == {} and results.records(args.folder):
        # every sweep writes its sweep.json (a design its points/sweep.json) as it starts: these records are of runs of their own
        unmarked = f"holds runs' records but no {results.SWEEP}, which every sweep writes as it starts"
        print(f"error: {named} {unmarked}: they are not one sweep's; {reads}", file=sys.stderr)
        return EXIT_NO_POINTS
    collected = results.gather(args.folder) if args.report else collect_table(args.folder)
    if not collected.rows:
        print(f"error: {named} holds no point records (point.json): {reads}", file=sys.stderr)
        return EXIT_NO_POINTS
    stopped = still_held(args.folder) is False
    print(f"{args.folder}: {collected.report(ended=stopped)}")
    for line in collected.posterior_notes():
        print(line)
    if stopped and collected.expected and collected.done < collected.expected:
        left = collected.expected - collected.done
        again = results.command_line(results.sweep_info(args.folder), resume=True)
        runs = f"; to run {'it' if left == 1 else 'them'}: {again}" if again else " (its command again with resume=true runs them)"
        print(f"The sweep is not running: {left} of its points {'is' if left == 1 else 'are'} not done{runs}")
    if not args.report:
        print(f"Sweep table: {args.folder / results.TABLE} ({results.rows_words(len(collected.rows))}; also {results.TABLE_CSV})")
        if (args.folder / results.COMPARISONS).is_file():
            print(f"Comparisons: {args.folder / results.COMPARISONS} (one row per point and policy; also {results.COMPARISONS_CSV})")
    for line in collected.failure_lines():
        print(line)
    if collected.failed:
        print(
            f"error: {collected.failed_line()}" + ("" if args.report else f" (reasons in {args.folder / results.FAILURES})"),
            file=sys.stderr,
        )
        return EXIT_POINTS_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``sim-validate``: run the evidence that the model behaves as the cases say and write it to Markdown.

sim-validate                          # 3,000 replications per run -> docs/validation.md
sim-validate --replications 500 --robustness 0 --out /tmp/validation.md

It runs every case scenario with and without each lever and with its own mechanism switched off
(same random numbers), the baseline's patterns, and (unless ``--robustness 0``) the baseline at the
low and high ends of each assumption's plausible range. Every check printed could have failed.

Bad arguments exit with status 2 and one ``error:`` line each; a fault writing the output (a full
disk, a read-only folder) with status 3 and one line; a signal with 128 + its number. The
Markdown file is replaced only when it is complete.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.cli import guard
from sim.config.checks import ArgumentParser
from sim.config.settings import MAX_SEED, MAX_WORKERS

MIN_REPLICATIONS, MAX_REPLICATIONS = 100, 10_000_000


def _problems(args: argparse.Namespace) -> list[str]:
    """One line per argument outside its range, and an ``--out`` that cannot be written (all of them at once)."""
    problems = [
        f"--{name} = {value} is outside [{low}, {high}]"
        for name, value, low, high in (
            ("replications", args.replications, MIN_REPLICATIONS, MAX_REPLICATIONS),
            ("robustness", args.robustness, 0, MAX_REPLICATIONS),
            ("seed", args.seed, 0, MAX_SEED),
        )
        if not low <= value <= high
    ]
    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        problems.append(f"--workers = {args.workers} is outside [1, {MAX_WORKERS}]")
    # the page and its figures folder beside it: refused before the runs, not after
    return problems + guard.out_file_problems(args.out, "the Markdown file")


def _run(argv: Sequence[str] | None) -> int:
    parser = ArgumentParser(prog="sim-validate", description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--replications", type=int, default=3000, help=f"replications per run, integer in [{MIN_REPLICATIONS}, {MAX_REPLICATIONS}] (default 3000)"
    )
    parser.add_argument(
        "--robustness",
        type=int,
        default=1500,
        help=f"replications per run of the robustness table, integer in [0, {MAX_REPLICATIONS}]; 0 skips it (default 1500)",
    )
    parser.add_argument("--workers", type=int, default=None, help=f"threads, integer in [1, {MAX_WORKERS}] (default: every core)")
    parser.add_argument("--seed", type=int, default=1, help=f"seed, integer in [0, {MAX_SEED}] (default 1)")
    parser.add_argument("--out", type=Path, default=Path("docs/validation.md"), help="Markdown file to write (default docs/validation.md)")
    args, problems = parser.parse_all(argv)
    problems += _problems(args)
    if problems:
        for line in problems:
            guard.error(line)
        return guard.EXIT_BAD_INPUT
    from sim.analysis.validation import collect, plot, render  # the model and its figures: only when running
    from sim.config.settings import available_cores
    from sim.results.files import atomic_path

    evidence = collect(args.replications, args.seed, args.robustness, args.workers or available_cores())
    figures = plot(evidence, args.out.parent / "validation")
    with atomic_path(args.out) as tmp:
        tmp.write_text(render(evidence, figures), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: run on ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    return guard.protect(lambda: _run(argv), option="--out ...")


if __name__ == "__main__":
    sys.exit(main())

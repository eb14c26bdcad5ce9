"""``sim-validate``: run the evidence that the model behaves as the cases say and write it to Markdown.

sim-validate                          # 2,000 replications per run -> docs/validation.md
sim-validate --replications 500 --out /tmp/validation.md

Bad arguments exit with status 2 and one line; a fault writing the output (a full disk, a
read-only folder) with status 3 and one line; a signal with 128 + its number. The Markdown
file is replaced only when it is complete.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sim.cli import guard
from sim.config.settings import MAX_SEED

MIN_REPLICATIONS, MAX_REPLICATIONS = 100, 10_000_000


class _Parser(argparse.ArgumentParser):
    """argparse with one ``error:`` line (no usage block) for bad arguments."""

    def error(self, message: str) -> NoReturn:
        guard.error(f"{message} (see {self.prog} --help)")
        raise SystemExit(guard.EXIT_BAD_INPUT)


def _run(argv: Sequence[str] | None) -> int:
    parser = _Parser(prog="sim-validate", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--replications", type=int, default=2000, help=f"replications per run ({MIN_REPLICATIONS} to {MAX_REPLICATIONS})")
    parser.add_argument("--seed", type=int, default=1, help=f"seed (0 to {MAX_SEED})")
    parser.add_argument("--out", type=Path, default=Path("docs/validation.md"), help="Markdown file to write")
    args = parser.parse_args(argv)
    if not MIN_REPLICATIONS <= args.replications <= MAX_REPLICATIONS:
        parser.error(f"--replications = {args.replications} is outside [{MIN_REPLICATIONS}, {MAX_REPLICATIONS}]")
    if not 0 <= args.seed <= MAX_SEED:
        parser.error(f"--seed = {args.seed} is outside [0, {MAX_SEED}]")
    if args.out.is_dir():
        parser.error(f"--out = {args.out} is a folder: give the Markdown file to write")
    from sim.analysis.validation import collect, plot, render  # the model and its figures: only when running
    from sim.results.files import atomic_path

    evidence = collect(args.replications, args.seed)
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

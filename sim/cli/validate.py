"""``sim-validate``: run the evidence that the model behaves as the cases say and write it to Markdown.

sim-validate                          # 3,000 replications per run -> docs/validation.md
sim-validate --replications 500 --robustness 0 --out /tmp/validation.md

It runs every case scenario with and without each lever and with its own mechanism switched off
(same random numbers), the baseline's patterns, and (unless ``--robustness 0``) the baseline at the
low and high ends of each assumption's plausible range. Every check printed could have failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from sim.analysis.validation import collect, plot, render


def main(argv: list[str] | None = None) -> int:
    """Console entry point."""
    parser = argparse.ArgumentParser(prog="sim-validate", description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=3000, help="replications per run, integer in [100, inf) (default 3000)")
    parser.add_argument(
        "--robustness", type=int, default=1500, help="replications per run of the robustness table, integer in [0, inf); 0 skips it (default 1500)"
    )
    parser.add_argument("--workers", type=int, default=None, help="threads, integer in [1, inf) (default: every core)")
    parser.add_argument("--seed", type=int, default=1, help="seed, integer in [0, inf) (default 1)")
    parser.add_argument("--out", type=Path, default=Path("docs/validation.md"), help="Markdown file to write (default docs/validation.md)")
    args = parser.parse_args(argv)
    problems = [
        f"sim-validate: --{name} = {value} is outside [{low}, inf)"
        for name, value, low in (("replications", args.replications, 100), ("robustness", args.robustness, 0), ("seed", args.seed, 0))
        if value < low
    ]
    if args.workers is not None and args.workers < 1:
        problems.append(f"sim-validate: --workers = {args.workers} is outside [1, inf)")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    from sim.config.settings import available_cores

    evidence = collect(args.replications, args.seed, args.robustness, args.workers or available_cores())
    figures = plot(evidence, args.out.parent / "validation")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=args.out.parent, delete=False, suffix=".tmp") as handle:
        handle.write(render(evidence, figures))
    os.replace(handle.name, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``sim-validate``: run the evidence that the model behaves as the cases say and write it to Markdown.

sim-validate                          # 2,000 replications per run -> docs/validation.md
sim-validate --replications 500 --out /tmp/validation.md
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
    parser.add_argument("--replications", type=int, default=2000, help="replications per run (>= 100)")
    parser.add_argument("--seed", type=int, default=1, help="seed (>= 0)")
    parser.add_argument("--out", type=Path, default=Path("docs/validation.md"), help="Markdown file to write")
    args = parser.parse_args(argv)
    if args.replications < 100:
        parser.error(f"--replications = {args.replications} is outside [100, inf)")
    if args.seed < 0:
        parser.error(f"--seed = {args.seed} is outside [0, inf)")
    evidence = collect(args.replications, args.seed)
    figures = plot(evidence, args.out.parent / "validation")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=args.out.parent, delete=False, suffix=".tmp") as handle:
        handle.write(render(evidence, figures))
    os.replace(handle.name, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

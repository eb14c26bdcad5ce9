"""sim-analyse: analyses of a results folder or of the model, one subcommand each.

    sim-analyse discover outputs/2026-12-02/10-00-00        # which ranges of inputs lead to collapse (PRIM)
    sim-analyse sensitivity scenario=baseline replications=200   # which assumptions matter (Morris, then Sobol)
    sim-analyse design --n 200 --method lhs --out points.csv    # a design over the assumptions' plausible ranges
    sim-analyse discover --help

Each subcommand lives in its own module with a ``main(argv) -> int``; :data:`SUBCOMMANDS`
names them, so adding an analysis is one line here.
"""

from __future__ import annotations

import importlib
import sys

from sim.cli import guard
from sim.config.checks import EXIT_BAD_INPUT

#: Subcommand -> (module with ``main(argv) -> int``, what it does in a line).
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "discover": ("sim.cli.analyse_discover", "which ranges of the inputs lead to collapse: PRIM boxes with coverage and density"),
    "sensitivity": ("sim.cli.analyse_sensitivity", "which assumptions matter: Morris screening of every free assumption, then Sobol indices of the top ones"),
    "design": ("sim.cli.analyse_design", "a design CSV over the free assumptions' plausible ranges (Latin hypercube), one row of overrides per point"),
}


def usage() -> str:
    """The list of subcommands."""
    width = max(len(name) for name in SUBCOMMANDS) + 2
    lines = ["usage: sim-analyse SUBCOMMAND [FOLDER] [options]   (sim-analyse SUBCOMMAND --help for its options)", "", "subcommands:"]
    return "\n".join(lines + [f"  {name:<{width}}{doc}" for name, (_, doc) in SUBCOMMANDS.items()])


def main(argv: list[str] | None = None) -> int:
    """Console entry point ``sim-analyse``: run the subcommand named first.

    Faults of the environment and stop signals end with one line (exit 3, 128 + signal).
    """
    return guard.protect(lambda: _main(argv), option="")


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(usage())
        return 0
    if not argv:
        print(f"error: subcommand is missing: give one of {', '.join(SUBCOMMANDS)} (sim-analyse --help)", file=sys.stderr)
        return EXIT_BAD_INPUT
    name, rest = argv[0], argv[1:]
    if name not in SUBCOMMANDS:
        print(f"error: subcommand = {name!r} is not known (available: {', '.join(SUBCOMMANDS)})", file=sys.stderr)
        return EXIT_BAD_INPUT
    return int(importlib.import_module(SUBCOMMANDS[name][0]).main(rest))


if __name__ == "__main__":
    sys.exit(main())

"""sim-analyse: analyses of the model, one subcommand each.

    sim-analyse sensitivity [scenario=NAME] [policy=NAME] [SETTING=VALUE ...] [PARAMETER=VALUE ...]
    sim-analyse design --n 200 --method lhs --out points.csv [scenario=NAME] [PARAMETER=VALUE ...]
    sim-analyse SUBCOMMAND --help

Each subcommand lives in its own module (``sim/cli/analyse_<name>.py``) with a ``main(argv)``
returning the exit status; :data:`SUBCOMMANDS` is the table this dispatcher reads.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from sim.cli.common import EXIT_BAD_INPUT

#: Subcommand -> (module with ``main(argv) -> int``, what it does in a line).
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sensitivity": ("sim.cli.analyse_sensitivity", "Morris screening of every free assumption, then Sobol indices of the top ones (SALib)"),
    "design": ("sim.cli.analyse_design", "a design CSV over the free assumptions' plausible ranges (Latin hypercube), one row per point"),
}


def usage() -> str:
    """The command's help: its subcommands, each in a line."""
    width = max(map(len, SUBCOMMANDS)) + 2
    lines = ["usage: sim-analyse SUBCOMMAND [ARGS ...]   (sim-analyse SUBCOMMAND --help for its settings)", "", "subcommands:"]
    lines += [f"  {name:<{width}}{what}" for name, (_, what) in SUBCOMMANDS.items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``sim-analyse``: run the subcommand named first."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else EXIT_BAD_INPUT
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        print(f"error: sim-analyse {name!r} is not a subcommand (available: {', '.join(SUBCOMMANDS)})", file=sys.stderr)
        return EXIT_BAD_INPUT
    module = importlib.import_module(SUBCOMMANDS[name][0])
    return int(module.main(rest))


if __name__ == "__main__":
    sys.exit(main())

"""One checker of a value against its declared :class:`~sim.core.declare.Spec`, one line per problem.

Model parameters (:mod:`sim.config.model`) and the commands' settings
(:mod:`sim.config.settings`) are checked here alike: each problem is one line naming the
parameter, the value and what is allowed.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any, NoReturn

from sim.core.declare import Spec

#: The exit status of every command refusing bad input (one line per problem, nothing written).
EXIT_BAD_INPUT = 2


class ConfigError(ValueError):
    """A configuration with problems; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def _render_traceback_(self) -> list[str]:
        """How IPython and Jupyter show it: one line per problem, no traceback (the fault is in the input, not the code)."""
        return [f"ConfigError: {problem}" for problem in self.problems]


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose bad arguments give one ``error:`` line naming the command's ``--help`` (no usage block), and :data:`EXIT_BAD_INPUT`."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` as one line and exit with :data:`EXIT_BAD_INPUT`."""
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr, flush=True)
        raise SystemExit(EXIT_BAD_INPUT)


def fmt(x: Any) -> str:
    """A number as the user would write it."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def allowed(spec: Spec) -> str:
    """The allowed range of a number, e.g. ``[0, 1]``."""
    return f"[{fmt(spec.lo)}, {fmt(spec.hi)}]"


def check_number(path: str, value: Any, spec: Spec) -> list[str]:
    """Problems with a fixed number for ``spec`` (empty if fine)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [f"{path} = {value!r} is not a number (allowed: {allowed(spec)})"]
    if isinstance(value, float) and not math.isfinite(value):
        return [f"{path} = {fmt(value)} is outside {allowed(spec)}"]
    if spec.integer and isinstance(value, float) and not value.is_integer():
        return [f"{path} = {fmt(value)} is not a whole number (allowed: {allowed(spec)})"]
    if (spec.lo is not None and value < spec.lo) or (spec.hi is not None and value > spec.hi):
        return [f"{path} = {fmt(value)} is outside {allowed(spec)}"]
    return []


def check_fixed(path: str, value: Any, spec: Spec) -> list[str]:
    """Problems with a fixed (not drawn) value of any kind: a switch, text, a category or a number."""
    if spec.unit == "flag":
        return [] if isinstance(value, bool) else [f"{path} = {value!r} must be true or false"]
    if spec.unit == "text":
        return [] if isinstance(value, str) else [f"{path} = {value!r} must be text"]
    if spec.choices:
        return [] if value in spec.choices else [f"{path} = {value!r} is not one of {', '.join(spec.choices)}"]
    return check_number(path, value, spec)

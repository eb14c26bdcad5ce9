"""One checker of a value against its declared :class:`~sim.core.declare.Spec`, one line per problem.

Model parameters (:mod:`sim.config.model`) and the commands' settings
(:mod:`sim.config.settings`) are checked here alike: each problem is one line naming the
parameter, the value and what is allowed.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import inspect
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import numpy as np

from sim.core.declare import Spec

#: The exit status of every command refusing bad input (one line per problem, nothing written).
EXIT_BAD_INPUT = 2


class ConfigError(ValueError):
    """A configuration with problems; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def _render_traceback_(self) -> list[str]:
        """How IPython and Jupyter show it: one line per problem, no traceback (the fault is in the input, not the code)."""
        return [f"ConfigError: {problem}" for problem in self.problems]


#: A function given to :func:`arguments_checked`.
Function = TypeVar("Function", bound=Callable[..., Any])


def did_you_mean(key: str, known: Sequence[str]) -> str:
    """`` (did you mean X?)`` with the name in ``known`` closest to a misspelt ``key``, or an empty string when none is close."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def argument_problems(shown: str, signature: inspect.Signature, args: Sequence[Any], kwargs: dict[str, Any]) -> list[str]:
    """One line per argument a call of ``shown`` cannot take: a name it has not (with the closest it has), one too many by position, one missing.

    Parameters
    ----------
    shown
        The function as the user calls it (``sim.compare``).
    signature
        Its signature (``self`` included for a method: ``args`` then holds the instance).
    args, kwargs
        The call's arguments.
    """
    try:
        signature.bind(*args, **kwargs)
    except TypeError as error:
        kinds = {name: p.kind for name, p in signature.parameters.items()}
        names = [name for name, kind in kinds.items() if name != "self" and kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
        by_position = [name for name, kind in kinds.items() if kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        problems = []
        if inspect.Parameter.VAR_KEYWORD not in kinds.values():
            problems += [
                f"{shown}: {key}= is not one of its arguments{did_you_mean(key, names)} (they are: {', '.join(names)})" for key in kwargs if key not in names
            ]
        if len(args) > len(by_position) and inspect.Parameter.VAR_POSITIONAL not in kinds.values():
            first = ", ".join(name for name in by_position if name != "self")
            problems.append(f"{shown}: {len(args) - ('self' in kinds)} arguments given by position, where it takes only {first} so: give the others by name")
        given = set(kwargs) | set(by_position[: len(args)])
        problems += [
            f"{shown}: {name} is missing (it has no default)"
            for name, p in signature.parameters.items()
            if p.default is p.empty
            and p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
            and name not in given
        ]
        return problems or [f"{shown}: {error}"]
    return []


def arguments_checked(shown: str) -> Callable[[Function], Function]:
    """A decorator: calls of the function refuse arguments it cannot take with :func:`argument_problems`' lines, as a :class:`ConfigError`.

    Python's own ``TypeError`` ("got an unexpected keyword argument 'replication'") shows in a
    notebook as a traceback and names no argument the function does take; the function's
    signature and behaviour are otherwise unchanged.
    """

    def decorate(function: Function) -> Function:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            problems = argument_problems(shown, signature, args, kwargs)
            if problems:
                raise ConfigError(problems)
            return function(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


#: What a value of each argument type must be, as a problem line says it.
_TYPE_WORDS = {int: "a whole number", float: "a number"}


class _Bad:
    """An argument's value that could not be read (its problem is noted; the option keeps its default)."""


class _Unparsed(Exception):
    """argparse gave up on the arguments (an option without its value, a required one missing): its message."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose bad arguments are all reported, one ``error:`` line each, with :data:`EXIT_BAD_INPUT` (no usage block).

    A value of the wrong type or outside the choices is noted and parsing goes on, the option
    keeping its default, so that every such value and any unrecognised argument is named at
    once (:meth:`parse_all` hands them to the command, to report with its own checks). An
    option must be typed in full: argparse's default took ``--replication`` for
    ``--replications``, so a line from older docs could run with whichever option its
    shortened name happens to start; an option not known is named with the closest known one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def parse_all(self, args: Sequence[str] | None = None) -> tuple[argparse.Namespace, list[str]]:
        """The arguments parsed, and one line per value that could not be read or argument not recognised.

        Parameters
        ----------
        args : sequence of str, optional
            The arguments as typed (default ``sys.argv[1:]``).

        Returns
        -------
        tuple
            The namespace (a bad value replaced by its option's default, which the command's
            own range checks then pass) and the problem lines, without ``error:``.
        """
        args = list(sys.argv[1:] if args is None else args)
        unread: list[str] = []  # options given without their value: named, then left out so that the rest is read
        while True:
            self._noted: list[str] = []
            self._bad: set[str] = set()
            self._reading = True
            try:
                namespace, extras = self.parse_known_args(args)
                break
            except _Unparsed as err:
                at = _valueless(args, str(err))
                if at is None:
                    self.fail([*self._noted, *unread, f"{err} (see {self.prog} --help)"])
                unread.append(f"{err} (see {self.prog} --help)")
                args = args[:at] + args[at + 1 :]
            finally:
                self._reading = False
        for action in self._actions:
            if action.dest in self._bad:
                setattr(namespace, action.dest, action.default)
        problems = [*self._noted, *unread, *([f"unrecognized arguments: {' '.join(extras)}{self._closest(extras)} (see {self.prog} --help)"] if extras else [])]
        return namespace, problems

    def parse_args(self, args: Sequence[str] | None = None, namespace: None = None) -> argparse.Namespace:  # type: ignore[override]
        """The parsed arguments; exits with one ``error:`` line per problem found by :meth:`parse_all`."""
        parsed, problems = self.parse_all(args)
        if problems:
            self.fail(problems)
        return parsed

    def fail(self, problems: Sequence[str]) -> NoReturn:
        """Print one ``error:`` line per problem and exit with :data:`EXIT_BAD_INPUT`."""
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr, flush=True)
        raise SystemExit(EXIT_BAD_INPUT)

    def error(self, message: str) -> NoReturn:
        """Hand ``message`` (an argument missing or without its value) to :meth:`parse_all`; outside it, print it with the problems noted so far and exit."""
        if getattr(self, "_reading", False):
            raise _Unparsed(message)
        self.fail([f"{message} (see {self.prog} --help)"])

    def _closest(self, extras: Sequence[str]) -> str:
        """``; did you mean --replications?`` for each option in ``extras`` close to a known one (empty if none is)."""
        known = [o for action in self._actions for o in action.option_strings if o.startswith("--")]
        said = []
        for typed in (o.split("=", 1)[0] for o in extras if o.startswith("--")):
            started = [o for o in known if o.startswith(typed)]
            match = started if len(started) == 1 else difflib.get_close_matches(typed, known, n=1, cutoff=0.8)
            said += [f"{typed} -> {match[0]}"] if match else []
        return f"; did you mean {', '.join(said)}?" if said else ""

    def _name(self, action: argparse.Action) -> str:
        return "/".join(action.option_strings) or str(action.metavar or action.dest)

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        """The value converted by the option's type; one that cannot be is noted (see :meth:`parse_all`)."""
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as err:
            if not getattr(self, "_reading", False):
                raise
            kind = _TYPE_WORDS.get(action.type, getattr(action.type, "__name__", "valid"))  # type: ignore[call-overload]
            read = err.message.startswith("invalid ") and err.message.endswith(f"value: {arg_string!r}")  # argparse's own words: said plainly
            detail = f"is not {kind}" if read else f"is not allowed: {err.message}"
            self._noted.append(f"{self._name(action)} = {arg_string!r} {detail} (see {self.prog} --help)")
            self._bad.add(action.dest)
            return _Bad()

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """Note a value outside the option's choices (see :meth:`parse_all`)."""
        if isinstance(value, _Bad):
            return
        if action.choices is not None and value not in action.choices and getattr(self, "_reading", False):
            self._noted.append(f"{self._name(action)} = {value!r} is not one of {', '.join(map(str, action.choices))}")
            self._bad.add(action.dest)
            return
        super()._check_value(action, value)


def _valueless(args: Sequence[str], message: str) -> int | None:
    """Where in ``args`` the option that argparse's ``message`` says lacks its value was typed (None: another problem)."""
    name, _, why = message.partition(": ")
    if not (name.startswith("argument ") and why.startswith("expected ")):
        return None
    options = set(name.removeprefix("argument ").split("/"))
    for at in range(len(args) - 1, -1, -1):
        if args[at] in options and (at + 1 == len(args) or args[at + 1].startswith("-")):
            return at
    return None


def shown(value: object) -> str:
    """A value as a problem line shows it: its repr, or its type when the repr is long (a whole configuration)."""
    text = repr(value)
    return text if len(text) <= 40 else f"a {type(value).__name__}"


def fmt(x: Any) -> str:
    """A number as the user would write it."""
    return f"{x:g}" if isinstance(x, float) else str(x)


def allowed(spec: Spec) -> str:
    """The allowed range of a number, e.g. ``[0, 1]``."""
    return f"[{fmt(spec.lo)}, {fmt(spec.hi)}]"


def _percentage(value: Any) -> float | None:
    """The share a percentage written as text stands for (``'20%'``: 0.2), or None when ``value`` is not one from 0% to 100%."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else None
    except ValueError:
        return None
    return share if share is not None and 0 <= share <= 1 else None


#: The least sum above a range in GBP m read as typed in pounds (a user's 1500000 for GBP 1.5 m).
_POUNDS = 10_000


def _share_hint(percent: str, share: float) -> str:
    """The hint for a share typed as a percentage: `` (a share from 0 to 1: 80% is 0.8)``."""
    return f" (a share from 0 to 1: {percent} is {fmt(share)})"


def plain(value: Any) -> Any:
    """A NumPy number as the Python number it holds (``np.int64(40)`` as ``40``), anything else as it is.

    A value computed with NumPy or pandas (``df["n"].sum()``, ``np.int64(2)``) is a NumPy number, which the checks
    took for "not a number" and a config cannot hold; a NumPy truth value (``np.True_``) is not a number and stays one.
    """
    return value.item() if isinstance(value, np.number) else value


def check_number(path: str, value: Any, spec: Spec) -> list[str]:
    """Problems with a fixed number for ``spec`` (empty if fine)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        share = _percentage(value) if spec.lo == 0 and spec.hi == 1 else None
        hint = _share_hint(value.strip(), share) if share is not None else ""
        return [f"{path} = {value!r} is not a number (allowed: {allowed(spec)}){hint}"]
    if isinstance(value, float) and not math.isfinite(value):
        return [f"{path} = {fmt(value)} is outside {allowed(spec)}"]
    if spec.integer and isinstance(value, float) and not value.is_integer():
        return [f"{path} = {fmt(value)} is not a whole number (allowed: {allowed(spec)})"]
    if (spec.lo is not None and value < spec.lo) or (spec.hi is not None and value > spec.hi):
        percent = spec.lo == 0 and spec.hi == 1 and 10 <= value <= 100  # a share typed as a percentage (80 for 0.8)
        pounds = spec.unit.startswith("GBP m") and value >= _POUNDS  # a sum typed in pounds (1500000 for 1.5)
        hint = _share_hint(f"{fmt(value)}%", value / 100) if percent else f" (in {spec.unit}: GBP {value:,.0f} is {fmt(value / 1e6)})" if pounds else ""
        return [f"{path} = {fmt(value)} is outside {allowed(spec)}{hint}"]
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

"""Contract checks for failure mechanisms, driven by the registry (like scikit-learn's estimator checks).

Each ``check_*`` function takes one mechanism's contract (or the whole registry) and fails
with a message naming the mechanism and the broken promise. ``tests/core/test_contracts.py``
runs every check on every registered mechanism; a new mechanism (or a test's toy, see
``tests/core/test_toy_mechanism.py``) gets the same checks by being registered.

Checks that run a mechanism's step use :func:`cases`: states the kernel actually reaches
(every named scenario, stepped for some months, with and without levers), each paired
with a month of random inputs (draws, exogenous changes and lever strengths, with many
draws at 0 so that rare events fire). Checks that run the kernel use the named scenarios.
Everything is built for the registry current when it is called.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum
from pathlib import Path
from typing import Any

import numpy as np
from conftest import flat_state
from support.declarations import declaration_problems

import sim
import sim.core.mechanisms
from sim import population
from sim.config.model import ModelConfig, model_config
from sim.config.scenarios import available, load
from sim.core import kernel, levers
from sim.core.causes import NONE, SAVINGS
from sim.core.contract import Event, Mechanism, Month, Reading, Size, clear, empty_effect
from sim.core.decisions import EVENTS as DECISION_EVENTS
from sim.core.declare import specs
from sim.core.evaluate import BatchEffect, Inputs, evaluate
from sim.core.exogenous import EVENTS as EXOGENOUS_EVENTS
from sim.core.exogenous import Signal
from sim.core.jit import Compiled
from sim.core.layout import Layout, clashes, layout
from sim.core.mechanisms import MECHANISMS, mechanisms
from sim.core.params import CouncilParams, PartnershipParams
from sim.core.state import COLLAPSED, COUNCIL, PARTNERSHIP, PROPOSAL, RUNNING, SHELVED, State

#: Months at which the kernel's states are taken.
SNAPSHOTS = (0, 5, 11, 24, 47)
#: Replications per scenario.
REPLICATIONS = 24
STEP_ARGUMENTS = ["s", "P", "m", "q", "own", "fx"]


@dataclass(frozen=True)
class Case:
    """A reachable state, its parameters and one month of random inputs."""

    label: str
    s: State
    P: Any
    m: Inputs


def random_inputs(rng: np.random.Generator, s: State, plan: Layout) -> Inputs:
    """A month of random inputs: uniforms with a third of them at 0 (hazards fire), a third of councils hit by random outside changes.

    Levers are at random strengths or off.
    """
    n, k = s.council.shape
    draws = {}
    for name in plan.streams:
        u = rng.random((n, k))
        u[rng.random((n, k)) < 1 / 3] = 0.0
        draws[name] = u
    strengths = {name: np.where(rng.random(n) < 0.5, 0.0, rng.random(n)) for name in levers.NAMES}
    flags = sum(int(signal) for signal in Signal)
    signals = np.where(rng.random((n, k)) < 1 / 3, rng.integers(1, flags + 1, (n, k)), 0).astype(np.int64)
    return Inputs(s.month, draws, signals, strengths)


@functools.cache
def _configs(plan: Layout) -> tuple[tuple[str, ModelConfig], ...]:
    """Every named scenario, under no lever and under every lever, for a registry (composed with Hydra once per registry)."""
    assert plan is layout(), "build the cases while the registry to check is current"
    return tuple((f"{scenario}/{policy}", load(scenario, policy)) for scenario in available("scenario") for policy in ("none", "all_levers"))


@functools.cache
def _cases(plan: Layout, seed: int) -> tuple[Case, ...]:
    rng = np.random.default_rng(seed)
    out = []
    for label, config in _configs(plan):
        reps = np.arange(REPLICATIONS, dtype=np.int64) + REPLICATIONS * len(out)
        P = population.build(config, seed, reps, plan=plan)
        s = kernel.init_state(P, reps, plan)
        while True:
            if s.month in SNAPSHOTS:
                snapshot = s.copy()
                out.append(Case(f"{label}@{s.month}", snapshot, P, random_inputs(rng, snapshot, plan)))
            if s.month >= SNAPSHOTS[-1] or not s.running.any():
                break
            kernel.step(s, P, seed, plan=plan)
    return tuple(out)


def cases(seed: int = 0) -> tuple[Case, ...]:
    """Reachable states with random inputs for the current registry (built once per registry and seed)."""
    return _cases(layout(), seed)


def position(mechanism: Mechanism) -> int:
    """The mechanism's index in the current registry (its parameters are ``P.mech[position]``)."""
    return [m.name for m in layout().mechanisms].index(mechanism.name)


def disabled(P: Any, mechanism: Mechanism) -> Any:
    """Parameter arrays with ``mechanism`` switched off."""
    mech = list(P.mech)
    j = position(mechanism)
    mech[j] = mech[j].copy()
    mech[j]["enabled"] = False
    return P._replace(mech=tuple(mech))


def stepped(mechanism: Mechanism, case: Case, P: Any = None) -> State:
    """The state after ``mechanism``'s step on every running row of ``case`` (as :func:`evaluate` runs it, keeping the state it wrote)."""
    P = case.P if P is None else P
    s = case.s.copy()
    n, k = s.council.shape
    draws = np.stack([case.m.draws[name] for name in mechanism.stream_names]) if mechanism.streams else np.zeros((0, n, k))
    strengths = np.stack([case.m.levers[name] for name in levers.NAMES], axis=1)
    q = P.mech[position(mechanism)]
    fx = empty_effect(k, len(mechanism.events))
    arrays, own = s.arrays, s.own[mechanism.name]
    for i in np.flatnonzero(s.partnership["outcome"] == RUNNING):
        clear(fx)
        month = Month(
            int(i), case.m.t, np.ascontiguousarray(draws[:, i]), np.ascontiguousarray(strengths[i]), np.ascontiguousarray(case.m.signals[i], dtype=np.int64)
        )
        mechanism.step(arrays, P, month, q[i], own, fx)
    return s


def effects(mechanism: Mechanism, P_of: Callable[[Case], Any] = lambda case: case.P) -> list[tuple[Case, BatchEffect]]:
    """``evaluate`` of ``mechanism`` on every case."""
    return [(case, evaluate(mechanism, case.s, P_of(case), case.m)) for case in cases()]


def _fail(mechanism: Mechanism, promise: str, case: Case | None = None) -> str:
    return f"mechanism {mechanism.name!r} ({mechanism.module}): {promise}" + (f" [case {case.label}]" if case else "")


# Declarations ---------------------------------------------------------------------------


#: Units of declarations that are not numbers (``choice``, ``flag``, ``text``): they have no range.
NOT_NUMBERS = ("category", "flag", "text")


def spec_problems(params: type, path: str) -> list[str]:
    """What a mechanism's parameter declarations leave out, one line each (empty: nothing).

    The recipe's promise: every number has a range (``lo <= hi``, which the configuration
    refuses values outside) and a unit; every parameter says what it is (``doc``) and where it
    comes from (``concept``: the case or publication), which the parameter reference prints.
    """
    problems = []
    for name, spec in specs(params).items():
        where = f"{path}.{name}"
        if spec.unit not in NOT_NUMBERS:
            if spec.lo is None or spec.hi is None:
                problems.append(f"{where} has no range ({spec.lo}, {spec.hi}): declare it with param(default, lo, hi, ...) so a value outside is refused")
            elif spec.lo > spec.hi:
                problems.append(f"{where} has an empty range [{spec.lo:g}, {spec.hi:g}]: give param(default, lo, hi, ...) with lo <= hi")
            if not spec.unit.strip():
                problems.append(f"{where} has no unit: give param(..., unit, ...)")
        if not spec.doc.strip():
            problems.append(f"{where} does not say what it is: give its doc line")
        if not spec.concept.strip():
            problems.append(f'{where} has no source: give concept= (the case or publication it comes from, e.g. "Guide 08 case 01 (...)")')
    return problems


def check_declaration(mechanism: Mechanism) -> None:
    """Name, cause, case and title are given; parameters are declared soundly; the step is compiled with the contract's signature.

    Soundly: each with a range, unit, meaning and source (:func:`spec_problems`), and as
    :func:`support.declarations.declaration_problems` says (defaults and plausible ranges
    inside their ranges, a plausible range for each assumption).
    """
    assert isinstance(mechanism, Mechanism)
    assert mechanism.name.isidentifier(), _fail(mechanism, "its name must be a valid key under mechanisms:")
    assert re.fullmatch(r"[a-z][a-z0-9_]*", mechanism.cause), _fail(mechanism, f"cause {mechanism.cause!r} must be a lower-case label")
    assert mechanism.case and mechanism.title.strip(), _fail(mechanism, "needs its case and a title")
    path = f"mechanisms.{mechanism.name}"
    problems = spec_problems(mechanism.params, path)
    problems += declaration_problems(mechanism.params, path)
    assert not problems, _fail(mechanism, "its parameters are not declared soundly:\n" + "\n".join(problems))
    assert mechanism.params().enabled is True, _fail(mechanism, "must be switched on by default")
    assert isinstance(mechanism.step, Compiled), _fail(mechanism, "its step must be marked @compiled")
    assert list(inspect.signature(mechanism.step.py_func).parameters) == STEP_ARGUMENTS, _fail(mechanism, f"its step must take {STEP_ARGUMENTS}")
    module = importlib.import_module(mechanism.module)
    assert getattr(module, "MECHANISM", None) is mechanism, _fail(mechanism, "its module must end with MECHANISM = Mechanism(...)")


def check_streams(mechanism: Mechanism) -> None:
    """Streams are an IntEnum numbered 0 .. S-1 (or None), laid out in the month's draws under ``<name>.<member>``.

    A module that defines the recipe's ``Stream`` enumeration declares it: a step reading
    ``m.draws[Stream.X]`` of streams its contract does not declare reads past the month's draws.
    """
    defined = getattr(importlib.import_module(mechanism.module), "Stream", None)
    assert defined is None or mechanism.streams is defined, _fail(
        mechanism, "its module defines Stream but its contract does not declare it: give streams=Stream"
    )
    if mechanism.streams is None:
        assert mechanism.stream_names == ()
        return
    assert issubclass(mechanism.streams, IntEnum), _fail(mechanism, "streams must be an IntEnum")
    values = [int(member) for member in mechanism.streams]
    assert values == list(range(len(values))) and values, _fail(mechanism, f"streams must be numbered 0 .. S-1, got {values}")
    assert all(name.startswith(f"{mechanism.name}.") for name in mechanism.stream_names), _fail(mechanism, "its streams must be named <name>.<member>")
    slot = next(slot for slot in layout().slots if slot.mechanism is mechanism)
    laid_out = layout().streams[slot.streams[0] : slot.streams[1]]
    assert laid_out == mechanism.stream_names, _fail(mechanism, f"its streams {list(mechanism.stream_names)} are laid out as {list(laid_out)}")


def check_events(mechanism: Mechanism) -> None:
    """Events are keyed by the members of one IntEnum numbered 0 .. E-1, each with a non-empty sentence and a reading that formats."""
    keys = list(mechanism.events)
    if not keys:
        return
    kinds = {type(key) for key in keys}
    assert len(kinds) == 1 and issubclass(kinds.pop(), IntEnum), _fail(mechanism, "events must be keyed by the members of one IntEnum")
    assert sorted(int(key) for key in keys) == list(range(len(keys))), _fail(mechanism, "events must be numbered 0 .. E-1")
    assert len(type(keys[0])) == len(keys), _fail(mechanism, "every member of its event IntEnum needs an Event")
    for key, event in mechanism.events.items():
        assert isinstance(event, Event) and isinstance(event.reading, Reading), _fail(mechanism, f"event {key.name} must be an Event(what, Reading(...))")
        assert isinstance(event.what, str) and event.what.strip() == event.what and event.what, _fail(mechanism, f"event {key.name} needs a sentence")
        for name, template, given in (
            ("template", event.reading.template, {"size": 0.25}),
            ("naming", event.reading.naming, {"size": 0.25, "partner": "Eastshire CC"}),
        ):
            if template is None:
                continue
            try:
                template.format(**{**given, "size": Size(given["size"])})
            except (KeyError, IndexError, ValueError) as problem:
                raise AssertionError(
                    _fail(mechanism, f"event {key.name}: its reading's {name} {template!r} must format with {', '.join(given)} only ({problem!r})")
                ) from None
            problems = reading_problems(template, "partner" in given)
            assert not problems, _fail(mechanism, f"event {key.name}: its reading's {name} {template!r} is not plain English: {'; '.join(problems)}")


#: Sizes a reading is tried with: small, a middling level, whole numbers, a share near 1 and a negative size.
SIZES = (0.05, 0.52, 1.0, 2.0, 0.94, -0.24)
#: Words that say on which scale a decimal number of a reading is (``moderate (0.52 of 1)``, ``on a 0-1 scale``, ``0.05 of the promise``).
SCALES = ("of 1)", "on a 0-1 scale", "of the promise")
SIGNED = re.compile(r"(?<![\w)])[-+\u2212]\s?\d")
CODE_NAME = re.compile(r"[_`{}\[\]]|\b[a-z]+\d+\b|\b[a-z]+[A-Z]\w*|[A-Za-z]\.[A-Za-z]")
DECIMAL = re.compile(r"\d\.\d")


def reading_problems(template: str, names_partner: bool = False) -> list[str]:
    """What keeps a reading from being plain English for a room, tried with :data:`SIZES` (empty: nothing).

    A reading never shows a bare signed number (it says the direction in words), nor a code
    name (an identifier, a field, a format left unfilled), and every decimal number it shows
    names its scale (:data:`SCALES`).
    """
    problems = []
    for size in SIZES:
        text = template.format(size=Size(size), partner="Eastshire CC" if names_partner else "")
        if SIGNED.search(text):
            problems.append(f"{text!r} shows a signed number: say the direction in words (fell by, {{size:takes/adds}})")
        if CODE_NAME.search(text):
            problems.append(f"{text!r} shows a code name ({CODE_NAME.search(text).group()!r})")
        if DECIMAL.search(text) and not any(scale in text for scale in SCALES):
            problems.append(f"{text!r} shows a number without its scale: say one of {', '.join(repr(s) for s in SCALES)}")
    return list(dict.fromkeys(problems))


#: The records whose fields ``reads`` lists, by the step's argument and the section: ``P.council[i, k].X`` and so on.
RECORDS = tuple(f"{root}.{section}" for root in ("P", "s") for section in ("council", "partnership"))


@dataclass(frozen=True)
class Read:
    """A field of a council or partnership record a step reads: the field, its record (``P.council``...) and where (``file:line``)."""

    field: str
    record: str
    where: str


def _function(target: Any) -> Any:
    """The plain Python function underneath a compiled one (or ``target`` itself)."""
    return getattr(target, "py_func", target)


def _record(node: ast.expr, names: dict[str, str]) -> str | None:
    """The record (``P.council``...) ``node`` is one element of: ``s.council[i, k]`` or a name bound to one; else None."""
    if isinstance(node, ast.Name):
        kind = names.get(node.id)
        return kind if kind in RECORDS else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and isinstance(node.value.value, ast.Name):
        kind = f"{names.get(node.value.value.id)}.{node.value.attr}"
        return kind if kind in RECORDS else None
    return None


def reads_of(function: Any, names: dict[str, str] | None = None, seen: set[tuple[Any, ...]] | None = None) -> list[Read]:
    """Every field of the council and partnership records ``function`` reads, and the helpers of its module it passes them to.

    Parses the source of the plain function underneath a compiled one. ``names`` binds its
    argument names to ``P``, ``s`` or one of :data:`RECORDS` (default: ``s`` and ``P``, as a
    step's). A record is read as ``s.council[i, k].X``, through a name bound to one
    (``c = P.council[i, k]``; ``c.X``), or by ``+=`` on one of its fields; a call of a function
    of the same module passes on the names its arguments are bound to. Its own state
    (``own``), its parameters (``q``), the model-wide sections (``P.decisions``...) and
    functions of other modules (``launched``, ``sim.core.decisions``) are not followed. Its own
    reads come first, in the order of its lines, then its helpers'.
    """
    py = _function(function)
    names = {"s": "s", "P": "P"} if names is None else names
    seen = set() if seen is None else seen
    key = (py, tuple(sorted(names.items())))
    if key in seen:
        return []
    seen.add(key)
    lines, first = inspect.getsourcelines(py)
    tree = ast.parse(inspect.cleandoc("\n" + "".join(lines)) if lines[0][:1].isspace() else "".join(lines))
    path = Path(inspect.getsourcefile(py) or "?").resolve()
    root = Path(sim.__file__).resolve().parent.parent
    shown = path.relative_to(root) if path.is_relative_to(root) else path.name
    bound = dict(names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            kind = _record(node.value, bound)
            if kind is not None:
                bound[node.targets[0].id] = kind
    found, helpers = [], []
    for node in sorted((n for n in ast.walk(tree) if hasattr(n, "lineno")), key=lambda n: (n.lineno, n.col_offset)):
        target = node.target if isinstance(node, ast.AugAssign) else node
        loaded = isinstance(node, ast.AugAssign) or isinstance(getattr(node, "ctx", None), ast.Load)
        if loaded and isinstance(target, ast.Attribute) and (kind := _record(target.value, bound)):
            found.append(Read(target.attr, kind, f"{shown}:{first + target.lineno - 1}"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            helper = _function(py.__globals__.get(node.func.id))
            if not (inspect.isfunction(helper) and helper.__module__ == py.__module__):
                continue
            parameters = list(inspect.signature(helper).parameters)
            passed = {parameters[n]: arg.id for n, arg in enumerate(node.args) if isinstance(arg, ast.Name) and n < len(parameters)}
            passed |= {kw.arg: kw.value.id for kw in node.keywords if kw.arg and isinstance(kw.value, ast.Name)}
            handed = {parameter: bound[name] for parameter, name in passed.items() if name in bound}
            if handed:
                helpers.append((helper, handed))
    for helper, handed in helpers:
        found += reads_of(helper, handed, seen)
    return found


def check_reads(mechanism: Mechanism) -> None:
    """``reads`` lists exactly the fields of the council and partnership records its step reads (see :class:`Mechanism`), each once.

    What the step reads is found in its source and its module's helpers (:func:`reads_of`);
    one line per field missing from ``reads`` or listed but never read.
    """
    known = {f.name for params in (CouncilParams, PartnershipParams) for f in fields(params) if f.metadata["spec"].unit != "text"}
    known |= set(COUNCIL.names or ()) | set(PARTNERSHIP.names or ())
    unknown = [name for name in mechanism.reads if name not in known]
    assert not unknown, _fail(mechanism, f"reads unknown council or partnership attributes {unknown}")
    twice = sorted({name for name in mechanism.reads if mechanism.reads.count(name) > 1})
    assert not twice, _fail(mechanism, f"reads lists {twice} more than once")
    found: dict[str, Read] = {}
    for read in reads_of(mechanism.step):
        found.setdefault(read.field, read)
    where = f"reads=(...) of its MECHANISM in {Path(inspect.getsourcefile(mechanism.step.py_func) or '?').name}"
    problems = [
        _fail(mechanism, f"its step reads {read.record}[...].{name} ({read.where}) but reads does not list it: add {name!r} to {where}")
        for name, read in sorted(found.items())
        if name not in mechanism.reads
    ]
    problems += [_fail(mechanism, f"reads lists {name!r} but its step never reads it: remove it from {where}") for name in mechanism.reads if name not in found]
    assert not problems, "\n".join(problems)


def check_shares(mechanism: Mechanism) -> None:
    """``shares`` lists only fields of the shared state (partnership or council records)."""
    known = set(PARTNERSHIP.names or ()) | set(COUNCIL.names or ())
    unknown = [name for name in mechanism.shares if name not in known]
    assert not unknown, _fail(mechanism, f"shares {unknown}, which are not fields of the shared state")


def check_docstring(mechanism: Mechanism) -> None:
    """The module's docstring cites its case ("Guide 08 case NN" or "case NN"; a source that is not a case by its author's name and year).

    A source such as ``"Elston et al. 2024"`` is cited when its first author and its year
    appear (the docstring may list every author).
    """
    doc = importlib.import_module(mechanism.module).__doc__ or ""
    if mechanism.case.isdigit():
        cited = re.search(rf"\bcase {re.escape(mechanism.case)}\b", doc, re.IGNORECASE)
        wanted = f'"case {mechanism.case}" (e.g. "Guide 08 case {mechanism.case}")'
    else:
        words = mechanism.case.split()
        needed = (words[0], *(w for w in words if w.isdigit()))
        cited = all(re.search(rf"\b{re.escape(word)}\b", doc) for word in needed)
        wanted = f"its source {mechanism.case!r}: the words {', '.join(map(repr, needed))}"
    assert cited, _fail(mechanism, f"its module docstring must cite {wanted}")
    assert (mechanism.step.__doc__ or "").strip(), _fail(mechanism, "its step needs a docstring")


def check_registry(registry: Sequence[Mechanism]) -> None:
    """Names, causes, titles and event sentences are unique across the registry (and clash with no other cause or event; :func:`sim.core.layout.clashes`)."""
    problems = clashes(tuple(registry))
    assert not problems, "\n".join(problems)
    sentences = [e.what for m in registry for e in m.events.values()] + [e.what for e, _, _ in EXOGENOUS_EVENTS.values()]
    sentences += [e.what for e in DECISION_EVENTS.values()]
    assert len(set(sentences)) == len(sentences), "event sentences repeat (the narrative reads an event's size by its sentence)"
    assert [slot.mechanism for slot in layout(tuple(registry)).slots] == list(registry), "the layout does not follow the registry's order"


def check_folder(registry: Sequence[Mechanism] = MECHANISMS) -> None:
    """Every module of ``sim/core/mechanisms/`` ends with a ``MECHANISM`` that ``registry`` (the package's ``MECHANISMS``) holds.

    The registry is the only list the kernel, the configuration and these checks read: a module
    left out of it is never run nor checked, without a word.
    """
    problems = []
    for info in pkgutil.iter_modules(sim.core.mechanisms.__path__):
        module = importlib.import_module(f"sim.core.mechanisms.{info.name}")
        mechanism = getattr(module, "MECHANISM", None)
        if not isinstance(mechanism, Mechanism):
            problems.append(f"{module.__name__} is in sim/core/mechanisms/ but does not end with MECHANISM = Mechanism(...)")
        elif not any(mechanism is registered for registered in registry):
            problems.append(
                f"mechanism {mechanism.name!r} ({module.__name__}) is not in the registry, so it never runs and is never checked: "
                f"import {info.name} and add {info.name}.MECHANISM to MECHANISMS in sim/core/mechanisms/__init__.py"
            )
    assert not problems, "\n".join(problems)


# Behaviour on random inputs ---------------------------------------------------------------


def check_takes_no_trust_unless_declared(mechanism: Mechanism) -> None:
    """A mechanism declared with ``takes_trust=False`` never writes trust (the kernel would not read it)."""
    if mechanism.takes_trust:
        return
    for case, e in effects(mechanism):
        assert not e.trust.any(), _fail(mechanism, "writes trust but declares takes_trust=False", case)


def check_losses_are_never_negative(mechanism: Mechanism) -> None:
    """Value and trust taken are never negative (nor NaN)."""
    for case, e in effects(mechanism):
        for name in ("value", "trust"):
            value = getattr(e, name)
            assert np.all(value >= 0), _fail(mechanism, f"{name} taken is negative ({value.min():g})", case)


def check_opens_only_declared_decisions(mechanism: Mechanism) -> None:
    """The decisions it opens are the triggers its contract declares in ``opens``, for councils still in."""
    declared = {int(trigger) for trigger in mechanism.opens}
    for case, e in effects(mechanism):
        opened = set(np.unique(e.opens).tolist()) - {NONE}
        assert opened <= declared, _fail(mechanism, f"opens decisions {sorted(opened - declared)} it does not declare", case)
        assert np.all(e.opens[~case.s.council["active"]] == NONE), _fail(mechanism, "opens the decision of a council that has left", case)


def check_savings_share_and_cost(mechanism: Mechanism) -> None:
    """The share of savings taken lies in [0, 1] and any cost is not negative."""
    for case, e in effects(mechanism):
        assert np.all((e.savings >= 0) & (e.savings <= 1)), _fail(
            mechanism, f"takes a share of savings outside [0, 1] ({e.savings.min():g} .. {e.savings.max():g})", case
        )
        assert np.all(e.cost >= 0), _fail(mechanism, "costs a negative amount", case)


def check_disabled_does_nothing(mechanism: Mechanism) -> None:
    """Switched off (``enabled=False``), it changes no state, loses nothing, costs nothing, ends nothing and records no event.

    The one thing it may still do is approve a proposal that is due (phase proposal and
    month >= approval_due): the approval process's mechanism, switched off, lets the
    proposal launch on its planned date.
    """
    for case in cases():
        P = disabled(case.P, mechanism)
        e = evaluate(mechanism, case.s, P, case.m)
        for name in ("value", "trust", "savings", "cost", "ends"):
            assert not np.any(getattr(e, name)), _fail(mechanism, f"switched off, it still changes {name}", case)
        assert np.all(e.opens == NONE), _fail(mechanism, "switched off, it still opens decisions", case)
        assert not any(kind.mask.any() for kind in e.events), _fail(mechanism, "switched off, it still records events", case)
        due = (case.s.partnership["phase"] == PROPOSAL) & (case.m.t >= case.s.partnership["approval_due"])
        assert not np.any(e.launch & ~due), _fail(mechanism, "switched off, it approves a proposal that is not due", case)
        after, before = flat_state(stepped(mechanism, case, P)), flat_state(case.s)
        for name, value in before.items():
            np.testing.assert_array_equal(after[name], value, err_msg=_fail(mechanism, f"switched off, it changes {name}", case))


def check_writes_only_its_own_state_and_what_it_shares(mechanism: Mechanism) -> None:
    """Its step writes only its own state and the shared fields it lists in ``shares``."""
    shared = {f"{record}.{name}" for record in ("partnership", "council") for name in mechanism.shares}
    for case in cases():
        after, before = flat_state(stepped(mechanism, case)), flat_state(case.s)
        for name, value in before.items():
            if name in shared or name.startswith(f"own.{mechanism.name}."):
                continue
            np.testing.assert_array_equal(after[name], value, err_msg=_fail(mechanism, f"writes {name} without listing it in shares", case))


def check_leaves_ended_partnerships_alone(mechanism: Mechanism) -> None:
    """On the rows of ended partnerships ``evaluate`` (like the kernel) gives nothing at all."""
    for case, e in effects(mechanism):
        ended = case.s.partnership["outcome"] != RUNNING
        for name in ("value", "trust", "savings", "cost", "launch", "ends"):
            assert not np.any(getattr(e, name)[ended]), _fail(mechanism, f"changes {name} of an ended partnership", case)
        assert np.all(e.opens[ended] == NONE), _fail(mechanism, "opens a decision in an ended partnership", case)


def check_does_something(mechanism: Mechanism) -> None:
    """On the random cases the mechanism does something somewhere (so that the checks above are not vacuous)."""
    acted = False
    for _, e in effects(mechanism):
        acted = acted or any(np.any(getattr(e, name)) for name in ("value", "trust", "savings", "cost", "ends"))
        acted = acted or any(kind.mask.any() for kind in e.events)
    assert acted, _fail(mechanism, "does nothing on any random case: the cases do not exercise it")


# In the kernel ---------------------------------------------------------------------------


def _run(config: ModelConfig, mechanism_settings: dict[str, dict[str, Any]], seed: int, reps: int = 48, **sections: dict[str, Any]) -> State:
    """Final state of ``reps`` replications of ``config`` with some mechanisms' parameters and other sections changed."""
    raw = config.to_dict()
    for name, values in mechanism_settings.items():
        raw["mechanisms"][name].update(values)
    for section, values in sections.items():
        raw[section].update(values)
    index = np.arange(reps, dtype=np.int64)
    return kernel.run(population.build(model_config(raw), seed, index), index, seed)


def kernel_configs() -> tuple[tuple[str, ModelConfig], ...]:
    """The named scenarios, with no lever and with every lever (for the current registry)."""
    return _configs(layout())


def check_switched_off_leaves_no_trace_in_the_kernel(mechanism: Mechanism) -> None:
    """Every other mechanism on, this one off: its cause is never booked (value, trust, savings), never an exit's, a notice's or an ending's."""
    c = layout().cause_index[mechanism.cause]
    for label, config in kernel_configs():
        s = _run(config, {mechanism.name: {"enabled": False}}, seed=5)
        assert not s.value_lost[c].any(), _fail(mechanism, "switched off, value is still booked to its cause") + f" [{label}]"
        assert not s.trust_lost[c].any(), _fail(mechanism, "switched off, trust is still booked to its cause") + f" [{label}]"
        assert not s.savings_lost[c].any(), _fail(mechanism, "switched off, savings are still booked to its cause") + f" [{label}]"
        for name in ("exit_cause", "notice_cause"):
            assert not (s.council[name] == c).any(), _fail(mechanism, f"switched off, it is still a council's {name}") + f" [{label}]"
        assert not (s.partnership["end_cause"] == c).any(), _fail(mechanism, "switched off, it still ends partnerships") + f" [{label}]"
        assert s.value_lost.sum() > 0, f"no value was lost at all in {label}: the other mechanisms do not run"


def check_alone_books_only_to_itself_in_the_kernel(mechanism: Mechanism) -> None:
    """Alone (other mechanisms off, no exogenous change), value, trust and savings are only ever booked to its cause or the savings model's own.

    The savings model's causes (legacy IT, an unclear business case) run whatever the
    mechanisms do; no other mechanism's cause and no outside change's is ever booked, an exit,
    a notice or an ending.
    """
    c = layout().cause_index[mechanism.cause]
    own_savings = {layout().cause_index[cause.label] for cause in SAVINGS}
    others = sorted(set(range(len(layout().causes))) - {c} - own_savings)
    quiet = {"control_change_all_out": 0.0, "control_change_thirds": 0.0, "turnover_hazard": 0.0, "budget_shock_hazard": 0.0, "reorganisation_hazard": 0.0}
    off = {m.name: {"enabled": m.name == mechanism.name} for m in layout().mechanisms}
    allowed = {NONE, c} | own_savings
    for label, config in kernel_configs():
        s = _run(config, off, seed=3, exogenous=quiet)
        for name in ("value_lost", "trust_lost", "savings_lost"):
            assert not getattr(s, name)[others].any(), _fail(mechanism, f"alone, {name} is booked to another cause") + f" [{label}]"
        for name in ("exit_cause", "notice_cause"):
            assert set(np.unique(s.council[name]).tolist()) <= allowed, _fail(mechanism, f"alone, a council's {name} is another cause") + f" [{label}]"
        ended = np.isin(s.partnership["outcome"], [SHELVED, COLLAPSED])
        assert set(np.unique(s.partnership["end_cause"][ended]).tolist()) <= allowed, (
            _fail(mechanism, "alone, an ending is booked to another cause") + f" [{label}]"
        )


#: Checks of one mechanism, in the order they are best read.
DECLARATION_CHECKS = (check_declaration, check_streams, check_events, check_reads, check_shares, check_docstring)
BEHAVIOUR_CHECKS = (
    check_takes_no_trust_unless_declared,
    check_losses_are_never_negative,
    check_opens_only_declared_decisions,
    check_savings_share_and_cost,
    check_disabled_does_nothing,
    check_writes_only_its_own_state_and_what_it_shares,
    check_leaves_ended_partnerships_alone,
    check_does_something,
)
KERNEL_CHECKS = (check_switched_off_leaves_no_trace_in_the_kernel, check_alone_books_only_to_itself_in_the_kernel)
CHECKS = (*DECLARATION_CHECKS, *BEHAVIOUR_CHECKS, *KERNEL_CHECKS)


def check_all(mechanism: Mechanism) -> None:
    """Every check of one mechanism (for a study's own mechanism: ``with registered(m): check_all(m)``).

    This module lives with the tests and uses their ``conftest``: from a source checkout, put
    both folders on the path (``PYTHONPATH=tests:tests/core python my_study.py``).
    """
    check_registry(mechanisms())
    check_folder()
    for check in CHECKS:
        check(mechanism)

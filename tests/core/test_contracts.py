"""Every registered mechanism keeps its contract (the checks are in ``mechanism_checks.py``, run here on the whole registry).

Like scikit-learn's estimator checks: the tests are generated from the registry, so a new
mechanism is checked as soon as it is registered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

import numpy as np
import pytest
from mechanism_checks import (
    CHECKS,
    cases,
    check_declaration,
    check_docstring,
    check_events,
    check_folder,
    check_reads,
    check_registry,
    check_streams,
    random_inputs,
    reading_problems,
)

from sim import population
from sim.config.scenarios import load
from sim.core import kernel
from sim.core.causes import CITED
from sim.core.contract import Event, Mechanism, MechanismParams, Reading, note
from sim.core.declare import param
from sim.core.evaluate import evaluate
from sim.core.jit import compiled
from sim.core.layout import layout
from sim.core.mechanisms import MECHANISMS, by_name, mechanisms

REGISTRY = mechanisms()


def test_the_registry_is_consistent():
    check_registry(REGISTRY)
    check_folder()
    assert by_name() == {m.name: m for m in REGISTRY}
    assert REGISTRY[: len(MECHANISMS)] == MECHANISMS


@pytest.mark.parametrize("kind", layout().events, ids=lambda kind: kind.event.what)
def test_every_reading_a_room_sees_is_plain_english(kind):
    """Every event of the registry (each mechanism's, exogenous change's, the decisions'): no signed number, no code name, each number on its scale."""
    for template, names_partner in ((kind.event.reading.template, False), (kind.event.reading.naming, True)):
        if template is not None:
            assert reading_problems(template, names_partner) == [], kind.event.what


def test_no_cause_a_room_reads_carries_a_citation():
    """A cause's title in words (the timeline, why it ended, the reports) names its case or source without a citation."""
    for cause in layout().causes:
        assert not CITED.search(cause.words), cause.words
    assert layout().causes[layout().cause_index["coordination"]].words.endswith("(research)")


def test_the_random_cases_reach_varied_states():
    """The behaviour checks see proposals, launched and ended partnerships, deeper sharing, ventures and rebrands."""
    found = cases()
    phases = set()
    for case in found:
        phases |= set(case.s.partnership["phase"].tolist())
    assert phases == {0, 1, 2, 3, 4}
    assert len(found) > 60 and any((case.s.council["active"] == False).any() for case in found)  # noqa: E712


@compiled
def spill(s, P, m, q, own, fx):
    """Council 0 notes the last row of the event buffers, which no mechanism declares (a number the source cannot name)."""
    note(fx, fx.event_mask.shape[0] - 1, 0, 1.0)


def test_a_run_that_notes_an_undeclared_event_is_refused():
    """The contract cannot read an event given as a number or a variable, or noted in a helper of another module; the
    run outside the kernel wrote it past the end of its event buffers without a word."""
    mechanism = replace(MECHANISMS[0], step=spill)
    plan, reps = layout(), np.arange(4, dtype=np.int64)
    P = population.build(load("baseline", "none"), 1, reps, plan=plan)
    s = kernel.init_state(P, reps, plan)
    with pytest.raises(TypeError) as info:
        evaluate(mechanism, s, P, random_inputs(np.random.default_rng(1), s, plan))
    row = max(len(mechanism.events), plan.most_events)
    assert str(info.value) == mechanism.undeclared_event(f"row {row} (replication 0)")
    assert str(info.value).startswith(f"mechanism {mechanism.name!r} ({mechanism.module}) notes event row {row} (replication 0), which its contract")


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
@pytest.mark.parametrize("mechanism", REGISTRY, ids=lambda m: m.name)
def test_contract(mechanism, check):
    check(mechanism)


@dataclass
class Params(MechanismParams):
    """No parameters of its own."""


class Ev(IntEnum):
    """Kinds of event."""

    SPOKE = 0


class Stream(IntEnum):
    """Random streams (which ``sloppy`` forgets to declare)."""

    DOUBT = 0


@compiled
def step(s, P, m, q, own, fx):
    """Does nothing."""


@compiled
def pace_of(c):
    """A council's pace."""
    return c.pace


@compiled
def reading(s, P, m, q, own, fx):
    """Takes the first council's pace as value while it is in (reading the pace through a helper)."""
    c = P.council[m.i, 0]
    if s.council[m.i, 0].active:
        fx.value[0] = pace_of(c)


def sloppy(**contract) -> Mechanism:
    """A mechanism declared here (this module's docstring cites no case), with ``contract`` changed."""
    return Mechanism(**{"name": "sloppy", "cause": "sloppy", "case": "42", "title": "Sloppy", "params": Params, "step": step, **contract})


@pytest.mark.parametrize(
    ("check", "contract", "message"),
    [
        (check_docstring, {}, 'its module docstring must cite "case 42" (e.g. "Guide 08 case 42")'),
        (check_docstring, {"case": "Smith and Jones 2031"}, "its module docstring must cite its source 'Smith and Jones 2031': the words 'Smith', '2031'"),
        (
            check_events,
            {"events": {Ev.SPOKE: Event("spoke", Reading("{value:.2f}"))}},
            "event SPOKE: its reading's template '{value:.2f}' must format with size only",
        ),
        (
            check_events,
            {"events": {Ev.SPOKE: Event("spoke", Reading("fit -{size:.2f}"))}},
            "event SPOKE: its reading's template 'fit -{size:.2f}' is not plain English: 'fit -0.05' shows a signed number",
        ),
        (
            check_events,
            {"events": {Ev.SPOKE: Event("spoke", Reading("value_seen {size:level}"))}},
            "event SPOKE: its reading's template 'value_seen {size:level}' is not plain English: 'value_seen very low (0.05 of 1)' shows a code name ('_')",
        ),
        (
            check_events,
            {"events": {Ev.SPOKE: Event("spoke", Reading("pace ahead by {size:.2f}", naming="ahead of {partner} by {size:.0%}"))}},
            "event SPOKE: its reading's template 'pace ahead by {size:.2f}' is not plain English: 'pace ahead by 0.05' shows a number without its scale",
        ),
        (check_reads, {"reads": ("pace", "it_maturity", "pace")}, "reads lists ['pace'] more than once"),
        (check_reads, {"reads": ("pace",)}, "reads lists 'pace' but its step never reads it: remove it from reads=(...) of its MECHANISM in test_contracts.py"),
        (check_streams, {}, "its module defines Stream but its contract does not declare it: give streams=Stream"),
    ],
)
def test_a_broken_promise_is_named_with_what_to_write(check, contract, message):
    with pytest.raises(AssertionError) as info:
        check(sloppy(**contract))
    assert str(info.value).startswith(f"mechanism 'sloppy' (test_contracts): {message}")


def test_a_field_the_step_reads_but_reads_does_not_list_is_named_with_where_it_is_read():
    """Case 05 read a council's exit_month without listing it: the check names the field, the line that reads it, and where to add it."""
    with pytest.raises(AssertionError) as info:
        check_reads(sloppy(step=reading, reads=("active",)))
    line = next(n for n, text in enumerate(open(__file__), 1) if "return c.pace" in text)
    assert str(info.value) == (
        "mechanism 'sloppy' (test_contracts): its step reads P.council[...].pace (tests/core/test_contracts.py:"
        f"{line}) but reads does not list it: add 'pace' to reads=(...) of its MECHANISM in test_contracts.py"
    )
    check_reads(sloppy(step=reading, reads=("active", "pace")))


@dataclass
class Unranged(MechanismParams):
    """A number declared without its range."""

    hazard: float = param(0.1, None, None, "per month", "monthly chance", concept="Guide 08 case 42", prior={"dist": "uniform", "low": 0.05, "high": 0.2})


@dataclass
class Backwards(MechanismParams):
    """A number whose range is the wrong way round."""

    hazard: float = param(0.1, 1, 0, "per month", "monthly chance", concept="Guide 08 case 42", prior={"dist": "uniform", "low": 0.05, "high": 0.2})


@dataclass
class Unsourced(MechanismParams):
    """A number with no unit, meaning or source."""

    hazard: float = param(0.1, 0, 1, "", " ", prior={"dist": "uniform", "low": 0.05, "high": 0.2})


@pytest.mark.parametrize(
    ("params", "lines"),
    [
        (Unranged, ["mechanisms.sloppy.hazard has no range (None, None): declare it with param(default, lo, hi, ...) so a value outside is refused"]),
        (Backwards, ["mechanisms.sloppy.hazard has an empty range [1, 0]: give param(default, lo, hi, ...) with lo <= hi"]),
        (
            Unsourced,
            [
                "mechanisms.sloppy.hazard has no unit: give param(..., unit, ...)",
                "mechanisms.sloppy.hazard does not say what it is: give its doc line",
                'mechanisms.sloppy.hazard has no source: give concept= (the case or publication it comes from, e.g. "Guide 08 case 01 (...)")',
            ],
        ),
    ],
)
def test_a_parameter_declared_without_its_range_unit_meaning_or_source_is_named(params, lines):
    """Passed in silence: a number without a range took any value on the command line, and the reference printed empty cells."""
    with pytest.raises(AssertionError) as info:
        check_declaration(sloppy(params=params))
    message = str(info.value).splitlines()
    assert message[0] == "mechanism 'sloppy' (test_contracts): its parameters are not declared soundly:"
    assert message[1 : 1 + len(lines)] == lines


def test_a_module_of_the_folder_left_out_of_the_registry_is_named_with_what_to_add():
    """Passed in silence: a mechanism whose registry entry was forgotten never ran and no contract check saw it."""
    with pytest.raises(AssertionError) as info:
        check_folder(MECHANISMS[:-1])
    assert str(info.value) == (
        "mechanism 'coordination' (sim.core.mechanisms.coordination) is not in the registry, so it never runs and is never checked: "
        "import coordination and add coordination.MECHANISM to MECHANISMS in sim/core/mechanisms/__init__.py"
    )


@pytest.mark.parametrize(
    ("contract", "line"),
    [
        ({"name": "case01"}, "has the name 'case01' of sim.core.mechanisms.case01_key_person (mechanism 'case01'): give it its own name"),
        (
            {"cause": "case01_key_person"},
            "has the cause 'case01_key_person' of sim.core.mechanisms.case01_key_person (mechanism 'case01'): give it its own cause",
        ),
        ({"cause": "legacy_it"}, "has the cause 'legacy_it' of Getting IT right cause 'legacy_it': give it its own cause"),
        (
            {"title": MECHANISMS[0].title},
            f"has the title {MECHANISMS[0].title!r} of sim.core.mechanisms.case01_key_person (mechanism 'case01'): give it its own title",
        ),
    ],
)
def test_a_name_cause_or_title_another_mechanism_has_is_named_with_whose_it_is(contract, line):
    """The check said only "cause labels repeat: [14 labels]"; sim-run with two mechanisms of one cause ran, their losses mixed,
    and with two of one name stopped on an AttributeError. Both now name the mechanism, whose value it repeats and what to change."""
    toy = sloppy(**contract)
    expected = f"test_contracts (mechanism {toy.name!r}) {line}"
    with pytest.raises(AssertionError) as info:
        check_registry((*MECHANISMS, toy))
    assert str(info.value) == expected
    with pytest.raises(ValueError) as refused:
        layout((*MECHANISMS, toy))
    assert str(refused.value) == f"the registry of mechanisms repeats itself: {expected}"

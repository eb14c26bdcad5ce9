"""The mechanism contract refuses parameters and noted events that are not declared, naming the mechanism, when it is made."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import pytest

from sim.core.contract import Event, Mechanism, MechanismParams, Reading, Size, note
from sim.core.declare import param
from sim.core.jit import compiled


@compiled
def step(s, P, m, q, own, fx):
    """Does nothing."""


@dataclass
class Sloppy(MechanismParams):
    """One parameter declared, two not."""

    hazard: float = param(0.1, 0, 1, "per month", "a declared parameter", concept="a test", prior={"dist": "uniform", "low": 0.05, "high": 0.2})
    extra: float = 0.3
    other: int = 2


@dataclass
class Plain:
    """Parameters that are not a MechanismParams."""

    hazard: float = 0.1


def test_undeclared_parameters_are_refused_when_the_mechanism_is_made():
    with pytest.raises(TypeError) as info:
        Mechanism(name="study", cause="study", case="toy", title="A study", params=Sloppy, step=step)
    assert str(info.value) == "mechanism 'study': extra, other in Sloppy not declared with param, choice, flag or text (sim.core.declare)"


def test_parameters_that_are_not_mechanism_params_are_refused():
    with pytest.raises(TypeError, match=r"mechanism 'study': params = .*Plain.* must be a dataclass subclassing MechanismParams"):
        Mechanism(name="study", cause="study", case="toy", title="A study", params=Plain, step=step)


class Ev(IntEnum):
    """Kinds of event."""

    SPOKE = 0


class Other(IntEnum):
    """Another mechanism's kinds of event."""

    SHOUTED = 0


@compiled
def speak(s, P, m, q, own, fx):
    """Every month, council 0 notes an event (through a helper of this module)."""
    if m.t >= 0:
        say(fx)


@compiled
def say(fx):
    """Note that council 0 spoke."""
    note(fx, Ev.SPOKE, 0, 1.0)


def test_an_event_noted_but_not_declared_is_refused_when_the_mechanism_is_made():
    """It was found only when the step ran outside the kernel (sim.core.evaluate), once per replication, and only for
    the replications that noted it; in the kernel the event would have been written past the end of its buffers."""
    with pytest.raises(TypeError) as info:
        Mechanism(name="chatty", cause="chatty", case="toy", title="Notes an undeclared event", params=MechanismParams, step=speak)
    assert str(info.value) == (
        "mechanism 'chatty' (test_contract) notes event Ev.SPOKE, which its contract does not declare (0 declared): "
        "give every member of its event IntEnum an Event in events="
    )
    with pytest.raises(TypeError, match=r"notes event Ev\.SPOKE, which its contract does not declare"):
        Mechanism(
            name="chatty",
            cause="chatty",
            case="toy",
            title="Notes another enum's event",
            params=MechanismParams,
            step=speak,
            events={Other.SHOUTED: Event("shouted", Reading("shouted"))},
        )


@compiled
def speak_through_a_variable(s, P, m, q, own, fx):
    """Council 0 notes its event, named through a variable and by its number."""
    event = Ev.SPOKE
    note(fx, event, 0, 1.0)
    note(fx, 0, 0, 1.0)


def test_an_event_the_source_does_not_name_is_left_to_the_run():
    """An event passed as a variable was refused as undeclared ("notes event event"), though it was declared: only a
    run can tell what it holds (sim.core.evaluate checks the rows written)."""
    declared = Mechanism(
        name="chatty",
        cause="chatty",
        case="toy",
        title="Notes its event through a variable",
        params=MechanismParams,
        step=speak_through_a_variable,
        events={Ev.SPOKE: Event("spoke", Reading("spoke"))},
    )
    assert declared.event_list == (declared.events[Ev.SPOKE],)


def test_a_step_noting_only_declared_events_is_taken():
    declared = Mechanism(
        name="chatty",
        cause="chatty",
        case="toy",
        title="Notes its event",
        params=MechanismParams,
        step=speak,
        events={Ev.SPOKE: Event("spoke", Reading("spoke"))},
    )
    assert declared.event_list == (declared.events[Ev.SPOKE],)


@pytest.mark.parametrize(
    ("size", "spec", "words"),
    [
        (0.52, "level", "moderate (0.52 of 1)"),
        (0.05, "level", "very low (0.05 of 1)"),
        (0.199, "level", "low (0.20 of 1)"),
        (0.8, "level", "very high (0.80 of 1)"),
        (1.0, "times", "once"),
        (2.0, "times", "twice"),
        (3.0, "times", "3 times"),
        (1.0, "months", "1 month"),
        (6.0, "months", "6 months"),
        (-0.24, ".2f", "0.24"),
        (-0.24, "takes/adds", "adds"),
        (0.24, "takes/adds", "takes"),
    ],
)
def test_a_size_reads_in_words_and_never_with_a_sign(size, spec, words):
    assert format(Size(size), spec) == words


def test_a_size_too_small_to_show_reads_less_than_the_smallest_shown():
    assert (format(Size(0.004), ".2f"), format(Size(-0.004), ".2f"), format(Size(0.003), ".0%")) == ("less than 0.01", "less than 0.01", "less than 1%")
    assert (format(Size(0.0), ".2f"), format(Size(0.006), ".2f"), format(Size(0.0), ".0%")) == ("0.00", "0.01", "0%")


def test_a_reading_names_the_partner_where_it_can():
    how = Reading("trust fell by {size:.2f} on a 0-1 scale", naming="held back by {partner}: trust fell by {size:.2f} on a 0-1 scale")
    assert how.text(-0.18) == "trust fell by 0.18 on a 0-1 scale"
    assert how.text(0.18, "Eastshire CC") == "held back by Eastshire CC: trust fell by 0.18 on a 0-1 scale"
    assert Reading().text(0.5) is None

"""The state as record arrays, the causes and the layout of streams and events built from the registry, and compilation settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.core import causes, decisions, exogenous, jit, rng, triggers
from sim.core.layout import layout
from sim.core.mechanisms import mechanisms
from sim.core.state import COUNCIL, ENDED, OUTCOMES, PARTNERSHIP, PHASES, PROPOSAL, RUNNING, StateArrays


def test_the_initial_state(bench):
    b = bench(k=3, reps=2)
    s = b.s
    assert s.month == 0 and s.reps.tolist() == [0, 1]
    assert s.partnership.shape == (2,) and s.partnership.dtype == PARTNERSHIP
    assert s.council.shape == (2, 3) and s.council.dtype == COUNCIL
    assert (s.partnership["phase"] == PROPOSAL).all() and s.running.all() and s.active.all()
    assert (s.partnership["launch_month"] == -1).all() and (s.partnership["end_cause"] == causes.NONE).all()
    assert (s.council["exit_month"] == -1).all() and (s.council["notice"] == 0).all()
    for name in ("exit_cause", "exit_trigger", "notice_cause", "notice_trigger", "decision_due", "decision_trigger"):
        assert (s.council[name] == -1).all(), name
    assert (s.partnership["review_due"] == -1).all() and (s.partnership["end_trigger"] == -1).all()
    np.testing.assert_array_equal(s.partnership["approval_due"], b.P.partnership["approval_months"])
    np.testing.assert_array_equal(s.council["it_maturity"], b.P.council["it_maturity"])
    np.testing.assert_array_equal(s.council["sovereignty"], b.P.council["sovereignty_concern"])
    assert s.pairs.tolist() == [[[False, True, True], [True, False, True], [True, True, False]]] * 2
    np.testing.assert_array_equal(s.trust, np.where(s.pairs, 0.7, 0.0))
    n_causes = len(layout().causes)
    assert s.value_lost.shape == s.trust_lost.shape == (n_causes, 2, 3) and s.savings_lost.shape == (n_causes, 2)
    assert not s.value_lost.any() and not s.trust_lost.any() and not s.savings_lost.any()
    assert set(s.own) == {m.name for m in mechanisms()}
    assert s.mech("case01")["present"].all() and s.mech("case01")["present"].shape == (2, 3)
    assert PHASES[PROPOSAL] == "proposal" and PHASES[ENDED] == "ended" and OUTCOMES[RUNNING] == "running"


def test_views_write_through_and_copies_do_not(bench):
    s = bench(k=2, reps=2).s
    s.mech("case01")["present"][0, 1] = False
    assert not s.own["case01"].council["present"][0, 1]
    s.active[1, 0] = False
    assert not s.council["active"][1, 0]
    copy = s.copy()
    copy.council["orientation"][:] = 0.0
    copy.value_lost[:] = 1.0
    copy.mech("case01")["present"][:] = True
    copy.trust[:] = 0.0
    assert (s.council["orientation"] == 0.5).all() and not s.value_lost.any() and not s.mech("case01")["present"][0, 1] and s.trust.any()
    arrays = s.arrays
    assert isinstance(arrays, StateArrays) and arrays.partnership is s.partnership and arrays.trust is s.trust


def test_causes_are_the_mechanisms_then_exogenous_change_then_the_savings_model():
    plan = layout()
    labels = [c.label for c in plan.causes]
    savings_causes = ["legacy_it", "unclear_business_case", "short_delivery"]
    assert labels == [m.cause for m in mechanisms()] + [label for label, _ in exogenous.CAUSES.values()] + savings_causes
    assert plan.cause_index == {label: i for i, label in enumerate(labels)}
    assert plan.label(causes.NONE) == "none" and plan.cause(causes.NONE) is None and plan.label(0) == labels[0]
    assert plan.exogenous_causes.tolist() == [plan.cause_index[c.label] for c in causes.EXOGENOUS]
    first = plan.causes[0]
    assert first.source == "case 01" and first.words == f"{first.title} (case 01)"
    assert plan.causes[plan.cause_index["political_control"]].source == "outside change"
    assert plan.causes[plan.cause_index["reorganisation"]].source == "outside change"
    assert plan.causes[plan.cause_index["legacy_it"]].source == "Getting IT right"


def test_a_departing_chief_executive_announced_at_the_start_is_in_the_initial_state(bench):
    s = bench(columns={"ceo_leaving_in": [4, 0]}).s
    np.testing.assert_array_equal(s.council["ceo_notice"], [[4, 0]])
    np.testing.assert_array_equal(s.council["felt"], [[exogenous.ANNOUNCED, 0]])


def test_streams_and_events_are_laid_out_from_the_registry():
    plan = layout()
    first = len(exogenous.STREAM_NAMES) + len(decisions.STREAM_NAMES)
    assert plan.streams[: len(exogenous.STREAM_NAMES)] == exogenous.STREAM_NAMES
    assert plan.streams[len(exogenous.STREAM_NAMES) : first] == decisions.STREAM_NAMES == ("decide.choice", "decide.notice")
    assert plan.streams[first:] == tuple(name for m in mechanisms() for name in m.stream_names)
    assert len(set(plan.streams)) == len(plan.streams)
    assert plan.stream_ids.tolist() == [rng.stream_id(name) for name in plan.streams]
    exo = [e.what for e, _, _ in exogenous.EVENTS.values()]
    decided = [e.what for e in decisions.EVENTS.values()]
    assert [kind.event.what for kind in plan.events] == exo + decided + [e.what for m in mechanisms() for e in m.event_list]
    # exogenous events carry their trigger; each decision's event its own (recorded with it)
    assert [kind.trigger for kind in plan.events[: len(exo)]] == [triggers.label(t) if t is not None else "" for _, _, t in exogenous.EVENTS.values()]
    assert all(kind.trigger == "" and kind.cause == "" for kind in plan.events[len(exo) : len(exo) + len(decided)])
    for slot in plan.slots:
        assert [kind.cause for kind in plan.events[slot.events[0] : slot.events[1]]] == [slot.mechanism.cause] * len(slot.mechanism.events)
        assert plan.causes[slot.cause].label == slot.mechanism.cause
    assert plan.most_events == max(len(exogenous.EVENTS), len(decisions.EVENTS), *(len(m.events) for m in mechanisms()))
    assert layout() is layout() and layout(mechanisms()) is layout()


def test_the_compiled_code_cache_is_named_for_the_source(monkeypatch, tmp_path):
    monkeypatch.setattr(jit, "_cache_dir", None)  # cache_dir() remembers its folder: restored after the test
    digest = jit.source_hash()
    assert len(digest) == 16 and digest == jit.source_hash()
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    assert jit.cache_root() == tmp_path / "numba"
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert jit.cache_root() == tmp_path / "partnership-sim" / "numba"
    assert jit.cache_dir().name == digest and not jit.cache_dir().is_relative_to(Path(jit.CORE).parent)


def test_compiled_functions_keep_their_python_function():
    f = exogenous.election_due
    assert isinstance(f, jit.Compiled) and f.py_func.__name__ == "election_due" and f.__wrapped__ is f.py_func
    assert f.__doc__ and repr(f) == "<compiled sim.core.exogenous.election_due>"
    assert jit.OPTIONS["cache"] and not jit.OPTIONS["_nrt"]


@pytest.mark.parametrize("name", ["sim.core.kernel._whole_runs"])
def test_cached_code_is_found_after_a_run(bench, name):
    from sim.core import kernel

    b = bench()
    kernel.run(b.P, b.s.reps, 0)
    kernel.step(b.s, b.P, 0)
    assert jit.is_cached(name)

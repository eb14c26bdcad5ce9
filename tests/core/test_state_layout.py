"""The state as record arrays, the causes and the layout of streams and events built from the registry, and compilation settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.core import causes, exogenous, jit, rng
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
    assert (s.council["commitment"] == 0.75).all() and (s.council["exit_month"] == -1).all()
    assert s.pairs.tolist() == [[[False, True, True], [True, False, True], [True, True, False]]] * 2
    np.testing.assert_array_equal(s.trust, np.where(s.pairs, 0.7, 0.0))
    n_causes = len(layout().causes)
    assert s.commitment_lost.shape == (n_causes, 2, 3) and s.savings_lost.shape == (n_causes, 2)
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
    copy.council["commitment"][:] = 0.0
    copy.mech("case01")["present"][:] = True
    copy.trust[:] = 0.0
    assert (s.council["commitment"] == 0.75).all() and not s.mech("case01")["present"][0, 1] and s.trust.any()
    arrays = s.arrays
    assert isinstance(arrays, StateArrays) and arrays.partnership is s.partnership and arrays.trust is s.trust


def test_causes_are_the_mechanisms_then_exogenous_change_then_the_savings_model():
    plan = layout()
    labels = [c.label for c in plan.causes]
    assert labels == [m.cause for m in mechanisms()] + [label for label, _ in exogenous.CAUSES.values()] + ["legacy_it", "unclear_business_case"]
    assert plan.cause_index == {label: i for i, label in enumerate(labels)}
    assert plan.label(causes.NONE) == "none" and plan.cause(causes.NONE) is None and plan.label(0) == labels[0]
    assert plan.exogenous_causes.tolist() == [plan.cause_index[c.label] for c in causes.EXOGENOUS]
    first = plan.causes[0]
    assert first.source == "case 01" and first.words == f"{first.title} (case 01)"
    assert plan.causes[plan.cause_index["election"]].source == "outside change"
    assert plan.causes[plan.cause_index["legacy_it"]].source == "Getting IT right"


def test_streams_and_events_are_laid_out_from_the_registry():
    plan = layout()
    assert plan.streams[: len(exogenous.STREAM_NAMES)] == exogenous.STREAM_NAMES
    assert plan.streams[len(exogenous.STREAM_NAMES) :] == tuple(name for m in mechanisms() for name in m.stream_names)
    assert len(set(plan.streams)) == len(plan.streams)
    assert plan.stream_ids.tolist() == [rng.stream_id(name) for name in plan.streams]
    assert [kind.event.what for kind in plan.events] == [e.what for e, _ in exogenous.EVENTS.values()] + [e.what for m in mechanisms() for e in m.event_list]
    for slot in plan.slots:
        assert [kind.cause for kind in plan.events[slot.events[0] : slot.events[1]]] == [slot.mechanism.cause] * len(slot.mechanism.events)
        assert plan.causes[slot.cause].label == slot.mechanism.cause
    assert plan.most_events == max(len(exogenous.EVENTS), *(len(m.events) for m in mechanisms()))
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


@pytest.mark.parametrize("name", ["sim.core.kernel._whole_runs", "sim.core.kernel._month"])
def test_cached_code_is_found_after_a_run(bench, name):
    from sim.core import kernel

    b = bench()
    kernel.run(b.P, b.s.reps, 0)
    kernel.step(b.s, b.P, 0)
    assert jit.is_cached(name)

"""Every mechanism alike: registry, switching off, reading only its own inputs, booking to itself."""

from __future__ import annotations

import inspect
from dataclasses import fields

import numpy as np
import pytest

from sim import causes, kernel, population
from sim.mechanisms import BY_NAME, MECHANISMS
from sim.mechanisms.base import BatchEffect, MechanismParams, evaluate, field_names
from sim.state import EXPANSION, State, pair_mask

NAMES = [m.NAME for m in MECHANISMS]

#: Council attributes each mechanism reads (directly, or through the state they start).
READS = {
    "case01": {"key_person_dependency"},
    "case02": {"pace", "inhouse_confidence", "sovereignty_concern"},
    "case03": {"size", "orientation"},
    "case04": {"it_maturity", "risk_appetite"},
    "case05": {"size"},
    "case06": {"size", "sovereignty_concern", "exit_threshold"},
    "case07": {"service_quality"},
}

#: Other values for every council attribute, different per council.
ALTERNATIVE = [
    {
        "tier": "county",
        "size": 3.0,
        "risk_appetite": 0.9,
        "it_maturity": 0.95,
        "legacy_it": 0.7,
        "contract_end_month": 50,
        "pace": 0.9,
        "key_person_dependency": 0.1,
        "orientation": 0.9,
        "sovereignty_concern": 0.8,
        "inhouse_confidence": 0.2,
        "service_quality": 0.3,
        "ict_skills": 0.2,
        "exit_threshold": 0.1,
        "election_cycle": "thirds",
        "first_election_month": 7,
    },
    {
        "tier": "unitary",
        "size": 0.4,
        "risk_appetite": 0.05,
        "it_maturity": 0.1,
        "legacy_it": 0.2,
        "contract_end_month": 5,
        "pace": 0.1,
        "key_person_dependency": 0.9,
        "orientation": 0.05,
        "sovereignty_concern": 0.2,
        "inhouse_confidence": 0.6,
        "service_quality": 0.9,
        "ict_skills": 0.7,
        "exit_threshold": 0.05,
        "election_cycle": "all_out",
        "first_election_month": 30,
    },
    {
        "tier": "metropolitan",
        "size": 1.7,
        "risk_appetite": 0.4,
        "it_maturity": 0.6,
        "legacy_it": 0.5,
        "contract_end_month": 12,
        "pace": 0.6,
        "key_person_dependency": 0.3,
        "orientation": 0.6,
        "sovereignty_concern": 0.5,
        "inhouse_confidence": 0.5,
        "service_quality": 0.6,
        "ict_skills": 0.5,
        "exit_threshold": 0.2,
        "election_cycle": "thirds",
        "first_election_month": 1,
    },
]


def firing(name, bench, month, launched, council=None, override=None, mechanisms=None):
    """Three councils in a situation in which mechanism ``name`` does something, and its month.

    ``council`` replaces attributes the situation does not set; ``override`` (one value per
    council) replaces any, including those it sets.
    """

    def make(columns, **kwargs):
        return bench(k=3, council=council, columns={**columns, **(override or {})}, mechanisms=mechanisms or {}, **kwargs)

    if name == "case01":
        b = make({"key_person_dependency": [0.5, 1.0, 0.7]}, state={"maturity": 0.25})
        b.s.mech["case01"]["present"][:] = [[True, False, True]]
        b.s.mech["case01"]["vacancy"][:] = 3
        return b, month(b, draws={"case01.leave": 0.0})
    if name == "case02":
        columns = {"pace": [0.5, 0.9, 0.3], "inhouse_confidence": [0.8, 0.4, 0.6], "sovereignty_concern": [0.4, 0.1, 0.3]}
        b = make(columns, partnership={"approval_months": 3}, state={"month": 3})
        b.s.mech["case02"]["surfaced"][:] = True
        return b, month(b, draws={"case02.approve": [[0.5, 0.55, 0.3]]})
    if name == "case03":
        b = make({"orientation": [0.2, 0.8, 0.5], "size": [1.0, 2.0, 1.0]})
        launched(b, 6)
        return b, month(b, changed=True)
    if name == "case04":
        b = make(
            {"it_maturity": [0.8, 0.3, 0.5], "risk_appetite": [0.9, 0.2, 0.5]}, partnership={"governance": "trading_company"}, state={"harmonisation": 0.2}
        )
        launched(b, 18)
        return b, month(b)
    if name == "case05":
        b = make({"size": [1.0, 3.0, 2.0]}, partnership={"governance": "commercial_venture"})
        launched(b, 30)
        b.s.active[:] = [[True, True, False]]
        b.s.pairs = pair_mask(b.s.active)
        b.s.mech["case05"]["below"][:] = 17
        return b, month(b)
    if name == "case06":
        columns = {"size": [1.0, 4.0, 2.0], "sovereignty_concern": [0.5, 0.9, 0.3], "exit_threshold": [0.3, 0.3, 0.3]}
        b = make(columns, state={"scope": 1, "commitment": [[0.35, 0.8, 0.8]]})
        launched(b, 40, EXPANSION)
        return b, month(b, lever={"staged_scope": 0.5})
    assert name == "case07"
    b = make({"service_quality": [1.0, 0.5, 0.8]}, partnership={"rebrand_month": 12}, state={"maturity": 0.35})
    launched(b, 12)
    b.s.mech["case07"]["deficit"][:] = 0.2
    return b, month(b)


def flat(effect: BatchEffect) -> dict[str, np.ndarray]:
    """Every array of an effect, by name."""
    out = {}
    for f in fields(BatchEffect):
        value = getattr(effect, f.name)
        if isinstance(value, dict):
            out.update({f"{f.name}.{k}": np.asarray(v) for k, v in value.items()})
        elif isinstance(value, list):
            for i, ev in enumerate(value):
                out[f"events[{i}].mask"] = np.asarray(ev.mask)
                out[f"events[{i}].size"] = np.asarray(ev.size)
        elif value is not None:
            out[f.name] = np.asarray(value)
    return out


def test_every_mechanism_declares_its_case_cause_streams_and_parameters():
    assert len(MECHANISMS) == 7
    assert [m.CASE for m in MECHANISMS] == [f"0{i}" for i in range(1, 8)]
    for m in MECHANISMS:
        assert BY_NAME[m.NAME] is m
        assert m.CAUSE in causes.LABELS
        assert issubclass(m.Params, MechanismParams)
        assert set(m.STREAMS) <= set(kernel.STREAMS)
        assert f"Case {m.CASE}" in m.__doc__ and "Guide 08" in m.__doc__
        assert list(inspect.signature(m.init).parameters) == ["P", "n_reps", "n_councils"]
        assert list(inspect.signature(m.step.py_func).parameters) == ["s", "own", "P", "q", "m", "fx"]
        assert list(m.ParamArrays._fields) == field_names(m.Params)
        assert set(m.SHARED) <= set(State.__dataclass_fields__)
        assert all(isinstance(what, str) for what in m.EVENTS)


@pytest.mark.parametrize("name", NAMES)
def test_each_firing_case_does_something(name, bench, month, launched):
    b, m = firing(name, bench, month, launched)
    e = evaluate(BY_NAME[name], b.s, b.P, m)
    touched = [np.any(e.commitment), np.any(e.trust), np.any(e.savings), np.any(e.cost), np.any(e.launch), np.any(e.ends)]
    assert any(touched)
    assert BY_NAME[name].TAKES_TRUST or not np.any(e.trust), "the kernel does not read the trust of a mechanism declared not to take any"


@pytest.mark.parametrize("name", NAMES)
def test_a_disabled_mechanism_does_nothing(name, bench, month, launched):
    b_off, m_off = firing(name, bench, month, launched, mechanisms={name: {"enabled": False}})
    mech = BY_NAME[name]
    # switched off from the start, its own arrays never left their initial values
    b_off.s.mech[name] = mech.init(b_off.P, *b_off.s.active.shape)
    own_before = {k: v.copy() for k, v in b_off.s.mech[name].items()}
    e = evaluate(mech, b_off.s, b_off.P, m_off)
    for array in (e.commitment, e.trust, e.savings, e.cost):
        assert not np.any(array)
    assert not e.ends.any()
    for key, value in e.own.items():
        np.testing.assert_array_equal(value, own_before[key], err_msg=key)
    for key, value in e.shared.items():
        np.testing.assert_array_equal(value, getattr(b_off.s, key), err_msg=key)
    for ev in e.events:
        assert not ev.mask.any()
    if name == "case02":
        # switched off, the proposal is approved on its planned date
        assert e.launch.all()
    else:
        assert not e.launch.any()


@pytest.mark.parametrize("name", NAMES)
def test_reads_only_its_own_council_attributes(name, bench, month, launched):
    b, m = firing(name, bench, month, launched)
    others = [{k: v for k, v in alt.items() if k not in READS[name]} for alt in ALTERNATIVE]
    b2, m2 = firing(name, bench, month, launched, council=others)
    mech = BY_NAME[name]
    expected, got = flat(evaluate(mech, b.s, b.P, m)), flat(evaluate(mech, b2.s, b2.P, m2))
    assert expected.keys() == got.keys()
    for key in expected:
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)


@pytest.mark.parametrize(("name", "attribute"), [(name, a) for name in NAMES for a in sorted(READS[name])])
def test_reads_the_council_attributes_it_names(name, attribute, bench, month, launched):
    b, m = firing(name, bench, month, launched)
    b2, m2 = firing(name, bench, month, launched, override={attribute: [alt[attribute] for alt in ALTERNATIVE]})
    mech = BY_NAME[name]
    base, got = flat(evaluate(mech, b.s, b.P, m)), flat(evaluate(mech, b2.s, b2.P, m2))
    assert any(not np.array_equal(got[k], base[k]) for k in base)


#: A configuration in which mechanism X fires within a short run, with only X switched on.
ALONE = {
    "case01": {"mechanisms": {"case01": {"leave_hazard": 0.2}}, "columns": {"key_person_dependency": [1.0, 1.0]}},
    "case02": {"partnership": {"approval_months": 2, "decision_clarity": 0.0}, "mechanisms": {"case02": {"refusal": 0.9}}},
    "case03": {"columns": {"orientation": [0.0, 1.0]}, "exogenous": {"budget_shock_hazard": 0.3, "budget_shock_size": 0.0}},
    "case04": {"partnership": {"governance": "trading_company"}, "columns": {"it_maturity": [0.9, 0.1], "risk_appetite": [0.0, 1.0]}},
    "case05": {"partnership": {"governance": "commercial_venture", "guaranteed_volume": 0.3}},
    "case06": {"partnership": {"expansion_month": 2}, "columns": {"size": [1.0, 5.0], "sovereignty_concern": [1.0, 1.0]}},
    "case07": {"partnership": {"rebrand_month": 1}},
}
TAKES_SAVINGS = {"case02", "case03", "case04", "case05", "case07"}


def alone(name: str, config, reps: int = 8):
    """Run mechanism ``name`` alone (others off, no disappointment) for 60 months."""
    spec = {key: dict(value) for key, value in ALONE[name].items()}
    mech = {m: {"enabled": m == name, **spec.get("mechanisms", {}).get(m, {})} for m in NAMES}
    spec["mechanisms"] = mech
    spec["partnership"] = {"horizon_months": 60, "approval_months": 2, **spec.get("partnership", {})}
    spec["dynamics"] = {"disappointment": 0.0}
    cfg = config(**spec)
    reps_ = np.arange(reps)
    P = population.build(cfg, 3, reps_)
    return kernel.run(P, reps_, 3)


@pytest.mark.parametrize("name", NAMES)
def test_alone_a_mechanism_books_every_loss_to_itself(name, config):
    s = alone(name, config)
    c = causes.INDEX[BY_NAME[name].CAUSE]
    assert s.commitment_lost[c].sum() > 0
    others = [i for i in range(len(causes.LABELS)) if i != c]
    np.testing.assert_array_equal(s.commitment_lost[others], 0.0)
    structural = [i for i in others if i != causes.LEGACY]
    np.testing.assert_array_equal(s.savings_lost[structural], 0.0)
    if name in TAKES_SAVINGS:
        assert s.savings_lost[c].sum() > 0
    assert set(np.unique(s.exit_cause)) <= {causes.NONE, c}
    ended = np.isin(s.outcome, [1, 2])
    assert set(np.unique(s.end_cause[ended])) <= {causes.NONE, c}


@pytest.mark.parametrize("name", NAMES)
def test_switched_off_a_mechanism_leaves_no_trace(name, config):
    """Every other mechanism on and firing: the disabled one's cause never appears."""
    spec = {"partnership": {"horizon_months": 60, "approval_months": 2}, "mechanisms": {}, "columns": {}}
    for other in NAMES:
        for key, value in ALONE[other].items():
            if key == "columns":
                continue
            spec.setdefault(key, {})
            for sub, val in value.items():
                spec[key][sub] = {**spec[key].get(sub, {}), **val} if isinstance(val, dict) else val
    spec["partnership"]["governance"] = "commercial_venture" if name != "case05" else "trading_company"
    spec["columns"] = {"size": [1.0, 5.0], "sovereignty_concern": [1.0, 1.0], "orientation": [0.0, 1.0], "it_maturity": [0.9, 0.1]}
    spec["mechanisms"][name] = {**spec["mechanisms"].get(name, {}), "enabled": False}
    cfg = config(**spec)
    reps = np.arange(16)
    s = kernel.run(population.build(cfg, 5, reps), reps, 5)
    c = causes.INDEX[BY_NAME[name].CAUSE]
    np.testing.assert_array_equal(s.commitment_lost[c], 0.0)
    np.testing.assert_array_equal(s.savings_lost[c], 0.0)
    assert not (s.exit_cause == c).any()
    assert not (s.end_cause == c).any()
    assert s.commitment_lost.sum() > 0

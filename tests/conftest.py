"""Shared fixtures: small hand-built partnerships, their parameter arrays, state and month.

``bench(...)`` builds a checked config with fixed (not drawn) council attributes, its
parameter arrays ``P`` (record arrays, :func:`sim.population.build`) for R replications
and the initial :class:`~sim.core.state.State`; ``month(...)`` builds the
:class:`~sim.core.evaluate.Inputs` a mechanism sees, with chosen draws, exogenous changes
and lever strengths. Together they let a test exercise one mechanism alone
(:func:`sim.core.evaluate.evaluate`) on numbers it can check by hand.

The test folders mirror the package (``core``, ``config``, ``frontends``, ``analysis``,
``results``, ``cli``); test modules have unique names, so no folder needs an ``__init__.py``.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import settings

from sim import population
from sim.config.model import ModelConfig, model_config
from sim.core import kernel, levers
from sim.core.evaluate import Inputs
from sim.core.layout import layout
from sim.core.state import COUNCIL, INTEGRATION, PARTNERSHIP, State, StateArrays

settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

#: Council attributes fixed at round values, so hand calculations stay simple.
COUNCIL_VALUES: dict[str, Any] = {
    "tier": "district",
    "size": 1.0,
    "risk_appetite": 0.5,
    "it_maturity": 0.5,
    "legacy_it": 0.0,
    "contract_end_month": 0,
    "pace": 0.5,
    "key_person_dependency": 0.5,
    "champion": "chief_executive",
    "orientation": 0.5,
    "sovereignty_concern": 0.0,
    "inhouse_confidence": 1.0,
    "service_quality": 1.0,
    "ict_skills": 1.0,
    "ceo_leaving_in": 0,
    "election_cycle": "all_out",
    "first_election_month": 0,
    "guarantee": 0.6,
    "guarantee_months": 24,
    "budget_month": 0,
}

#: Partnership, decision and mechanism parameters the hand calculations use, pinned so that
#: recalibrating a default does not silently change a test's arithmetic.
PARTNERSHIP_VALUES: dict[str, Any] = {
    "governance": "joint_committee",
    "commercial_capability": 0.3,
    "business_case_clarity": 1.0,
    "promised_savings": 1.0,
    "delivery": 1.0,
    "it_share_of_savings": 0.5,
    "decision_clarity": 0.5,
    "approval_months": 9,
    "integration_months": 18,
    "review_months": 48,
    "market_volume": 0.2,
    "deepening_month": -1,
    "rebrand_month": -1,
    "communications": 0.5,
    "initial_trust": 0.7,
    "enthusiasm": 0.2,
}
DECISION_VALUES: dict[str, Any] = {
    "memory": 0.08,
    "enthusiasm_months": 24,
    "weight_savings": 0.4,
    "weight_service": 0.2,
    "weight_fit": 0.25,
    "weight_trust": 0.15,
    "outside_option": 0.55,
    "exit_cost_mou": 0.02,
    "exit_cost_joint_committee": 0.08,
    "exit_cost_lead_authority": 0.1,
    "exit_cost_company": 0.15,
    "unpick_cost": 0.15,
    "notice_mou": 3,
    "notice_committee": 12,
    "notice_company": 18,
    "noise": 0.08,
    "inertia_routine": 0.25,
    "inertia_reopened": 0.1,
    "coordination_cost": 0.03,
    "deeper_coordination": 1.0,
    "approval_base": 1.0,
    "approval_case": 3.0,
    "approval_concern": 3.0,
    "reference_savings": 1.5,
    "give_up": 0.1,
    "settle_months": 6,
}
MECHANISMS: dict[str, dict[str, Any]] = {
    "case01": {
        "specialist_hazard": 1 / 60,
        "succession": 1 / 24,
        "trust_drop": 0.3,
        "erosion_months": 12,
        "advocacy": 0.5,
        "effectiveness": 0.3,
        "reach": 0.5,
        "resilience": 0.8,
        "continuity_trust_kept": 0.5,
        "continuity_succession": 2.0,
    },
    "case02": {
        "iteration_months": 3,
        "surfacing": 0.25,
        "fatigue": 0.25,
        "clarity_speedup": 0.5,
        "successor_involved": 0.8,
        "escalate_after": 2,
        "settled": 0.6,
    },
    "case03": {
        "potential_loss": 0.5,
        "misfit": 0.5,
        "change_sensitivity": 1.0,
        "unsettled_months": 12,
        "openness_effect": 0.5,
        "caution_threshold": 0.3,
        "caution_relief": 0.5,
    },
    "case04": {
        "join_months": 6,
        "frustration": 0.6,
        "trust_erosion": 0.02,
        "contest": 0.4,
        "gap_savings_loss": 0.6,
        "risk_gap_weight": 0.5,
        "immaturity_loss": 0.3,
        "stagnation": 0.45,
        "stagnation_months": 36,
        "cost_rise": 0.2,
        "win_rate": 0.02,
        "growth_hope": 0.3,
    },
    "case05": {
        "reserve_months": 12,
        "market_growth": 0.012,
        "market_noise": 0.08,
        "market_cap": 1.5,
        "scale_chance": 0.5,
        "small_cap": 0.3,
        "retention": 0.75,
        "deficit_cost": 0.8,
        "anxiety": 0.5,
        "no_go": 0.6,
        "sizing": 0.7,
    },
    "case06": {"acceptance": 1.5, "reluctance": 4.0, "priorities": 0.5, "tension": 1.5, "trust_loss": 0.03, "settled": 0.7},
    "case07": {
        "identity": 0.5,
        "maturity_needed": 0.7,
        "goodwill_shock": 1.0,
        "communications_relief": 0.4,
        "effectiveness_loss": 0.5,
        "service_loss": 1.0,
        "goodwill_recovery": 0.015,
        "rebrand_cost": 0.1,
        "public_identity": 0.7,
    },
    "coordination": {"disruption": 0.3, "disruption_relief": 0.5, "frustration": 0.5},
}
#: Every mechanism of the package switched off.
OFF: dict[str, dict[str, Any]] = {name: {"enabled": False} for name in MECHANISMS}
DYNAMICS_VALUES: dict[str, Any] = {
    "trust_recovery": 0.03,
    "maturity_months": 36,
    "harmonisation_months": 18,
    "legacy_drag": 0.4,
    "skills_drag": 0.3,
    "optimism_bias": 0.5,
    "catch_up_rate": 0.03,
    "cloud_relief": 0.5,
    "service_drag": 0.3,
}

#: Exogenous change switched off (every hazard and chance 0; the switches stay on).
QUIET: dict[str, float] = {
    "control_change_all_out": 0.0,
    "control_change_thirds": 0.0,
    "turnover_hazard": 0.0,
    "budget_shock_hazard": 0.0,
    "reorganisation_hazard": 0.0,
}


@dataclass
class Bench:
    """A checked config, its parameter arrays and an initial state."""

    cfg: ModelConfig
    P: Any
    s: State
    seed: int


def council_list(k: int, council: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None, **per_council: Sequence[Any]) -> list[dict[str, Any]]:
    """K council dicts: :data:`COUNCIL_VALUES`, then ``council`` (shared or one per council), then per-council columns."""
    shared = council if isinstance(council, Mapping) or council is None else {}
    rows = [dict(COUNCIL_VALUES, name=f"C{i}", **(shared or {})) for i in range(k)]
    if council is not None and not isinstance(council, Mapping):
        for row, extra in zip(rows, council, strict=True):
            row.update(extra)
    for name, column in per_council.items():
        for row, value in zip(rows, column, strict=True):
            row[name] = value
    return rows


def make_config(k: int = 2, council: Any = None, quiet: bool = True, **sections: Any) -> ModelConfig:
    """A checked config of K fixed councils over the pinned parameters.

    ``sections`` may hold ``partnership``, ``dynamics``, ``decisions``, ``exogenous``,
    ``mechanisms`` and ``levers`` (merged over the pinned values) and ``columns`` (one value
    per council).
    ``quiet`` switches exogenous change off.
    """
    columns = sections.pop("columns", {})
    mechanisms = dict(sections.pop("mechanisms", {}))
    pinned = {name: {**values, **mechanisms.pop(name, {})} for name, values in MECHANISMS.items()}
    raw = {
        "councils": council_list(k, council, **columns),
        **sections,
        "partnership": {**PARTNERSHIP_VALUES, **sections.get("partnership", {})},
        "dynamics": {**DYNAMICS_VALUES, **sections.get("dynamics", {})},
        "decisions": {**DECISION_VALUES, **sections.get("decisions", {})},
        "mechanisms": {**pinned, **mechanisms},
    }
    if quiet:
        raw["exogenous"] = {**QUIET, **raw.get("exogenous", {})}
    return model_config(raw)


def set_state(s: State, name: str, value: Any) -> None:
    """Set a state field by name, broadcast to its shape: ``month``, a partnership or council record field, or an array."""
    if name == "month":
        s.month = int(value)
        return
    if name in (PARTNERSHIP.names or ()):
        target = s.partnership[name]
    elif name in (COUNCIL.names or ()):
        target = s.council[name]
    elif name in StateArrays._fields:
        target = getattr(s, name)
    else:
        raise KeyError(f"{name} is not a state field")
    target[...] = np.broadcast_to(np.asarray(value, dtype=target.dtype), target.shape)


def make_bench(k: int = 2, reps: int = 1, seed: int = 0, state: Mapping[str, Any] | None = None, **kwargs: Any) -> Bench:
    """Config, P and initial state for ``reps`` replications; ``state`` overrides state fields (broadcast, see :func:`set_state`)."""
    cfg = make_config(k, **kwargs)
    rep_ids = np.arange(reps, dtype=np.int64)
    P = population.build(cfg, seed, rep_ids)
    s = kernel.init_state(P, rep_ids)
    for name, value in (state or {}).items():
        set_state(s, name, value)
    return Bench(cfg, P, s, seed)


def make_month(b: Bench, t: int | None = None, draws: Mapping[str, Any] | None = None, signals: Any = 0, lever: Mapping[str, float] | None = None) -> Inputs:
    """The month a mechanism sees: every stream drawn at 0.999 unless given, no outside change unless ``signals``
    (sums of :class:`sim.core.exogenous.Signal` flags, broadcast to ``(R, K)``), levers off unless given."""
    n, k = b.s.active.shape
    full = {name: np.full((n, k), 0.999) for name in layout().streams}
    for name, value in (draws or {}).items():
        if name not in full:
            raise KeyError(f"{name} is not a stream (known: {', '.join(full)})")
        full[name] = np.broadcast_to(np.asarray(value, float), (n, k)).copy()
    strengths = {name: np.zeros(n) for name in levers.NAMES}
    for name, value in (lever or {}).items():
        strengths[name] = np.full(n, float(value))
    return Inputs(b.s.month if t is None else t, full, np.broadcast_to(np.asarray(signals, np.int64), (n, k)).copy(), strengths)


def launch(b: Bench, since: int, phase: int | None = None) -> None:
    """Put every replication ``since`` months past approval (integration, or ``phase``), its next review scheduled as the kernel does."""
    b.s.month = max(b.s.month, since)
    b.s.partnership["launch_month"] = b.s.month - since
    b.s.partnership["phase"] = INTEGRATION if phase is None else phase
    b.s.partnership["review_due"] = b.s.partnership["launch_month"] + b.P.partnership["review_months"]


def flat_state(s: State) -> dict[str, np.ndarray]:
    """Every array of a state by name, replications first: ``partnership.<field>``, ``council.<field>``,
    ``trust``, ``pairs``, ``value_lost``, ``trust_lost`` and ``savings_lost`` (causes second) and ``own.<mechanism>.<field>``."""
    out = {f"partnership.{name}": s.partnership[name] for name in PARTNERSHIP.names or ()}
    out |= {f"council.{name}": s.council[name] for name in COUNCIL.names or ()}
    out |= {"trust": s.trust, "pairs": s.pairs, "value_lost": np.moveaxis(s.value_lost, 1, 0), "trust_lost": np.moveaxis(s.trust_lost, 1, 0)}
    out |= {"savings_lost": s.savings_lost.T}
    out |= {f"own.{m}.{name}": value for m in s.own for name, value in s.mech(m).items()}
    return out


def assert_same_state(a: State, b: State, rows: Any = slice(None), names: Sequence[str] | None = None) -> None:
    """The arrays ``names`` (default: all, see :func:`flat_state`) of state ``a`` at ``rows`` equal those of ``b``."""
    x, y = flat_state(a), flat_state(b)
    assert x.keys() == y.keys()
    for name in names or x:
        np.testing.assert_array_equal(x[name][rows], y[name], err_msg=name)


@pytest.fixture(scope="session")
def config():
    """Factory: ``config(k=2, council=..., columns=..., partnership=..., quiet=True)`` (see :func:`make_config`)."""
    return make_config


@pytest.fixture(scope="session")
def bench():
    """Factory: ``bench(k=2, reps=1, council=..., columns=..., partnership=..., state=...)`` (see :func:`make_bench`)."""
    return make_bench


@pytest.fixture(scope="session")
def month():
    """Factory: ``month(bench, t=None, draws=..., signals=..., lever=...)`` (see :func:`make_month`)."""
    return make_month


@pytest.fixture(scope="session")
def launched():
    """Function ``launched(bench, since, phase=None)`` (see :func:`launch`)."""
    return launch


def lever_strengths(**by_name: float) -> np.ndarray:
    """``(L,)`` lever strengths in the order of :data:`sim.core.levers.NAMES` (0 unless given), as compiled code takes them."""
    out = np.zeros(len(levers.NAMES))
    for name, value in by_name.items():
        out[levers.NAMES.index(name)] = value
    return out


def silent(value: np.ndarray) -> bool:
    """A mechanism's effect field that does nothing: all zeros (``evaluate`` fills every field)."""
    return value is not None and not np.any(value)


def cause_index() -> dict[str, int]:
    """Index of each cause label in the current registry's layout."""
    return layout().cause_index


def stop_after(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
    """Make ``owner.name`` do its work, then receive Ctrl-C (SIGINT) as a user's would arrive at that moment."""
    original = getattr(owner, name)

    def then_stopped(*args: Any, **kwargs: Any) -> Any:
        original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)

    monkeypatch.setattr(owner, name, then_stopped)


@pytest.fixture
def slow_first_compile(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The month not yet compiled in this process, its compiling made to take 1.5 s: the module
    :mod:`sim.frontends.compiling`, to check a timed analysis starts its clock after compiling."""
    import contextlib

    from sim.frontends import compiling

    class SlowCompile(contextlib.AbstractContextManager):
        def __enter__(self) -> SlowCompile:
            time.sleep(1.5)
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    monkeypatch.setattr(compiling, "_ready", set())
    monkeypatch.setattr(compiling, "compiled_code_cached", lambda: False)
    monkeypatch.setattr(compiling, "CompileNotice", SlowCompile)
    return compiling

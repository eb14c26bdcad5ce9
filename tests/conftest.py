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
    "orientation": 0.5,
    "sovereignty_concern": 0.0,
    "inhouse_confidence": 1.0,
    "service_quality": 1.0,
    "ict_skills": 1.0,
    "exit_threshold": 0.3,
    "election_cycle": "all_out",
    "first_election_month": 0,
}

#: Partnership and mechanism parameters the hand calculations use, pinned so that recalibrating
#: a default does not silently change a test's arithmetic.
PARTNERSHIP_VALUES: dict[str, Any] = {
    "governance": "joint_committee",
    "commercial_capability": 0.3,
    "business_case_clarity": 1.0,
    "decision_clarity": 0.5,
    "approval_months": 9,
    "integration_months": 18,
    "guaranteed_volume": 0.6,
    "guarantee_months": 24,
    "customer_concentration": 0.6,
    "market_volume": 0.2,
    "break_even_months": 18,
    "expansion_month": -1,
    "rebrand_month": -1,
    "communications": 0.5,
    "initial_trust": 0.7,
    "initial_commitment": 0.75,
}
MECHANISMS: dict[str, dict[str, Any]] = {
    "case01": {
        "leave_hazard": 1 / 72,
        "trust_drop": 0.3,
        "erosion": 0.01,
        "vacancy_months": 12,
        "resilience": 0.8,
        "continuity_trust_kept": 0.7,
        "continuity_vacancy_cut": 0.6,
    },
    "case02": {"iteration_months": 3, "refusal": 0.5, "concern_weight": 0.8, "fatigue": 0.04, "fatigue_growth": 0.25, "max_slips": 6, "clarity_speedup": 0.5},
    "case03": {"change_sensitivity": 0.4, "potential_loss": 0.5, "openness_relief": 0.7},
    "case04": {"frustration": 0.03, "gap_savings_loss": 0.6, "risk_gap_weight": 0.5, "stagnation": 0.45, "stagnation_months": 36},
    "case05": {"market_growth": 0.012, "market_cap": 1.5, "retention": 0.6, "deficit_cost": 0.8, "anxiety": 0.01, "extra_guarantee_months": 24},
    "case06": {"tension": 0.03, "trust_loss": 0.03, "halt_margin": 0.1},
    "case07": {
        "maturity_needed": 0.7,
        "goodwill_shock": 0.8,
        "trust_erosion": 0.03,
        "effectiveness_loss": 0.5,
        "goodwill_recovery": 0.02,
        "rebrand_cost": 0.1,
        "communications_relief": 0.5,
    },
}
#: Every mechanism of the package switched off.
OFF: dict[str, dict[str, Any]] = {name: {"enabled": False} for name in MECHANISMS}
DYNAMICS_VALUES: dict[str, Any] = {"harmonisation_months": 18, "legacy_drag": 0.4, "skills_drag": 0.3, "catch_up_rate": 0.03, "cloud_relief": 0.5}

#: Exogenous change switched off (every hazard and chance 0).
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

    ``sections`` may hold ``partnership``, ``dynamics``, ``exogenous``, ``mechanisms`` and
    ``levers`` (merged over the pinned values) and ``columns`` (one value per council).
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


def make_month(
    b: Bench, t: int | None = None, draws: Mapping[str, Any] | None = None, changed: Any = False, lever: Mapping[str, float] | None = None
) -> Inputs:
    """The month a mechanism sees: every stream drawn at 0.999 unless given, no change, levers off unless given."""
    n, k = b.s.active.shape
    full = {name: np.full((n, k), 0.999) for name in layout().streams}
    for name, value in (draws or {}).items():
        if name not in full:
            raise KeyError(f"{name} is not a stream (known: {', '.join(full)})")
        full[name] = np.broadcast_to(np.asarray(value, float), (n, k)).copy()
    strengths = {name: np.zeros(n) for name in levers.NAMES}
    for name, value in (lever or {}).items():
        strengths[name] = np.full(n, float(value))
    return Inputs(b.s.month if t is None else t, full, np.broadcast_to(np.asarray(changed, bool), (n, k)).copy(), strengths)


def launch(b: Bench, since: int, phase: int | None = None) -> None:
    """Put every replication ``since`` months past approval (integration, or ``phase``)."""
    b.s.month = max(b.s.month, since)
    b.s.partnership["launch_month"] = b.s.month - since
    b.s.partnership["phase"] = INTEGRATION if phase is None else phase


def flat_state(s: State) -> dict[str, np.ndarray]:
    """Every array of a state by name, replications first: ``partnership.<field>``, ``council.<field>``,
    ``trust``, ``pairs``, ``commitment_lost`` and ``savings_lost`` (causes second) and ``own.<mechanism>.<field>``."""
    out = {f"partnership.{name}": s.partnership[name] for name in PARTNERSHIP.names or ()}
    out |= {f"council.{name}": s.council[name] for name in COUNCIL.names or ()}
    out |= {"trust": s.trust, "pairs": s.pairs, "commitment_lost": np.moveaxis(s.commitment_lost, 1, 0), "savings_lost": s.savings_lost.T}
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
    """Factory: ``month(bench, t=None, draws=..., changed=..., lever=...)`` (see :func:`make_month`)."""
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

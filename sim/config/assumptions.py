"""The model's assumptions: each parameter whose value is assumed, with its plausible range, addressed by path.

A parameter is an *assumption* when its declaration says its value is one
(:attr:`sim.core.declare.Spec.is_assumption`) and gives a plausible range as a prior
distribution. This module is the one place that lists them (from the shared sections and the
mechanism registry), reads and sets them in a :class:`~sim.config.model.ModelConfig` by path,
and draws them: draw ``d`` is a pure function of ``(seed, d)`` (counter-based uniforms, one
stream per path), so any subset of draws is reproducible alone. Uncertainty modes, sensitivity
analysis and calibration all start here.

Paths are written as in a config: ``decisions.memory``, ``mechanisms.case01.succession``,
``levers.agreed_decision_process.strength``.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from sim.config.checks import ConfigError
from sim.config.distributions import sample
from sim.config.model import ModelConfig, across, check_value, default_lever
from sim.core import levers as lever_table
from sim.core import rng
from sim.core.declare import Spec, default_of, spec_of
from sim.core.mechanisms import mechanisms
from sim.core.params import DecisionParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams

_SECTIONS: tuple[tuple[str, type], ...] = (
    ("partnership", PartnershipParams),
    ("dynamics", DynamicsParams),
    ("decisions", DecisionParams),
    ("exogenous", ExogenousParams),
)

#: Parameters that share out a whole: whatever values they are given, they sum to 1 (checked in :mod:`sim.config.model`).
SHARES: tuple[tuple[str, ...], ...] = (("decisions.weight_savings", "decisions.weight_service", "decisions.weight_fit", "decisions.weight_trust"),)


@dataclass(frozen=True)
class Assumption:
    """One assumed parameter: where it is, its declaration and its declared default.

    Attributes
    ----------
    path
        Where it is in a config, e.g. ``decisions.memory``.
    spec
        Its declaration (unit, range, concept, value source, prior, reason).
    default
        Its declared default value.
    """

    path: str
    spec: Spec
    default: Any

    @property
    def prior(self) -> Mapping[str, Any]:
        """Its plausible range, as a distribution node (a declared factor on the default made absolute: see :func:`absolute`)."""
        assert self.spec.prior is not None
        return absolute(self.spec.prior, self.default)


#: Key of a prior declared as a factor on the default (``{"dist": "triangular", ..., TIMES: "default"}``): for a field
#: shared by instances with different defaults, such as each lever's costs.
TIMES = "times"


def absolute(prior: Mapping[str, Any], default: Any) -> dict[str, Any]:
    """``prior`` as an absolute distribution node: a prior declared with ``times: default`` has its ends multiplied by ``default``."""
    if prior.get(TIMES) != "default":
        return dict(prior)
    scale = float(default)
    return {key: (value * scale if key in ("low", "mode", "high", "mean", "sd") else value) for key, value in prior.items() if key != TIMES}


def _varies(prior: Mapping[str, Any], default: Any) -> bool:
    """False for a prior that is a factor on a default of 0 (nothing to draw)."""
    return prior.get(TIMES) != "default" or float(default) != 0.0


def _of(prefix: str, cls: type) -> list[Assumption]:
    out = []
    for f in fields(cls):
        spec: Spec = f.metadata["spec"]
        if spec.is_assumption and spec.prior is not None:
            out.append(Assumption(f"{prefix}.{f.name}", spec, default_of(cls, f.name)))
    return out


def assumptions() -> tuple[Assumption, ...]:
    """Every assumed parameter with a plausible range: shared sections, registered mechanisms, then each lever."""
    out: list[Assumption] = []
    for section, cls in _SECTIONS:
        out += _of(section, cls)
    for m in mechanisms():
        out += _of(f"mechanisms.{m.name}", m.params)
    for name in lever_table.NAMES:
        out += [Assumption(a.path, a.spec, lever_default(name, a.path)) for a in _of(f"levers.{name}", LeverParams)]
    return tuple(a for a in out if _varies(a.spec.prior or {}, a.default))


def lever_default(name: str, path: str) -> Any:
    """The default of a lever parameter (levers differ in their default costs)."""
    return getattr(default_lever(name), path.rsplit(".", 1)[1])


def by_path() -> dict[str, Assumption]:
    """The assumptions by path."""
    return {a.path: a for a in assumptions()}


def _owner(cfg: ModelConfig, path: str) -> tuple[Any, str]:
    parts = path.split(".")
    if parts[0] in ("mechanisms", "levers") and len(parts) == 3:
        table = getattr(cfg, parts[0])
        if parts[1] not in table:
            raise KeyError(f"{path}: no {parts[0][:-1]} named {parts[1]!r} (known: {', '.join(table)})")
        return table[parts[1]], parts[2]
    if parts[0] in dict(_SECTIONS) and len(parts) == 2:
        return getattr(cfg, parts[0]), parts[1]
    raise KeyError(f"{path} is not the path of a model parameter outside the councils (e.g. decisions.memory, mechanisms.case01.succession)")


def value(cfg: ModelConfig, path: str) -> Any:
    """The value of parameter ``path`` in ``cfg``."""
    owner, name = _owner(cfg, path)
    return getattr(owner, name)


def free(cfg: ModelConfig, fixed: Collection[str] = ()) -> tuple[Assumption, ...]:
    """The assumptions ``cfg`` leaves at their declared default and the user did not fix (``fixed``: paths set explicitly).

    A scenario that sets an assumed parameter (a case's own rate, say) has made it part of the
    scenario; an override or a swept value fixes it too. The rest carry their plausible range.
    """
    fixed = set(fixed)
    return tuple(a for a in assumptions() if a.path not in fixed and value(cfg, a.path) == a.default)


def with_values(cfg: ModelConfig, values: Mapping[str, Any]) -> ModelConfig:
    """A checked copy of ``cfg`` with the parameters at ``values`` (by path) set.

    Only the values set are checked (with the checks between parameters), so a copy costs
    far less than building a configuration from plain data: ``cfg`` must be checked already.

    Raises
    ------
    ConfigError
        Listing every value outside its parameter's range (or a path that is not a parameter).
    """
    out = replace(
        cfg,
        councils=[copy.copy(c) for c in cfg.councils],
        partnership=copy.copy(cfg.partnership),
        dynamics=copy.copy(cfg.dynamics),
        decisions=copy.copy(cfg.decisions),
        exogenous=copy.copy(cfg.exogenous),
        mechanisms={name: copy.copy(m) for name, m in cfg.mechanisms.items()},
        levers={name: copy.copy(lever) for name, lever in cfg.levers.items()},
    )
    problems = []
    for path, new in values.items():
        owner, name = _owner(out, path)
        try:
            spec = spec_of(type(owner), name)
        except KeyError:
            problems.append(f"{path} is not a parameter")
            continue
        new = new.item() if isinstance(new, np.generic) else new
        if spec.integer and isinstance(new, float) and new.is_integer():
            new = int(new)
        found = check_value(path, new, spec)
        problems += found
        if not found:
            setattr(owner, name, new)
    problems += across(out)
    if problems:
        raise ConfigError(problems)
    return out


def draw(items: Collection[Assumption], seed: int, draws: np.ndarray) -> dict[str, np.ndarray]:
    """Values of ``items`` at parameter draws ``draws`` from their plausible ranges, ``{path: (D,) array}``.

    Draw ``d`` of a path depends only on ``(seed, d, path)``: adding, removing or reordering
    assumptions or draws leaves every other value unchanged. Integer parameters are rounded.
    """
    draws = np.asarray(draws, np.int64)
    u = np.column_stack([rng.uniform(seed, draws, rng.SETUP_MONTH, 1, f"prior.{a.path}")[:, 0] for a in items]) if items else np.zeros((len(draws), 0))
    return quantile(items, u)


def quantile(items: Collection[Assumption], u: np.ndarray) -> dict[str, np.ndarray]:
    """Values of ``items`` at prior quantiles ``u`` (``(D, len(items))`` uniforms in [0, 1)), ``{path: (D,) array}``.

    Column ``j`` of ``u`` is mapped through the inverse CDF of the ``j``-th item's prior: a
    design on the unit cube (a Latin hypercube, say) becomes a design on the prior. Integer
    parameters are rounded; values are clipped to each parameter's range.
    """
    u = np.asarray(u, float)
    out = {}
    for j, a in enumerate(items):
        x = sample(a.prior, u[:, j], a.spec)
        if a.spec.integer:
            x = np.round(x)
        out[a.path] = np.clip(x, a.spec.lo, a.spec.hi)
    return out


def acting(cfg: ModelConfig, items: Collection[Assumption]) -> tuple[Assumption, ...]:
    """``items`` without the parameters of levers and mechanisms ``cfg`` switches off, which cannot change a run."""
    out = []
    for a in items:
        parts = a.path.split(".")
        if parts[0] == "levers" and not cfg.levers[parts[1]].enabled:
            continue
        if parts[0] == "mechanisms" and not cfg.mechanisms[parts[1]].enabled:
            continue
        out.append(a)
    return tuple(out)


def shared_out(cfg: ModelConfig, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``values`` with each group of :data:`SHARES` rescaled so the group sums to 1 again.

    Drawn members of a group share what the members not drawn leave (their values in ``cfg``),
    in proportion to their draws.
    """
    out = {path: np.asarray(column, float) for path, column in values.items()}
    for group in SHARES:
        drawn = [path for path in group if path in out]
        if not drawn:
            continue
        left = 1.0 - sum(float(value(cfg, path)) for path in group if path not in out)
        total = sum(out[path] for path in drawn)
        for path in drawn:
            out[path] = out[path] * left / total
    return out


def points(cfg: ModelConfig, values: Mapping[str, np.ndarray]) -> list[ModelConfig]:
    """One checked configuration per row of ``values`` (``{path: (D,) array}``, as :func:`draw` returns).

    Groups of weights that must sum to 1 are rescaled first (:func:`shared_out`).
    """
    values = shared_out(cfg, values)
    n = len(next(iter(values.values()))) if values else 1
    return [with_values(cfg, {path: column[d] for path, column in values.items()}) for d in range(n)]

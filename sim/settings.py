"""Settings of the commands (``sim-run``, ``sim-compare``): declared once, checked like parameters.

The Hydra schema takes these fields typed ``Any`` (:mod:`sim.schema`), so a bad value
such as ``seed=abc`` reaches :func:`run_settings` and gets the same one-line message as a
bad model parameter, naming the setting and its allowed range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sim.config import ConfigError
from sim.distributions import check_number
from sim.params import Spec, choice, param

RUN = "run setting"
ENGINES = ("ensemble", "mesa")
MAX_SEED = 2**63 - 1


def _flag(default: bool, doc: str) -> Any:
    return field(default=default, metadata={"spec": Spec("flag", None, None, RUN, doc)})


@dataclass
class EnsembleSettings:
    """Settings every command shares."""

    seed: Any = param(0, 0, MAX_SEED, "integer", RUN, "seed of the counter-based random numbers", integer=True)
    replications: Any = param(4000, 1, 100_000_000, "replications", RUN, "number of replications (partnerships simulated)", integer=True)
    block_size: Any = param(10_000, 1, 1_000_000, "replications", RUN, "replications simulated at once; bounds memory, never changes results", integer=True)
    engine: Any = choice("ensemble", ENGINES, RUN, "front-end: the numpy ensemble, or the Mesa model one replication at a time (same results)")


@dataclass
class RunSettings(EnsembleSettings):
    """Settings of ``sim-run``."""

    precision: Any = param(
        None, 0.001, 0.5, "probability", RUN, "instead of a fixed count: add replications until the collapse probability's 95% CI half-width is at most this"
    )
    save_events: Any = _flag(False, "write events.parquet, the event log of every replication")
    save_trajectories: Any = _flag(False, "write trajectories.parquet, monthly quantiles of the main state variables")


@dataclass
class CompareSettings(EnsembleSettings):
    """Settings of ``sim-compare``: the policies compared, the first being the reference (names are checked by the command)."""

    replications: Any = param(4000, 2, 100_000_000, "replications", RUN, "replications per policy (the same for each)", integer=True)

    policies: Any = field(default_factory=lambda: ["none", "all_levers"], metadata={"spec": Spec("policies", None, None, RUN, "policies to compare")})


def mesa_available() -> bool:
    """True if the Mesa front-end (:class:`sim.model.PartnershipModel`) can be imported."""
    try:
        from sim.model import PartnershipModel  # noqa: F401
    except ImportError:
        return False
    return True


def _check(name: str, value: Any, spec: Spec) -> list[str]:
    if spec.unit == "flag":
        return [] if isinstance(value, bool) else [f"{name} = {value!r} must be true or false"]
    if spec.choices:
        if value not in spec.choices:
            return [f"{name} = {value!r} is not one of {', '.join(spec.choices)}"]
        if value == "mesa" and not mesa_available():
            return [f"{name} = 'mesa' needs sim.model.PartnershipModel, which cannot be imported here (allowed now: ensemble)"]
        return []
    if spec.unit == "policies":
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) < 2 or not all(isinstance(p, str) for p in value):
            return [f"{name} = {value!r} must be a list of at least two policy names, e.g. [none,continuity_plan]"]
        return []
    return check_number(name, value, spec)


def _settings(cls: type, raw: Mapping[str, Any]) -> Any:
    problems: list[str] = []
    values = {}
    for f in fields(cls):
        spec = f.metadata["spec"]
        value = raw.get(f.name, getattr(cls(), f.name))
        found = [] if value is None and f.default is None else _check(f.name, value, spec)
        problems += found
        values[f.name] = int(value) if spec.integer and not found else value
    if problems:
        raise ConfigError(problems)
    return cls(**values)


def run_settings(raw: Mapping[str, Any]) -> RunSettings:
    """Checked ``sim-run`` settings from a config; raises :class:`~sim.config.ConfigError` listing every problem."""
    return _settings(RunSettings, raw)


def compare_settings(raw: Mapping[str, Any]) -> CompareSettings:
    """Checked ``sim-compare`` settings from a config; raises :class:`~sim.config.ConfigError` listing every problem."""
    settings = _settings(CompareSettings, raw)
    settings.policies = list(settings.policies)
    return settings

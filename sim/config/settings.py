"""Settings of the commands (``sim-run``, ``sim-compare``): declared once, checked like parameters.

The Hydra schema takes these fields typed ``Any`` (:mod:`sim.config.schema`), so a bad
value such as ``seed=abc`` reaches :func:`run_settings` and gets the same one-line message
as a bad model parameter, naming the setting and its allowed range. They are not model
parameters: they change how much is run and what is written, never a replication's numbers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sim.config.checks import ConfigError, check_fixed
from sim.core.declare import SETTING, Spec, choice, flag, param

ENGINES = ("ensemble", "mesa")
ATTRIBUTIONS = ("none", "counterfactual")
MAX_SEED = 2**63 - 1
MAX_WORKERS = 1024


def available_cores() -> int:
    """The cores this process may use (its CPU affinity, so a SLURM allocation is respected)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return max(1, os.cpu_count() or 1)


def _setting(default: Any, lo: float, hi: float, unit: str, doc: str, *, integer: bool = False) -> Any:
    return param(default, lo, hi, unit, doc, value=SETTING, integer=integer)


@dataclass
class EnsembleSettings:
    """Settings every command shares."""

    seed: Any = _setting(0, 0, MAX_SEED, "integer", "seed of the counter-based random numbers", integer=True)
    replications: Any = _setting(4000, 1, 100_000_000, "replications", "number of replications (partnerships simulated)", integer=True)
    block_size: Any = _setting(10_000, 1, 1_000_000, "replications", "replications simulated at once; bounds memory, never changes results", integer=True)
    workers: Any = _setting(
        None, 1, MAX_WORKERS, "threads", "threads sharing the replications (default: every core this process may use); never changes results", integer=True
    )
    engine: Any = choice("ensemble", ENGINES, "front-end: the compiled ensemble, or the Mesa model one replication at a time (same results)", value=SETTING)
    attribution: Any = choice(
        "none",
        ATTRIBUTIONS,
        "counterfactual: run each failure again with each mechanism and outside process switched off, and report what each was necessary for",
        value=SETTING,
    )


@dataclass
class RunSettings(EnsembleSettings):
    """Settings of ``sim-run``."""

    precision: Any = _setting(
        None, 0.001, 0.5, "probability", "instead of a fixed count: add replications until the collapse probability's 95% CI half-width is at most this"
    )
    save_events: Any = flag(False, "write events.parquet, the event log of every replication", value=SETTING)
    save_trajectories: Any = flag(False, "write trajectories.parquet, monthly quantiles of the main state variables", value=SETTING)
    figures: Any = flag(False, "also draw survival.png and causes.png now (sim-report DIR draws every figure later)", value=SETTING)


@dataclass
class CompareSettings(EnsembleSettings):
    """Settings of ``sim-compare``: the policies compared, the first being the reference (names are checked by the command)."""

    replications: Any = _setting(4000, 2, 100_000_000, "replications", "replications per policy (the same for each)", integer=True)
    policies: Any = field(
        default_factory=lambda: ["none", "all_levers"],
        metadata={"spec": Spec("policies", None, None, "policies to compare, the first being the reference", value=SETTING)},
    )


def policy_list_problems(name: str, value: Any) -> list[str]:
    """Problems with a list of policies to compare: at least two names, each once."""
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) < 2 or not all(isinstance(p, str) for p in value):
        return [f"{name} = {value!r} must be a list of at least two policy names, e.g. [none,continuity_plan]"]
    twice = sorted({p for p in value if list(value).count(p) > 1})
    if twice:
        return [f"{name} = [{','.join(value)}] names {', '.join(twice)} more than once: list each policy once (the first is the reference)"]
    return []


def both_problems(replications: Any, precision: Any) -> list[str]:
    """A count and a precision target both given (the target decides the count, so the count would be ignored)."""
    if replications is not None and precision is not None:
        return [
            f"replications={replications} and precision={precision} were both given: precision decides the number of replications, "
            "so replications would be ignored; give only one"
        ]
    return []


def _check(name: str, value: Any, spec: Spec) -> list[str]:
    if spec.unit == "policies":
        return policy_list_problems(name, value)
    return check_fixed(name, value, spec)


def _settings(cls: type, raw: Mapping[str, Any]) -> Any:
    problems: list[str] = []
    values = {}
    defaults = cls()
    for f in fields(cls):
        spec = f.metadata["spec"]
        value = raw.get(f.name, getattr(defaults, f.name))
        found = [] if value is None and f.default is None else _check(f.name, value, spec)
        problems += found
        values[f.name] = int(value) if spec.integer and value is not None and not found else value
    if problems:
        raise ConfigError(problems)
    return cls(**values)


def run_settings(raw: Mapping[str, Any]) -> RunSettings:
    """Checked ``sim-run`` settings from a config; raises :class:`~sim.config.checks.ConfigError` listing every problem."""
    return _settings(RunSettings, raw)


def compare_settings(raw: Mapping[str, Any]) -> CompareSettings:
    """Checked ``sim-compare`` settings from a config; raises :class:`~sim.config.checks.ConfigError` listing every problem."""
    settings = _settings(CompareSettings, raw)
    settings.policies = list(settings.policies)
    return settings

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
UNCERTAINTY_MODES = ("none", "prior", "posterior")
#: The uncertainty mode of a run that does not choose one: the one place this default is decided, for the
#: commands and the Python API alike. It stays ``none`` until a calibrated posterior ships with the package
#: for the model version (``sim/config/posterior/<version>.parquet``), and then becomes ``posterior``
#: (issue 15). Tests, golden numbers and the validation evidence give ``none`` explicitly.
DEFAULT_UNCERTAINTY = "none"
#: Replications run at each parameter draw (M) unless a run says otherwise; ``replications`` = D x M.
DEFAULT_REPLICATIONS_PER_DRAW = 25
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
    uncertainty: Any = choice(
        DEFAULT_UNCERTAINTY,
        UNCERTAINTY_MODES,
        "none: the assumptions at their stated values (intervals are Monte Carlo noise only); prior: each parameter draw takes the assumptions"
        " from their plausible ranges; posterior: from the calibrated sample (posterior=); with prior or posterior every figure gets a second,"
        " total interval",
        value=SETTING,
    )
    replications_per_draw: Any = _setting(
        DEFAULT_REPLICATIONS_PER_DRAW,
        2,
        100_000_000,
        "replications",
        "with uncertainty=prior or posterior: replications run at each parameter draw (M); replication r uses draw r // M",
        integer=True,
    )
    posterior: Any = field(
        default=None,
        metadata={
            "spec": Spec(
                "path",
                None,
                None,
                "with uncertainty=posterior: a Parquet or CSV table, one column per parameter path plus optional weight"
                " (default: the sample shipped for this model version)",
                value=SETTING,
            )
        },
    )


@dataclass
class RunSettings(EnsembleSettings):
    """Settings of ``sim-run``."""

    precision: Any = _setting(
        None,
        0.001,
        0.5,
        "probability",
        "instead of a fixed count: add replications until the collapse probability's 95% CI half-width is at most this"
        " (with uncertainty=prior or posterior: add parameter draws until both ends of its total interval are known to within this)",
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


def _check(name: str, value: Any, spec: Spec) -> list[str]:
    if spec.unit == "path":
        return [] if isinstance(value, str) and value else [f"{name} = {value!r} must be the path of a file"]
    if spec.unit == "policies":
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) < 2 or not all(isinstance(p, str) for p in value):
            return [f"{name} = {value!r} must be a list of at least two policy names, e.g. [none,continuity_plan]"]
        return []
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


# --- sim-analyse (issue 15) --------------------------------------------------------------------------


@dataclass
class SensitivitySettings:
    """Settings of ``sim-analyse sensitivity``: Morris screening of every free assumption, then Sobol indices of the top ones."""

    seed: Any = _setting(0, 0, MAX_SEED, "integer", "seed of the designs and of the simulations", integer=True)
    replications: Any = _setting(200, 10, 1_000_000, "replications", "replications per design point (the same ones at every point)", integer=True)
    trajectories: Any = _setting(10, 2, 1000, "trajectories", "Morris trajectories (each of factors + 1 design points)", integer=True)
    top: Any = _setting(8, 2, 64, "factors", "factors given Sobol indices: the most influential in the Morris screening", integer=True)
    sobol_n: Any = _setting(64, 8, 65_536, "points", "Saltelli base sample, a power of two (sobol_n x (top + 2) design points)", integer=True)
    noise_points: Any = _setting(20, 2, 10_000, "points", "design points run again on independent random numbers to measure Monte Carlo noise", integer=True)
    block_size: Any = _setting(10_000, 100, 1_000_000, "replications", "replications simulated at once (many design points per batch)", integer=True)
    workers: Any = _setting(None, 1, MAX_WORKERS, "threads", "threads (default: every core this process may use)", integer=True)
    out: Any = field(
        default=None,
        metadata={"spec": Spec("path", None, None, "results folder (default: outputs/sensitivity/DATE_TIME)", value=SETTING)},
    )
    figures: Any = flag(True, "draw morris.png and sobol.png", value=SETTING)


def sensitivity_settings(raw: Mapping[str, Any]) -> SensitivitySettings:
    """Checked ``sim-analyse sensitivity`` settings; raises :class:`~sim.config.checks.ConfigError` listing every problem (sobol_n: a power of two)."""
    settings = _settings(SensitivitySettings, raw)
    n = settings.sobol_n
    if n & (n - 1):
        raise ConfigError([f"sobol_n = {n} must be a power of two (e.g. {1 << (n.bit_length() - 1)} or {1 << n.bit_length()})"])
    return settings

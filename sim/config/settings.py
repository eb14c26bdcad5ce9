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
#: The policy with no lever (``configs/policy/none.yaml``): the reference every other is compared with, first wherever
#: policies are listed, for the commands, the figures and the trainer's app alike.
NO_POLICY = "none"
#: The uncertainty mode of a run that does not choose one: the one place this default is decided, for the
#: commands and the Python API alike. A calibrated posterior ships with the package for this model version
#: (``sim/config/posterior/<version>.parquet``; a test fails when the version changes without one), so the
#: default is ``posterior`` (issue 15). Tests, golden numbers and the validation evidence give ``none`` explicitly.
DEFAULT_UNCERTAINTY = "posterior"
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


def setting(default: Any, lo: float, hi: float, unit: str, doc: str, *, integer: bool = False) -> Any:
    """Declare a command's numeric setting with range ``[lo, hi]`` (:func:`~sim.core.declare.param`, valued as a setting, not an assumption).

    Parameters
    ----------
    default, lo, hi, unit, doc, integer
        As for :func:`~sim.core.declare.param`.

    Returns
    -------
    dataclasses.Field
        The dataclass field, its :class:`~sim.core.declare.Spec` under ``metadata["spec"]``.
    """
    return param(default, lo, hi, unit, doc, value=SETTING, integer=integer)


def text_setting(default: str | None, doc: str) -> Any:
    """Declare a command's setting given as text (a file or folder; None: not given).

    Parameters
    ----------
    default
        Its default (None: not given).
    doc
        What it is, as ``--help`` and ``docs/parameters.md`` say it.

    Returns
    -------
    dataclasses.Field
        The dataclass field, its :class:`~sim.core.declare.Spec` under ``metadata["spec"]``.
    """
    return field(default=default, metadata={"spec": Spec("text", None, None, doc, value=SETTING)})


def _uncertainty() -> Any:
    return choice(
        DEFAULT_UNCERTAINTY,
        UNCERTAINTY_MODES,
        "none: the assumptions at their stated values (intervals are Monte Carlo noise only); prior: each parameter draw takes the assumptions"
        " from their plausible ranges; posterior: from the calibrated sample (posterior=); with prior or posterior every figure gets a second,"
        " total interval, and an assumption set on the command line or swept (decisions.memory=0.3) is held at that value, not drawn",
        value=SETTING,
    )


def _replications_per_draw() -> Any:
    return setting(
        DEFAULT_REPLICATIONS_PER_DRAW,
        2,
        100_000_000,
        "replications",
        "with uncertainty=prior or posterior: replications run at each parameter draw (M); replication r uses draw r // M",
        integer=True,
    )


def _posterior() -> Any:
    doc = (
        "with uncertainty=posterior: a Parquet or CSV table, one column per parameter path plus optional weight"
        " (default: the sample shipped for this model version)"
    )
    return text_setting(None, doc)


def out_setting() -> Any:
    """Declare ``out``, the results folder of a model command (``sim-run``, ``sim-compare``, ``sim-search``, ``sim-calibrate``).

    A run's folder (as ``hydra.run.dir``) or, with ``-m``, the sweep's one folder (as
    ``hydra.sweep.dir``), which every command takes the same way (:func:`sim.cli.common.out_problems`,
    :func:`sim.cli.common.out_as_folder`).

    Returns
    -------
    Any
        The dataclass field of the setting.
    """
    return text_setting(
        None,
        "results folder (as hydra.run.dir; default outputs/DATE/TIME); with -m the sweep's one folder, its points in out/0, out/1..."
        " (as hydra.sweep.dir; default multirun/DATE/TIME)",
    )


@dataclass
class SharedSettings:
    """Settings every model command that runs ensembles shares (``sim-run``, ``sim-compare``, ``sim-search``): ``out`` among them
    (:func:`out_setting`, which ``sim-calibrate`` declares too), so each takes its results folder, a run's or a sweep's, the same way."""

    seed: Any = setting(0, 0, MAX_SEED, "integer", "seed of the counter-based random numbers", integer=True)
    replications: Any = setting(4000, 1, 100_000_000, "replications", "number of replications (partnerships simulated)", integer=True)
    block_size: Any = setting(
        10_000,
        1,
        1_000_000,
        "replications",
        "replications simulated at once; bounds memory, never changes any replication's results",
        integer=True,
    )
    workers: Any = setting(
        None, 1, MAX_WORKERS, "threads", "threads sharing the replications (default: every core this process may use); never changes results", integer=True
    )
    out: Any = out_setting()


@dataclass
class EnsembleSettings(SharedSettings):
    """Settings of the commands that run and summarise an ensemble (``sim-run``, ``sim-compare``): its front-end, attribution and printed detail."""

    engine: Any = choice("ensemble", ENGINES, "front-end: the compiled ensemble, or the Mesa model one replication at a time (same results)", value=SETTING)
    attribution: Any = choice(
        "none",
        ATTRIBUTIONS,
        "counterfactual: run each failure again with each mechanism and outside process switched off, and report what each was necessary for",
        value=SETTING,
    )
    detail: Any = flag(
        False, "also print the statistical detail: every cause and trigger, test names, p-values and interval methods (always in summary.json)", value=SETTING
    )


@dataclass
class RunSettings(EnsembleSettings):
    """Settings of ``sim-run``."""

    precision: Any = setting(
        None,
        0.001,
        0.5,
        "probability",
        "instead of a fixed count: add replications until the collapse probability's 95% CI half-width is at most this"
        " (with uncertainty=prior or posterior: add parameter draws until both ends of its total interval are known to within this);"
        " checked after each block of block_size replications, so where the run stops depends on block_size",
    )
    save_events: Any = flag(False, "write events.parquet, the event log of every replication", value=SETTING)
    save_trajectories: Any = flag(False, "write trajectories.parquet, monthly quantiles of the main state variables", value=SETTING)
    figures: Any = flag(False, "also draw survival.png and causes.png now (sim-report DIR draws every figure later)", value=SETTING)
    resume: Any = flag(
        False,
        "reuse results already in the run or sweep folder: skip each point whose results are complete and made with the same configuration",
        value=SETTING,
    )
    crn: Any = flag(
        True,
        "common random numbers across sweep points: every point uses seed, so replication r meets the same shocks at each point"
        " (false: each point's seed is derived from seed and its model configuration)",
        value=SETTING,
    )
    design: Any = text_setting(None, "a design file (CSV or Parquet, one column per override path, one row per point) run as one batch")
    design_chunk: Any = field(
        default=None,
        metadata={
            "spec": Spec("chunk", None, None, "run only chunk i of n of the design's points, written i/n (0 <= i < n), e.g. for a multirun", value=SETTING)
        },
    )
    uncertainty: Any = _uncertainty()
    replications_per_draw: Any = _replications_per_draw()
    posterior: Any = _posterior()


@dataclass
class CompareSettings(EnsembleSettings):
    """Settings of ``sim-compare``: the policies compared, the first being the reference (names are checked by the command)."""

    replications: Any = setting(4000, 2, 100_000_000, "replications", "replications per policy (the same for each)", integer=True)
    policies: Any = field(
        default_factory=lambda: [NO_POLICY, "all_levers"],
        metadata={"spec": Spec("policies", None, None, "policies to compare, the first being the reference", value=SETTING)},
    )
    precision: Any = setting(
        None,
        0.001,
        0.5,
        "probability",
        "instead of a fixed count: add replications until each policy's paired difference from the first"
        " (chance of being shelved, of collapse, of failure) has a 95% CI half-width of at most this;"
        " checked after each block of block_size replications, so where the run stops depends on block_size",
    )
    save_events: Any = flag(False, "write events.parquet, the event log of every replication under every policy (with a policy column)", value=SETTING)
    resume: Any = flag(
        False,
        "reuse results already in the run or sweep folder: skip each point whose comparison is complete and made with the same configuration",
        value=SETTING,
    )
    uncertainty: Any = _uncertainty()
    replications_per_draw: Any = _replications_per_draw()
    posterior: Any = _posterior()


RISKS = ("collapse", "failure")
#: The risk ``sim-search`` keeps under when neither ``target=`` nor ``budget=`` is given.
DEFAULT_TARGET = 0.2


def _lever_names() -> tuple[str, ...]:
    from sim.core.levers import NAMES

    return tuple(NAMES)


@dataclass
class SearchSettings(SharedSettings):
    """Settings of ``sim-search``: the cheapest lever package keeping a risk under a target, or the lowest risk within a budget."""

    target: Any = setting(
        None,
        0.001,
        1,
        "probability",
        f"the risk the package must keep below (at most this): the cheapest such package is the answer; {DEFAULT_TARGET} unless budget= is given",
    )
    budget: Any = setting(
        None,
        0,
        1000,
        "GBP m per partnership",
        "instead of target=: the most the package may cost (mean lever cost per partnership over the horizon, the cost the search"
        " reports); the package of lowest risk within it is the answer",
    )
    risk: Any = choice(
        "failure",
        RISKS,
        "collapse: collapse among launched partnerships; failure: shelved, collapsed or underperforming, among all",
        value=SETTING,
    )
    pool: Any = field(
        default_factory=lambda: list(_lever_names()),
        metadata={"spec": Spec("lever names", None, None, "levers the package may use (default: all)", value=SETTING)},
    )
    max_levers: Any = setting(3, 1, 10, "levers", "most levers in one package (the on/off combinations screened)", integer=True)
    replications: Any = setting(
        1000, 50, 10_000_000, "replications", "replications per candidate while screening and tuning (paired: the same for each)", integer=True
    )
    confirm_replications: Any = setting(8000, 100, 100_000_000, "replications", "fresh replications confirming the winner and runners-up", integer=True)
    tune: Any = setting(
        3,
        0,
        50,
        "packages",
        "best packages (cheapest meeting the target, or of lowest risk within the budget) whose start months and strengths Optuna tunes (0: none)",
        integer=True,
    )
    trials: Any = setting(32, 1, 10_000, "trials", "Optuna trials per tuned package", integer=True)
    latest_start: Any = setting(36, 0, 600, "month", "latest start month Optuna may choose", integer=True)
    runners_up: Any = setting(
        2,
        0,
        20,
        "packages",
        "runners-up confirmed beside the best of each shortlist group (met the target; by one standard error; on its whole interval)",
        integer=True,
    )
    cost_scales_with_strength: Any = flag(
        True, "a lever's costs scale with its strength (relative to the policy's strength); false: strength is free", value=SETTING
    )
    resume: Any = flag(
        False,
        "reuse results already in the run or sweep folder: skip each point whose search is complete and made with the same configuration",
        value=SETTING,
    )


def parse_chunk(value: Any) -> tuple[int, int] | None:
    """``"i/n"`` as ``(i, n)`` with ``0 <= i < n``; None if malformed."""
    i, sep, n = str(value).partition("/")
    if not sep or not i.strip().isdigit() or not n.strip().isdigit() or not 0 <= int(i) < int(n):
        return None
    return int(i), int(n)


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
    if spec.unit == "chunk":
        return [] if parse_chunk(value) is not None else [f"{name} = {value!r} must be i/n with 0 <= i < n, e.g. 0/4"]
    if spec.unit == "lever names":
        known = _lever_names()
        if isinstance(value, Sequence) and not isinstance(value, str) and not value:
            return [f"{name} = [] is empty: give at least one lever, e.g. [continuity_plan]"]
        if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
            return [f"{name} = {value!r} must be a list of lever names, e.g. [continuity_plan,commercial_capability]"]
        return [f"{name}: {v!r} is not a lever (known: {', '.join(known)})" for v in value if v not in known]
    if spec.unit == "policies":
        return policy_list_problems(name, value)
    if spec.unit == "paths":
        if isinstance(value, list | tuple) and not value:
            return [f"{name} = [] is empty: give at least one parameter path, e.g. [decisions.memory], or leave {name} unset"]
        ok = isinstance(value, list | tuple) and all(isinstance(p, str) for p in value)
        return [] if ok else [f"{name} = {value!r} must be a list of parameter paths, e.g. [decisions.memory,exogenous.stance]"]
    return check_fixed(name, value, spec)


def setting_problems(cls: type, name: str, value: Any) -> list[str]:
    """Problems with ``value`` for the setting ``name`` of the settings dataclass ``cls`` (empty if fine).

    Parameters
    ----------
    cls
        A settings dataclass (:class:`RunSettings`, :class:`CompareSettings`, ...) whose fields declare a ``spec``.
    name
        One of its fields.
    value
        The value given; None is "not given" for a setting whose default is None.

    Returns
    -------
    list[str]
        One line per problem, naming the setting, the value and what is allowed: the lines a run
        with this value reports (a multirun checks each swept value with it before it starts).
    """
    found = next(f for f in fields(cls) if f.name == name)
    return [] if value is None and found.default is None else _check(name, value, found.metadata["spec"])


def checked_settings(cls: type, raw: Mapping[str, Any]) -> Any:
    """The settings dataclass ``cls`` from a config's values, each checked (:func:`setting_problems`); whole numbers as ``int``.

    Parameters
    ----------
    cls
        A command's settings dataclass (:class:`RunSettings`, ...), each field declared with a :class:`~sim.core.declare.Spec`.
    raw
        The config's values by setting name; a setting it lacks takes its default.

    Returns
    -------
    Any
        An instance of ``cls``.

    Raises
    ------
    ConfigError
        One line per problem, all at once.
    """
    problems: list[str] = []
    values = {}
    defaults = cls()
    for f in fields(cls):
        spec = f.metadata["spec"]
        value = raw.get(f.name, getattr(defaults, f.name))
        found = setting_problems(cls, f.name, value)
        problems += found
        values[f.name] = int(value) if spec.integer and value is not None and not found else value
    if problems:
        raise ConfigError(problems)
    return cls(**values)


def run_settings(raw: Mapping[str, Any]) -> RunSettings:
    """Checked ``sim-run`` settings from a config; raises :class:`~sim.config.checks.ConfigError` listing every problem."""
    return checked_settings(RunSettings, raw)


def search_settings(raw: Mapping[str, Any]) -> SearchSettings:
    """Checked ``sim-search`` settings from a config; raises :class:`~sim.config.checks.ConfigError` listing every problem."""
    settings = checked_settings(SearchSettings, raw)
    if settings.target is not None and settings.budget is not None:
        raise ConfigError(
            [
                f"target={settings.target} and budget={settings.budget} were both given: target asks for the cheapest package keeping the risk"
                " at most it, budget for the lowest risk costing at most it; give only one (drop target= for the lowest risk within the budget)"
            ]
        )
    settings.pool = list(dict.fromkeys(settings.pool))
    return settings


def compare_settings(raw: Mapping[str, Any]) -> CompareSettings:
    """Checked ``sim-compare`` settings from a config; raises :class:`~sim.config.checks.ConfigError` listing every problem."""
    settings = checked_settings(CompareSettings, raw)
    settings.policies = list(settings.policies)
    return settings


# --- sim-analyse (issue 15) --------------------------------------------------------------------------


@dataclass
class SensitivitySettings:
    """Settings of ``sim-analyse sensitivity``: Morris screening of every free assumption, then Sobol indices of the top ones."""

    seed: Any = setting(0, 0, MAX_SEED, "integer", "seed of the designs, the simulations and the bootstrap intervals (0 too)", integer=True)
    replications: Any = setting(200, 10, 1_000_000, "replications", "replications per design point (the same ones at every point)", integer=True)
    trajectories: Any = setting(10, 2, 1000, "trajectories", "Morris trajectories (each of factors + 1 design points)", integer=True)
    top: Any = setting(8, 2, 64, "factors", "factors given Sobol indices: the most influential in the Morris screening", integer=True)
    sobol_n: Any = setting(64, 8, 65_536, "points", "Saltelli base sample, a power of two (sobol_n x (top + 2) design points)", integer=True)
    noise_points: Any = setting(20, 2, 10_000, "points", "design points run again on independent random numbers to measure Monte Carlo noise", integer=True)
    block_size: Any = setting(10_000, 100, 1_000_000, "replications", "replications simulated at once (many design points per batch)", integer=True)
    workers: Any = setting(None, 1, MAX_WORKERS, "threads", "threads (default: every core this process may use)", integer=True)
    out: Any = field(
        default=None,
        metadata={"spec": Spec("text", None, None, "results folder (default: outputs/sensitivity/DATE_TIME)", value=SETTING)},
    )
    figures: Any = flag(True, "draw morris.png and sobol.png", value=SETTING)


def sensitivity_settings(raw: Mapping[str, Any]) -> SensitivitySettings:
    """Checked ``sim-analyse sensitivity`` settings; raises :class:`~sim.config.checks.ConfigError` listing every problem (sobol_n: a power of two)."""
    settings = checked_settings(SensitivitySettings, raw)
    n = settings.sobol_n
    if n & (n - 1):
        raise ConfigError([f"sobol_n = {n} must be a power of two (e.g. {1 << (n.bit_length() - 1)} or {1 << n.bit_length()})"])
    return settings

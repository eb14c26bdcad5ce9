"""Calibration of assumed parameters to target statistics: history matching with regression emulators.

The method (``docs/calibration.md`` says why it was chosen):

1. *Wave 1* draws a Latin hypercube of parameter points on the unit cube and maps it through
   each parameter's prior (:func:`sim.config.assumptions.quantile`), so the design is a
   sample of the prior.
2. Every point is simulated with the same ``replications`` (common random numbers), many
   points per ensemble batch (:func:`sim.frontends.ensemble.simulate` with ``point_of_rep``),
   on every core; each point's target statistics are computed from its runs
   (:func:`statistics`), with their Monte Carlo variance.
3. An emulator per statistic (a full quadratic regression whose variance is its prediction
   variance plus its leave-one-out residual variance, :class:`Emulator`) is fitted to the wave.
4. A point is *implausible* when, for some statistic, the emulator's mean lies further than
   ``cutoff`` standard deviations from the target, counting the emulator's variance, the
   observed value's and the model discrepancy's (Craig et al. 1997; Vernon et al. 2010). The
   next wave samples the prior restricted to the points no emulator so far rules out.
5. After the last wave, every simulated point that no emulator rules out is uniform on the
   final plausible region under the prior (each wave sampled a region containing it). Each is
   weighted by a Gaussian approximate likelihood of its own simulated statistics (observed,
   discrepancy and Monte Carlo variance), giving a weighted posterior sample.

Everything is a pure function of the settings and the seed: the same call gives the same
posterior, whatever the batch size or the number of threads.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from sim.analysis.summary import listed
from sim.config import assumptions as A
from sim.config.assumptions import Assumption
from sim.config.calibration import CalibrateSettings, Targets, load_targets, parameter_problems
from sim.config.checks import ConfigError
from sim.config.model import ModelConfig
from sim.config.posterior import effective_size
from sim.config.uncertainty import small_posterior_reason, understated_words
from sim.core.declare import spec_of
from sim.core.version import __version__
from sim.frontends.compiling import ensure_compiled
from sim.frontends.ensemble import simulate
from sim.frontends.table import Table
from sim.frontends.words import upper_first, wrap

#: Years after launch for the break-up probability reported (not a target: the UK record cannot identify it).
BREAKUP_YEARS = 10.0
#: Most candidate points tried when sampling a wave from the plausible region, per point wanted.
CANDIDATES_PER_POINT = 400


# --- what a run says about break-ups ---------------------------------------------------------


def event_years(table: Table, event: str) -> np.ndarray:
    """Years from launch to the event of each replication (NaN: not launched, or no event within the horizon).

    ``breakup``: the first founding council to leave after launch, or the collapse, whichever is
    first; ``collapse``: the collapse only. Months count from 1, so the difference is in whole months.
    """
    launch = table.columns["launch_month"].astype(float)
    collapsed = table.values("outcome") == "collapsed"
    month = np.where(collapsed, table.columns["end_month"].astype(float), np.inf)
    if event == "breakup":
        k = 0
        while f"c{k}_exit_month" in table.columns:
            exit_month = table.columns[f"c{k}_exit_month"].astype(float)
            month = np.where((exit_month >= 0) & (exit_month >= launch) & (exit_month < month), exit_month, month)
            k += 1
    years = (month - launch) / 12.0
    return np.where((launch >= 0) & np.isfinite(month), years, np.nan)


@dataclass
class Runs:
    """What the runs of several parameter points say: each point's event durations (years) and partnerships launched."""

    durations: list[np.ndarray]
    launched: np.ndarray

    def __len__(self) -> int:
        return len(self.durations)

    @staticmethod
    def concat(parts: Sequence[Runs]) -> Runs:
        """The points of several runs, one after another."""
        return Runs([d for p in parts for d in p.durations], np.concatenate([p.launched for p in parts]) if parts else np.zeros(0, np.int64))


def simulate_points(
    cfg: ModelConfig,
    items: Sequence[Assumption],
    u: np.ndarray,
    *,
    event: str,
    seed: int,
    replications: int,
    workers: int,
    batch_points: int = 200,
    progress: Callable[[int], None] | None = None,
) -> Runs:
    """Simulate parameter points ``u`` (prior quantiles, ``(P, len(items))``) with ``replications`` each, many points per batch.

    Every point runs replications ``0 .. replications - 1`` of ``seed`` (common random numbers),
    ``batch_points`` points per ensemble batch. ``progress`` is called with the replications done after each batch.
    """
    u = np.atleast_2d(np.asarray(u, float))
    parts = []
    for start in range(0, len(u), batch_points):
        chunk = u[start : start + batch_points]
        configs = A.points(cfg, A.quantile(items, chunk)) if items else [cfg] * len(chunk)
        point_of_rep = np.repeat(np.arange(len(chunk)), replications)
        reps = np.tile(np.arange(replications, dtype=np.int64), len(chunk))
        table = simulate(configs, reps, seed, point_of_rep, workers=workers)
        years = event_years(table, event)
        launched = np.bincount(point_of_rep, weights=table.columns["launch_month"] >= 0, minlength=len(chunk)).astype(np.int64)
        parts.append(Runs([years[(point_of_rep == p) & np.isfinite(years)] for p in range(len(chunk))], launched))
        if progress is not None:
            progress(len(chunk) * replications)
    return Runs.concat(parts)


def statistics(runs: Runs, targets: Targets) -> tuple[np.ndarray, np.ndarray]:
    """Each point's value of each target statistic and its Monte Carlo variance, ``(P, S)`` each (NaN where undefined).

    ``duration_share``: the share of events in ``[from, to)`` years among events, averaged over
    the records, each record's share taken among the durations it could have had and still
    entered the record (:meth:`~sim.config.calibration.Targets.limits`). ``breakup_by``: the share
    of launched partnerships with the event before ``years``. Monte Carlo variances are binomial.
    """
    limits = targets.limits()
    values = np.full((len(runs), len(targets.statistics)), np.nan)
    variance = np.full_like(values, np.nan)
    for p, durations in enumerate(runs.durations):
        d = np.sort(durations)

        def count(lo: np.ndarray | float, hi: np.ndarray | float, d: np.ndarray = d) -> np.ndarray:
            return np.searchsorted(d, hi, "left") - np.searchsorted(d, lo, "left")

        seen = count(limits[:, 0], limits[:, 1])
        for s, stat in enumerate(targets.statistics):
            if stat.kind == "duration_share":
                if (seen == 0).any():
                    continue
                lo = np.maximum(limits[:, 0], stat.years[0])
                inside = count(lo, np.maximum(np.minimum(limits[:, 1], stat.years[1]), lo))
                q = float(np.mean(inside / seen))
                n = float(np.mean(seen))
            else:
                n = float(runs.launched[p])
                if n == 0:
                    continue
                q = float(count(0.0, stat.years[0])) / n
            values[p, s] = q
            variance[p, s] = max(q * (1.0 - q), 0.25 / n) / n
    return values, variance


def breakup_probability(runs: Runs, years: float = BREAKUP_YEARS) -> np.ndarray:
    """Each point's share of launched partnerships with the event within ``years`` of launch (NaN with none launched)."""
    counts = np.array([np.count_nonzero(d < years) for d in runs.durations], float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(runs.launched > 0, counts / np.maximum(runs.launched, 1), np.nan)


# --- emulators and implausibility --------------------------------------------------------------


class TooFewPoints(ValueError):
    """Too few points with every statistic defined to fit an emulator (raise ``points``)."""


#: What each emulator form of a wave's table is (:class:`Emulator`'s ``form``), the fullest first.
EMULATOR_FORMS = {
    "quadratic": "every parameter, its square and each product of two",
    "squares": "every parameter and its square, no products",
    "linear": "every parameter alone",
}
_QUADRATIC, _SQUARES, _LINEAR = EMULATOR_FORMS
#: How the method's words (:func:`method_of`) name each emulator form.
_FORM_WORDS = {_QUADRATIC: "quadratic", _SQUARES: "quadratic-without-products", _LINEAR: "linear"}


def method_of(waves: Sequence[dict[str, Any]]) -> str:
    """The method as it ran: history matching with the regression emulators its ``waves`` fitted (each form used, the fullest first), then importance weighting.

    ``posterior.json``'s ``method`` and the bold first words of the report's method section: "quadratic" only
    where a wave's emulator was (:data:`EMULATOR_FORMS`; too few points give a wave the linear form).
    """
    forms = [_FORM_WORDS[form] for form in EMULATOR_FORMS if any(w.get("emulator") == form for w in waves)]
    fitted = f" with {listed(forms)} regression emulators" if forms else ""
    return f"history matching{fitted}, then importance weighting of the plausible simulated points"


class Emulator:
    """Emulators of several statistics over the unit cube: quadratic regressions with leave-one-out variance.

    Each statistic is regressed on every parameter, its square and every product of two
    parameters (on inputs centred at 0.5); with fewer than twice as many points as those terms,
    on the parameters and their squares, or on the parameters alone. The emulator's variance at a point is the
    regression's prediction variance plus the leave-one-out residual variance, which holds
    both a run's Monte Carlo noise and whatever the quadratic misses, so a poor fit widens
    the plausible region rather than narrowing it.

    Parameters
    ----------
    u
        Inputs, ``(n, d)`` in the unit cube.
    y
        Outputs, ``(n, S)`` (rows with a NaN are left out).
    ridge
        A small ridge penalty keeping the regression defined with few points.
    """

    def __init__(self, u: np.ndarray, y: np.ndarray, ridge: float = 1e-6) -> None:
        ok = np.isfinite(y).all(axis=1)
        u, y = np.asarray(u, float)[ok], np.asarray(y, float)[ok]
        self.dims = u.shape[1]
        d = self.dims
        #: Terms used: ``quadratic`` (with products) when there are at least twice as many points as terms, else ``squares``, else ``linear``.
        self.form = next((f for f, terms in ((_QUADRATIC, 1 + d + d * (d + 1) // 2), (_SQUARES, 1 + 2 * d)) if len(u) >= 2 * terms), _LINEAR)
        X = self.basis(u)
        if len(u) < self.least_points(d):
            raise TooFewPoints(f"an emulator of {d} parameters needs at least {self.least_points(d)} points with every statistic defined, got {len(u)}")
        gram = X.T @ X
        self.inverse = np.linalg.inv(gram + ridge * np.trace(gram) / len(gram) * np.eye(len(gram)))
        self.coef = self.inverse @ X.T @ y
        leverage = ((X @ self.inverse) * X).sum(axis=1)
        loo = (y - X @ self.coef) / (1.0 - np.minimum(leverage, 0.99))[:, None]
        self.residual_var = np.mean(loo**2, axis=0)
        total = np.var(y, axis=0)
        #: Share of each statistic's variance across the design that the emulator explains, left-one-out.
        self.r2 = np.where(total > 0, 1.0 - self.residual_var / np.where(total > 0, total, 1.0), 0.0)

    @staticmethod
    def least_points(dims: int) -> int:
        """The fewest points an emulator of ``dims`` parameters can be fitted to: one more than the terms of its linear form."""
        return dims + 2

    def basis(self, u: np.ndarray) -> np.ndarray:
        """Regressors (inputs centred at 0.5): 1 and each input, plus each square (``squares``) or each product of two (``quadratic``)."""
        x = np.atleast_2d(np.asarray(u, float)) - 0.5
        if self.form == _LINEAR:
            return np.column_stack([np.ones(len(x)), x])
        if self.form == _SQUARES:
            return np.column_stack([np.ones(len(x)), x, x**2])
        i, j = np.triu_indices(x.shape[1])
        return np.column_stack([np.ones(len(x)), x, x[:, i] * x[:, j]])

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of each statistic at ``u`` (``(n, S)`` each; the variance includes a run's Monte Carlo noise)."""
        X = self.basis(u)
        mean = X @ self.coef
        spread = ((X @ self.inverse) * X).sum(axis=1)
        return mean, self.residual_var * (1.0 + spread[:, None])


def implausibility(mean: np.ndarray, var: np.ndarray, targets: Targets) -> np.ndarray:
    """Each point's largest implausibility over the statistics: ``|target - mean| / sqrt(var + observed var + discrepancy var)``."""
    distance = np.abs(targets.observed - mean) / np.sqrt(var + targets.variance)
    return np.where(np.isfinite(distance), distance, np.inf).max(axis=1)


def plausible(u: np.ndarray, emulators: Sequence[Emulator], targets: Targets, cutoff: float) -> np.ndarray:
    """Whether each point ``u`` is ruled out by none of ``emulators``."""
    keep = np.ones(len(u), bool)
    for emulator in emulators:
        if not keep.any():
            break
        mean, var = emulator.predict(u[keep])
        keep[np.flatnonzero(keep)] = implausibility(mean, var, targets) <= cutoff
    return keep


def sample_plausible(
    emulators: Sequence[Emulator], targets: Targets, cutoff: float, n: int, dims: int, rng: np.random.Generator, chunk: int = 20_000
) -> tuple[np.ndarray, int, float]:
    """Up to ``n`` points of the prior (uniform on the unit cube) that no emulator rules out, the candidates tried and the share of them plausible."""
    found: list[np.ndarray] = []
    tried = have = 0
    while have < n and tried < CANDIDATES_PER_POINT * n:
        u = rng.random((chunk, dims))
        keep = u[plausible(u, emulators, targets, cutoff)]
        found.append(keep)
        have += len(keep)
        tried += chunk
    u = np.concatenate(found) if found else np.zeros((0, dims))
    return u[:n], tried, have / max(tried, 1)


# --- the calibration ---------------------------------------------------------------------------


@dataclass
class Calibration:
    """A calibration's results.

    Attributes
    ----------
    targets
        The targets fitted.
    items
        The parameters calibrated (the rest keep their values in the configuration).
    design
        Every simulated point: ``wave``, its prior quantiles ``u.<path>``, its values by path, each
        statistic (``stat.<name>``) and its Monte Carlo variance (``mcvar.<name>``), the share of
        launched partnerships with the event within :data:`BREAKUP_YEARS` (``breakup_10y``),
        ``plausible`` (no emulator rules it out) and its posterior ``weight`` (0 if ruled out).
    posterior
        The weighted posterior sample: one column per parameter path and ``weight`` (summing to 1).
    waves
        One row per wave: points simulated, candidates tried, share of candidates still plausible,
        the emulators' leave-one-out R² per statistic, and the time spent.
    info
        Provenance: targets, method, seed, settings, model version, runtime, effective sample size.
    """

    targets: Targets
    items: tuple[Assumption, ...]
    design: pd.DataFrame
    posterior: pd.DataFrame
    waves: list[dict[str, Any]]
    info: dict[str, Any] = field(default_factory=dict)


def log_likelihood(values: np.ndarray, mcvar: np.ndarray, targets: Targets) -> np.ndarray:
    """Gaussian approximate log-likelihood of each simulated point (observed, discrepancy and Monte Carlo variances; -inf if undefined)."""
    var = targets.variance + mcvar
    ll = -0.5 * (((targets.observed - values) ** 2) / var + np.log(2 * np.pi * var)).sum(axis=1)
    return np.where(np.isfinite(ll), ll, -np.inf)


def weights_of(loglik: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Normalised importance weights of the points kept (0 elsewhere)."""
    ll = np.where(keep, loglik, -np.inf)
    if not np.isfinite(ll).any():
        return np.zeros(len(ll))
    w = np.exp(ll - ll[np.isfinite(ll)].max())
    return w / w.sum()


def calibrate(
    cfg: ModelConfig,
    targets: Targets,
    items: Sequence[Assumption],
    *,
    seed: int,
    replications: int,
    points: int,
    waves: int,
    cutoff: float = 3.0,
    workers: int = 1,
    batch_points: int = 200,
    progress: Callable[[int], None] | None = None,
    report: Callable[[str], None] | None = None,
) -> Calibration:
    """History-match ``items`` of ``cfg`` to ``targets`` and weight the plausible points into a posterior sample.

    The month is compiled first where it is not yet (:func:`sim.frontends.compiling.ensure_compiled`),
    outside the runtime and the waves' simulation seconds the result records.

    Parameters
    ----------
    cfg
        The scenario (its horizon is set to the targets' horizon).
    targets
        What to fit (:func:`sim.config.calibration.load_targets`).
    items
        The parameters to calibrate, with their priors (:func:`sim.config.assumptions.by_path`).
    seed
        Seed of the runs and of the designs.
    replications
        Replications per point (every point shares them).
    points
        Points simulated per wave.
    waves
        Waves of history matching.
    cutoff
        Implausibility cut-off (3: Pukelsheim's three-sigma rule).
    workers
        Threads of each ensemble batch.
    batch_points
        Points per ensemble batch.
    progress
        Called with replications done after each batch.
    report
        Called with a line after each wave.
    """
    from scipy.stats import qmc

    ensure_compiled()  # before the clock starts: a first run's compiling is not the calibration's runtime nor wave 1's simulation
    started = time.perf_counter()
    items = tuple(items)
    cfg = with_horizon(cfg, targets.horizon_months)
    dims = len(items)
    rng = np.random.default_rng([seed, 0xCA1])
    emulators: list[Emulator] = []
    rows: list[pd.DataFrame] = []
    wave_rows: list[dict[str, Any]] = []
    names = [s.name for s in targets.statistics]
    for wave in range(1, waves + 1):
        if wave == 1:
            u = qmc.LatinHypercube(d=dims, seed=rng).random(points) if dims else np.zeros((points, 0))
            tried, share = points, 1.0
        else:
            u, tried, share = sample_plausible(emulators, targets, cutoff, points, dims, rng)
        if len(u) < 3:
            wave_rows.append({"wave": wave, "points": len(u), "candidates": tried, "plausible_share": share})
            break
        wave_started = time.perf_counter()
        runs = simulate_points(
            cfg, items, u, event=targets.event, seed=seed, replications=replications, workers=workers, batch_points=batch_points, progress=progress
        )
        values, mcvar = statistics(runs, targets)
        simulated = time.perf_counter() - wave_started
        frame = pd.DataFrame(u, columns=[f"u.{a.path}" for a in items])
        frame.insert(0, "wave", wave)
        for path, column in A.shared_out(cfg, A.quantile(items, u)).items():
            frame[path] = column
        for s, name in enumerate(names):
            frame[f"stat.{name}"] = values[:, s]
            frame[f"mcvar.{name}"] = mcvar[:, s]
        frame["breakups"] = [len(d) for d in runs.durations]
        frame["launched"] = runs.launched
        frame["breakup_10y"] = breakup_probability(runs)
        rows.append(frame)
        if dims:
            emulators.append(Emulator(u, values))
        wave_rows.append(
            {
                "wave": wave,
                "points": len(u),
                "candidates": tried,
                "plausible_share": share,
                "emulator": emulators[-1].form if dims else "",
                "emulator_r2": {name: float(r) for name, r in zip(names, emulators[-1].r2, strict=True)} if dims else {},
                "simulation_s": simulated,
                "emulation_s": time.perf_counter() - wave_started - simulated,
            }
        )
        if report is not None:
            report(
                f"wave {wave}: {len(u)} points ({share:.1%} of {tried} candidates plausible), "
                f"simulated in {simulated:.0f} s, emulated in {wave_rows[-1]['emulation_s']:.0f} s"
            )
    design = pd.concat(rows, ignore_index=True)
    u_all = design[[f"u.{a.path}" for a in items]].to_numpy()
    values = design[[f"stat.{n}" for n in names]].to_numpy()
    mcvar = design[[f"mcvar.{n}" for n in names]].to_numpy()
    keep = plausible(u_all, emulators, targets, cutoff) if emulators else np.ones(len(design), bool)
    keep &= np.isfinite(values).all(axis=1)
    design["plausible"] = keep
    design["loglik"] = log_likelihood(values, mcvar, targets)
    design["weight"] = weights_of(design["loglik"].to_numpy(), keep)
    chosen = design[design["weight"] > 0]
    posterior = chosen[[a.path for a in items]].reset_index(drop=True)
    posterior["weight"] = chosen["weight"].to_numpy() / chosen["weight"].sum() if len(chosen) else []
    info = {
        "model_version": __version__,
        "targets": targets.name,
        "targets_path": targets.path,
        "event": targets.event,
        "horizon_months": targets.horizon_months,
        "method": method_of(wave_rows),
        "seed": seed,
        "replications_per_point": replications,
        "points_per_wave": points,
        "waves": waves,
        "cutoff": cutoff,
        "parameters": [a.path for a in items],
        "points_simulated": len(design),
        "replications_simulated": len(design) * replications,
        "plausible_points": int(keep.sum()),
        "effective_sample_size": effective_size(design["weight"].to_numpy()),
        "wave_table": wave_rows,
        "runtime_s": time.perf_counter() - started,
    }
    return Calibration(targets, items, design, posterior, wave_rows, info)


def unreached(result: Calibration) -> list[str]:
    """Why a calibration kept no parameter point, one line per statistic out of the model's reach; empty when its posterior has points.

    A statistic is out of reach when its observed value lies further than the implausibility
    cut-off (in its standard deviations, with the model discrepancy) from every value the
    simulated points gave. When each is within reach alone, the line says no point matched them
    all at once. The last line says what was simulated and that nothing was written.
    """
    if len(result.posterior):
        return []
    t, design, cutoff = result.targets, result.design, result.info["cutoff"]
    lines = []
    for stat, variance in zip(t.statistics, t.variance, strict=True):
        values = design[f"stat.{stat.name}"].to_numpy(float)
        values = values[np.isfinite(values)]
        if not len(values):
            lines.append(f"statistics: `{stat.name}` (observed {_fmt(stat.observed)}) was not defined at any of the {len(design):,} simulated points")
            continue
        error = math.sqrt(float(variance))
        low, high = float(values.min()), float(values.max())
        if stat.observed < low - cutoff * error or stat.observed > high + cutoff * error:
            lines.append(
                f"statistics: `{stat.name}` observed {_fmt(stat.observed)} is out of the model's reach: the {len(values):,} simulated points gave "
                f"{_fmt(low)} to {_fmt(high)}, more than {cutoff:g} times its sd {_fmt(error)} (with the discrepancy) away"
            )
    if not lines:
        lines.append(
            f"statistics: no simulated point matches all {_count(len(t.statistics), 'statistic')} at once within {cutoff:g} sd (each alone is within reach)"
        )
    lines.append(
        f"targets = {t.path or t.name!r}: no parameter point is plausible after {len(design):,} simulated points, so there is no posterior and "
        "nothing was written; check the observed values and their sd, or raise the discrepancy if the model is known to miss them"
    )
    return lines


class Refused(ValueError):
    """A calibration refused, before its runs or after them: ``problems`` holds one line each.

    ``sim-calibrate`` and ``experiments/calibration.py`` print each as an ``error:`` line and exit with status 2.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def prepare(
    cfg: ModelConfig | None, targets: str, parameters: Sequence[str] | None, points: int | None, points_option: str = "points"
) -> tuple[Targets | None, tuple[Assumption, ...] | None, list[str]]:
    """The targets and calibrated parameters of a calibration, and every problem with them, found before anything runs.

    Parameters
    ----------
    cfg
        The scenario (None when it could not be made: the parameters are then not checked).
    targets
        A shipped targets name, or the path of a targets YAML file or a records CSV (:func:`~sim.config.calibration.load_targets`).
    parameters
        The parameters to calibrate (None: the targets file's list, else every free assumption outside the levers).
    points
        Points per wave (None when not known): too few to emulate the calibrated parameters is a problem.
    points_option
        The points setting as the entry point spells it, which the problem names: ``points`` (``sim-calibrate``'s
        ``points=``) or ``--points`` (``experiments/calibration.py``).

    Returns
    -------
    tuple
        The targets and the calibrated parameters (each None when it could not be made) and one line per problem.
    """
    problems: list[str] = []
    loaded = items = None
    try:
        loaded = load_targets(targets)
    except ConfigError as err:
        problems += err.problems
    if loaded is not None and cfg is not None:
        try:
            items = calibrated_items(cfg, parameters, loaded)
        except KeyError as err:
            problems += str(err.args[0]).split("; ")
    elif parameters:  # named with the targets' problems, not after they are fixed
        problems += parameter_problems(list(parameters))
    if items and points is not None and points < Emulator.least_points(len(items)):
        least, most = Emulator.least_points(len(items)), spec_of(CalibrateSettings, "points").hi
        problems.append(f"{points_option} = {points} is too few to emulate {len(items)} calibrated parameters (allowed: {least:,} to {most:,})")
    return loaded, items, problems


def calibrate_checked(
    cfg: ModelConfig, targets: Targets, items: Sequence[Assumption], *, points: int, points_option: str = "points", **options: Any
) -> Calibration:
    """:func:`calibrate`, refused when an emulator has too few points to fit or no parameter point is plausible.

    Parameters
    ----------
    cfg, targets, items, points
        As :func:`calibrate` takes them.
    points_option
        The points setting as the entry point spells it, which a refusal names (as :func:`prepare` takes it).
    **options
        The other keyword arguments of :func:`calibrate`.

    Raises
    ------
    Refused
        Saying to raise the points setting (named as ``points_option`` spells it), or naming each statistic out of the model's reach (:func:`unreached`).
    """
    try:
        result = calibrate(cfg, targets, items, points=points, **options)
    except TooFewPoints as err:
        raise Refused([f"{points_option} = {points}: {err}; raise {points_option}"]) from None
    if lines := unreached(result):
        raise Refused(lines)
    return result


def with_horizon(cfg: ModelConfig, months: int) -> ModelConfig:
    """``cfg`` with its horizon set to ``months`` (checked)."""
    from sim.config.model import model_config

    raw = cfg.to_dict()
    raw["partnership"]["horizon_months"] = int(months)
    return model_config(raw)


def calibrated_items(cfg: ModelConfig, paths: Sequence[str] | None, targets: Targets) -> tuple[Assumption, ...]:
    """The assumptions to calibrate: ``paths``, else the targets file's list, else every free assumption outside the levers.

    Raises
    ------
    KeyError
        Naming each path that is not an assumed parameter with a plausible range, and each listed more than once.
    """
    known = A.by_path()
    chosen = list(paths) if paths else list(targets.parameters)
    if not chosen:
        return tuple(a for a in A.free(cfg) if not a.path.startswith("levers."))
    problems = parameter_problems(chosen)
    if problems:
        raise KeyError("; ".join(problems))
    return tuple(known[p] for p in chosen)


# --- summaries of a posterior ------------------------------------------------------------------


def weighted_quantile(x: np.ndarray, q: Sequence[float] | float, weights: np.ndarray | None = None) -> np.ndarray:
    """Quantiles ``q`` of ``x`` under ``weights`` (equal weights by default), interpolating the weighted empirical CDF at mid-points."""
    x = np.asarray(x, float)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, float)
    ok = np.isfinite(x) & (w > 0)
    x, w = x[ok], w[ok]
    if not len(x):
        return np.full(np.shape(q), np.nan)
    order = np.argsort(x)
    x, w = x[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, x)


def interval(x: np.ndarray, weights: np.ndarray | None = None, level: float = 0.9) -> tuple[float, float]:
    """The central ``level`` interval of ``x`` under ``weights``."""
    lo, hi = weighted_quantile(x, [(1 - level) / 2, (1 + level) / 2], weights)
    return float(lo), float(hi)


def parameter_table(result: Calibration) -> pd.DataFrame:
    """Per parameter: prior and posterior mean, 90% interval and standard deviation, and how much the data narrowed it.

    The prior is the first wave's design (a Latin hypercube of the prior); ``narrowing`` is
    ``1 - posterior sd / prior sd``, ``shift`` the move of the mean in prior standard deviations,
    and ``change`` the total variation distance between the two (20 bins over the prior's range;
    0: the same distribution, 1: no overlap), which also sees a posterior that changed shape
    without narrowing.
    """
    prior = result.design[result.design["wave"] == 1]
    w = result.posterior["weight"].to_numpy()
    rows = []
    for a in result.items:
        x0, x1 = prior[a.path].to_numpy(float), result.posterior[a.path].to_numpy(float)
        mean1 = float(np.sum(w * x1)) if len(x1) else math.nan
        sd1 = float(np.sqrt(np.sum(w * (x1 - mean1) ** 2))) if len(x1) else math.nan
        sd0 = float(np.std(x0))
        rows.append(
            {
                "parameter": a.path,
                "default": a.default if not isinstance(a.default, dict) else "distribution",
                "prior_mean": float(np.mean(x0)),
                "prior_low": interval(x0)[0],
                "prior_high": interval(x0)[1],
                "posterior_mean": mean1,
                "posterior_low": interval(x1, w)[0],
                "posterior_high": interval(x1, w)[1],
                "narrowing": 1.0 - sd1 / sd0 if sd0 > 0 else math.nan,
                "shift": (mean1 - float(np.mean(x0))) / sd0 if sd0 > 0 else math.nan,
                "change": _total_variation(x0, x1, w),
            }
        )
    return pd.DataFrame(rows)


def _total_variation(prior: np.ndarray, posterior: np.ndarray, weights: np.ndarray, bins: int = 20) -> float:
    """Total variation distance between the prior sample and the weighted posterior, on ``bins`` bins over the prior's range."""
    if not len(posterior):
        return math.nan
    edges = np.histogram_bin_edges(prior, bins=bins)
    p = np.histogram(np.clip(prior, edges[0], edges[-1]), edges)[0] / len(prior)
    q = np.histogram(np.clip(posterior, edges[0], edges[-1]), edges, weights=weights)[0] / np.sum(weights)
    return float(0.5 * np.abs(p - q).sum())


#: Least total variation distance from the prior for a parameter to count as informed by the targets.
INFORMED = 0.15


def change_noise(effective_size: float, prior_points: int, bins: int = 20) -> float:
    """The total variation distance two samples of one distribution show by chance (``bins`` equal-probability bins, normal approximation)."""
    if effective_size <= 0 or prior_points <= 0:
        return math.inf
    return 0.5 * bins * math.sqrt(2 / math.pi) * math.sqrt((1 / bins) * (1 / effective_size + 1 / prior_points))


def change_threshold(result: Calibration) -> tuple[float, float]:
    """The change sampling noise alone gives with ``result``'s points, and the least change that counts as informed.

    Returns
    -------
    noise, threshold
        :func:`change_noise` of the posterior's effective sample size against the first wave's
        points, and the larger of :data:`INFORMED` and twice that noise: a change below it
        cannot be told from noise, or is too small to count.
    """
    noise = change_noise(result.info["effective_sample_size"], int((result.design["wave"] == 1).sum()))
    return noise, max(INFORMED, 2.0 * noise)


class ChangeGroups(NamedTuple):
    """The parameters of a calibration split by how far the targets moved them from their prior (:func:`change_groups`)."""

    #: :func:`parameter_table` of the calibration.
    table: pd.DataFrame
    #: The change sampling noise alone gives (:func:`change_threshold`).
    noise: float
    #: The least change that counts as informed (:func:`change_threshold`).
    threshold: float
    #: Rows whose change reaches the threshold: the targets inform them (largest change first).
    pinned: pd.DataFrame
    #: Rows changed by :data:`INFORMED` or more yet below the threshold: these points cannot place them (largest change first).
    unplaced: pd.DataFrame
    #: The other rows (change below :data:`INFORMED`, or undefined): hardly informed.
    loose: pd.DataFrame


def change_groups(result: Calibration) -> ChangeGroups:
    """``result``'s parameter table split into the parameters the targets inform, those these points cannot place, and the rest.

    The one split the report (:func:`render`) and the warning of too few points (:func:`too_few_points`) both say.
    """
    table = parameter_table(result)
    noise, threshold = change_threshold(result)
    placed, informed = table["change"] >= threshold, table["change"] >= INFORMED
    return ChangeGroups(
        table,
        noise,
        threshold,
        table[placed].sort_values("change", ascending=False),
        table[~placed & informed].sort_values("change", ascending=False),
        table[~placed & ~informed],
    )


def emulator_notes(waves: Sequence[dict[str, Any]]) -> str:
    """What the wave table's words and numbers say, where the method's prose does not: a form other than ``quadratic``, an R² below 0.

    Empty where every wave's emulator is quadratic and every left-one-out R² is 0 or more.
    """
    forms = list(dict.fromkeys(w.get("emulator", "") for w in waves if w.get("emulator", _QUADRATIC) != _QUADRATIC))
    poor = [(w["wave"], name) for w in waves for name, r2 in w.get("emulator_r2", {}).items() if r2 < 0]
    notes = []
    if forms:
        notes.append(
            "Emulators here: "
            + "; ".join(f"*{form}*, {EMULATOR_FORMS.get(form, 'a form this page does not know')}" for form in forms)
            + " (too few points for a full quadratic, which needs twice as many points as terms)."
        )
    if poor:
        notes.append(
            "An R² below 0 (" + ", ".join(f"wave {wave} `{name}`" for wave, name in poor) + ") means the emulator predicts that statistic "
            "worse than its mean over the wave's points: it is then wide and rules out little by that statistic. "
            "More points per wave help."
        )
    return " ".join(notes)


def understated_totals(result: Calibration, drawing: str) -> str | None:
    """Where the posterior is worth fewer than :data:`~sim.config.uncertainty.SMALL_POSTERIOR` points, what a run drawing from it notes (None otherwise).

    ``sim-calibrate``'s ``note:`` line and the report's "What the data cannot pin down" say it in these words;
    ``drawing`` names how a run draws from it (the ``uncertainty=posterior posterior=...`` to type, or the mode).
    The reason is a run's own (:func:`~sim.config.uncertainty.small_posterior_reason`).
    """
    reason = small_posterior_reason(result.info["effective_sample_size"], len(result.posterior))
    if reason is None:
        return None
    return f"the posterior is {reason}: {understated_words(drawing=drawing)}"


def too_few_points(result: Calibration) -> str | None:
    """A warning where the posterior's effective sample size is too small to tell which parameters the targets inform (None otherwise).

    That is where the noise threshold exceeds 1 (no change could be told from noise), or some
    parameter changed by :data:`INFORMED` or more yet no more than twice what noise alone gives:
    the report cannot then say whether the targets inform it.
    """
    groups = change_groups(result)
    if groups.threshold <= 1 and groups.unplaced.empty:
        return None
    which = "which parameters the targets inform" if groups.threshold > 1 else f"whether the targets inform {_count(len(groups.unplaced), 'parameter')}"
    return (
        f"effective sample size {result.info['effective_sample_size']:.0f} is too small to tell {which}: sampling noise alone gives a "
        f"change of about {groups.noise:.2f}; run more points (and waves)"
    )


#: Draws of the observation error per parameter point in a predictive interval (fixed, so a page is the same each time it is made).
ERROR_DRAWS = 40


def predictive_table(result: Calibration) -> pd.DataFrame:
    """Per target statistic (and the 10-year break-up probability): observed, prior and posterior predictive median and 90% interval.

    A statistic's predictive values are what a record like the observed one would show: each
    point's simulated share plus the error the fit allows it (the statistic's own standard
    deviation, from its number of records, and the model discrepancy), drawn :data:`ERROR_DRAWS`
    times and kept within [0, 1]. The 10-year break-up probability has no record: its
    intervals are the model's own.
    """
    design = result.design
    prior = design[design["wave"] == 1]
    w = design["weight"].to_numpy()
    rows = []
    for index, (stat, variance) in enumerate(zip(result.targets.statistics, result.targets.variance, strict=True)):
        column = f"stat.{stat.name}"
        error = math.sqrt(float(variance))
        rows.append(_predictive(stat.name, stat.observed, stat.sd, error, (prior[column].to_numpy(), design[column].to_numpy(), w), index))
    rows.append(
        _predictive(
            f"{result.targets.event}_within_{BREAKUP_YEARS:g}_years",
            math.nan,
            math.nan,
            0.0,
            (prior["breakup_10y"].to_numpy(), design["breakup_10y"].to_numpy(), w),
            -1,
        )
    )
    return pd.DataFrame(rows)


def _observed_like(values: np.ndarray, weights: np.ndarray | None, error: float, stream: int) -> tuple[np.ndarray, np.ndarray | None]:
    """``values`` as records would show them: each repeated with :data:`ERROR_DRAWS` draws of normal error ``error``, within [0, 1]."""
    if error <= 0:
        return values, weights
    noise = np.random.default_rng([ERROR_DRAWS, stream + 1]).normal(0.0, error, (len(values), ERROR_DRAWS))
    seen = np.clip(values[:, None] + noise, 0.0, 1.0).ravel()
    return seen, (None if weights is None else np.repeat(weights, ERROR_DRAWS))


def _predictive(name: str, observed: float, sd: float, error: float, simulated: tuple[np.ndarray, np.ndarray, np.ndarray], stream: int) -> dict[str, Any]:
    """One row of :func:`predictive_table`; ``simulated`` holds the prior's values, the design's and the design's weights."""
    prior, posterior, weights = simulated
    seen, _ = _observed_like(prior, None, error, stream)
    p_lo, p_mid, p_hi = weighted_quantile(seen, [0.05, 0.5, 0.95])
    seen, seen_weights = _observed_like(posterior, weights, error, stream)
    q_lo, q_mid, q_hi = weighted_quantile(seen, [0.05, 0.5, 0.95], seen_weights)
    return {
        "statistic": name,
        "observed": observed,
        "observed_sd": sd,
        "prior_median": p_mid,
        "prior_low": p_lo,
        "prior_high": p_hi,
        "posterior_median": q_mid,
        "posterior_low": q_lo,
        "posterior_high": q_hi,
    }


# --- figures and the report ----------------------------------------------------------------------


def prior_posterior_figure(result: Calibration) -> Any:
    """One panel per calibrated parameter: the prior (first wave) and the weighted posterior as histograms.

    Each panel is titled by what the parameter means (its declaration's words), its axis by its
    path and unit; text in the house style of :mod:`sim.analysis.plots` (11 points or more).
    """
    from sim.analysis.plots import styled

    return styled(_prior_posterior_figure)(result)


def _prior_posterior_figure(result: Calibration) -> Any:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from sim.analysis.plots import OKABE_ITO

    n = max(len(result.items), 1)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(4.2 * cols, 3.4 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    prior = result.design[result.design["wave"] == 1]
    w = result.posterior["weight"].to_numpy()
    for k, (ax, a) in enumerate(zip(axes, result.items, strict=False)):
        x0 = prior[a.path].to_numpy(float)
        edges = np.histogram_bin_edges(x0, bins=20)
        ax.hist(x0, bins=edges, density=True, alpha=0.45, label="prior", color="grey")
        if len(w):
            posterior = result.posterior[a.path].to_numpy(float)
            ax.hist(posterior, bins=edges, weights=w, density=True, histtype="step", linewidth=2, color=OKABE_ITO[0], label="posterior")
        ax.set_title(wrap(upper_first(a.spec.doc), 40), fontsize=11)  # between words only: never "full-" then "strength"
        path = a.path.replace("mechanisms.", "")
        ax.set_xlabel(f"{path}\n({a.spec.unit})" if a.spec.unit else path)  # two lines: a long path and unit ran into the next panel's
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.set_yticks([])
        if k % cols == 0:
            ax.set_ylabel("density")
    for ax in axes[len(result.items) :]:
        ax.set_axis_off()
    axes[0].legend()
    return fig


def statistic_words(name: str, targets: Targets) -> str:
    """A target statistic as a reader says it: ``breakup_after_0_to_2_years`` as "break-ups 0 to 2 years after launch (share)".

    The statistic :func:`predictive_table` adds, ``<event>_within_10_years``, is "chance of a break-up within 10 years (no record)".
    """
    event = targets.event.replace("_", "-")
    if name == f"{targets.event}_within_{BREAKUP_YEARS:g}_years":
        return f"chance of a {event} within {BREAKUP_YEARS:g} years (no record)"
    stat = next((s for s in targets.statistics if s.name == name), None)
    if stat is not None and stat.kind == "duration_share" and len(stat.years) == 2:
        return f"{event}s {stat.years[0]:g} to {stat.years[1]:g} years after launch (share)"
    return name.replace("_", " ")


def predictive_figure(result: Calibration) -> Any:
    """Observed statistics against the prior and posterior predictive 90% intervals and medians (the intervals hold the records' own error).

    Statistics named in words (:func:`statistic_words`) on a percentage scale; colours of the
    Okabe-Ito palette, the observed value a diamond, text in the house style of :mod:`sim.analysis.plots`.
    """
    from sim.analysis.plots import styled

    return styled(_predictive_figure)(result)


def _predictive_figure(result: Calibration) -> Any:
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    from sim.analysis.plots import OKABE_ITO

    table = predictive_table(result)
    fig = Figure(figsize=(9, 0.7 * len(table) + 1.8), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(table))[::-1]
    ax.hlines(y + 0.15, table["prior_low"], table["prior_high"], color="grey", linewidth=6, alpha=0.5, label="prior predictive 90%")
    ax.plot(table["prior_median"], y + 0.15, "|", color="black", markersize=10)
    ax.hlines(y - 0.15, table["posterior_low"], table["posterior_high"], color=OKABE_ITO[0], linewidth=6, alpha=0.7, label="posterior predictive 90%")
    ax.plot(table["posterior_median"], y - 0.15, "|", color="black", markersize=10, label="median")
    observed = table["observed"].to_numpy(float)
    ok = np.isfinite(observed)
    ax.plot(observed[ok], y[ok], "D", color=OKABE_ITO[3], markersize=8, label="observed")
    ax.set_yticks(y, [statistic_words(name, result.targets) for name in table["statistic"]])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(f"share of {result.targets.event.replace('_', '-')}s, or chance of one (%)")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(loc="outside lower center", ncols=4, frameon=False)
    return fig


def _count(n: int, noun: str) -> str:
    """``n`` with ``noun``, plural unless ``n`` is 1 (``1 parameter``, ``3 target statistics``)."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _fmt(x: Any, digits: int = 3) -> str:
    if isinstance(x, str):
        return x
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    x = float(x)
    return f"{x:.{digits}g}" if abs(x) < 1e-2 and x != 0 else f"{x:.{digits}f}".rstrip("0").rstrip(".") if abs(x) < 1000 else f"{x:.0f}"


def _hundredths(x: float, sign: str = "") -> str:
    """``x`` with two decimals, a value that rounds to zero reading ``0.00`` (a narrowing of -0.004 is not ``-0.00``).

    Parameters
    ----------
    x
        The number.
    sign
        ``"+"`` to sign a value that does not round to zero (a shift), ``""`` for a negative one alone.
    """
    rounded = round(float(x), 2)
    return "0.00" if rounded == 0 else f"{rounded:{sign}.2f}"


def _verdict(pred: pd.DataFrame, design: pd.DataFrame) -> str:
    """A line on how the observed statistics sit in their posterior predictive intervals.

    For a statistic outside its interval it counts the points of the posterior sample (``weight`` above 0 in
    ``design``) that simulate a value at least as far out: only where there is none is it a structural misfit.
    """
    rows = pred[np.isfinite(pred["observed"].to_numpy(float))]
    inside = (rows["observed"] >= rows["posterior_low"]) & (rows["observed"] <= rows["posterior_high"])
    line = f"The observed value lies inside the posterior predictive 90% interval for {int(inside.sum())} of {len(rows)} statistics."
    outside = rows[~inside]
    if len(outside):
        kept = design[design["weight"] > 0]
        reach = {}
        for r in outside.itertuples():
            simulated = kept[f"stat.{r.statistic}"].to_numpy(float)
            reach[r.statistic] = int(np.sum(simulated <= r.observed) if r.observed < r.posterior_low else np.sum(simulated >= r.observed))
        line += " Outside: " + "; ".join(
            f"`{r.statistic}` (observed {_fmt(r.observed)}, posterior predictive {_fmt(r.posterior_low)}–{_fmt(r.posterior_high)};"
            f" {reach[r.statistic]:,} of the {len(kept):,} points of the posterior sample simulate a value as far out)"
            for r in outside.itertuples()
        )
        line += "."
        never = [f"`{name}`" for name, count in reach.items() if count == 0]
        some = [f"`{name}`" for name, count in reach.items() if count > 0]
        if never:
            line += f" No plausible parameter point reproduces {', '.join(never)}: a structural misfit, not a fitting failure."
        if some:
            line += (
                f" Plausible points do reproduce {', '.join(some)}: the posterior puts less than 5% of its weight that far out"
                " (a tension with the other statistics and the prior), not a structural misfit."
            )
    far = rows[inside & ((rows["observed"] - rows["posterior_median"]).abs() > 0.5 * (rows["posterior_high"] - rows["posterior_low"]) * 0.8)]
    if len(far):
        line += " Near the edge of their interval: " + ", ".join(f"`{r.statistic}`" for r in far.itertuples()) + "."
    return line


def predictive_verdict(result: Calibration) -> str:
    """How the observed statistics sit in their posterior predictive 90% intervals, and whether those outside are a structural misfit (one line)."""
    return _verdict(predictive_table(result), result.design)


def point_figures(result: Calibration) -> dict[str, Any]:
    """What a sweep of calibrations compares across its points, as ``{"posterior": ..., "predictive": ...}``.

    ``posterior``: per calibrated parameter (by path) its posterior ``mean`` and 90% interval (``low``,
    ``high``), as ``calibration.md`` gives them (:func:`parameter_table`). ``predictive``: how many
    target statistics have their observed value inside the posterior predictive 90% interval
    (``inside``) out of how many (``statistics``), and per statistic its ``observed`` value, that
    interval (``low``, ``high``) and whether it holds the observed value (``inside``), as
    :func:`predictive_verdict` counts them.
    """
    parameters = parameter_table(result)
    posterior = {
        row.parameter: {"mean": float(row.posterior_mean), "low": float(row.posterior_low), "high": float(row.posterior_high)}
        for row in parameters.itertuples()
    }
    rows = predictive_table(result)
    rows = rows[np.isfinite(rows["observed"].to_numpy(float))]
    statistics = {
        row.statistic: {
            "observed": float(row.observed),
            "low": float(row.posterior_low),
            "high": float(row.posterior_high),
            "inside": bool(row.posterior_low <= row.observed <= row.posterior_high),
        }
        for row in rows.itertuples()
    }
    inside = sum(s["inside"] for s in statistics.values())
    return {"posterior": posterior, "predictive": {"inside": inside, "statistics": len(statistics), **statistics}}


#: The format of a targets file of one's own, told on the shipped targets' page (docs/calibration.md).
OWN_TARGETS = (
    "`sim-calibrate targets=my_record.csv` fits the model to your own record of arrangements that ended, a records CSV "
    "with the columns of `data/uk_breakups.csv`: each row needs `start_year` and `end_year` (decimal years); `arrangement` "
    "and `form` are read when present, other columns left alone. Its targets are built from the rows as the shipped ones "
    "were from the UK record, with the shipped file's `duration_share` bins, event, horizon (a row lasting longer is "
    "refused), discrepancy and parameters (`parameters=` replaces the list); the observation window is the calendar years "
    "the endings fall in, from the start of the first to the end of the last (2009–2025 for the UK record, its window "
    "above). For other bins, a window known otherwise or a longer horizon, write those targets out as YAML "
    "(`sim.config.calibration.csv_targets`), edit them, and give that file. "
    "`sim-calibrate targets=my_region.yaml` fits the model to a targets file of yours, written like "
    "`sim/config/targets/uk_breakups.yaml` (YAML, or a records CSV: another table is refused). Its fields: `name`, `description`, "
    "`source` and `notes` (words for the page); `event` (`breakup` or `collapse`); `horizon_months` (a whole number in "
    "[12, 600], the model's `partnership.horizon_months`, long enough for the longest record and the furthest statistic); "
    "optionally `records` (each with `start` and `end` in decimal years, and optionally `name` and `form`) and `window` "
    "([first, last] years in which an ending could enter the record), against which each `duration_share` is checked; "
    "`discrepancy` (an sd in [0, 1] for what the model leaves out); `parameters` (assumed parameters to calibrate, each "
    "once; `parameters=` on the command line replaces the list); and `statistics`, each with `name`, `kind` "
    "(`duration_share` with `years: [from, to]`, or `breakup_by` with one number of years), then either `observed` (a "
    "share in [0, 1], not a percentage) and its `sd`, or `count` and `n` (the share is count / n, its sd the binomial one the shipped file uses), "
    "and `computed` (how it is computed, for the page). Every problem in the file is named at once, one line each "
    "(in a CSV, with its line, column and value), "
    "before anything runs; targets the model cannot reach end, after the runs, with a line per statistic out of reach "
    "and nothing written."
)


def render(result: Calibration, figures: dict[str, str], *, command: str = "sim-calibrate", code_version: str = "") -> str:
    """The calibration report in Markdown: method, targets, waves, prior against posterior, predictive check and what is not identified.

    ``figures`` maps ``prior_posterior`` and ``predictive`` to paths relative to the report;
    ``code_version`` (the posterior's, :func:`sim.results.provenance.code_version`) is named
    beside the command and the model version when given.
    """
    t, info = result.targets, result.info
    params, noise, threshold, pinned, unplaced, loose = change_groups(result)
    pred = predictive_table(result)
    breakup = pred.iloc[-1]
    # what the prose may say of these targets: timing alone (shares among endings, no denominator), a record of cases, its own list
    timing = all(s.kind == "duration_share" for s in t.statistics)
    informs, hardly = ("the timing informs", "the timing hardly informs") if timing else ("the targets inform", "the targets hardly inform")
    own_list = not t.parameters or [a.path for a in result.items] == list(t.parameters)
    sds = sorted(s.sd for s in t.statistics)
    lines = [
        "# Calibration to the record of break-ups" if timing and t.records else f"# Calibration to the targets `{t.name}`",
        "",
        f"Generated by `{command}` (model {info['model_version']}{f', code {code_version}' if code_version else ''}): {t.description or t.name}."
        f" Targets `{t.name}`"
        + ("" if t.shipped or not t.path else f" from the file `{t.path}`")
        + (f"; source: {t.source}" if t.source else "")
        + f"; event compared: **{t.event}** ({'the first founding council to leave after launch, or the collapse' if t.event == 'breakup' else 'collapse'}).",
        "",
        "## Method, and why",
        "",
        f"**{upper_first(info['method'])}.** History matching (Craig et al. 1997; Vernon, Goldstein and Bower 2010; Andrianakis et al. 2015) "
        "rules out the parameter points whose simulated statistics cannot match the targets, given every known uncertainty "
        "(the observed values', a model discrepancy and the emulator's), wave by wave. It suits this model for three reasons:",
        "",
        "- it **batches naturally**: each wave is a design of many points, run as a few ensemble batches on every core "
        "(the ensemble reads every parameter per replication row), whereas `pyabc`'s samplers evaluate one particle per call, "
        "and batching them needs a sampler whose proposals depend on thread timing (not reproducible);",
        "- it is **deterministic** given the seed (Latin hypercube, then seeded candidates), like every other result of the tool;",
        f"- with {f'{len(t.records)} records' if t.records else _count(len(t.statistics), 'target statistic')} the targets are weak: "
        "history matching says honestly which region is *not ruled out* rather than "
        "forcing a sharp posterior. The plausible points are then weighted by a Gaussian approximate likelihood of their own "
        "simulated statistics, which gives the weighted posterior sample the `uncertainty=posterior` mode draws from.",
        "",
        "The emulators are quadratic regressions in the prior quantiles of the parameters (every parameter, square and "
        "product of two, given at least twice as many points as terms), with the leave-one-out residual variance added to the "
        "prediction variance: where a quadratic fits badly the emulator is wide and rules little out. Gaussian-process "
        "emulators with one length scale per parameter (scikit-learn) were tried first: fitting one in 20 dimensions took "
        "about 30 s at 200 points and over 3 minutes at 600 on this shared 2-core machine, per statistic and wave, longer than "
        "the simulation. `emukit` 0.5.1 installs with Python 3.12 and numpy 2 here, but its Gaussian-process models need "
        "`GPy`, which it does not install; `elfi`'s BOLFI chooses one simulation at a time by Bayesian optimisation, which "
        "leaves the batched ensemble idle. Neither was needed for a method whose waves are batches.",
        "",
        "## Targets",
        "",
        *([t.notes, ""] if t.notes and own_list else []),
        *(
            []
            if own_list
            else [
                f"Calibrated here: {_count(len(result.items), 'parameter')} given with `parameters=` ("
                + ", ".join(f"`{a.path}`" for a in result.items)
                + f"), not the targets file's list of {len(t.parameters)}; the others keep their priors.",
                "",
            ]
        ),
        f"Horizon {t.horizon_months} months{' (long enough for the longest record)' if t.records else ''}; "
        + (f"observation window {t.window[0]:g}–{t.window[1]:g}: " if t.window else "no observation window. ")
        + (
            "each record's model counterpart is the share among the durations it could have had and still been seen "
            "(an arrangement started in 2018 cannot appear with a ten-year duration). "
            if t.window and t.records
            else ""
        )
        + f"Model discrepancy sd {t.discrepancy:g}.",
        "",
        "| statistic | observed | sd | how it is computed from runs |",
        "| --- | --- | --- | --- |",
        *[f"| `{s.name}` | {s.observed:.3f} | {s.sd:.3f} | {s.computed} |" for s in t.statistics],
        "",
        "## Runs",
        "",
        f"{info['points_simulated']} parameter points × {info['replications_per_point']} replications "
        f"({info['replications_simulated']:,} partnerships, every point on the same replications: common random numbers), seed {info['seed']}, "
        f"implausibility cut-off {info['cutoff']:g}; {info['plausible_points']} points plausible at the end, effective sample size "
        f"{info['effective_sample_size']:.0f}; runtime "
        + (f"{info['runtime_s']:.0f} s." if info["runtime_s"] < 90 else f"{info['runtime_s'] / 60:.1f} minutes."),
        "",
        "| wave | points | candidates tried | share plausible | emulator | R² left-one-out, per statistic | simulation s | emulation s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *[
            f"| {w['wave']} | {w['points']} | {w['candidates']} | {w['plausible_share']:.3f} | {w.get('emulator', '')} | "
            f"{', '.join(_hundredths(v) for v in w.get('emulator_r2', {}).values())} | {w.get('simulation_s', 0):.0f} | {w.get('emulation_s', 0):.0f} |"
            for w in result.waves
        ],
        "",
        *([emulators, ""] if (emulators := emulator_notes(result.waves)) else []),
        "## Prior against posterior",
        "",
        f"![prior against posterior]({figures['prior_posterior']})",
        "",
        "Means and 90% intervals; *narrowing* is one minus the ratio of posterior to prior standard deviation, *shift* the move "
        "of the mean in prior standard deviations, and *change* the total variation distance between prior and posterior "
        f"(0: the data say nothing; 1: no overlap). Sampling noise alone gives a change of about "
        f"{noise:.2f} with this many points.",
        "",
        "| parameter | default | prior mean [90%] | posterior mean [90%] | narrowing | shift | change |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *[
            f"| `{r.parameter}` | {_fmt(r.default)} | {_fmt(r.prior_mean)} [{_fmt(r.prior_low)}, {_fmt(r.prior_high)}] | "
            f"{_fmt(r.posterior_mean)} [{_fmt(r.posterior_low)}, {_fmt(r.posterior_high)}] | "
            f"{_hundredths(r.narrowing)} | {_hundredths(r.shift, '+')} | {r.change:.2f} |"
            for r in params.itertuples()
        ],
        "",
        "## Posterior predictive check",
        "",
        f"![posterior predictive check]({figures['predictive']})",
        "",
        "A predictive interval is what a record like the observed one would show: each parameter point's simulated share "
        "plus the error the fit allows it (the statistic's standard deviation from its number of records, and the model "
        f"discrepancy sd {t.discrepancy:g}). An observed value outside it is one the fitted model would rarely see.",
        "",
        _verdict(pred, result.design),
        "",
        "| statistic | observed | prior predictive median [90%] | posterior predictive median [90%] |",
        "| --- | --- | --- | --- |",
        *[
            f"| `{r.statistic}` | {_fmt(r.observed)} | {_fmt(r.prior_median)} [{_fmt(r.prior_low)}, {_fmt(r.prior_high)}] | "
            f"{_fmt(r.posterior_median)} [{_fmt(r.posterior_low)}, {_fmt(r.posterior_high)}] |"
            for r in pred.itertuples()
        ],
        "",
        "## What the data cannot pin down",
        "",
        (
            f"- **The probability of a {t.event} itself.** The record lists only arrangements that ended: with no denominator, "
            f"it says when break-ups come, not how many partnerships break up. The share of launched partnerships with a {t.event} "
            f"within {BREAKUP_YEARS:g} years runs over {_fmt(breakup.prior_low)}–{_fmt(breakup.prior_high)} under the prior and "
            f"{_fmt(breakup.posterior_low)}–{_fmt(breakup.posterior_high)} under the posterior: what narrowing there is comes from the "
            "timing (a parameter set whose break-ups all come early is also one with many break-ups), not from any count of "
            "survivors, and the prior carries the rest."
            if timing
            else f"- **The probability of a {t.event} within {BREAKUP_YEARS:g} years** (launched partnerships) runs over "
            f"{_fmt(breakup.prior_low)}–{_fmt(breakup.prior_high)} under the prior and {_fmt(breakup.posterior_low)}–"
            f"{_fmt(breakup.posterior_high)} under the posterior."
        ),
        *(
            [
                f"- **Which parameters {informs} cannot be told with this few points**: sampling noise alone gives a change "
                f"of about {noise:.2f}, and a change is at most 1. Run more points (and waves) to tell them apart."
            ]
            if threshold > 1
            else [
                (
                    f"- **Parameters {hardly}** (change below {threshold:.2f}, twice the change sampling noise alone would give with this many points): "
                    if not len(unplaced)
                    else f"- **Parameters {hardly}** (change below {INFORMED:.2f}): "
                )
                + (", ".join(f"`{p}`" for p in loose["parameter"]) if len(loose) else "none")
                + ". Their posterior is close to their prior.",
                *(
                    [
                        f"- **Parameters these points cannot place** (change {INFORMED:.2f} to {threshold:.2f}: more than counts as "
                        f"informed, but within twice the change sampling noise alone gives with an effective sample size of "
                        f"{info['effective_sample_size']:.0f}): "
                        + ", ".join(f"`{r.parameter}` ({r.change:.2f})" for r in unplaced.itertuples())
                        + f". Whether {informs} them cannot be told here: run more points (and waves)."
                    ]
                    if len(unplaced)
                    else []
                ),
                f"- **Parameters it does inform** (change {threshold:.2f} or more; shift in prior standard deviations): "
                + (", ".join(f"`{r.parameter}` ({r.change:.2f}, shift {_hundredths(r.shift, '+')})" for r in pinned.itertuples()) if len(pinned) else "none")
                + (
                    f". Even these keep most of their prior range: {'the record moves' if t.records else 'the targets move'} them, it does not pin them down."
                    if len(pinned)
                    else "."
                ),
            ]
        ),
        (
            f"- **Small n.** {len(t.records)} records give each share a standard deviation near 0.1; the posterior is "
            "correspondingly wide, and a different selection of reported break-ups could move it."
            if t.records
            else f"- **The targets' uncertainty.** Their standard deviations ({_fmt(sds[0])}"
            + (f" to {_fmt(sds[-1])}" if sds[-1] != sds[0] else "")
            + ", from the targets file) bound how far the posterior can narrow."
        ),
        *(
            [
                "- **Correlations between bins are ignored**: the shares of one multinomial sample are treated as independent in the "
                "implausibility and the likelihood (each bin's own variance is right; their negative covariance is left out)."
            ]
            if timing and len(t.statistics) > 1
            else []
        ),
        *([f"- **Runs drawing from it.** {upper_first(understated)}."] if (understated := understated_totals(result, "`uncertainty=posterior`")) else []),
        "- Parameters not calibrated keep their priors in `uncertainty=posterior` runs.",
        "",
        *(["## Your own targets", "", OWN_TARGETS, ""] if t.shipped else []),
    ]
    return "\n".join(lines)

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
from typing import Any

import numpy as np
import pandas as pd

from sim.config import assumptions as A
from sim.config.assumptions import Assumption
from sim.config.calibration import Targets
from sim.config.model import ModelConfig
from sim.core.version import __version__
from sim.frontends.ensemble import simulate
from sim.frontends.table import Table

METHOD = "history matching with quadratic regression emulators, then importance weighting of the plausible simulated points"
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


class Emulator:
    """Emulators of several statistics over the unit cube: full quadratic regressions with leave-one-out variance.

    Each statistic is regressed on every parameter, its square and every product of two
    parameters (on inputs centred at 0.5). The emulator's variance at a point is the
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

    def __init__(self, u: np.ndarray, y: np.ndarray, ridge: float = 1e-6):
        ok = np.isfinite(y).all(axis=1)
        u, y = np.asarray(u, float)[ok], np.asarray(y, float)[ok]
        self.dims = u.shape[1]
        X = self.basis(u)
        if len(u) <= X.shape[1]:
            raise ValueError(f"a quadratic emulator of {self.dims} parameters needs more than {X.shape[1]} points with every statistic defined, got {len(u)}")
        gram = X.T @ X
        self.inverse = np.linalg.inv(gram + ridge * np.trace(gram) / len(gram) * np.eye(len(gram)))
        self.coef = self.inverse @ X.T @ y
        leverage = np.einsum("ij,jk,ik->i", X, self.inverse, X)
        loo = (y - X @ self.coef) / (1.0 - np.minimum(leverage, 0.99))[:, None]
        self.residual_var = np.mean(loo**2, axis=0)
        total = np.var(y, axis=0)
        #: Share of each statistic's variance across the design that the emulator explains, left-one-out.
        self.r2 = np.where(total > 0, 1.0 - self.residual_var / np.where(total > 0, total, 1.0), 0.0)

    def basis(self, u: np.ndarray) -> np.ndarray:
        """Regressors: 1, each input, each square and each product of two inputs (centred at 0.5)."""
        x = np.atleast_2d(np.asarray(u, float)) - 0.5
        i, j = np.triu_indices(x.shape[1])
        return np.column_stack([np.ones(len(x)), x, x[:, i] * x[:, j]])

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of each statistic at ``u`` (``(n, S)`` each; the variance includes a run's Monte Carlo noise)."""
        X = self.basis(u)
        mean = X @ self.coef
        spread = np.einsum("ij,jk,ik->i", X, self.inverse, X)
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
) -> tuple[np.ndarray, int]:
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


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of importance weights."""
    total = weights.sum()
    return float(total**2 / (weights**2).sum()) if total > 0 else 0.0


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

    started = time.perf_counter()
    items = tuple(items)
    cfg = _with_horizon(cfg, targets.horizon_months)
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
        "method": METHOD,
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
        "runtime_s": time.perf_counter() - started,
    }
    return Calibration(targets, items, design, posterior, wave_rows, info)


def _with_horizon(cfg: ModelConfig, months: int) -> ModelConfig:
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
        Naming each path that is not an assumed parameter with a plausible range.
    """
    known = A.by_path()
    chosen = list(paths) if paths else list(targets.parameters)
    if not chosen:
        return tuple(a for a in A.free(cfg) if not a.path.startswith("levers."))
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise KeyError("; ".join(f"parameters: {p!r} is not an assumed parameter with a plausible range (e.g. decisions.memory)" for p in unknown))
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
    ``1 - posterior sd / prior sd`` (0: the data say nothing about it).
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
            }
        )
    return pd.DataFrame(rows)


def predictive_table(result: Calibration) -> pd.DataFrame:
    """Per target statistic (and the 10-year break-up probability): observed, prior and posterior predictive median and 90% interval."""
    design = result.design
    prior = design[design["wave"] == 1]
    w = design["weight"].to_numpy()
    rows = []
    for stat in result.targets.statistics:
        column = f"stat.{stat.name}"
        rows.append(_predictive(stat.name, stat.observed, stat.sd, prior[column].to_numpy(), design[column].to_numpy(), w))
    rows.append(_predictive(f"{result.targets.event}_within_{BREAKUP_YEARS:g}_years", math.nan, math.nan, prior["breakup_10y"].to_numpy(), design["breakup_10y"].to_numpy(), w))
    return pd.DataFrame(rows)


def _predictive(name: str, observed: float, sd: float, prior: np.ndarray, posterior: np.ndarray, weights: np.ndarray) -> dict[str, Any]:
    p_lo, p_mid, p_hi = weighted_quantile(prior, [0.05, 0.5, 0.95])
    q_lo, q_mid, q_hi = weighted_quantile(posterior, [0.05, 0.5, 0.95], weights)
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

"""Global sensitivity analysis of the assumptions: Morris screening of every free assumption, then Sobol indices for the top ones.

Every free assumption (:func:`sim.config.assumptions.free`, of the levers and mechanisms the
configuration uses) is a factor on the unit interval, mapped to its plausible range by the
prior's inverse CDF (:func:`sim.config.assumptions.quantile`), so an effect is measured
across the whole plausible range. Four outputs are read at each design point, from its
replications:

- ``collapse``: the probability of collapse within the horizon;
- ``failure``: the probability of failure within the horizon (shelved, collapsed or
  underperforming: every partnership counts, as the failure share of ``sim-run`` does);
- ``months_to_collapse``: the restricted mean months from launch to collapse among launched
  partnerships (one still going at the horizon counts the months it ran);
- ``realised_over_plan``: realised savings over the business case (ratio of totals).

Every design point runs the same replications ``0 .. R-1`` with the same seed (common random
numbers): differences between points are the factors' effects with little noise, and many
points run as one ensemble batch (:func:`sim.frontends.ensemble.simulate`). Under common random
numbers a dummy factor reads exactly zero, so it cannot show the noise floor; instead some
design points are run again on independent random numbers, and each output's Monte Carlo
noise is reported beside the indices: its standard deviation at one point, the share of the
output's variance over a design it makes up, and the ``mu*`` a factor with no effect would
read from that noise alone.

SALib (the ``[analysis]`` extra) draws the designs and computes the indices: Morris
elementary effects (``mu*``, ``sigma``, with bootstrap intervals), then Saltelli's design
and Sobol first-order and total indices with bootstrap intervals.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.analysis.summary import FAILURES
from sim.config import assumptions as catalogue
from sim.config.distributions import describe
from sim.config.model import ModelConfig
from sim.frontends.compiling import ensure_compiled
from sim.frontends.ensemble import simulate
from sim.frontends.table import input_title
from sim.frontends.words import wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The outputs read at each design point, with what each means.
OUTPUTS = {
    "collapse": "probability of collapse within the horizon",
    "failure": "probability of failure (shelved, collapsed or underperforming) within the horizon",
    "months_to_collapse": "restricted mean months from launch to collapse, among launched partnerships",
    "realised_over_plan": "realised savings over the business case",
}
#: Unit of each output, as its figures' axes say it.
OUTPUT_UNITS = {
    "collapse": "share of partnerships",
    "failure": "share of partnerships",
    "months_to_collapse": "months",
    "realised_over_plan": "share of the business case",
}
#: Which distribution the analysis varies the assumptions over, in one wording for every place that says it: ``sim-analyse
#: sensitivity``'s printout, its ``sensitivity.json`` (``run.varied``) and tables' metadata, and docs/sensitivity.md.
VARIED = (
    "Assumptions varied over their prior: every free assumption across its whole plausible range (docs/parameters.md), spread as"
    " its prior and independently of the others (as uncertainty=prior draws them), not the calibrated posterior that sim-run and"
    " sim-compare use by default (uncertainty=posterior, docs/uncertainty.md), which narrows the calibrated assumptions: an index"
    " says how much an assumption moves an output over its plausible range, not how much the doubt left after calibration does."
    " The command sim-analyse sensitivity has no setting for the posterior; an assumption set on its command line"
    " (decisions.memory=0.2) is held there, not varied."
)
#: How the Morris figure draws a factor's number, by whether its mu* is above the noise (the table's ``above_noise``): bold, or grey.
NUMBERS = {True: {"fontweight": "bold"}, False: {"color": "dimgrey", "fontweight": "normal"}}
#: Characters per line of a factor's words in the Morris figure's key, and inches per line of it.
KEY_WIDTH = 44
KEY_LINE = 0.19
#: Levels of the Morris grid on each factor's unit interval.
LEVELS = 4
#: The largest share of a stage's design points (Morris or Sobol) whose output may be missing
#: (no partnership launched at the point, so no months to collapse and no savings against a
#: plan) and be given the mean of the others; more, and the analysis is refused
#: (:class:`TooManyMissing`), as the filled points would pull the indices towards no effect.
MAX_FILLED = 0.1


class TooManyMissing(ValueError):
    """More than :data:`MAX_FILLED` of a stage's design points without an output: the message is one line naming ``replications``."""


def filled(stage: str, name: str, y: np.ndarray, replications: int) -> tuple[np.ndarray, int]:
    """An output over a stage's design points with each missing value given the mean of the others, and how many were.

    Parameters
    ----------
    stage
        ``"Morris"`` or ``"Sobol"``, as the message says it.
    name
        The output (a key of :data:`OUTPUTS`).
    y
        The output at each design point (NaN where it is missing).
    replications
        Replications per point, named in the message.

    Returns
    -------
    tuple
        The output with every missing value filled, and the number filled.

    Raises
    ------
    TooManyMissing
        When more than :data:`MAX_FILLED` of the points are missing.
    """
    missing = ~np.isfinite(y)
    count = int(missing.sum())
    if count > MAX_FILLED * len(y):
        raise TooManyMissing(
            f"replications = {replications}: {count} of {len(y)} {stage} design points have no {name} (no partnership launched there);"
            f" at most {MAX_FILLED:.0%} may be given the mean of the others: give more replications, or a scenario whose partnerships launch"
        )
    return (np.where(missing, np.nanmean(y), y) if count else y), count


def _salib() -> tuple[Any, Any, Any, Any]:
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise ImportError("sensitivity analysis needs SALib: pip install 'partnership-sim[analysis]'") from err
    return morris_sample, morris_analyze, sobol_sample, sobol_analyze


def outputs_of(table: Any, points: int, horizon: int) -> dict[str, np.ndarray]:
    """Each output at each design point from a batch's replication table (with its ``point`` column), with its Monte Carlo standard error.

    Returns
    -------
    dict
        For each name in :data:`OUTPUTS` a ``(points,)`` array, and ``<name>_se``: the
        standard error from the point's own replications (nan where undefined).
    """
    point = np.asarray(table.columns["point"], np.int64)
    outcome = table.values("outcome").astype(str)
    end = np.asarray(table.columns["end_month"], float)
    launch = np.asarray(table.columns["launch_month"], float)
    realised = np.asarray(table.columns["realised_savings"], float)
    plan = np.asarray(table.columns["business_case"], float)
    n = np.bincount(point, minlength=points).astype(float)
    collapsed = (outcome == "collapsed").astype(float)
    p = np.bincount(point, collapsed, minlength=points) / n
    failed = np.bincount(point, np.isin(outcome, FAILURES).astype(float), minlength=points) / n
    launched = launch >= 0
    months = np.where(outcome == "collapsed", end, horizon) - launch
    n_launched = np.bincount(point[launched], minlength=points).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_months = np.bincount(point[launched], months[launched], minlength=points) / n_launched
        sq = np.bincount(point[launched], months[launched] ** 2, minlength=points) / n_launched
        months_se = np.sqrt(np.maximum(sq - mean_months**2, 0.0) * n_launched / (n_launched - 1) / n_launched)
        sum_x = np.bincount(point, realised, minlength=points)
        sum_y = np.bincount(point, plan, minlength=points)
        ratio = sum_x / sum_y
        residual = realised - ratio[point] * plan
        ratio_se = np.sqrt(np.bincount(point, residual**2, minlength=points) / (n - 1) / n) / (sum_y / n)
    return {
        "collapse": p,
        "collapse_se": np.sqrt(p * (1 - p) / n),
        "failure": failed,
        "failure_se": np.sqrt(failed * (1 - failed) / n),
        "months_to_collapse": mean_months,
        "months_to_collapse_se": months_se,
        "realised_over_plan": ratio,
        "realised_over_plan_se": ratio_se,
    }


def _half_width(conf: float, mu_star: float) -> float:
    """A bootstrap half-width of ``mu*`` as SALib gives it, 0 where it is below a billionth of ``mu*``.

    Where a factor's absolute elementary effects are all equal, the resampled means differ only by rounding and SALib's
    half-width reads 4e-16 or 5e-17 rather than 0, which the printout showed as such.

    Parameters
    ----------
    conf : float
        The half-width SALib computed.
    mu_star : float
        The factor's ``mu*`` for that output.

    Returns
    -------
    float
        ``conf``, or 0.0 where it is rounding.
    """
    return 0.0 if conf <= 1e-9 * abs(mu_star) else conf


def run_points(
    points: Sequence[ModelConfig],
    replications: int,
    seed: int,
    *,
    first_rep: int = 0,
    block_size: int = 10_000,
    workers: int = 1,
    on_batch: Callable[[int], None] | None = None,
    trusted: bool = False,
) -> dict[str, np.ndarray]:
    """Run every design point on replications ``first_rep .. first_rep + R - 1`` (common random numbers), many points per batch.

    Returns :func:`outputs_of` over all points, in order. ``on_batch`` is called with the
    number of points done after each batch; ``trusted``: the points were checked when made
    (:func:`sim.config.assumptions.points` makes them so).
    """
    per_batch = max(1, block_size // replications)
    horizon = int(points[0].partnership.horizon_months)
    parts: list[dict[str, np.ndarray]] = []
    for start in range(0, len(points), per_batch):
        chunk = list(points[start : start + per_batch])
        reps = np.tile(np.arange(first_rep, first_rep + replications, dtype=np.int64), len(chunk))
        point_of_rep = np.repeat(np.arange(len(chunk), dtype=np.int64), replications)
        table = simulate(chunk, reps, seed, point_of_rep=point_of_rep, workers=workers, trusted=trusted)
        parts.append(outputs_of(table, len(chunk), horizon))
        if on_batch is not None:
            on_batch(start + len(chunk))
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


@dataclass
class Sensitivity:
    """A sensitivity analysis' results: the factors, the design points with their outputs, and the index tables.

    Attributes
    ----------
    factors
        Every free assumption screened, by path.
    top
        The factors given Sobol indices.
    points
        One row per design point run: ``stage`` (``morris``, ``sobol`` or ``noise``), each
        factor's value, each output and its standard error from the point's replications.
    morris, sobol, noise
        Tables (pandas DataFrames): Morris ``mu``, ``mu_star`` (with its interval), ``sigma``
        per factor and output, with the noise floor ``mu_star_noise`` and ``above_noise``
        (:func:`above_noise`); Sobol ``S1``, ``ST`` with intervals per top factor and output,
        with ``noise_share`` and ``above_noise`` (:func:`sobol_above_noise`); and per output the
        Monte Carlo noise at one design point.
    seconds
        Wall time of each stage.
    filled
        Per stage (``morris``, ``sobol``) and output, the design points whose output was missing
        and was given the mean of the others (:func:`filled`); also the ``filled_morris`` and
        ``filled_sobol`` columns of ``noise``. ``points`` keeps them missing (NaN).
    """

    factors: list[str]
    top: list[str]
    points: Any
    morris: Any
    sobol: Any
    noise: Any
    seconds: dict[str, float] = field(default_factory=dict)
    filled: dict[str, dict[str, int]] = field(default_factory=dict)


def _problem(names: Sequence[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def _configs(cfg: ModelConfig, items: Sequence[catalogue.Assumption], u: np.ndarray, free: Sequence[str]) -> list[ModelConfig]:
    """Design points on the unit cube as configurations.

    A factor in a group of weights that share out a whole (:data:`sim.config.assumptions.SHARES`)
    is set with the free members of its group not in the design rescaled alongside it (they
    enter at their stated values), so that it varies even when it is the only member of its
    group in the design; members set by the scenario or the user keep their values.
    """
    values = catalogue.quantile(items, u)
    for group in catalogue.SHARES:
        if any(path in values for path in group):
            for path in group:
                if path in free:
                    values.setdefault(path, np.full(len(u), float(catalogue.value(cfg, path))))
    return catalogue.points(cfg, values)


def _noise(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> dict[str, float]:
    """Each output's Monte Carlo variance at one design point from the same points run on independent random numbers."""
    out = {}
    for name in OUTPUTS:
        d = first[name] - second[name]
        d = d[np.isfinite(d)]
        out[name] = float(np.mean(d * d) / 2) if d.size else np.nan
    return out


def _share_of(variance: float, values: np.ndarray) -> float:
    """``variance`` as a share of the variance of ``values`` (NaN where they do not vary, rather than 0/0)."""
    total = float(np.nanvar(values, ddof=1)) if np.count_nonzero(np.isfinite(values)) > 1 else 0.0
    return float(variance / total) if total > 0 else float("nan")


def bootstrap_rng(seed: int) -> np.random.Generator:
    """The generator of the Sobol indices' bootstrap: made from ``seed`` alone, so the intervals are the same run after run.

    SALib's ``sobol.analyze`` seeds its bootstrap only ``if seed:``, so a seed of 0 would leave it
    unseeded (different intervals each run). A generator is always taken, as it is: the draws are
    those of ``numpy.random.default_rng(seed)``, the same as SALib's own for any other seed.
    """
    return np.random.default_rng(seed)


#: What the printout, docs/sensitivity.md and the Morris figure's key write beside an index not distinguishable from Monte Carlo noise.
WITHIN_NOISE = "within noise"


def above_noise(morris: Any) -> Any:
    """Whether each row's Morris ``mu*`` is above its output's noise floor by more than its interval (a boolean Series).

    A factor whose ``mu* - mu_star_conf`` does not clear ``mu_star_noise`` is not distinguishable
    from a factor with no effect, however high it ranks.
    """
    return morris["mu_star"] - morris["mu_star_conf"] > morris["mu_star_noise"]


def sobol_above_noise(sobol: Any) -> Any:
    """Whether each row's total Sobol index ``ST`` is above its output's noise share by more than its interval (a boolean Series).

    An index whose ``ST - ST_conf`` does not clear ``noise_share`` (or is undefined) is not
    distinguishable from noise.
    """
    return sobol["ST"] - sobol["ST_conf"] > sobol["noise_share"]


def analyse(
    cfg: ModelConfig,
    *,
    fixed: Sequence[str] = (),
    seed: int = 0,
    replications: int = 200,
    trajectories: int = 10,
    top: int = 8,
    sobol_n: int = 64,
    noise_points: int = 20,
    block_size: int = 10_000,
    workers: int = 1,
    confidence: float = 0.95,
    progress: Callable[[str, int, int], None] | None = None,
) -> Sensitivity:
    """Morris screening of every free assumption of ``cfg``, then Sobol indices of the ``top`` most influential.

    Parameters
    ----------
    cfg
        The configuration (scenario and policy) whose assumptions are analysed.
    fixed
        Parameter paths the user set (not analysed).
    seed
        Seed of the designs, of the simulations and of the indices' bootstrap intervals (0 included:
        see :func:`bootstrap_rng`).
    replications
        Replications per design point (common random numbers across points).
    trajectories
        Morris trajectories (``trajectories x (factors + 1)`` points).
    top
        Factors given Sobol indices: the largest ``mu*`` (scaled by the largest of each output) over the outputs.
    sobol_n
        Saltelli base sample (a power of two; ``sobol_n x (top + 2)`` points).
    noise_points
        Design points run again on independent random numbers to measure the noise.
    block_size, workers
        Replications per ensemble batch, and threads.
    confidence
        Level of the indices' bootstrap intervals.
    progress
        Called with the stage, points done and points in the stage.
    """
    import pandas as pd

    morris_sample, morris_analyze, sobol_sample, sobol_analyze = _salib()
    items = list(catalogue.acting(cfg, catalogue.free(cfg, fixed)))
    if len(items) < 2:
        raise ValueError(f"only {len(items)} free assumption(s) to analyse: nothing to screen")
    names = [a.path for a in items]
    ensure_compiled()  # before any stage's clock: a first run's compiling is not the Morris stage's time
    seconds: dict[str, float] = {}

    def run(stage: str, points: list[ModelConfig], first_rep: int = 0) -> dict[str, np.ndarray]:
        started = time.perf_counter()
        done = run_points(
            points,
            replications,
            seed,
            first_rep=first_rep,
            block_size=block_size,
            workers=workers,
            on_batch=None if progress is None else (lambda k: progress(stage, k, len(points))),
            trusted=True,
        )
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started
        return done

    started = time.perf_counter()
    problem = _problem(names)
    x_morris = morris_sample.sample(problem, trajectories, num_levels=LEVELS, seed=seed)
    configs = _configs(cfg, items, x_morris, names)
    seconds["morris points"] = time.perf_counter() - started
    y_morris = run("morris", configs)
    delta = LEVELS / (2.0 * (LEVELS - 1))
    rows = []
    counts: dict[str, dict[str, int]] = {"morris": {}, "sobol": {}}
    for name in OUTPUTS:
        y, counts["morris"][name] = filled("Morris", name, y_morris[name], replications)
        result = morris_analyze.analyze(problem, x_morris, y, num_resamples=1000, conf_level=confidence, num_levels=LEVELS, seed=seed)
        for i, factor in enumerate(names):
            rows.append(
                {
                    "factor": factor,
                    "output": name,
                    "mu": float(result["mu"][i]),
                    "mu_star": float(result["mu_star"][i]),
                    "mu_star_conf": _half_width(float(result["mu_star_conf"][i]), float(result["mu_star"][i])),
                    "sigma": float(result["sigma"][i]),
                }
            )
    morris = pd.DataFrame(rows)
    scaled = morris.assign(scaled=morris["mu_star"] / morris.groupby("output")["mu_star"].transform("max"))
    influence = scaled.groupby("factor")["scaled"].max().sort_values(ascending=False)
    chosen = list(influence.index[: min(top, len(names))])
    chosen_items = [items[names.index(f)] for f in chosen]

    started = time.perf_counter()
    sub = _problem(chosen)
    x_sobol = sobol_sample.sample(sub, sobol_n, calc_second_order=False, seed=seed)
    sobol_configs = _configs(cfg, chosen_items, x_sobol, names)
    seconds["sobol points"] = time.perf_counter() - started
    y_sobol = run("sobol", sobol_configs)

    picks = np.unique(np.linspace(0, len(sobol_configs) - 1, min(noise_points, len(sobol_configs))).astype(int))
    y_again = run("noise", [sobol_configs[i] for i in picks], first_rep=replications)
    noise_var = _noise({k: v[picks] for k, v in y_sobol.items()}, y_again)

    rows = []
    for name in OUTPUTS:
        y, counts["sobol"][name] = filled("Sobol", name, y_sobol[name], replications)
        share = _share_of(noise_var[name], y)
        if np.ptp(y) > 0:
            result = sobol_analyze.analyze(sub, y, calc_second_order=False, num_resamples=1000, conf_level=confidence, seed=bootstrap_rng(seed))
        else:  # the output did not move over the design (e.g. no collapse in any point): its indices are undefined, not 0/0
            result = {key: np.full(len(chosen), np.nan) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        for i, factor in enumerate(chosen):
            rows.append(
                {
                    "factor": factor,
                    "output": name,
                    "S1": float(result["S1"][i]),
                    "S1_conf": float(result["S1_conf"][i]),
                    "ST": float(result["ST"][i]),
                    "ST_conf": float(result["ST_conf"][i]),
                    "noise_share": share,
                }
            )
    sobol = pd.DataFrame(rows)

    noise_rows = []
    for name in OUTPUTS:
        sd = float(np.sqrt(noise_var[name]))
        floor = 2 * sd / np.sqrt(np.pi) / delta
        morris.loc[morris["output"] == name, "mu_star_noise"] = floor
        noise_rows.append(
            {
                "output": name,
                "meaning": OUTPUTS[name],
                "noise_sd": sd,
                "mean_se_within_points": float(np.nanmean(y_sobol[f"{name}_se"])),
                "noise_share_of_sobol_variance": _share_of(noise_var[name], y_sobol[name]),
                "noise_share_of_morris_variance": _share_of(noise_var[name], y_morris[name]),
                "mu_star_noise": floor,
                "points_rerun": len(picks),
                "filled_morris": counts["morris"][name],
                "filled_sobol": counts["sobol"][name],
            }
        )
    noise = pd.DataFrame(noise_rows)
    morris["rank"] = morris.groupby("output")["mu_star"].rank(ascending=False, method="first").astype(int)
    morris["above_noise"] = above_noise(morris)
    sobol["above_noise"] = sobol_above_noise(sobol)

    def table(stage: str, x: np.ndarray, values: dict[str, np.ndarray], drawn: list[catalogue.Assumption]) -> Any:
        frame = pd.DataFrame(catalogue.quantile(drawn, x))
        frame.insert(0, "stage", stage)
        return frame.assign(**values)

    points = pd.concat(
        [
            table("morris", x_morris, y_morris, items),
            table("sobol", x_sobol, y_sobol, chosen_items),
            table("noise", x_sobol[picks], y_again, chosen_items),
        ],
        ignore_index=True,
    )
    return Sensitivity(names, chosen, points, morris, sobol, noise, seconds, counts)


def factor_key(factors: Sequence[str]) -> list[tuple[str, str]]:
    """Each factor beside what its declaration says of it: its meaning, unit, the range it was varied over and its value's source.

    Parameters
    ----------
    factors
        Assumption paths (``decisions.memory``).

    Returns
    -------
    list of (str, str)
        ``(factor, "<meaning>; <unit>, varied uniform on [lo, hi]; value: assumption")`` for each, in order;
        the printout and docs/sensitivity.md each set the factor before its words their own way.
    """
    declared = catalogue.by_path()
    return [
        (factor, f"{input_title(factor)}; {declared[factor].spec.unit}, varied {describe(declared[factor].prior)}; value: {declared[factor].spec.value}")
        for factor in factors
    ]


def ranked(table: Any, output: str) -> Any:
    """One output's rows of a Morris or a Sobol table, most influential first.

    The printout, docs/sensitivity.md, the Morris figure and notebook 04 all rank from here,
    whether they hold the analysis (:attr:`Sensitivity.morris`, :attr:`Sensitivity.sobol`) or
    the tables read back from the files ``sim-analyse sensitivity`` writes.

    Parameters
    ----------
    table
        A Morris table (with ``mu_star``) or a Sobol table (with ``ST``), one row per factor and output.
    output
        An output's name (a key of :data:`OUTPUTS`).

    Returns
    -------
    DataFrame
        The output's rows, a Morris table's by ``mu_star`` descending, a Sobol table's by ``ST``
        descending, with every column of the table (``above_noise`` as :func:`analyse` wrote it:
        :func:`above_noise`, :func:`sobol_above_noise`).
    """
    index = "mu_star" if "mu_star" in table.columns else "ST"
    return table[table["output"] == output].sort_values(index, ascending=False)


def _marked(clear: bool) -> str:
    """What a printed row of indices ends with: nothing above the noise, else :data:`WITHIN_NOISE`."""
    return "" if clear else f"   {WITHIN_NOISE}"


def render(result: Sensitivity, shown: int = 8) -> str:
    """The analysis as plain text: per output the most influential factors by Morris ``mu*`` beside the noise floor, then the Sobol indices.

    A factor whose index is not above the noise by more than its interval (:func:`above_noise`,
    :func:`sobol_above_noise`) is marked :data:`WITHIN_NOISE`, and each output says how many of
    its factors are above the noise floor; each output says the unit of its ``mu*``, ``sigma`` and noise (:data:`OUTPUT_UNITS`).
    A key after them says each factor named as declared (:func:`factor_key`).
    """
    lines = []
    named: dict[str, None] = {}
    noise = result.noise.set_index("output")
    for name, meaning in OUTPUTS.items():
        n = noise.loc[name]
        lines.append(
            f"{meaning} (mu*, sigma and noise in {OUTPUT_UNITS[name]}): Monte Carlo noise at one design point sd {n['noise_sd']:.3g}"
            f" ({n['noise_share_of_morris_variance']:.1%} of the variance over the Morris design,"
            f" {n['noise_share_of_sobol_variance']:.1%} over the Sobol design)"
        )
        gaps = [(stage, result.filled.get(stage, {}).get(name, 0)) for stage in ("morris", "sobol")]
        if any(count for _, count in gaps):
            stages = result.points["stage"].value_counts()
            said = " and ".join(f"{count} of {stages.get(stage, 0)} {stage.title()}" for stage, count in gaps if count)
            lines.append(f"  {said} design points had no value (no partnership launched there): each was given the mean of the others")
        every, s = ranked(result.morris, name), ranked(result.sobol, name)
        m, clear = every.head(shown), int(every["above_noise"].sum())
        lines.append(
            f"  Morris: {clear} of {len(every)} factors have mu* above the noise floor ({n['mu_star_noise']:.3g}, what noise alone reads)"
            f" by more than their interval; one marked {WITHIN_NOISE} is not distinguishable from no effect"
        )
        lines.append(f"  {'factor':<52}{'mu*':>10}{'± 95%':>10}{'sigma':>10}")
        lines += [f"  {r.factor:<52}{r.mu_star:>10.3g}{r.mu_star_conf:>10.3g}{r.sigma:>10.3g}{_marked(r.above_noise)}" for r in m.itertuples()]
        named.update(dict.fromkeys([*m["factor"], *s["factor"]]))
        lines.append(f"  Sobol: a factor whose ST interval reaches the noise share ({s['noise_share'].iloc[0]:.1%} of the variance) is marked {WITHIN_NOISE}")
        lines.append(f"  {'factor':<52}{'S1':>8}{'± 95%':>8}{'ST':>8}{'± 95%':>8}")
        lines += [f"  {r.factor:<52}{r.S1:>8.2f}{r.S1_conf:>8.2f}{r.ST:>8.2f}{r.ST_conf:>8.2f}{_marked(r.above_noise)}" for r in s.itertuples()]
    lines.append("The factors named above, as declared (docs/parameters.md):")
    lines += [f"  {factor}: {words}" for factor, words in factor_key(list(named))]
    return "\n".join(lines)


def factor_words(factor: str, width: int | None = None) -> str:
    """A factor as a reader knows it: the assumption's declared meaning, then its name as the tables give it, wrapped to ``width`` (one line without)."""
    words = f"{input_title(factor)} ({factor.split('.', 1)[1] if '.' in factor else factor})"
    return words if width is None else wrap(words, width)


def _styled(build: Callable[..., Figure]) -> Callable[..., Figure]:
    """:func:`sim.analysis.plots.styled`, the plotting library imported when a figure is drawn (an analysis without figures loads none)."""

    @wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        from sim.analysis.plots import styled

        return styled(build)(*args, **kwargs)

    return wrapper


@_styled
def morris_figure(morris: Any, noise: Any, labelled: int = 6) -> Figure:
    """Morris screening, one panel per output: each factor's mean effect ``mu*`` against its spread ``sigma``, the noise floor dashed.

    The ``labelled`` most influential factors are numbered by their points, and a key under the
    panel says each number's assumption in words (its declared meaning, then its name as in the
    tables). A factor whose ``mu*`` is not above the noise floor by more than its interval (the
    table's ``above_noise`` column, :func:`above_noise`, which the printout reads too) keeps
    its number, drawn in grey and not bold, and its key entry begins :data:`WITHIN_NOISE`, as the
    printout marks it: a reader does not take it for an effect. The axes say what ``mu*`` and
    ``sigma`` measure, in the output's unit; the figure is as tall as the longest key's lines
    (:data:`KEY_LINE` each, :data:`KEY_WIDTH` characters wide).

    Parameters
    ----------
    morris
        The Morris table as :func:`analyse` writes it (with ``above_noise``), one row per factor and output.
    noise
        The noise table (``mu_star_noise``, the floor drawn dashed, per output).
    labelled
        How many of each output's most influential factors are numbered.
    """
    import matplotlib.pyplot as plt

    from sim.analysis.plots import OKABE_ITO

    floor = noise.set_index("output")["mu_star_noise"]
    tops, keys = {}, {}
    for name in OUTPUTS:
        tops[name] = list(ranked(morris, name).head(labelled).itertuples())
        words = [factor_words(r.factor) if r.above_noise else f"{WITHIN_NOISE}: {factor_words(r.factor)}" for r in tops[name]]
        keys[name] = "\n".join(wrap(said, KEY_WIDTH).replace("\n", "\n    ").join((f"{rank:<2} ", "")) for rank, said in enumerate(words, 1))
    lines = max(key.count("\n") + 1 for key in keys.values())
    fig, axes = plt.subplots(1, len(OUTPUTS), figsize=(5.5 * len(OUTPUTS), 5.2 + KEY_LINE * lines), layout="constrained")
    placed = []
    for ax, (name, meaning) in zip(axes, OUTPUTS.items(), strict=True):
        m = morris[morris["output"] == name]
        ax.scatter(m["mu_star"], m["sigma"], s=18, color=OKABE_ITO[0], alpha=0.7)
        labels = [
            ax.annotate(str(rank), (r.mu_star, r.sigma), xytext=(3, 3), textcoords="offset points", **NUMBERS[bool(r.above_noise)])
            for rank, r in enumerate(tops[name], 1)
        ]
        ax.axvline(floor[name], color=OKABE_ITO[3], linestyle="--", label="noise floor")
        unit = OUTPUT_UNITS[name]
        ax.set_xlabel(f"mean effect of the assumption, mu*\n(change over its plausible range, {unit})")
        ax.set_ylabel(f"spread of that effect, sigma\n(interactions or curvature, {unit})")
        ax.set_title(wrap(meaning, 42))
        ax.annotate(keys[name], (0, 0), xycoords=ax.xaxis.label, xytext=(0, -8), textcoords="offset points", va="top", ha="left", gid="key")
        placed.append((labels, ax.legend(loc="best")))
    fig.canvas.draw()  # the constrained layout sets each panel's size, which the labels' extents depend on
    for labels, legend in placed:
        _apart(labels, legend)
    return fig


def _apart(labels: Sequence[Any], legend: Any) -> None:
    """Move point labels (annotations offset in points) up or down, each the least it takes, so that none overlaps another, the legend or the panel's title.

    Labels are placed in the order given (the most influential first); one that finds no free
    place within a few lines of its point keeps its first one.
    """
    figure = legend.figure
    renderer = figure.canvas.get_renderer()
    taken = [legend.get_window_extent(renderer), legend.axes.title.get_window_extent(renderer)]
    for label in labels:
        x, y = label.xyann
        line = label.get_window_extent(renderer).height * 72 / figure.dpi
        for shift in (0, -1, 1, -2, 2, -3, 3):
            label.xyann = (x, y + shift * line)
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in taken):
                break
        else:
            label.xyann = (x, y)
            box = label.get_window_extent(renderer)
        taken.append(box)


@_styled
def sobol_figure(sobol: Any) -> Figure:
    """Sobol indices, one panel per output: first-order and total index of each top factor, and the output's noise share.

    The factors are named by their meaning (then their name as in the tables); the whiskers are
    bootstrap 95% intervals, as the legend says.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from sim.analysis.plots import OKABE_ITO

    factors = list(dict.fromkeys(sobol["factor"]))
    words = [factor_words(f, 34) for f in factors]
    lines = sum(w.count("\n") + 1 for w in words)
    fig, axes = plt.subplots(1, len(OUTPUTS), figsize=(4.5 * len(OUTPUTS) + 3, max(5.8, 2.5 + KEY_LINE * 1.15 * lines)), layout="constrained", sharey=True)
    whisker = Line2D([], [], color="black", marker="|", markersize=10, label="whiskers: 95% interval")
    for ax, (name, meaning) in zip(axes, OUTPUTS.items(), strict=True):
        s = sobol[sobol["output"] == name].set_index("factor").reindex(factors)
        y = np.arange(len(s))
        ax.barh(y - 0.2, s["S1"], 0.4, xerr=s["S1_conf"], color=OKABE_ITO[0], label="first order S1 (alone)")
        ax.barh(y + 0.2, s["ST"], 0.4, xerr=s["ST_conf"], color=OKABE_ITO[1], hatch="//", label="total ST (with interactions)")
        share = float(s["noise_share"].iloc[0]) if len(s) else np.nan
        if np.isfinite(share):
            ax.axvline(share, color=OKABE_ITO[3], linestyle="--", label=f"noise share {share:.1%}")
        ax.set_yticks(y, words)
        ax.set_xlabel("share of the output's variance")
        ax.set_title(wrap(meaning, 38))
        ax.legend(handles=[*ax.get_legend_handles_labels()[0], whisker], loc="best")
    axes[0].invert_yaxis()
    return fig

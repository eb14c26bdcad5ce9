"""Parameter uncertainty in a run: the parameter values each replication uses.

Three modes (the setting ``uncertainty``; its default is decided once, in
:data:`sim.config.settings.DEFAULT_UNCERTAINTY`):

- ``none``: every replication uses the configuration as given, assumptions at their stated
  values; a run's intervals are Monte Carlo noise only.
- ``prior``: the run is D parameter draws of M replications each (``replications`` = D x M,
  M = ``replications_per_draw``); replication ``r`` uses draw ``r // M``, whose assumptions are
  drawn from their plausible ranges (:mod:`sim.config.assumptions`).
- ``posterior``: as ``prior``, but the calibrated assumptions come from a row of a posterior
  sample (a table with one column per parameter path, plus an optional ``weight``); the
  assumptions it has no column for still come from their plausible ranges.

Draw ``d`` is a pure function of ``(seed, d)``, so replication ``r`` has the same parameters
alone, in any batch, block or worker, and in the Mesa model. Only *free* assumptions are drawn
(:func:`sim.config.assumptions.free`): a value the scenario or policy sets, and a value the
user fixed (an override, a swept value: ``fixed``), wins over a drawn one; the parameters of
levers and mechanisms the configuration switches off are left alone (they cannot change a run).
"""

from __future__ import annotations

import hashlib
import io
import math
import shlex
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.config import assumptions as catalogue
from sim.config.checks import ConfigError, check_number
from sim.config.model import ModelConfig
from sim.config.overrides import did_you_mean
from sim.config.posterior import WEIGHT, effective_size, provenance_path, shipped_path
from sim.config.settings import DEFAULT_REPLICATIONS_PER_DRAW, DEFAULT_UNCERTAINTY, UNCERTAINTY_MODES
from sim.core import rng
from sim.core.version import __version__

#: The columns of ``draws.parquet`` that say which draw a row is (its index, and the posterior sample's row it took),
#: beside the drawn assumptions' values (:meth:`Uncertainty.columns`).
DRAW_KEYS = ("draw", "posterior_row")

#: The effective sample size (:func:`sim.config.posterior.effective_size`) below which a run drawing from a posterior
#: sample says its total intervals are understated (:func:`small_posterior_note`). A total interval's parameter part
#: runs from the 2.5% to the 97.5% quantile of the figure across the draws; a sample worth ``n`` equally weighted
#: points puts ``0.025 n`` points' worth of weight beyond each end, so below ``1 / 0.025 = 40`` not even one point lies
#: beyond either: the ends sit on the few most extreme points the sample holds, however many draws resample them, and
#: the spread the assumptions' doubt gives is understated. The shipped posterior is worth about 1,100 points.
SMALL_POSTERIOR = 40
#: How many characters of a posterior sample's SHA-256 digest a sweep's note names it by (the table and ``summary.json`` hold it whole).
DIGEST_SHOWN = 12


@dataclass(frozen=True)
class Posterior:
    """A posterior sample of assumed parameters: one row per sample, one column per parameter path, with weights.

    Attributes
    ----------
    source
        The file it was read from.
    values
        ``{path: (N,) array}``, each value inside its parameter's range.
    weights
        ``(N,)`` weights summing to 1.
    sha256
        The SHA-256 digest of the file's bytes: what the run drew from, recorded and keyed (the
        path alone would let a sample written anew at the same path pass for the old one).
    """

    source: str
    values: Mapping[str, np.ndarray]
    weights: np.ndarray
    sha256: str

    def __repr__(self) -> str:
        """Where it came from and its size, not every sampled value (``model.uncertainty`` printed thousands of numbers)."""
        return f"Posterior(source={self.source!r}, {len(self.values)} parameters x {len(self.weights)} samples)"

    def effective_size(self) -> float:
        """How many equally weighted points the sample is worth: Kish's effective sample size of its weights (:func:`sim.config.posterior.effective_size`)."""
        return effective_size(self.weights)

    def rows(self, seed: int, draws: np.ndarray) -> np.ndarray:
        """The row each draw takes (with probability its weight): a pure function of ``(seed, draw)``."""
        u = rng.uniform(seed, np.asarray(draws, np.int64), rng.SETUP_MONTH, 1, "posterior.row")[:, 0]
        return np.minimum(np.searchsorted(np.cumsum(self.weights), u, side="right"), len(self.weights) - 1)


def read_posterior(path: str | Path) -> Posterior:
    """Read and check a posterior sample (``.parquet`` or ``.csv``).

    ``~`` is the home folder and a relative path is taken from the working folder; the sample's
    ``source`` is the absolute path, so a run's ``summary.json`` names the file wherever it is read.

    Raises
    ------
    ConfigError
        One line per problem: a missing or unreadable file, a column that is not an assumed
        parameter's path, a value outside its parameter's range, bad weights.
    """
    import pandas as pd

    where = f"posterior = {str(path)!r}"  # as given: an empty posterior= is '', not the '.' Path('') makes of it
    given, path = str(path), Path(path).expanduser().absolute()  # ~ and a relative path read as targets= and out= are; the run records where the file is
    if not path.is_file():
        what = f"a Parquet or CSV table, one column per parameter path plus optional {WEIGHT}"
        if given and path.is_dir():  # a sim-calibrate folder, given for the sample it holds
            raise ConfigError([f"{where} is a folder, not a file ({what}; sim-calibrate writes it as posterior.parquet in its folder)"])
        raise ConfigError([f"{where} is not a file ({what})"])
    if path == provenance_path(sample := path.with_suffix(".parquet")) and sample.is_file():
        raise ConfigError([f"{where} is the provenance of the posterior sample beside it, not the sample: give {shlex.quote(f'posterior={sample}')}"])
    try:
        data = path.read_bytes()  # read once: the digest recorded is that of the sample drawn from, even if the file is rewritten meanwhile
        table = pd.read_csv(io.BytesIO(data)) if path.suffix.lower() == ".csv" else pd.read_parquet(io.BytesIO(data))
    except Exception as err:  # any reader error is bad input, reported in one line
        raise ConfigError([f"{where} cannot be read as {'CSV' if path.suffix.lower() == '.csv' else 'Parquet'}: {str(err).splitlines()[0]}"]) from None
    known = catalogue.by_path()
    unknown = [name for name in table.columns if name != WEIGHT and name not in known]
    hints = {name: did_you_mean(str(name), list(known)) or " (e.g. decisions.memory)" for name in unknown}
    problems = [f"{where}: column {name!r} is not the path of an assumed parameter{hints[name]}" for name in unknown]
    if len(table) == 0:
        problems.append(f"{where} has no rows")
    values = {}
    for name in table.columns:
        if name == WEIGHT or name not in known:
            continue
        column = pd.to_numeric(table[name], errors="coerce").to_numpy(float)
        found = next(((i, p) for i, x in enumerate(column) for p in check_number(name, float(x), known[name].spec)), None)
        if found is not None:
            problems.append(f"{where}, row {found[0]}: {found[1]}")
        values[name] = column
    weights = np.ones(len(table))
    if WEIGHT in table.columns:
        weights = pd.to_numeric(table[WEIGHT], errors="coerce").to_numpy(float)
        if not np.all(np.isfinite(weights)) or (weights < 0).any() or weights.sum() <= 0:
            problems.append(f"{where}: {WEIGHT} must be finite, non-negative and not all zero")
    if not values and len(table):
        problems.append(f"{where} has no parameter columns")
    if problems:
        raise ConfigError(problems)
    return Posterior(str(path), values, weights / weights.sum(), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Uncertainty:
    """How a run draws its assumptions: the mode, replications per draw, the paths fixed by the user and the posterior.

    Build it with :func:`uncertainty`, which checks it.
    """

    mode: str
    replications_per_draw: int = DEFAULT_REPLICATIONS_PER_DRAW
    fixed: frozenset[str] = field(default_factory=frozenset)
    posterior: Posterior | None = None

    def held(self) -> list[str]:
        """The assumptions held at the user's values (set on the command line or swept, in ``fixed``): never drawn, sorted."""
        known = catalogue.by_path()
        return sorted(path for path in self.fixed if path in known)

    def draw_of(self, reps: np.ndarray) -> np.ndarray:
        """The parameter draw of each replication: ``r // M``."""
        return np.asarray(reps, np.int64) // self.replications_per_draw

    def draws_for(self, replications: int, first_rep: int = 0) -> int:
        """How many parameter draws replications ``first_rep`` .. ``first_rep + replications - 1`` run (at least one)."""
        first, last = self.draw_of(np.array([first_rep, first_rep + max(int(replications), 1) - 1]))
        return int(last - first) + 1

    def free(self, cfg: ModelConfig) -> tuple[catalogue.Assumption, ...]:
        """The assumptions drawn for ``cfg``: those it leaves at their default and the user did not fix, of levers and mechanisms it uses."""
        return catalogue.acting(cfg, catalogue.free(cfg, self.fixed))

    def values(self, cfg: ModelConfig, seed: int, draws: np.ndarray) -> dict[str, np.ndarray]:
        """The drawn value of each free assumption at draws ``draws``: ``{path: (D,) array}``.

        Prior draws come from :func:`sim.config.assumptions.draw`; with a posterior, the
        columns it has replace them by the values of the row each draw takes.
        """
        draws = np.asarray(draws, np.int64)
        items = self.free(cfg)
        out = catalogue.draw(items, seed, draws)
        if self.mode == "posterior" and self.posterior is not None:
            rows = self.posterior.rows(seed, draws)
            for a in items:
                if a.path in self.posterior.values:
                    column = self.posterior.values[a.path][rows]
                    out[a.path] = np.round(column) if a.spec.integer else column
        return out

    def points(self, cfg: ModelConfig, seed: int, draws: np.ndarray) -> list[ModelConfig]:
        """One checked configuration per draw (shared weights kept summing to 1)."""
        values = self.values(cfg, seed, draws)
        if not values:
            return [cfg] * len(np.asarray(draws))
        return catalogue.points(cfg, values)

    def point(self, cfg: ModelConfig, seed: int, replication: int) -> ModelConfig:
        """The configuration replication ``replication`` runs."""
        return self.points(cfg, seed, self.draw_of(np.array([replication])))[0]

    def batch(self, cfg: ModelConfig, seed: int, reps: np.ndarray) -> tuple[list[ModelConfig], np.ndarray, np.ndarray]:
        """The configurations of the draws replications ``reps`` use, which one each replication uses, and each replication's draw.

        Returns
        -------
        points, point_of_rep, draw
            For :func:`sim.population.build`: one configuration per distinct draw, the index
            into ``points`` of each replication, and each replication's global draw index.
        """
        draw = self.draw_of(reps)
        distinct, point_of_rep = np.unique(draw, return_inverse=True)
        return self.points(cfg, seed, distinct), point_of_rep.astype(np.int64), draw

    def columns(self, cfg: ModelConfig, seed: int, draws: np.ndarray) -> dict[str, np.ndarray]:
        """A table of the draws, column by column: ``draw``, the posterior row taken (posterior mode) and each drawn parameter's value as run."""
        draws = np.asarray(draws, np.int64)
        draw, row = DRAW_KEYS
        out = {draw: draws}
        if self.posterior is not None:
            out[row] = self.posterior.rows(seed, draws).astype(np.int64)
        return out | catalogue.shared_out(cfg, self.values(cfg, seed, draws))

    def posterior_sha256(self) -> str | None:
        """The SHA-256 digest of the posterior sample's file (None without one): part of a run's key and provenance."""
        return None if self.posterior is None else self.posterior.sha256

    def describe(self, cfg: ModelConfig) -> dict[str, Any]:
        """Plain data for ``summary.json``: the mode, M, the paths drawn and fixed, and the posterior's file, its digest, rows and effective sample size."""
        return {
            "mode": self.mode,
            "replications_per_draw": self.replications_per_draw,
            "drawn": [a.path for a in self.free(cfg)],
            "fixed": sorted(self.fixed),
            "posterior": None if self.posterior is None else self.posterior.source,
            "posterior_sha256": self.posterior_sha256(),
            "posterior_columns": [] if self.posterior is None else sorted(self.posterior.values),
            "posterior_rows": None if self.posterior is None else len(self.posterior.weights),
            "posterior_effective_size": None if self.posterior is None else self.posterior.effective_size(),
        }


def setting_problems(mode: str | None, replications_per_draw: Any) -> list[str]:
    """One line per bad setting of the mode or of M (cheap: no posterior is read)."""
    mode = DEFAULT_UNCERTAINTY if mode is None else mode
    problems = []
    if mode not in UNCERTAINTY_MODES:
        problems.append(f"uncertainty = {mode!r} is not one of {', '.join(UNCERTAINTY_MODES)}")
    if isinstance(replications_per_draw, bool) or not isinstance(replications_per_draw, int | np.integer) or replications_per_draw < 2:
        problems.append(f"replications_per_draw = {replications_per_draw!r} must be a whole number >= 2")
    return problems


def draws_problem(replications: int, replications_per_draw: int, mode: str | None = None) -> str | None:
    """The problem with a fixed count of ``replications`` that holds fewer than two parameter draws of M (None if it holds two).

    Parameter draws need two at least: the spread across draws is what the total interval
    adds to the noise within each. The default mode gives way on this problem; a mode the
    user named is refused with it.
    """
    if replications >= 2 * replications_per_draw:
        return None
    mode = DEFAULT_UNCERTAINTY if mode is None else mode
    return (
        f"replications = {replications} gives fewer than two parameter draws of replications_per_draw = {replications_per_draw}:"
        f" uncertainty={mode} needs replications >= {2 * replications_per_draw}"
    )


def uncertainty(
    mode: str | None = None,
    replications_per_draw: int = DEFAULT_REPLICATIONS_PER_DRAW,
    fixed: Collection[str] = (),
    posterior: str | Path | None = None,
) -> Uncertainty | None:
    """A checked :class:`Uncertainty`, or ``None`` for mode ``none``.

    Parameters
    ----------
    mode
        ``none``, ``prior`` or ``posterior`` (None: :data:`~sim.config.settings.DEFAULT_UNCERTAINTY`).
    replications_per_draw
        M, replications per parameter draw (>= 2: the noise within a draw is estimated from them).
    fixed
        Paths the user set explicitly (overrides, swept values): never drawn.
    posterior
        The posterior sample for ``posterior`` mode (default: :func:`sim.config.posterior.shipped_path`, the one shipped for this model version).

    Raises
    ------
    ConfigError
        One line per problem, e.g. ``posterior`` mode with no posterior sample.
    """
    mode = DEFAULT_UNCERTAINTY if mode is None else mode
    problems = setting_problems(mode, replications_per_draw)
    if problems:
        raise ConfigError(problems)
    if mode == "none":
        return None
    sample = None
    if mode == "posterior":
        if posterior is None and not (shipped := shipped_path()).is_file():
            raise ConfigError(
                [
                    f"uncertainty = 'posterior' needs a posterior sample and none ships for model version {__version__} "
                    f"(looked for {shipped.absolute()} in the installed package): give posterior=PATH or use uncertainty=prior"
                ]
            )
        sample = read_posterior(shipped_path() if posterior is None else posterior)
    return Uncertainty(mode, int(replications_per_draw), frozenset(fixed), sample)


def design_uncertainty_problem(design: Any) -> str:
    """The line refusing a design run with parameter uncertainty."""
    return f"design = {design!r} runs with uncertainty=none only: each design point is one parameter point"


def uncertainty_problems(settings: Any, fixed: Sequence[str], chosen: bool = True) -> tuple[Any, list[str], str | None]:
    """The run's :class:`~sim.config.uncertainty.Uncertainty` from its settings (None for ``none``), the problems with it, and a note.

    With a fixed count, parameter draws need at least two draws of ``replications_per_draw``;
    a design (each point is one parameter point), counterfactual attribution, and sim-compare's
    precision (a Monte Carlo target) run with ``uncertainty=none`` only. A mode the user chose
    (``chosen``) is refused with one line per such problem; the default mode
    (:data:`~sim.config.settings.DEFAULT_UNCERTAINTY`) gives way instead: ``settings.uncertainty``
    becomes ``none`` and the note (one line, for stderr) says why. A run that draws from a
    posterior sample worth few points has the note of :func:`small_posterior_note` instead.
    """
    first = setting_problems(settings.uncertainty, settings.replications_per_draw)
    if getattr(settings, "posterior", None) is not None and settings.uncertainty in ("none", "prior"):
        first.append(f"posterior = {settings.posterior!r} is read only with uncertainty=posterior (this run has uncertainty={settings.uncertainty})")
    if first or settings.uncertainty == "none":
        return None, first, None
    m, problems = settings.replications_per_draw, []
    if getattr(settings, "design", None) is not None:
        problems.append(design_uncertainty_problem(settings.design))
    elif getattr(settings, "precision", None) is None and (few := draws_problem(settings.replications, m, settings.uncertainty)):
        problems.append(few)
    if getattr(settings, "precision", None) is not None and hasattr(settings, "policies"):
        problems.append(f"precision = {settings.precision} targets Monte Carlo half-widths: with uncertainty={settings.uncertainty} give replications instead")
    if getattr(settings, "attribution", "none") != "none":
        problems.append(f"attribution = {settings.attribution!r} runs with uncertainty=none only (it reruns failures at one parameter point)")
    giving_way = bool(problems) and not chosen
    drawn = None
    if not giving_way or settings.posterior is not None:  # the shipped posterior is read only if used; one the user named is always checked
        try:
            drawn = uncertainty(settings.uncertainty, settings.replications_per_draw, fixed, settings.posterior)
        except ConfigError as err:
            return None, [*([] if giving_way else problems), *err.problems], None
    if giving_way:
        note = giving_way_note(settings.uncertainty, problems[0])
        settings.uncertainty = "none"
        return None, [], note
    draws = None if drawn is None or getattr(settings, "precision", None) is not None else drawn.draws_for(settings.replications)
    return drawn, problems, None if problems else small_posterior_note(drawn, draws)


def small_posterior(size: float) -> bool:
    """Whether a posterior sample worth ``size`` equally weighted points is worth fewer than :data:`SMALL_POSTERIOR`."""
    return round(size, 9) < SMALL_POSTERIOR  # rounded: 40 rows weighted alike are worth 40, not 39.99...


def small_posterior_note(drawn: Uncertainty | None, draws: int | None) -> str | None:
    """The ``note:`` line of a run drawing from a posterior sample worth fewer than :data:`SMALL_POSTERIOR` points (None otherwise).

    Parameters
    ----------
    drawn
        How the run draws its assumptions (None: it draws none).
    draws
        The parameter draws the run asks for (None: as many as its ``precision`` needs).
    """
    sample = None if drawn is None or drawn.mode != "posterior" else drawn.posterior
    if sample is None:
        return None
    words = small_posterior_words(sample.source, sample.effective_size(), len(sample.weights), draws)
    return None if words is None else f"note: {words}"


def small_posterior_words(
    source: str,
    size: float,
    rows: int,
    draws: int | tuple[int, int] | None,
    who: str | None = None,
    several: bool = False,
    sha256: str | None = None,
    also: Sequence[str] = (),
) -> str | None:
    """What a run's total intervals lack when its posterior sample is worth fewer than :data:`SMALL_POSTERIOR` points (None otherwise).

    The words of :func:`small_posterior_note`, also shown by ``sim-report`` from what ``summary.json`` records,
    and, naming ``who`` drew from the sample, by a sweep (:func:`sim.results.sweep.small_posterior_notes`).

    Parameters
    ----------
    source
        The sample's file.
    size
        Its effective sample size (:meth:`Posterior.effective_size`).
    rows
        Its rows.
    draws
        The parameter draws the run asks for (None: as many as its ``precision`` needs); with ``who``, the fewest
        and the most its runs drew (None: not recorded).
    who
        The runs that drew from it, as a sweep names them (``points 0 and 2``, ``every point``): the words open
        "points 0 and 2 drew from posterior = ..., worth about ...". None: the run itself ("posterior = ... is worth about ...").
    several
        Whether ``who`` names more than one run ("their" draws and intervals, not "its").
    sha256
        With ``who``: the sample's SHA-256 digest, named by its first :data:`DIGEST_SHOWN` characters after its file
        ("posterior = 'cal/posterior.parquet' (SHA-256 3f2a9c01b7e4)"): a file written anew at one path is another sample.
    also
        With ``who``: the other files the same sample (same digest) was read from, named after it (a copy, a moved file).
    """
    reason = small_posterior_reason(size, rows)
    if reason is None:
        return None
    whose = "their" if several else "its"
    fewest, most = draws if isinstance(draws, tuple) else (draws, draws)
    if fewest is None:
        asked = f"{whose} parameter draws{' (as many as precision= needs)' if who is None else ''} repeat"
    else:
        counted = str(fewest) if fewest == most else f"{fewest} to {most}"
        asked = f"{whose} {counted} parameter draw{'s repeat' if most != 1 else ' repeats'}"
    known = [*([f"SHA-256 {sha256[:DIGEST_SHOWN]}"] if sha256 else []), *([f"the same sample as {' and '.join(map(repr, also))}"] if also else [])]
    named = f"{source!r} ({'; '.join(known)})" if known else repr(source)
    opening, totals = (f"posterior = {source!r} is {reason}", "this run's") if who is None else (f"{who} drew from posterior = {named}, {reason}", whose)
    return (
        f"{opening}: {asked} those few points, so {totals} total"
        " intervals understate the spread across the assumptions and the precision of their ends is overstated;"
        " a posterior from sim-calibrate with more points (and waves) is worth more"
    )


def understated_words(several: bool = False, drawing: str = "") -> str:
    """What a run drawing from a posterior worth few points notes, and what makes the posterior worth more.

    The close of ``sim-calibrate``'s note on the posterior it made (:func:`sim.analysis.calibration.understated_totals`)
    and of a calibration sweep's on those its points made (:func:`sim.results.sweep.small_calibrations_note`).

    Parameters
    ----------
    several
        Whether the words speak of several posteriors ("a run drawing from one", "make them worth more").
    drawing
        How a run draws from it, said in brackets after "a run drawing from it" ('' for none).
    """
    drawn = "one" if several else "it" + (f" ({drawing})" if drawing else "")
    return f"a run drawing from {drawn} notes that its total intervals are understated; more points (and waves) make {'them' if several else 'it'} worth more"


def worth_words(size: float) -> str:
    """A posterior's effective sample ``size`` as the notes give it: whole, or to one decimal rounded down where the whole
    number would read as :data:`SMALL_POSTERIOR` though it is fewer (39.6 is "39.6", not "40"; 25.94 is "26")."""
    worth = f"{size:.0f}"
    if int(worth) >= SMALL_POSTERIOR > size:
        worth = f"{math.floor(size * 10) / 10:.1f}"
    return worth


def small_posterior_reason(size: float, rows: int) -> str | None:
    """Why a posterior sample worth ``size`` points, of ``rows`` rows, understates total intervals (None unless worth fewer than :data:`SMALL_POSTERIOR`).

    The words ``sim-calibrate`` prints of the posterior it made and a run drawing from it prints
    (:func:`small_posterior_words`). The size is given whole, or to one decimal rounded down where
    the whole number would read as :data:`SMALL_POSTERIOR` though it is fewer (39.6 is "39.6", not "40").

    Parameters
    ----------
    size
        The sample's effective sample size (:meth:`Posterior.effective_size`).
    rows
        Its rows.
    """
    if not small_posterior(size):
        return None
    worth = worth_words(size)
    return (
        f"worth about {worth} equally weighted point{'s' if worth != '1' else ''}"
        f" (effective sample size {worth} of its {rows} row{'s' if rows != 1 else ''};"
        f" a 95% total interval needs {SMALL_POSTERIOR} for one beyond each end)"
    )


def giving_way_note(default: str, reason: str) -> str:
    """The ``note:`` line of a run whose default uncertainty mode gives way to ``none``, saying why."""
    return f"note: this run uses the assumptions' stated values (uncertainty=none), not the default uncertainty={default}: {reason}"

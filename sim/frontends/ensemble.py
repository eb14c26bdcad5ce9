"""The ensemble front-end: many replications at once over the shared compiled month."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim import population
from sim.config.checks import ConfigError, arguments_checked
from sim.config.model import ModelConfig, checked, config_problems
from sim.config.settings import DEFAULT_REPLICATIONS_PER_DRAW, MAX_SEED, MAX_WORKERS, SharedSettings, available_cores
from sim.config.uncertainty import Uncertainty, small_posterior_note
from sim.config.uncertainty import uncertainty as make_uncertainty
from sim.core import kernel
from sim.core.declare import spec_of
from sim.core.layout import layout
from sim.core.state import State
from sim.frontends.compiling import ensure_compiled
from sim.frontends.table import Table, replication_table


def blocks(replications: int, block_size: int, first: int = 0) -> Iterator[np.ndarray]:
    """Global replication indices in blocks of at most ``block_size``."""
    for start in range(first, first + replications, block_size):
        yield np.arange(start, min(start + block_size, first + replications), dtype=np.int64)


def simulate(
    points: ModelConfig | Sequence[ModelConfig],
    reps: np.ndarray,
    seed: int,
    point_of_rep: np.ndarray | None = None,
    log: list[kernel.Event] | None = None,
    observe: Callable[[State, np.ndarray], None] | None = None,
    workers: int = 1,
    finished: Callable[[State], None] | None = None,
    uncertainty: Uncertainty | None = None,
    trusted: bool = False,
) -> Table:
    """Replication table of replications ``reps``.

    If given, events are appended to ``log``, every month is shown to ``observe`` and the final state to ``finished``.

    ``points`` and ``point_of_rep`` run several parameter points as one batch (see
    :func:`sim.population.build`); the table then has a ``point`` column. With
    ``uncertainty`` (one configuration), replication ``r`` runs parameter draw ``r // M`` of
    it, every draw of the block in one batch; the table then has a ``draw`` column.
    ``trusted``: the points were checked when made (see :func:`sim.population.build`).
    """
    plan = layout()
    ensure_compiled(plan)
    draw = None
    if uncertainty is not None:
        if point_of_rep is not None or not isinstance(points, ModelConfig):
            raise ValueError("parameter draws are made from one configuration: give one ModelConfig and no point_of_rep")
        points, point_of_rep, draw = uncertainty.batch(checked(points), seed, reps)
        trusted = True
    P = population.build(points, seed, reps, point_of_rep, plan, trusted)
    state = kernel.run(P, reps, seed, log, observe, workers, plan)
    if finished is not None:
        finished(state)
    table = replication_table(state, P, plan)
    if point_of_rep is not None:
        key, column = ("point", np.asarray(point_of_rep, np.int64)) if draw is None else ("draw", draw)
        table.columns = {"rep": table.columns["rep"], key: column, **{k: v for k, v in table.columns.items() if k != "rep"}}
    return table


#: The most replications one call runs (as ``sim-run``'s setting); larger studies run in parts with ``first_rep``.
MAX_REPLICATIONS = spec_of(SharedSettings, "replications").hi
LAST_REP = 2**63 - 1


def check_run(replications: Any, seed: Any, block_size: Any, first_rep: Any = 0, workers: Any = None) -> None:
    """Refuse a bad count, seed, block size, first replication or worker count, naming the argument, its value and what is allowed."""
    for name, value, low in (("replications", replications, 1), ("block_size", block_size, 1), ("first_rep", first_rep, 0), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} = {value!r} must be a whole number")
        if value < low or (name == "seed" and value > MAX_SEED):
            raise ValueError(f"{name} = {value} is outside [{low}, {'2**63' if name == 'seed' else 'inf'})")
    if replications > MAX_REPLICATIONS:
        raise ValueError(f"replications = {replications} is more than one call runs (at most {MAX_REPLICATIONS}): run it in parts with first_rep")
    if int(first_rep) + int(replications) - 1 > LAST_REP:
        raise ValueError(f"first_rep = {first_rep} is outside [0, {LAST_REP - int(replications) + 1}] (the last replication index is 2**63 - 1)")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1):
        raise ValueError(f"workers = {workers!r} must be a whole number >= 1 (or None: every core)")
    if workers is not None and workers > MAX_WORKERS:
        raise ValueError(f"workers = {workers} is outside [1, {MAX_WORKERS}]")


@arguments_checked("sim.run_ensemble")
def run_ensemble(
    config: ModelConfig,
    replications: int,
    seed: int,
    block_size: int = 10_000,
    first_rep: int = 0,
    workers: int | None = None,
    *,
    uncertainty: str | None = None,
    replications_per_draw: int = DEFAULT_REPLICATIONS_PER_DRAW,
    fixed: Collection[str] = (),
    posterior: str | Path | None = None,
) -> Any:
    """Run ``replications`` replications of one configuration and return their table as a pandas DataFrame.

    Replication ``r`` depends only on ``(seed, r)``: the table is the same whatever the
    block size or the number of workers, and row ``r`` equals a run of replication ``r`` alone.

    Parameters
    ----------
    config
        A model configuration (checked again before it runs).
    replications
        Number of replications (>= 1).
    seed
        Seed of the counter-based random numbers (0 <= seed < 2**63).
    block_size
        Replications simulated at once; bounds memory.
    first_rep
        Global index of the first replication (to extend an earlier run).
    workers
        Threads sharing each block (default: every core this process may use).
    uncertainty
        ``none``, ``prior`` or ``posterior`` (see :mod:`sim.config.uncertainty`; default
        :data:`sim.config.settings.DEFAULT_UNCERTAINTY`). With ``prior`` or ``posterior``,
        replication ``r`` runs parameter draw ``r // replications_per_draw`` and the table
        has a ``draw`` column.
    replications_per_draw
        M, replications per parameter draw.
    fixed
        Parameter paths set on purpose (never drawn), e.g. ``["decisions.memory"]``.
    posterior
        A posterior sample for ``posterior`` mode (default: the one shipped for this model version).
        A sample worth few equally weighted points gets a warning that the total intervals drawn
        from it understate the spread (:func:`sim.config.uncertainty.small_posterior_note`).

    Returns
    -------
    pandas.DataFrame
        One row per replication; see :func:`sim.frontends.table.replication_table`. Its
        ``attrs["uncertainty"]`` says which uncertainty mode ran (the mode, M and the paths
        drawn), so that :func:`sim.summarise` labels the intervals it computes from the table.
    """
    if problems := config_problems(config):
        raise ConfigError(problems)
    check_run(replications, seed, block_size, first_rep, workers)
    drawn = make_uncertainty(uncertainty, replications_per_draw, fixed, posterior)
    if drawn is not None and (note := small_posterior_note(drawn, drawn.draws_for(replications, first_rep))):
        warnings.warn(note, stacklevel=3)
    threads = available_cores() if workers is None else int(workers)
    parts = [simulate(config, reps, int(seed), workers=threads, uncertainty=drawn) for reps in blocks(int(replications), int(block_size), int(first_rep))]
    frame = Table.concat(parts).to_pandas()
    frame.attrs["uncertainty"] = {"mode": "none"} if drawn is None else drawn.describe(config)
    return frame

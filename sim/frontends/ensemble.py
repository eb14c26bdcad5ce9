"""The ensemble front-end: many replications at once over the shared compiled month."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from sim import population
from sim.config.model import ModelConfig
from sim.config.settings import MAX_WORKERS, available_cores
from sim.core import kernel
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
) -> Table:
    """Replication table of replications ``reps`` (appending their events to ``log``, showing every month to ``observe`` and the final state to ``finished``, if given).

    ``points`` and ``point_of_rep`` run several parameter points as one batch (see
    :func:`sim.population.build`); the table then has a ``point`` column.
    """
    plan = layout()
    ensure_compiled(plan)
    P = population.build(points, seed, reps, point_of_rep, plan)
    state = kernel.run(P, reps, seed, log, observe, workers, plan)
    if finished is not None:
        finished(state)
    table = replication_table(state, P, plan)
    if point_of_rep is not None:
        table.columns = {"rep": table.columns["rep"], "point": np.asarray(point_of_rep, np.int64), **{k: v for k, v in table.columns.items() if k != "rep"}}
    return table


#: The most replications one call runs (as ``sim-run``'s setting); larger studies run in parts with ``first_rep``.
MAX_REPLICATIONS = 100_000_000
LAST_REP = 2**63 - 1


def check_run(replications: Any, seed: Any, block_size: Any, first_rep: Any = 0, workers: Any = None) -> None:
    """Refuse a bad count, seed, block size, first replication or worker count, naming the argument, its value and what is allowed."""
    for name, value, low in (("replications", replications, 1), ("block_size", block_size, 1), ("first_rep", first_rep, 0), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} = {value!r} must be a whole number")
        if value < low or (name == "seed" and value >= 2**63):
            raise ValueError(f"{name} = {value} is outside [{low}, {'2**63' if name == 'seed' else 'inf'})")
    if replications > MAX_REPLICATIONS:
        raise ValueError(f"replications = {replications} is more than one call runs (at most {MAX_REPLICATIONS}): run it in parts with first_rep")
    if int(first_rep) + int(replications) - 1 > LAST_REP:
        raise ValueError(f"first_rep = {first_rep} is outside [0, {LAST_REP - int(replications) + 1}] (the last replication index is 2**63 - 1)")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1):
        raise ValueError(f"workers = {workers!r} must be a whole number >= 1 (or None: every core)")
    if workers is not None and workers > MAX_WORKERS:
        raise ValueError(f"workers = {workers} is outside [1, {MAX_WORKERS}]")


def run_ensemble(config: ModelConfig, replications: int, seed: int, block_size: int = 10_000, first_rep: int = 0, workers: int | None = None) -> Any:
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

    Returns
    -------
    pandas.DataFrame
        One row per replication; see :func:`sim.frontends.table.replication_table`.
    """
    check_run(replications, seed, block_size, first_rep, workers)
    threads = available_cores() if workers is None else int(workers)
    parts = [simulate(config, reps, int(seed), workers=threads) for reps in blocks(int(replications), int(block_size), int(first_rep))]
    return Table.concat(parts).to_pandas()

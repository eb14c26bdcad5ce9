"""The ensemble front-end: many replications at once over the shared kernel."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from sim import kernel, population
from sim.config import ModelConfig
from sim.outcomes import replication_table


def blocks(replications: int, block_size: int, first: int = 0) -> Iterator[np.ndarray]:
    """Global replication indices in blocks of at most ``block_size``."""
    for start in range(first, first + replications, block_size):
        yield np.arange(start, min(start + block_size, first + replications), dtype=np.int64)


def run_block(points: ModelConfig | Sequence[ModelConfig], reps: np.ndarray, seed: int, point_of_rep: np.ndarray | None = None) -> pd.DataFrame:
    """Run one block of replications and return its table (with a ``point`` column)."""
    P = population.build(points, seed, reps, point_of_rep)
    table = replication_table(kernel.run(P, reps, seed), P)
    table.insert(1, "point", np.zeros(len(reps), np.int64) if point_of_rep is None else point_of_rep)
    return table


def run_ensemble(config: ModelConfig, replications: int, seed: int, block_size: int = 10_000, first_rep: int = 0) -> pd.DataFrame:
    """Run ``replications`` replications of one configuration.

    Replication ``r`` depends only on ``(seed, r)``: the table is the same whatever the
    block size, and row ``r`` equals a run of replication ``r`` alone.

    Parameters
    ----------
    config
        A checked model configuration.
    replications
        Number of replications (>= 1).
    seed
        Seed of the counter-based random numbers (>= 0).
    block_size
        Replications simulated at once; bounds memory.
    first_rep
        Global index of the first replication (to extend an earlier run).

    Returns
    -------
    pandas.DataFrame
        One row per replication; see :func:`sim.outcomes.replication_table`.
    """
    if replications < 1:
        raise ValueError(f"replications = {replications} is outside [1, inf)")
    if seed < 0:
        raise ValueError(f"seed = {seed} is outside [0, 2**63)")
    if block_size < 1:
        raise ValueError(f"block_size = {block_size} is outside [1, inf)")
    parts = [run_block(config, reps, seed) for reps in blocks(replications, block_size, first_rep)]
    return pd.concat(parts, ignore_index=True)

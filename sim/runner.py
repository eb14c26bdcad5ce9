"""A study: one configuration run in blocks of replications, by count or until a precision is reached.

Blocks run one after another over replications ``0, 1, 2, ...``; each block's replication
table, events and trajectory histograms go straight to their sinks (Parquet row groups,
histograms) and only the columns the summary needs stay in memory. Replication ``r``
depends only on ``(seed, r)``, so the rows are the same whatever the block sizes.

With a precision target, a pilot block of :data:`PILOT` replications is followed by blocks
sized from the current estimate (multiples of :data:`STEP`, at most ``block_size``) until
the Wilson interval of the collapse probability has half-width at most the target. The
stopping point depends only on the seed, the target and ``block_size``; stopping on an
estimate leaves the interval's coverage close to nominal once the pilot is this large.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import stats

from sim import kernel, population
from sim.config import ModelConfig
from sim.outcomes import replication_table
from sim.results import ParquetStream
from sim.stats import Estimate, wilson
from sim.summary import MONEY
from sim.trajectories import TrajectoryRecorder

PILOT = 1_000
STEP = 100
SUMMARY_COLUMNS = ("rep", "outcome", "end_month", "cause", "case", *MONEY)
EVENT_SCHEMA = pa.schema(
    [
        ("rep", pa.int64()),
        ("month", pa.int64()),
        ("council", pa.int64()),
        ("council_name", pa.string()),
        ("cause", pa.string()),
        ("case", pa.string()),
        ("what", pa.string()),
        ("size", pa.float64()),
        ("partner", pa.int64()),
        ("partner_name", pa.string()),
    ]
)


@dataclass
class Sinks:
    """Where each block goes besides the summary columns (each optional)."""

    replications: ParquetStream | None = None
    events: ParquetStream | None = None
    trajectories: TrajectoryRecorder | None = None


@dataclass
class Study:
    """What a study keeps: the summary columns of every replication and how it got there."""

    table: pd.DataFrame
    block_sizes: list[int]
    collapse: Estimate


def simulate(
    config: ModelConfig, reps: np.ndarray, seed: int, log: list[kernel.Event] | None = None, recorder: TrajectoryRecorder | None = None
) -> pd.DataFrame:
    """Replication table of replications ``reps`` (appending to the event ``log`` and ``recorder`` if given)."""
    P = population.build(config, seed, reps)
    s = kernel.run(P, reps, seed, log, None if recorder is None else recorder.record)
    return replication_table(s, P)


def simulate_mesa(
    config: ModelConfig, reps: np.ndarray, seed: int, log: list[kernel.Event] | None = None, recorder: TrajectoryRecorder | None = None
) -> pd.DataFrame:
    """As :func:`simulate`, with the Mesa front-end, one :class:`sim.model.PartnershipModel` per replication.

    The rows equal :func:`simulate`'s. The event log is the model's narrated log: it adds
    milestones, exits and the ending, with council -1 for the partnership as a whole.
    """
    from sim.model import PartnershipModel  # imports Mesa, so only when this engine is used

    rows = []
    for r in reps:
        model = PartnershipModel(config=config, seed=seed, replication=int(r))
        if recorder is not None:
            recorder.record(model.state, model.state.running)
        while model.running:
            running = model.state.running
            model.step()
            if recorder is not None:
                recorder.record(model.state, running)
        rows.append(model.replication_table())
        if log is not None:
            index = {name: k for k, name in enumerate(model.names)}
            log.extend(kernel.Event(int(r), e.month, index.get(e.council, -1), e.cause, e.case, e.what, e.size, index.get(e.partner, -1)) for e in model.events)
    return pd.concat(rows, ignore_index=True)


ENGINES = {"ensemble": simulate, "mesa": simulate_mesa}


def events_frame(log: list[kernel.Event], names: list[str]) -> pd.DataFrame:
    """The event log as a table with :data:`EVENT_SCHEMA`'s columns, council names included."""
    frame = pd.DataFrame([vars(e) for e in log], columns=["rep", "month", "council", "cause", "case", "what", "size", "partner"])
    frame.insert(3, "council_name", [names[k] if k >= 0 else "" for k in frame["council"]])
    frame["partner_name"] = [names[k] if k >= 0 else "" for k in frame["partner"]]
    return frame


def next_block(done: int, collapsed: int, precision: float, block_size: int, confidence: float = 0.95) -> int:
    """Size of the next block of a precision-targeted study.

    The pilot block first, then the replications the normal approximation says are still
    missing (with the estimate shrunk towards 1/2 so that an early zero count does not stop
    the growth), rounded up to a multiple of :data:`STEP`, between :data:`STEP` and ``block_size``.
    """
    if done == 0:
        return min(block_size, PILOT)
    p = (collapsed + 2) / (done + 4)
    z = stats.norm.ppf(0.5 + confidence / 2)
    missing = z * z * p * (1 - p) / precision**2 - done
    return int(min(block_size, max(STEP, STEP * math.ceil(missing / STEP))))


def run_study(
    config: ModelConfig,
    seed: int,
    *,
    replications: int | None = None,
    precision: float | None = None,
    block_size: int = 10_000,
    sinks: Sinks | None = None,
    confidence: float = 0.95,
    on_block: Callable[[int, int], None] | None = None,
    engine: str = "ensemble",
) -> Study:
    """Run replications ``0 ..`` of ``config`` in blocks, by count or until a precision is reached.

    Parameters
    ----------
    config
        A checked model configuration.
    seed
        Seed of the counter-based random numbers.
    replications
        Fixed number of replications (exactly one of ``replications`` and ``precision``).
    precision
        Target half-width of the interval of the collapse probability.
    block_size
        Largest number of replications simulated at once; bounds memory.
    sinks
        Streams for the full replication table, the events and the trajectories.
    confidence
        Level of the interval the precision refers to.
    on_block
        Called after each block with the replications done and the expected total.
    engine
        ``ensemble`` or ``mesa`` (:data:`ENGINES`); both give the same rows.

    Returns
    -------
    Study
        :data:`SUMMARY_COLUMNS` of every replication, the block sizes, and the collapse
        probability with its Wilson interval.
    """
    if (replications is None) == (precision is None):
        raise ValueError("give exactly one of replications and precision")
    sinks = sinks or Sinks()
    names = [c.name for c in config.councils]
    parts: list[pd.DataFrame] = []
    sizes: list[int] = []
    done = collapsed = 0

    def still_to_go() -> int:
        if replications is not None:
            return min(block_size, replications - done)
        if done and half_width(wilson(collapsed, done, confidence)) <= precision:
            return 0
        return next_block(done, collapsed, precision, block_size, confidence)

    size = still_to_go()
    while size > 0:
        reps = np.arange(done, done + size, dtype=np.int64)
        log: list[kernel.Event] | None = [] if sinks.events is not None else None
        table = ENGINES[engine](config, reps, seed, log, sinks.trajectories)
        if sinks.replications is not None:
            sinks.replications.write(table)
        if log:
            sinks.events.write(events_frame(log, names))
        parts.append(table[list(SUMMARY_COLUMNS)])
        sizes.append(size)
        done += size
        collapsed += int((table["outcome"] == "collapsed").sum())
        size = still_to_go()
        if on_block is not None:
            on_block(done, replications if replications is not None else done + size)
    return Study(pd.concat(parts, ignore_index=True), sizes, wilson(collapsed, done, confidence))


def half_width(e: Estimate) -> float:
    """Half the width of an interval."""
    return (e.high - e.low) / 2

"""A configuration run in blocks of replications, each block going straight to its sinks.

Blocks run one after another over replications ``0, 1, 2, ...``: each block's replication
table goes to every table sink (a Parquet stream, a summary tally), its events to the event
sink and its months to the trajectory recorder, so memory depends on the block size, never on
the number of replications. How many replications come next is the ``plan``'s decision,
given how many ran and how many of them collapsed: a fixed count, or a precision target
(:func:`sim.analysis.stats.precision_plan`). Replication ``r`` depends only on ``(seed, r)``,
so the rows are the same whatever the block sizes, the workers or the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from sim.config.model import ModelConfig
from sim.config.uncertainty import Uncertainty
from sim.core import kernel
from sim.core.state import COLLAPSED, State
from sim.frontends.ensemble import simulate
from sim.frontends.table import Table
from sim.frontends.trajectories import TrajectoryRecorder

#: ``plan(done, collapsed) -> size of the next block`` (0: stop).
BlockPlan = Callable[[int, int], int]


class Sink(Protocol):
    """Anything that takes blocks of a table: a Parquet stream, a summary tally."""

    def write(self, table: Table) -> None:
        """Take one block."""


@dataclass
class Sinks:
    """Where each block goes: tables (replications), the events, the trajectories, the final states (each optional)."""

    tables: Sequence[Sink] = ()
    events: Sink | None = None
    trajectories: TrajectoryRecorder | None = None
    states: Sequence[Callable[[State], None]] = ()

    def log(self) -> list[kernel.Event] | None:
        """A fresh event log for one block where the events are kept (None where they are not: then none are recorded)."""
        return [] if self.events is not None else None

    def finished(self) -> Callable[[State], None] | None:
        """One callback handing a block's final state to each of :attr:`states` in turn (None if there are none)."""
        if not self.states:
            return None

        def call(state: State) -> None:
            for callback in self.states:
                callback(state)

        return call

    def write(self, table: Table, log: list[kernel.Event] | None, names: Sequence[str]) -> None:
        """One block's ``table`` to every table sink, and its events ``log`` (councils ``names``) to the event sink."""
        for sink in self.tables:
            sink.write(table)
        if log and self.events is not None:
            self.events.write(events_table(log, list(names)))


@dataclass
class Run:
    """How a run went: replications done, block sizes, collapses counted."""

    replications: int
    block_sizes: list[int] = field(default_factory=list)
    collapsed: int = 0


def fixed(replications: int, block_size: int) -> BlockPlan:
    """A plan of ``replications`` replications in blocks of at most ``block_size``."""
    return lambda done, collapsed: min(block_size, replications - done)


def simulate_mesa(
    config: ModelConfig, reps: np.ndarray, seed: int, log: list[kernel.Event] | None = None, observe: Any = None, uncertainty: Uncertainty | None = None
) -> Table:
    """As :func:`sim.frontends.ensemble.simulate`, with the Mesa front-end, one :class:`~sim.frontends.model.PartnershipModel` per replication.

    The rows equal the ensemble's (with ``uncertainty``, each replication runs its parameter
    draw, and the table has the ``draw`` column). The event log is the model's narrated log:
    the kernel's events and the partnership's milestones and ending, with council -1.
    """
    from sim.frontends.model import PartnershipModel  # imports Mesa, so only when this engine is used

    rows = []
    for r in reps:
        model = PartnershipModel(config=config, seed=seed, replication=int(r), uncertainty="none" if uncertainty is None else uncertainty)
        if observe is not None:
            observe(model.state, model.state.running)
        while model.running:
            running = model.state.running
            model.step()
            if observe is not None:
                observe(model.state, running)
        rows.append(model.table())
        if log is not None:
            index = {name: k for k, name in enumerate(model.names)}
            log.extend(
                kernel.Event(int(r), e.month, index.get(e.council, -1), e.cause, e.case, e.what, e.size, index.get(e.partner, -1), e.trigger)
                for e in model.events
            )
    return Table.concat(rows)


def events_table(log: list[kernel.Event], names: list[str]) -> Table:
    """The event log as a table: rep, month, council, council_name, cause, case, what, size, partner, partner_name, trigger.

    The rows go replication by replication, each replication's in the order they happened: a
    block's log comes month by month over all its replications, so this order is what keeps
    the file the same whatever the block size, the workers or the engine.
    """

    def name(k: int) -> str:
        return names[k] if k >= 0 else ""

    reps = np.array([e.rep for e in log], np.int64)
    order = np.argsort(reps, kind="stable")
    log = [log[i] for i in order]

    columns = {
        "rep": reps[order],
        "month": np.array([e.month for e in log], np.int64),
        "council": np.array([e.council for e in log], np.int64),
        "council_name": np.array([name(e.council) for e in log], object),
        "cause": np.array([e.cause for e in log], object),
        "case": np.array([e.case for e in log], object),
        "what": np.array([e.what for e in log], object),
        "size": np.array([e.size for e in log], float),
        "partner": np.array([e.partner for e in log], np.int64),
        "partner_name": np.array([name(e.partner) for e in log], object),
        "trigger": np.array([e.trigger for e in log], object),
    }
    return Table(columns)


def run_blocks(
    config: ModelConfig,
    seed: int,
    plan: BlockPlan,
    sinks: Sinks | None = None,
    *,
    workers: int = 1,
    engine: str = "ensemble",
    on_block: Callable[[int, int], None] | None = None,
    uncertainty: Uncertainty | None = None,
) -> Run:
    """Run replications ``0 ..`` of ``config`` in blocks sized by ``plan``, sending each block to ``sinks``.

    Parameters
    ----------
    config
        A model configuration (checked before it runs).
    seed
        Seed of the counter-based random numbers.
    plan
        ``plan(done, collapsed)`` gives the size of the next block (0 to stop), e.g.
        :func:`fixed` or :func:`sim.analysis.stats.precision_plan`.
    sinks
        Where the tables, events and trajectories go.
    workers
        Threads sharing each block (ensemble engine).
    engine
        ``ensemble`` or ``mesa``; both give the same rows.
    on_block
        Called after each block with the replications done and the next block's size.
    uncertainty
        Parameter draws (:mod:`sim.config.uncertainty`): replication ``r`` runs draw ``r // M``;
        the tables then have a ``draw`` column.
    """
    sinks = sinks or Sinks()
    names = [c.name for c in config.councils]
    run = Run(0)
    size = plan(0, 0)
    while size > 0:
        reps = np.arange(run.replications, run.replications + size, dtype=np.int64)
        log = sinks.log()
        observe: Callable[[State, np.ndarray], None] | None = None if sinks.trajectories is None else sinks.trajectories.record
        if engine == "mesa":
            table = simulate_mesa(config, reps, seed, log, observe, uncertainty)
        else:
            table = simulate(config, reps, seed, log=log, observe=observe, workers=workers, finished=sinks.finished(), uncertainty=uncertainty)
        sinks.write(table, log, names)
        run.block_sizes.append(size)
        run.replications += size
        run.collapsed += int((table.columns["outcome"] == COLLAPSED - 1).sum())
        size = plan(run.replications, run.collapsed)
        if on_block is not None:
            on_block(run.replications, size)
    return run

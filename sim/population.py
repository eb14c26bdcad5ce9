"""Parameters as record arrays, one record per replication: drawing each replication's partnership.

A scenario may describe a population of partnerships (attributes given as
distributions); each replication draws its own partnership from counter-based uniforms,
so replication r has the same councils alone or in any batch. Several parameter points can
share one batch: ``point_of_rep`` says which point each replication uses.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import fields

import numpy as np

from sim.config.distributions import is_dist, sample
from sim.config.model import ModelConfig, checked
from sim.core import levers as lever_table
from sim.core import rng
from sim.core.declare import Spec
from sim.core.layout import Layout, layout
from sim.core.params import CouncilParams, DecisionParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams
from sim.core.records import dtype_of

ParamArrays = namedtuple("ParamArrays", ["council", "partnership", "dynamics", "decisions", "exogenous", "lever", "mech"])
ParamArrays.__doc__ = """Every parameter as record arrays, one record per replication (see :func:`build`).

``council`` ``(R, K)``; ``partnership``, ``dynamics``, ``decisions``, ``exogenous`` ``(R,)``; ``lever``
``(R, L)``, one column per lever in the order of :data:`sim.core.levers.NAMES`; ``mech`` a
tuple of ``(R,)`` arrays, one per mechanism of the registry, in run order.
"""


def _code(value: object, spec: Spec) -> float:
    return float(spec.choices.index(value)) if spec.choices else float(value)


def _fill(records: np.ndarray, objs: Sequence[object], cls: type, point_of_rep: np.ndarray, seed: int, reps: np.ndarray, stream: str) -> None:
    """Fill ``(R,)`` records with a section given per point (drawing distribution nodes)."""
    for f in fields(cls):
        spec = f.metadata["spec"]
        if spec.unit == "text":
            continue
        values = [getattr(o, f.name) for o in objs]
        if spec.unit == "flag":
            records[f.name] = np.asarray(values, bool)[point_of_rep]
            continue
        if not any(is_dist(v) for v in values):
            records[f.name] = np.array([_code(v, spec) for v in values], float)[point_of_rep]
            continue
        column = np.empty(len(reps))
        u = rng.uniform(seed, reps, rng.SETUP_MONTH, 1, f"{stream}.{f.name}")[:, 0]
        for value, rows in _groups(values, point_of_rep):
            column[rows] = sample(value, u[rows], spec) if is_dist(value) else _code(value, spec)
        records[f.name] = column


def _groups(values: Sequence[object], point_of_rep: np.ndarray) -> list[tuple[object, np.ndarray]]:
    """Each distinct value among the points' ``values`` with the rows of the points that have it.

    Points sharing a value are drawn together: a draw depends only on its row's uniform, so
    the rows are the same as drawn point by point, and many points cost one draw.
    """
    keys = [repr(v) for v in values]
    index = {key: i for i, key in reversed(list(enumerate(keys)))}
    group_of_point = np.array([index[key] for key in keys], np.int64)
    group_of_rep = group_of_point[point_of_rep]
    return [(values[i], group_of_rep == i) for i in sorted(set(index.values()))]


def _section(objs: Sequence[object], cls: type, point_of_rep: np.ndarray, seed: int, reps: np.ndarray, stream: str) -> np.ndarray:
    records = np.zeros(len(reps), dtype_of(cls))
    _fill(records, objs, cls, point_of_rep, seed, reps, stream)
    return records


def _councils(points: Sequence[ModelConfig], point_of_rep: np.ndarray, seed: int, reps: np.ndarray) -> np.ndarray:
    """``(R, K)`` records of council attributes."""
    n_councils = points[0].n_councils
    records = np.zeros((len(reps), n_councils), dtype_of(CouncilParams))
    for f in fields(CouncilParams):
        spec = f.metadata["spec"]
        if spec.unit == "text":
            continue
        column = np.empty((len(reps), n_councils))
        drawn = any(is_dist(getattr(c, f.name)) for cfg in points for c in cfg.councils)
        u = rng.uniform(seed, reps, rng.SETUP_MONTH, n_councils, f"council.{f.name}") if drawn else None
        for k in range(n_councils):
            for value, rows in _groups([getattr(cfg.councils[k], f.name) for cfg in points], point_of_rep):
                column[rows, k] = sample(value, u[rows, k], spec) if is_dist(value) else _code(value, spec)
        records[f.name] = column
    return records


def _levers(points: Sequence[ModelConfig], point_of_rep: np.ndarray, seed: int, reps: np.ndarray) -> np.ndarray:
    """``(R, L)`` records of lever parameters, one column per lever in the order of :data:`sim.core.levers.NAMES`."""
    records = np.zeros((len(reps), len(lever_table.NAMES)), dtype_of(LeverParams))
    for column, name in enumerate(lever_table.NAMES):
        records[:, column] = _section([c.levers[name] for c in points], LeverParams, point_of_rep, seed, reps, f"lever.{name}")
    return records


def build(
    points: ModelConfig | Sequence[ModelConfig],
    seed: int,
    reps: np.ndarray,
    point_of_rep: np.ndarray | None = None,
    plan: Layout | None = None,
    trusted: bool = False,
) -> ParamArrays:
    """Parameter arrays for replications ``reps``.

    Parameters
    ----------
    points
        One configuration, or several with the same number of councils (each is checked).
    seed
        The run's seed.
    reps
        Global replication indices, ``(R,)``.
    point_of_rep
        Index into ``points`` for each replication (all 0 for a single configuration).
    plan
        The layout of the registry to build for (default: the current registry).
    trusted
        The points were checked when they were made (by :func:`sim.config.assumptions.with_values`,
        as parameter draws and design points are) and are not checked again.
    """
    points = [points] if isinstance(points, ModelConfig) else list(points)
    points = points if trusted else [checked(cfg) for cfg in points]
    plan = plan or layout()
    reps = np.asarray(reps, np.int64)
    point_of_rep = np.zeros(len(reps), np.int64) if point_of_rep is None else np.asarray(point_of_rep, np.int64)
    if len({cfg.n_councils for cfg in points}) != 1:
        raise ValueError("all parameter points of one batch need the same number of councils")
    args = (point_of_rep, seed, reps)
    mech = tuple(_section([c.mechanisms[m.name] for c in points], m.params, *args, f"mech.{m.name}") for m in plan.mechanisms)
    return ParamArrays(
        council=_councils(points, *args),
        partnership=_section([c.partnership for c in points], PartnershipParams, *args, "partnership"),
        dynamics=_section([c.dynamics for c in points], DynamicsParams, *args, "dynamics"),
        decisions=_section([c.decisions for c in points], DecisionParams, *args, "decisions"),
        exogenous=_section([c.exogenous for c in points], ExogenousParams, *args, "exogenous"),
        lever=_levers(points, *args),
        mech=mech,
    )

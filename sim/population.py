"""Parameters as arrays, one row per replication: drawing each replication's councils.

A scenario may describe a population of partnerships (council attributes given as
distributions); each replication draws its own partnership from counter-based uniforms,
so replication r has the same councils alone or in any batch. Several parameter points
can share one batch: ``point_of_rep`` says which point each replication uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from sim import levers as lever_table
from sim import rng
from sim.arrays import SECTIONS, LeverArrays, Mechanisms, ParamArrays
from sim.config import ModelConfig
from sim.distributions import is_dist, sample
from sim.mechanisms import MECHANISMS
from sim.params import CouncilParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams, Spec


def _code(value: object, spec: Spec) -> float:
    return float(spec.choices.index(value)) if spec.choices else float(value)


def _section(objs: Sequence[object], cls: type, point_of_rep: np.ndarray, seed: int, reps: np.ndarray, stream: str) -> Any:
    """``(R,)`` arrays for a section given per point (drawing distribution nodes)."""
    out = {}
    n = len(reps)
    for f in fields(cls):
        spec = f.metadata["spec"]
        if spec.unit == "text":
            continue
        values = [getattr(o, f.name) for o in objs]
        if spec.unit == "flag":
            out[f.name] = np.asarray(values, bool)[point_of_rep]
            continue
        column = np.empty(n)
        u = rng.uniform(seed, reps, rng.SETUP_MONTH, 1, f"{stream}.{f.name}")[:, 0] if any(is_dist(v) for v in values) else None
        for p, value in enumerate(values):
            rows = point_of_rep == p
            column[rows] = sample(value, u[rows], spec) if is_dist(value) else _code(value, spec)
        out[f.name] = column.astype(np.int64) if spec.integer or spec.choices else column
    return SECTIONS[cls](**out)


def _councils(points: Sequence[ModelConfig], point_of_rep: np.ndarray, seed: int, reps: np.ndarray) -> Any:
    """``(R, K)`` arrays of council attributes."""
    n_councils = points[0].n_councils
    out = {}
    for f in fields(CouncilParams):
        spec = f.metadata["spec"]
        if spec.unit == "text":
            continue
        column = np.empty((len(reps), n_councils))
        drawn = any(is_dist(getattr(c, f.name)) for cfg in points for c in cfg.councils)
        u = rng.uniform(seed, reps, rng.SETUP_MONTH, n_councils, f"council.{f.name}") if drawn else None
        for p, cfg in enumerate(points):
            rows = point_of_rep == p
            for k, council in enumerate(cfg.councils):
                value = getattr(council, f.name)
                column[rows, k] = sample(value, u[rows, k], spec) if is_dist(value) else _code(value, spec)
        out[f.name] = column.astype(np.int64) if spec.integer or spec.choices else column
    return SECTIONS[CouncilParams](**out)


def build(points: ModelConfig | Sequence[ModelConfig], seed: int, reps: np.ndarray, point_of_rep: np.ndarray | None = None) -> ParamArrays:
    """Parameter arrays for replications ``reps``.

    Parameters
    ----------
    points
        One configuration, or several with the same number of councils.
    seed
        The run's seed.
    reps
        Global replication indices, ``(R,)``.
    point_of_rep
        Index into ``points`` for each replication (all 0 for a single configuration).

    Returns
    -------
    ParamArrays
        ``council`` (``(R, K)`` arrays), ``partnership``, ``dynamics``, ``exogenous``
        (``(R,)`` arrays), ``mech.<name>`` (``(R,)`` arrays) and ``lever`` (``(R, L)``
        arrays, one column per lever in the order of :data:`sim.levers.NAMES`).
    """
    points = [points] if isinstance(points, ModelConfig) else list(points)
    reps = np.asarray(reps, np.int64)
    point_of_rep = np.zeros(len(reps), np.int64) if point_of_rep is None else np.asarray(point_of_rep, np.int64)
    if len({cfg.n_councils for cfg in points}) != 1:
        raise ValueError("all parameter points of one batch need the same number of councils")
    args = (point_of_rep, seed, reps)
    return ParamArrays(
        council=_councils(points, *args),
        partnership=_section([c.partnership for c in points], PartnershipParams, *args, "partnership"),
        dynamics=_section([c.dynamics for c in points], DynamicsParams, *args, "dynamics"),
        exogenous=_section([c.exogenous for c in points], ExogenousParams, *args, "exogenous"),
        mech=Mechanisms(*(_section([c.mechanisms[m.NAME] for c in points], m.Params, *args, f"mech.{m.NAME}") for m in MECHANISMS)),
        lever=_levers(points, *args),
    )


def _levers(points: Sequence[ModelConfig], point_of_rep: np.ndarray, seed: int, reps: np.ndarray) -> LeverArrays:
    """``(R, L)`` arrays of lever parameters, one column per lever in the order of :data:`sim.levers.NAMES`."""
    each = [_section([c.levers[name] for c in points], LeverParams, point_of_rep, seed, reps, f"lever.{name}") for name in lever_table.NAMES]
    return LeverArrays(*(np.stack(column, axis=1) for column in zip(*each, strict=True)))

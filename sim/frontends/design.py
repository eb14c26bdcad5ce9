"""Designs: many parameter points, one per row of a table, run as batches through the ensemble.

A design file (CSV or Parquet) has one column per override path (``councils.0.it_maturity``,
``partnership.governance``, ``levers.continuity_plan.enabled``...) and one row per point; it
may also have ``scenario``, ``policy`` and ``seed`` columns. It can be written by hand or by a
sampler (``scipy.stats.qmc``, SALib). Each point's configuration is the run's base
configuration with the row's values set (:func:`point_config`, about a millisecond, no Hydra
composition); points then share batches of :func:`sim.population.build` (:func:`batches`,
:func:`simulate_points`), each point running replications ``0 .. R-1`` with the same seed, so
its rows equal a run of that point alone (common random numbers across points).
"""

from __future__ import annotations

import copy
import hashlib
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.config.model import SECTIONS, ModelConfig, model_config
from sim.frontends.ensemble import blocks, simulate
from sim.frontends.table import Table

#: Design columns that are not parameter paths: the scenario and policy a point starts from, and its seed.
SETTINGS = ("scenario", "policy", "seed")


class DesignError(ValueError):
    """A design file that cannot be run (one line per problem in ``problems``)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Design:
    """A design file read once: its points and the fingerprint of the bytes they were read from.

    Attributes
    ----------
    frame
        The points, one row each (a pandas DataFrame).
    sha256
        SHA-256 of the file's bytes, in hex: a resumed design must repeat it.
    """

    frame: Any
    sha256: str


#: The endings of a design file read as Parquet, and of one read as CSV.
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv", ".txt")


def read_design(path: str | Path) -> Design:
    """The design file at ``path`` (``.csv`` or ``.parquet``), read once; raises :class:`DesignError`."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise DesignError([f"design = {str(path)!r}: no such file"])
    parquet = path.suffix.lower() in PARQUET_SUFFIXES
    if not parquet and path.suffix.lower() not in CSV_SUFFIXES:
        raise DesignError([f"design = {str(path)!r} must be a .csv or .parquet file"])
    try:
        data = path.read_bytes()
        df = pd.read_parquet(io.BytesIO(data)) if parquet else pd.read_csv(io.BytesIO(data), skipinitialspace=True)
    except Exception as err:
        raise DesignError([f"design = {str(path)!r} could not be read: {' '.join(str(err).split())}"]) from None
    problems = check_columns(list(df.columns) if parquet else csv_header(data))
    if len(df) == 0:
        problems.append(f"design = {str(path)!r} has no rows (one row per point)")
    if problems:
        raise DesignError(problems)
    return Design(df.reset_index(drop=True), hashlib.sha256(data).hexdigest())


def csv_header(data: bytes) -> list[str]:
    """A CSV design's column names as written: pandas renames a repeated name (a second ``councils.0.it_maturity`` reads as
    ``councils.0.it_maturity.1``), which would pass for a path; the names as given let :func:`check_columns` refuse the repeat."""
    import pandas as pd

    row = pd.read_csv(io.BytesIO(data), skipinitialspace=True, header=None, nrows=1, dtype=str, keep_default_na=False)
    return [str(name).strip() for name in row.iloc[0]]


def check_columns(columns: Sequence[Any]) -> list[str]:
    """Problems with a design's columns: each must be ``scenario``, ``policy``, ``seed`` or a parameter path.

    A path is checked as a command-line override is (:func:`sim.config.overrides.unknown_path`):
    a misspelt name gets the closest known one.
    """
    from sim.config.overrides import unknown_path
    from sim.config.schema import run_schema

    problems = []
    if not columns:
        problems.append("the design has no columns (one column per override path, e.g. councils.0.it_maturity)")
    for name in columns:
        text = str(name)
        if text in SETTINGS:
            continue
        if text.split(".")[0] not in SECTIONS or "." not in text:
            problems.append(
                f"design column {text!r} is not a parameter path (allowed: scenario, policy, seed, or a path under {', '.join(SECTIONS)},"
                " e.g. councils.0.it_maturity)"
            )
        elif unknown := unknown_path(text, run_schema()):
            problems.append(f"design column {unknown}")
    names = [str(c) for c in columns]
    for name in dict.fromkeys(n for n in names if names.count(n) > 1):
        problems.append(f"design column {name!r} is given {names.count(name)} times: one column per override path")
    return problems


def cell(value: Any) -> Any:
    """A design cell as plain data; ``None`` for an empty cell (the base value stays).

    Text is read as YAML, so ``true``, ``{dist: beta, a: 2, b: 5}`` and ``[1, 2]`` work as on the command line.
    """
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        import yaml

        text = value.strip()
        if not text:
            return None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            return text
    return value


def rows(df: Any) -> list[dict[str, Any]]:
    """Each row of a design as ``{column: value}``, empty cells left out."""
    names = [str(c) for c in df.columns]
    out = []
    for values in df.itertuples(index=False, name=None):
        out.append({n: v for n, v in zip(names, (cell(v) for v in values), strict=True) if v is not None})
    return out


def set_path(raw: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` of plain model sections (``councils.0.it_maturity``); raises ``ValueError`` naming the path."""
    parts = path.split(".")
    node: Any = raw
    for depth, part in enumerate(parts[:-1]):
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ValueError(f"{path}: {where} does not exist (there are {len(node)} {parts[depth - 1] if depth else 'items'}, numbered from 0)")
            node = node[int(part)]
        elif isinstance(node, Mapping):
            if node.get(part) is None:
                node[part] = {}
            node = node[part]
        else:
            raise ValueError(f"{path}: {where} is a value, not a section")
    last = parts[-1]
    if isinstance(node, list):
        raise ValueError(f"{path}: give a field of an item, e.g. {path}.0.<name>")
    node[last] = value


def get_path(raw: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of plain model sections (``councils.0.it_maturity``); None where the path does not exist."""
    node: Any = raw
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return None
    return node


def filled(base: Mapping[str, Any], row: Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """A design row with each empty cell given the value its point keeps from ``base``, in the design's column order.

    Parameters
    ----------
    base
        The plain model sections the point starts from (the run's base configuration, with
        the command line's overrides).
    row
        The row as :func:`rows` gives it (empty cells left out).
    columns
        The design's columns.

    Returns
    -------
    dict
        ``{column: value}``: the row's own values, and for an empty parameter cell the base
        value (a number, or a distribution as ``{dist: ...}``); a path the base does not hold
        stays out.
    """
    out = {}
    for name in columns:
        if name in row:
            out[name] = row[name]
        elif name not in SETTINGS and (value := get_path(base, name)) is not None:
            out[name] = value
    return out


def point_config(base: Mapping[str, Any], values: Mapping[str, Any]) -> ModelConfig:
    """The checked configuration of a point: plain model sections ``base`` with ``values`` set at their paths.

    Raises :class:`~sim.config.checks.ConfigError` (every problem) or ``ValueError`` (a path that does not exist).
    """
    raw = copy.deepcopy(dict(base))
    for path, value in values.items():
        if path not in SETTINGS:
            set_path(raw, path, value)
    return model_config(raw)


def batches(points: Sequence[int], replications: int, block_size: int) -> Iterator[tuple[list[int], list[np.ndarray]]]:
    """Groups of points run together and their replication blocks.

    As many points share a batch as fit in ``block_size`` replications (at least one); a
    point with more replications than a block runs alone, block after block.
    """
    per = max(1, block_size // replications)
    points = list(points)
    for start in range(0, len(points), per):
        yield points[start : start + per], list(blocks(replications, min(block_size, replications)))


def simulate_points(configs: Sequence[ModelConfig], reps: np.ndarray, seed: int, workers: int = 1) -> list[Table]:
    """The replication tables of replications ``reps`` at each of ``configs`` (same seed, common random numbers), simulated as one batch."""
    n = len(configs)
    point_of_rep = np.repeat(np.arange(n, dtype=np.int64), len(reps))
    table = simulate(list(configs), np.tile(np.asarray(reps, np.int64), n), seed, point_of_rep=point_of_rep, workers=workers)
    return split(table, n)


def split(table: Table, n: int) -> list[Table]:
    """A batch's table cut into one table per point (its ``point`` column dropped)."""
    which = table.columns["point"]
    names = [c for c in table.columns if c != "point"]
    return [Table({c: table.columns[c][which == p] for c in names}, dict(table.labels)) for p in range(n)]


def chunk(indices: Sequence[int], i: int, n: int) -> list[int]:
    """Chunk ``i`` of ``n`` (contiguous, sizes differing by at most one) of a design's point indices."""
    return [int(x) for x in np.array_split(np.asarray(list(indices), np.int64), n)[i]]

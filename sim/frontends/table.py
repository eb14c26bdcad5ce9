"""The replication table: one row per replication, as plain numpy columns (no pandas needed to make it).

:func:`replication_table` turns a finished state and its parameters into a :class:`Table`:
numeric columns as numpy arrays, categorical ones (outcome, cause, case, tier, ...) as
integer codes with their labels. :meth:`Table.to_pandas` gives a DataFrame with
categoricals; the results files write it to Parquet with dictionary-encoded columns.
``docs/results.md`` documents every column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.core import triggers
from sim.core.declare import specs
from sim.core.layout import Layout
from sim.core.params import CouncilParams, PartnershipParams
from sim.core.state import OUTCOMES, State

#: Council attributes drawn for each replication (``c{k}_<name>`` columns).
COUNCIL_COLUMNS = tuple(name for name, spec in specs(CouncilParams).items() if spec.unit != "text")
#: The partnership's drawn parameters as they appear in the replication table (numbers and categories).
PARTNERSHIP_INPUTS = tuple(name for name, spec in specs(PartnershipParams).items() if spec.unit not in ("text", "flag"))


@dataclass
class Table:
    """A block of rows: ``columns`` in order; a categorical column holds codes into ``labels[name]`` (-1: missing)."""

    columns: dict[str, np.ndarray]
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def values(self, name: str) -> np.ndarray:
        """A column's values, categorical codes turned into their labels (an array of str)."""
        column = self.columns[name]
        if name not in self.labels:
            return column
        table = np.array([*self.labels[name], ""], dtype=object)
        return table[np.where(column < 0, len(self.labels[name]), column)]

    def select(self, names: Iterable[str]) -> Table:
        """A table of some of the columns."""
        names = list(names)
        return Table({n: self.columns[n] for n in names}, {n: self.labels[n] for n in names if n in self.labels})

    def to_pandas(self) -> Any:
        """A pandas DataFrame, categorical columns as ``pandas.Categorical``."""
        import pandas as pd

        data = {}
        for name, column in self.columns.items():
            data[name] = pd.Categorical.from_codes(column, categories=list(self.labels[name])) if name in self.labels else column
        return pd.DataFrame(data)

    @staticmethod
    def concat(parts: Sequence[Table]) -> Table:
        """The rows of several tables with the same columns, one after another."""
        first = parts[0]
        return Table({name: np.concatenate([p.columns[name] for p in parts]) for name in first.columns}, dict(first.labels))


def replication_table(s: State, P: Any, plan: Layout) -> Table:
    """One row per replication of a finished run (``docs/results.md`` documents every column).

    Columns: ``rep``, ``outcome``, ``end_month`` (month the partnership was shelved or
    collapsed, or its horizon), ``cause``, ``case`` and ``trigger`` of its end (see
    ``docs/ODD.md`` for the rules), ``launch_month`` (month of approval, -1 if never),
    ``realised_savings``, ``business_case``, ``investment_cost``, ``lever_cost``,
    ``other_cost``, ``net_savings`` (GBP m), ``exits`` and ``notices`` (councils that left,
    notices given); per cause ``savings_lost_<cause>`` (GBP m) and ``value_lost_<cause>``
    (the value it had taken, in units of the promise, averaged over councils, at the end or
    at each council's exit); the partnership's own parameters as drawn (``governance``,
    ``deepening_month``, ...; categories as labels); and per council ``c{k}_exit_month``,
    ``c{k}_exit_cause``, ``c{k}_exit_trigger``, ``c{k}_value_seen`` and the attributes
    drawn (``c{k}_<attribute>``). Months count from 1.
    """
    part, council = s.partnership, s.council
    cause_labels = (*(c.label for c in plan.causes), "none")
    case_labels = tuple(dict.fromkeys((*(c.case for c in plan.causes), "")))
    case_code = np.array([case_labels.index(c.case) for c in plan.causes] + [case_labels.index("")], np.int64)
    trigger_labels = (*triggers.LABELS, "none")
    none, no_trigger = len(plan.causes), len(triggers.LABELS)

    def cause_codes(index: np.ndarray) -> np.ndarray:
        return np.where(index < 0, none, index)

    def trigger_codes(index: np.ndarray) -> np.ndarray:
        return np.where(index < 0, no_trigger, index)

    end_cause = cause_codes(part["end_cause"])
    columns: dict[str, np.ndarray] = {
        "rep": s.reps.copy(),
        "outcome": part["outcome"] - 1,
        "end_month": part["end_month"].copy(),
        "cause": end_cause,
        "case": case_code[end_cause],
        "trigger": trigger_codes(part["end_trigger"]),
        "launch_month": part["launch_month"].copy(),
        "realised_savings": part["realised_savings"].copy(),
        "business_case": part["business_case"].copy(),
        "investment_cost": part["investment_cost"].copy(),
        "lever_cost": part["lever_cost"].copy(),
        "other_cost": part["other_cost"].copy(),
        "net_savings": part["realised_savings"] - part["investment_cost"] - part["lever_cost"] - part["other_cost"],
        "exits": (council["exit_month"] >= 0).sum(axis=1),
        "notices": council["notices"].sum(axis=1),
    }
    labels: dict[str, tuple[str, ...]] = {"outcome": OUTCOMES[1:], "cause": cause_labels, "case": case_labels, "trigger": trigger_labels}
    for c, cause in enumerate(plan.causes):
        columns[f"savings_lost_{cause.label}"] = s.savings_lost[c].copy()
    for c, cause in enumerate(plan.causes):
        columns[f"value_lost_{cause.label}"] = s.value_lost[c].mean(axis=1)
    for name, spec in specs(PartnershipParams).items():
        if spec.unit not in ("text", "flag"):
            columns[name] = P.partnership[name].copy()
            if spec.choices:
                labels[name] = spec.choices
    seen = value_seen(s, P)
    council_specs = specs(CouncilParams)
    for k in range(council.shape[1]):
        columns[f"c{k}_exit_month"] = council["exit_month"][:, k].copy()
        columns[f"c{k}_exit_cause"] = cause_codes(council["exit_cause"][:, k])
        columns[f"c{k}_exit_trigger"] = trigger_codes(council["exit_trigger"][:, k])
        columns[f"c{k}_value_seen"] = seen[:, k]
        labels[f"c{k}_exit_cause"] = cause_labels
        labels[f"c{k}_exit_trigger"] = trigger_labels
        for name in COUNCIL_COLUMNS:
            columns[f"c{k}_{name}"] = P.council[name][:, k].copy()
            if council_specs[name].choices:
                labels[f"c{k}_{name}"] = council_specs[name].choices
    return Table(columns, labels)


def value_seen(s: State, P: Any) -> np.ndarray:
    """``(R, K)``: the value each council saw at the end (or when it left), relative to the promise (see :mod:`sim.core.decisions`)."""
    months = np.where(s.council["exit_month"] >= 0, s.council["exit_month"] - 1, np.maximum(s.partnership["end_month"][:, None] - 1, 0))
    fading = P.partnership["enthusiasm"][:, None] * np.exp(-months / P.decisions["enthusiasm_months"][:, None])
    return 1.0 + fading - s.value_lost.sum(axis=0)


#: A council's attribute in a replication table: ``c{k}_{attribute}``.
_COUNCIL_COLUMN = re.compile(r"c(\d+)_(\w+)")


def input_path(column: str) -> str:
    """The override path of an input column: ``c1_size`` is ``councils.1.size``, ``governance`` ``partnership.governance``; a sweep's is one."""
    council = _COUNCIL_COLUMN.fullmatch(column)
    if council is not None and council[2] in COUNCIL_COLUMNS:
        return f"councils.{council[1]}.{council[2]}"
    return f"partnership.{column}" if column in PARTNERSHIP_INPUTS else column


def input_title(column: str, councils: Sequence[str] = ()) -> str:
    """An input as a reader knows it: :func:`~sim.config.overrides.path_title` of its :func:`input_path` (``councils`` as
    there), or the column as it is where it names no parameter (``scenario``, ``seed``)."""

    from sim.config.overrides import path_title

    title = path_title(input_path(column), councils)
    return column if title is None else title

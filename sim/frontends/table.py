"""The replication table: one row per replication, as plain numpy columns (no pandas needed to make it).

:func:`replication_table` turns a finished state and its parameters into a :class:`Table`:
numeric columns as numpy arrays, categorical ones (outcome, cause, case, tier, ...) as
integer codes with their labels. :meth:`Table.to_pandas` gives a DataFrame with
categoricals; the results files write it to Parquet with dictionary-encoded columns.
``docs/results.md`` documents every column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from sim.core.layout import Layout
from sim.core.params import CouncilParams
from sim.core.state import OUTCOMES, State

#: Council attributes drawn for each replication (``c{k}_<name>`` columns).
COUNCIL_COLUMNS = tuple(f.name for f in fields(CouncilParams) if f.metadata["spec"].unit != "text")


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
    """One row per replication of a finished run.

    Columns: ``rep``, ``outcome``, ``end_month`` (month the partnership was shelved or
    collapsed, or its horizon), ``cause`` and ``case`` (see ``docs/ODD.md`` for the rules),
    ``launch_month`` (month of approval, -1 if never), ``realised_savings``,
    ``business_case``, ``investment_cost``, ``lever_cost``, ``other_cost``, ``net_savings``
    (GBP m), ``exits``; per cause ``savings_lost_<cause>`` (GBP m) and
    ``commitment_lost_<cause>`` (summed over councils); and per council
    ``c{k}_exit_month``, ``c{k}_exit_cause`` and the attributes drawn (``c{k}_<attribute>``,
    categories as labels). Months count from 1.
    """
    part, council = s.partnership, s.council
    cause_labels = (*(c.label for c in plan.causes), "none")
    case_labels = tuple(dict.fromkeys((*(c.case for c in plan.causes), "")))
    case_code = np.array([case_labels.index(c.case) for c in plan.causes] + [case_labels.index("")], np.int64)
    none = len(plan.causes)

    def cause_codes(index: np.ndarray) -> np.ndarray:
        return np.where(index < 0, none, index)

    end_cause = cause_codes(part["end_cause"])
    columns: dict[str, np.ndarray] = {
        "rep": s.reps.copy(),
        "outcome": part["outcome"] - 1,
        "end_month": part["end_month"].copy(),
        "cause": end_cause,
        "case": case_code[end_cause],
        "launch_month": part["launch_month"].copy(),
        "realised_savings": part["realised_savings"].copy(),
        "business_case": part["business_case"].copy(),
        "investment_cost": part["investment_cost"].copy(),
        "lever_cost": part["lever_cost"].copy(),
        "other_cost": part["other_cost"].copy(),
        "net_savings": part["realised_savings"] - part["investment_cost"] - part["lever_cost"] - part["other_cost"],
        "exits": (~council["active"]).sum(axis=1),
    }
    labels: dict[str, tuple[str, ...]] = {"outcome": OUTCOMES[1:], "cause": cause_labels, "case": case_labels}
    for c, cause in enumerate(plan.causes):
        columns[f"savings_lost_{cause.label}"] = s.savings_lost[c].copy()
    for c, cause in enumerate(plan.causes):
        columns[f"commitment_lost_{cause.label}"] = s.commitment_lost[c].sum(axis=1)
    specs = {f.name: f.metadata["spec"] for f in fields(CouncilParams)}
    for k in range(council.shape[1]):
        columns[f"c{k}_exit_month"] = council["exit_month"][:, k].copy()
        columns[f"c{k}_exit_cause"] = cause_codes(council["exit_cause"][:, k])
        labels[f"c{k}_exit_cause"] = cause_labels
        for name in COUNCIL_COLUMNS:
            columns[f"c{k}_{name}"] = P.council[name][:, k].copy()
            if specs[name].choices:
                labels[f"c{k}_{name}"] = specs[name].choices
    return Table(columns, labels)

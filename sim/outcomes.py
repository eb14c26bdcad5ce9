"""Outcomes as a tidy table: one row per replication, with causes and the councils drawn."""

from __future__ import annotations

from dataclasses import fields

import pandas as pd

from sim import causes
from sim.arrays import ParamArrays
from sim.params import CouncilParams
from sim.state import OUTCOMES, State

COUNCIL_COLUMNS = tuple(f.name for f in fields(CouncilParams) if f.metadata["spec"].unit != "text")


def replication_table(s: State, P: ParamArrays) -> pd.DataFrame:
    """One row per replication of a finished run.

    Columns: ``rep``, ``outcome``, ``end_month`` (month the partnership was shelved or
    collapsed, or its horizon), ``cause`` and ``case`` (see ``docs/ODD.md`` for the rules),
    ``launch_month`` (month of approval, -1 if never), ``realised_savings``,
    ``business_case``, ``investment_cost``, ``lever_cost``, ``other_cost``, ``net_savings``
    (GBP m), ``exits``; per cause ``savings_lost_<cause>`` (GBP m) and
    ``commitment_lost_<cause>`` (summed over councils); and per council
    ``c{k}_exit_month``, ``c{k}_exit_cause`` and the attributes drawn (``c{k}_<attribute>``).
    Months count from 1.
    """
    cause_case = {c.label: c.case for c in causes.CAUSES} | {"none": ""}
    cause = [causes.label(int(c)) for c in s.end_cause]
    table = {
        "rep": s.reps,
        "outcome": pd.Categorical([OUTCOMES[o] for o in s.outcome], categories=OUTCOMES[1:]),
        "end_month": s.end_month,
        "cause": cause,
        "case": [cause_case[c] for c in cause],
        "launch_month": s.launch_month,
        "realised_savings": s.realised_savings,
        "business_case": s.business_case,
        "investment_cost": s.investment_cost,
        "lever_cost": s.lever_cost,
        "other_cost": s.other_cost,
        "net_savings": s.realised_savings - s.investment_cost - s.lever_cost - s.other_cost,
        "exits": (~s.active).sum(axis=1),
    }
    for c, label in enumerate(causes.LABELS):
        table[f"savings_lost_{label}"] = s.savings_lost[c]
    for c, label in enumerate(causes.LABELS):
        table[f"commitment_lost_{label}"] = s.commitment_lost[c].sum(axis=1)
    for k in range(s.active.shape[1]):
        table[f"c{k}_exit_month"] = s.exit_month[:, k]
        table[f"c{k}_exit_cause"] = [causes.label(int(c)) for c in s.exit_cause[:, k]]
        for name in COUNCIL_COLUMNS:
            table[f"c{k}_{name}"] = getattr(P.council, name)[:, k]
    return pd.DataFrame(table)

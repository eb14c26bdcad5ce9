"""docs/results.md documents every column of the results files and every categorical label."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from sim.config.scenarios import load
from sim.frontends.ensemble import simulate
from sim.results.files import EVENT_SCHEMA

DOC = (Path(__file__).resolve().parents[2] / "docs" / "results.md").read_text(encoding="utf-8")


def documented(column: str) -> bool:
    general = re.sub(r"^c\d+_", "c{k}_", column)
    general = re.sub(r"^(savings_lost|value_lost)_.*", r"\1_<cause>", general)
    return f"`{general}`" in DOC


def test_every_replication_column_and_label_is_documented():
    table = simulate(load("baseline", "none"), np.arange(3, dtype=np.int64), 0)
    assert [c for c in table.columns if not documented(c)] == []
    for name in ("outcome", "cause", "trigger", "governance", "c0_tier", "c0_champion"):
        assert [label for label in table.labels[name] if label and f"`{label}`" not in DOC and label not in DOC] == [], name


def test_every_event_column_is_documented():
    assert [c for c in EVENT_SCHEMA.names if f"`{c}`" not in DOC] == []

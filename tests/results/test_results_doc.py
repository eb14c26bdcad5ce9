"""docs/results.md documents every column of the results files and every categorical label."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

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


def _section(title: str) -> str:
    """The text of docs/results.md under ``## title``."""
    return DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_column_of_the_analysis_commands_files_is_documented():
    """docs/results.md, 'every results file and column', left out the files of sim-analyse sensitivity, sim-search and sim-calibrate."""
    pytest.importorskip("SALib")
    from sim.analysis.calibration import calibrate, calibrated_items
    from sim.analysis.search import search
    from sim.analysis.sensitivity import analyse
    from sim.cli.search import _row
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    sens = analyse(cfg, replications=10, trajectories=2, top=2, sobol_n=8, noise_points=2)
    text = _section("sim-analyse sensitivity")
    factors = set(sens.factors)
    for frame in (sens.morris, sens.sobol, sens.noise, sens.points):
        assert [c for c in frame.columns if c not in factors and f"`{c}`" not in text] == []
    found = search(cfg, pool=["continuity_plan"], replications=50, confirm_replications=100, max_levers=1, tune_packages=0)
    text = _section("sim-search")
    columns = {re.sub(r"^continuity_plan\.", "<lever>.", c) for e in found.confirmed for c in _row(e)}
    assert [c for c in sorted(columns) if f"`{c}`" not in text] == []
    targets = load_targets("uk_breakups")
    items = calibrated_items(cfg, ["decisions.memory", "decisions.outside_option"], targets)
    design = calibrate(cfg, targets, items, seed=1, replications=20, points=20, waves=1).design
    text = _section("sim-calibrate")
    paths = {a.path for a in items}
    general = {re.sub(r"^(u|stat|mcvar)\..*", r"\1.<", c) for c in design.columns if c not in paths}
    assert [c for c in sorted(general) if f"`{c}" not in text] == []

"""``sim-analyse discover`` on a sweep's table whose completed points give PRIM nothing to search: one line, exit 2, nothing written."""

from __future__ import annotations

import importlib.util
import os

import pandas as pd
import pytest

from sim.analysis.plots import SWEEP_ESTIMATE
from sim.cli import analyse_discover
from sim.config.checks import EXIT_BAD_INPUT


def _needs_the_workbench() -> None:
    if importlib.util.find_spec("ema_workbench") is None:
        if os.environ.get("CI"):
            pytest.fail("ema_workbench is missing under CI: install the [analysis] extra")
        pytest.skip("needs the [analysis] extra (ema_workbench)")


def _table(folder, statuses: list[str], figures: bool = True) -> None:
    """A sweep table over ``policy`` (one point per status), with sim-run's collapse figures unless ``figures`` is false."""
    n = len(statuses)
    table = pd.DataFrame({"point": range(n), "policy": ["none", "continuity_plan", "all_levers"][:n], "status": statuses, "replications": 200})
    if figures:
        table[list(SWEEP_ESTIMATE)] = [[0.1, 0.05, 0.15]] * n
    else:  # a sweep of sim-compare: each policy's figures under policies.<policy>.
        table["policies.none.outcomes.collapsed.value"] = 0.1
    folder.mkdir()
    table.to_parquet(folder / "sweep.parquet")


@pytest.mark.parametrize(
    ("statuses", "figures", "says"),
    [
        (["ok", "running", "running"], True, "its sweep.parquet holds 1 completed point: PRIM needs two or more whose swept values differ"),
        (["running"], True, "its sweep.parquet holds 0 completed points: PRIM needs two or more"),
        (["ok", "ok"], False, "holds a sweep whose points have no outcomes.collapsed.value (a sweep of sim-compare, sim-search or sim-calibrate)"),
    ],
)
def test_a_sweep_without_two_completed_sim_run_points_is_refused_in_one_line(tmp_path, capsys, statuses, figures, says):
    """sim-analyse discover of a sweep stopped after its first point ended in 'ZeroDivisionError: float division by zero'
    with a traceback (exit 1); of a sweep with no point completed, or of a sweep of sim-compare, in
    "KeyError: 'outcomes.collapsed.value'"."""
    _needs_the_workbench()
    folder = tmp_path / "sweep"
    _table(folder, statuses, figures)
    assert analyse_discover.main([str(folder)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and says in err and "Traceback" not in err
    assert sorted(p.name for p in folder.iterdir()) == ["sweep.parquet"]

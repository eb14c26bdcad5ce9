"""``sim-compare`` as a real subprocess: precision, events with a policy column, attribution, the figure, sentences and detail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

SIM_COMPARE = str(Path(sys.executable).with_name("sim-compare"))
SMALL = ["seed=3", "partnership.horizon_months=48"]


def compare(out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    return subprocess.run([SIM_COMPARE, *args, f"hydra.run.dir={out}"], capture_output=True, text=True, timeout=900, env=env, check=False)


def test_precision_events_attribution_figure_and_detail(tmp_path):
    settings = ("precision=0.02", "block_size=500", "save_events=true", "attribution=counterfactual", "detail=true")
    done = compare(tmp_path, "policies=[none,agreed_decision_process]", *settings, *SMALL)
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    run = summary["run"]
    assert run["precision"] == 0.02 and run["precision_reached"] <= 0.02 and run["replications"] % 100 == 0
    assert f"every paired half-width at most {run['precision_reached']:.4f} after {run['replications']:,} replications per policy" in done.stdout
    table = pd.read_parquet(tmp_path / "comparison.parquet")
    assert (table["replications"] == run["replications"]).all()
    for measure in ("shelved", "collapse", "failure"):
        assert (table[f"{measure}_difference_high"] - table[f"{measure}_difference_low"]).iloc[1] / 2 <= 0.02
    events = pd.read_parquet(tmp_path / "events.parquet")
    assert set(events["policy"]) == {"none", "agreed_decision_process"} and events["rep"].max() < run["replications"]
    assert (tmp_path / "comparison.png").stat().st_size > 1000
    assert sorted(run["files"]) == sorted(["comparison.parquet", "comparison.png", "events.parquet", "summary.json"])
    policies = summary["policies"]
    assert list(policies) == ["none", "agreed_decision_process"]
    assert policies["none"]["replications"] == run["replications"]
    assert policies["none"]["outcomes"]["collapsed"]["count"] == round(table.loc[0, "collapse"] * run["replications"])
    assert policies["agreed_decision_process"]["attribution"]["failures"] > 0
    assert summary["sentences"]["agreed_decision_process"] in done.stdout
    assert "Policy agreed_decision_process: Necessary causes" in done.stdout
    assert "p (McNemar)" in done.stdout and "Statistical detail" in done.stdout


def test_without_detail_the_first_screen_has_no_test_names(tmp_path):
    done = compare(tmp_path, "policies=[none,continuity_plan]", "replications=300", *SMALL)
    assert done.returncode == 0, done.stderr
    assert "McNemar" not in done.stdout and "p-value" not in done.stdout
    assert done.stdout.startswith(
        "What was run: scenario baseline, policies none, continuity_plan (compared with none: no lever) with partnership.horizon_months=48;"
        " 300 simulated partnerships per policy"
    )


@pytest.mark.parametrize(
    ("arg", "message"),
    [("precision=0.9", "precision = 0.9 is outside"), ("save_events=maybe", "save_events"), ("detail=2", "detail")],
)
def test_bad_new_settings_exit_2_with_one_line(tmp_path, arg, message):
    done = compare(tmp_path, "policies=[none,continuity_plan]", arg, *SMALL)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "summary.json").exists() and not (tmp_path / "comparison.png").exists()

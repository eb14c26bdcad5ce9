"""A partnership described in Python (``sim.partnership``) and saved as a scenario file, run by a colleague from a terminal and reported.

A colleague runs the file with ``sim-run`` and ``sim-compare --config-dir`` and reports it with ``sim-report``.

The figures from the commands equal those of the same object run in Python (same seed and
replications), and each folder gives one report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
REPLICATIONS, SEED = 300, 4


def command(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=600, env={**os.environ, "HYDRA_FULL_ERROR": ""}, check=False)


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[sim.ModelConfig, Path]:
    ours = sim.partnership(
        [sim.council("Our District", tier="district", it_maturity=0.8, pace=0.6), sim.council("Their County", tier="county", size=5.0, it_maturity=0.4)],
        governance="joint_committee",
        promised_savings=1.5,
    )
    folder = tmp_path_factory.mktemp("colleague")
    ours.save(folder / "config" / "scenario" / "ours.yaml")
    return ours, folder


def test_sim_run_runs_the_saved_file_as_python_runs_the_object_and_sim_report_reports_it(saved) -> None:
    ours, folder = saved
    out = folder / "run"
    done = command("sim-run", "--config-dir", str(folder / "config"), "scenario=ours", f"replications={REPLICATIONS}", f"seed={SEED}", f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(out / "replications.parquet")
    python = sim.run_ensemble(ours, replications=REPLICATIONS, seed=SEED)
    np.testing.assert_array_equal(table["outcome"].astype(str).to_numpy(), python["outcome"].astype(str).to_numpy())
    np.testing.assert_array_equal(table["net_savings"].to_numpy(), python["net_savings"].to_numpy())
    assert set(table["c0_it_maturity"]) == {0.8} and set(table["c1_size"]) == {5.0} and set(table["governance"].astype(str)) == {"joint_committee"}
    report = command("sim-report", str(out))
    assert report.returncode == 0, report.stderr
    assert "ours" in (out / "report.html").read_text(encoding="utf-8")


def test_sim_compare_runs_the_saved_file_as_sim_compare_runs_the_object_and_sim_report_reports_it(saved) -> None:
    ours, folder = saved
    out = folder / "compare"
    policies = ["none", "continuity_plan"]
    settings = [f"policies=[{','.join(policies)}]", f"replications={REPLICATIONS}", f"seed={SEED}", f"hydra.run.dir={out}"]
    done = command("sim-compare", "--config-dir", str(folder / "config"), "scenario=ours", *settings)
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(out / "comparison.parquet")
    python = sim.compare(ours, policies, replications=REPLICATIONS, seed=SEED)
    for column in ("collapse", "collapse_difference", "failure", "net_savings_difference"):
        np.testing.assert_allclose(table[column].to_numpy(float), python[column].to_numpy(float), equal_nan=True)
    report = command("sim-report", str(out))
    assert report.returncode == 0, report.stderr
    assert "continuity" in (out / "report.html").read_text(encoding="utf-8").lower()


def test_council_names_with_a_dollar_and_braces_go_through_the_saved_file_the_commands_and_the_report(tmp_path) -> None:
    """A partnership with a council called "Mid ${x} DC" saved, compared by sim-compare and reported: the saved file read ``${x}`` as a
    reference to a setting x and sim-compare refused it (InterpolationKeyError); sim-run's override takes the name escaped (\\${)."""
    names = ["Mid ${x} DC", "${oops}"]
    councils = [sim.council(names[0], tier="district", it_maturity=0.8), sim.council(names[1], tier="county", size=5.0)]
    ours = sim.partnership(councils, governance="joint_committee")
    ours.save(tmp_path / "config" / "scenario" / "ours.yaml")
    out = tmp_path / "compare"
    settings = ["policies=[none,continuity_plan]", "replications=50", f"seed={SEED}", f"hydra.run.dir={out}"]
    done = command("sim-compare", "--config-dir", str(tmp_path / "config"), "scenario=ours", *settings)
    assert done.returncode == 0, done.stderr
    report = command("sim-report", str(out))
    assert report.returncode == 0, report.stderr
    run = tmp_path / "run"
    renamed = "councils.1.name=\\${oops} again"  # typed in a shell: 'councils.1.name=\${oops} again'
    done = command("sim-run", "--config-dir", str(tmp_path / "config"), "scenario=ours", renamed, "replications=20", f"hydra.run.dir={run}")
    assert done.returncode == 0, done.stderr
    config = json.loads((run / "summary.json").read_text(encoding="utf-8"))["provenance"]["config"]
    assert [c["name"] for c in config["councils"]] == [names[0], "${oops} again"]

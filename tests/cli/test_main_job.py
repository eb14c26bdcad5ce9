"""The main job end to end as a real subprocess: ``python -m sim.cli.run`` (was ``python -m experiments.run``)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from sim.core.state import OUTCOMES

pytestmark = pytest.mark.slow


def main_job(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """Run the main job in ``tmp_path`` (its Hydra run directory too)."""
    command = [sys.executable, "-m", "sim.cli.run", *args, f"hydra.run.dir={tmp_path / 'run'}"]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)


def test_prints_outcome_shares_that_add_up(tmp_path):
    done = main_job(tmp_path, "replications=300")
    assert done.returncode == 0, done.stderr
    shares = {}
    for outcome in OUTCOMES[1:]:
        match = re.search(rf"^\s+{outcome}\s+(\d+\.\d)%\s+\[\s*(\d+\.\d)%,\s+(\d+\.\d)%\]\s+(\d+)$", done.stdout, re.MULTILINE)
        assert match, f"no share for {outcome} in:\n{done.stdout}"
        share, low, high, count = float(match[1]), float(match[2]), float(match[3]), int(match[4])
        assert low <= share <= high and share == pytest.approx(100 * count / 300, abs=0.05)
        shares[outcome] = count
    assert sum(shares.values()) == 300
    assert "Median months to collapse" in done.stdout and "Cause of the" in done.stdout and "What was run" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_bad_value_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    done = main_job(tmp_path, "councils.0.it_maturity=1.7")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == ["error: councils[0].it_maturity = 1.7 is outside [0, 1]"]
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "run" / "replications.parquet").exists()


def test_all_problems_at_once(tmp_path):
    done = main_job(tmp_path, "councils.0.it_maturity=1.7", "partnership.horizon_months=nan", "mechanisms.case01.specialist_hazard=-1")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "error: councils[0].it_maturity = 1.7 is outside [0, 1]",
        "error: partnership.horizon_months = nan is outside [12, 600]",
        "error: mechanisms.case01.specialist_hazard = -1 is outside [0, 1]",
    ]

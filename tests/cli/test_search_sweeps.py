"""sim-search -m end to end as real subprocesses: points recorded, a bad one failed alone, one table of the answers, resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
SIM_SEARCH, SIM_COLLECT, SIM_REPORT = (str(BIN / name) for name in ("sim-search", "sim-collect", "sim-report"))
SMALL = ["target=0.95", "pool=[continuity_plan]", "max_levers=1", "replications=50", "confirm_replications=100", "tune=0"]
ENV = {**os.environ, "HYDRA_FULL_ERROR": ""}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=600, env=ENV, check=False)


def test_a_search_sweep_records_its_points_fails_a_bad_one_alone_collects_one_table_and_resumes(tmp_path):
    """sim-search -m wrote each search into its own job folder and nothing else (no sweep.json, no point records, no table:
    sim-collect found no points), and a bad point ended the whole sweep with exit 2, the later points never run."""
    folder = tmp_path / "sweep"
    args = [SIM_SEARCH, "-m", "scenario=case04_trading_company", "partnership.min_partners=1,3,2", *SMALL, f"hydra.sweep.dir={folder}"]
    done = run(*args)
    assert done.returncode == 3, done.stderr[-3000:]
    assert "1 of 3 points failed" in done.stderr and (folder / "sweep.json").is_file()
    table = pd.read_parquet(folder / "sweep.parquet")
    assert list(table["status"].astype(str)) == ["ok", "failed", "ok"]
    assert list(table["partnership.min_partners"]) == [1, 3, 2] and list(table.columns).count("target") == 1
    assert table["answer.risk"].notna().tolist() == [True, False, True]
    assert "partnership.min_partners = 3 is outside [1, 2] (the number of councils)" in table["error"][1]
    # the progress line's speed counted the 50 screening replications of each search, not every package's screened and confirmed
    ran = [int(pd.read_parquet(folder / str(point) / "candidates.parquet")["replications"].sum()) for point in (0, 2)]
    assert [line.split()[:2] for line in (folder / ".progress").read_text().splitlines()] == [["o", str(ran[0])], ["f", "0"], ["o", str(ran[1])]]
    assert min(ran) >= 2 * 50 + 100, "no lever and a package screened on 50 each, no lever confirmed on 100"
    collect = run(SIM_COLLECT, str(folder))
    assert collect.returncode == 3 and "3 of 3 points done (2 ok, 1 failed)" in collect.stdout, collect.stdout + collect.stderr
    report = run(SIM_REPORT, str(folder))
    assert report.returncode == 0, report.stderr  # sim-report refused a sweep of searches in one line ("a sweep of sim-search")
    page = (folder / "report.html").read_text()
    assert "<title>Sweep of 3 searches over partnership.min_partners</title>" in page and "Points that did not complete" in page
    assert "risk: any failure (shelved, collapsed or underperforming) among all partnerships" in page
    answers = page[page.index("<h2>Answers, point by point</h2>") :]
    head = ["partnership.min_partners", "answer", "risk", "95% interval", "lever cost (GBP m per partnership)", "95% interval", "risk with no lever"]
    assert "".join(f"<th>{h}</th>" for h in head) in answers
    for point, row in table.iterrows():
        if row["status"] == "ok":
            answer = json.loads((folder / str(point) / "search.json").read_text())["answer"]
            cells = [row["partnership.min_partners"], answer["package"], f"{answer['risk']:.1%}", f"{answer['risk_low']:.1%} to {answer['risk_high']:.1%}"]
            assert "".join(f"<td>{c}</td>" for c in cells) in answers
    assert sorted(p.name for p in (folder / "figures").iterdir()) == ["cost_scatter.png", "cost_scatter.svg", "risk_scatter.png", "risk_scatter.svg"]
    assert "candidates.parquet</h3>" not in page, "each point's own tables are its own, not 'other results' of the sweep"
    refused = run(*args)
    assert refused.returncode == 2 and "already holds results: add resume=true" in refused.stderr
    before = (folder / "0" / "search.json").read_bytes()
    resumed = run(*args, "resume=true")
    assert resumed.returncode == 3 and resumed.stderr.count("already done with the same configuration (resume=true): skipped") == 2
    assert (folder / "0" / "search.json").read_bytes() == before

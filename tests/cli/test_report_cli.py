"""``sim-report`` end to end on real results folders (a run, a comparison, a sweep), and the reports in headless Chromium.

The sweep folder is made by hand from several ``sim-run`` folders (one per point) and a
``sweep.parquet`` with one row per point: ``point``, the swept values, ``status``, the
collapse probability with its bounds and each point's ``job_dir``, the layout ``sim-collect``
writes.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import stop_after

from sim.analysis.plots import SWEEP_ESTIMATE, point_words
from sim.analysis.summary import DRAWN_TERMS, render_uncertainty
from sim.core.version import __version__

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
EMBEDDED = re.compile(r'<img src="data:image/(png|svg\+xml);base64,')
GRID = [(clarity, volume) for clarity in (0.2, 0.8) for volume in (0.1, 0.4)]


def command(name: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=900, env=env, check=False)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    done = command("sim-run", "replications=2000", "seed=8", f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare")
    done = command("sim-compare", "policies=[none,agreed_decision_process,all_levers]", "replications=1000", "seed=8", f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    rows = []
    for point, (clarity, volume) in enumerate(GRID):
        job = root / "points" / str(point)
        done = command(
            "sim-run", "replications=300", "seed=1", f"partnership.decision_clarity={clarity}", f"partnership.market_volume={volume}", f"hydra.run.dir={job}"
        )
        assert done.returncode == 0, done.stderr
        summary = json.loads((job / "summary.json").read_text())
        collapsed, failure = summary["outcomes"]["collapsed"], summary["failure"]
        rows.append(
            {"point": point, "partnership.decision_clarity": str(clarity), "partnership.market_volume": str(volume), "status": "ok", "seed": 1,
             "replications": 300, "job_dir": str(job), **{c: collapsed[k] for c, k in zip(SWEEP_ESTIMATE, ("value", "low", "high"), strict=True)},
             **{f"failure.{k}": failure[k] for k in ("value", "low", "high")}}
        )  # fmt: skip
    pd.DataFrame(rows).to_parquet(root / "sweep.parquet")
    return root


def report(folder: Path) -> str:
    done = command("sim-report", str(folder))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Report: {folder / 'report.html'}"
    return (folder / "report.html").read_text(encoding="utf-8")


def self_contained(page: str) -> None:
    assert "<script" not in page
    assert not re.search(r'(src|href)="(?!data:)', page), "the page refers to something outside itself"
    assert "<h2>Limitations</h2>" in page and "Not a forecast of any real partnership" in page


def test_report_of_a_sim_run_folder(run_dir):
    page = report(run_dir)
    self_contained(page)
    assert len(EMBEDDED.findall(page)) >= 3
    for stem in ("survival", "timing", "causes"):
        assert (run_dir / "figures" / f"{stem}.png").stat().st_size > 1000
        assert "<svg" in (run_dir / "figures" / f"{stem}.svg").read_text()[:1000]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert "What was run: scenario baseline, policy none; 2,000 simulated partnerships, seed 8; uncertainty: posterior" in page
    assert "<h1>Baseline scenario, no lever</h1>" in page, "the scenario and the policy as the figures name them, not by their code names"
    assert "total interval (with parameter uncertainty)" in page, "the default mode's second interval reaches the report"
    # the money table gave Monte Carlo intervals alone under '95% interval', and the page left out the uncertainty section
    # sim-run prints (the draws, 'not detected' explained, how well the total interval's ends are known)
    net = summary["savings"]["net_savings"]
    assert f"{net['total']['low']:.2f} to {net['total']['high']:.2f}" in page
    assert f"<h2>Uncertainty</h2><pre>{html.escape(render_uncertainty(summary))}</pre>" in page and "Uncertainty: posterior." in page
    assert html.escape(DRAWN_TERMS["interval"]) in page and "the range the true share is in" not in page, "its intervals are Monte Carlo only"
    # the survival figure draws the total band too; its caption said "with its 95% band"
    assert "with its 95% Monte Carlo band and, paler, its total band" in page
    assert "(counts collapses only)" in page and "(counts shelved, collapsed and underperforming)" in page
    assert f"{summary['outcomes']['collapsed']['value']:.1%}" in page
    assert summary["provenance"]["code_version"] in page and "Provenance" in page
    assert summary["causes_of_collapse"][0]["title"] in page.replace("&#x27;", "'")


def test_a_new_run_into_a_reported_folder_takes_the_old_report_away(tmp_path):
    folder = tmp_path / "run"
    assert command("sim-run", "replications=200", "seed=3", f"hydra.run.dir={folder}").returncode == 0
    report(folder)
    assert (folder / "report.html").is_file() and (folder / "figures").is_dir()
    again = command("sim-run", "replications=100", "seed=4", f"hydra.run.dir={folder}")
    assert again.returncode == 0, again.stderr
    assert not (folder / "report.html").exists() and not (folder / "figures").exists()
    assert "seed 4" in report(folder)


def test_other_figures_and_small_tables_of_the_folder_are_embedded(run_dir, tmp_path):
    plain = report(run_dir)
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("figures", "report.html"))
    (folder / "sensitivity").mkdir()
    shutil.copy(run_dir / "figures" / "survival.png", folder / "sensitivity" / "indices.png")
    pd.DataFrame({"parameter": ["a", "b"], "first_order": [0.4, 0.1]}).to_parquet(folder / "sensitivity" / "indices.parquet")
    page = report(folder)
    assert "Other results in this folder" in page and "sensitivity/indices" in page and "first_order" in page
    assert len(EMBEDDED.findall(page)) == len(EMBEDDED.findall(plain)) + 1


def test_report_of_a_sim_compare_folder(compare_dir):
    page = report(compare_dir)
    self_contained(page)
    assert len(EMBEDDED.findall(page)) >= 3
    summary = json.loads((compare_dir / "summary.json").read_text())
    for text in summary["sentences"].values():
        assert text.replace("'", "&#x27;") in page
    assert {"forest", "survival", "causes"} <= {p.stem for p in (compare_dir / "figures").glob("*.png")}
    assert "p (McNemar)" in page  # behind the fold
    # the title and the money table named the reference by its code name ("compared with none", "net savings vs none")
    # the heading named the scenario by its code name ("Scenario baseline: ...") where its figures say "Baseline scenario"
    assert "<h1>2 policies compared with no lever (Baseline scenario)</h1>" in page
    assert "net savings compared with no lever (paired 95% interval)" in page and "vs none" not in page
    assert "<td>All levers</td>" in page and "<td>all_levers</td>" not in page, "a committee reads the levers' titles, not their ids"


def test_the_report_of_a_comparison_says_what_each_lever_is_as_sim_compare_printed_it(compare_dir):
    """sim-compare printed, and wrote to summary.json ('levers'), what each lever is, what the model assumes it does, its strength and
    costs; sim-report on the folder re-renders from the parquet files and its page had none of it."""
    page = html.unescape(report(compare_dir))
    levers = json.loads((compare_dir / "summary.json").read_text())["levers"]
    assert len(levers) > 2 and "<h2>What each lever is</h2>" in page
    for line in levers:
        assert line.strip() in page


def test_the_forest_plots_caption_says_a_lever_may_show_that_it_pays_for_itself(compare_dir):
    """Since the forest plot showed 'pays for itself' where a lever, net of its cost, measurably raises savings, its caption still
    said the cost panel showed the cost per point of collapse avoided, and nothing else."""
    page = html.unescape(report(compare_dir))
    assert (
        ", and its cost (per point of collapse avoided where it lowers collapse, or that it pays for itself where, net of its cost,"
        " it also raises savings)." in page
    )


def test_report_of_a_sweep_folder(sweep_dir):
    page = report(sweep_dir)
    self_contained(page)
    assert len(EMBEDDED.findall(page)) >= 3
    assert (sweep_dir / "figures" / "sweep_heatmap.png").is_file()
    table = pd.read_parquet(sweep_dir / "sweep.parquet")
    assert "Sweep of 4 points over partnership.decision_clarity, partnership.market_volume" in page
    for value in table[SWEEP_ESTIMATE[0]]:
        assert f"{value:.1%}" in page
    assert "<th>P(failure)</th>" in page, "a sweep's points showed collapse only, though a case's failure may be underperformance"
    for value in table["failure.value"]:
        assert f"<td>{value:.1%}</td>" in page
    first = point_words({"partnership.decision_clarity": GRID[0][0], "partnership.market_volume": GRID[0][1]}, 1000).replace("\n", " ")
    assert f"Of the first point ({html.escape(first)}); each point" in page, "the provenance of the first point read as the whole sweep's"


@pytest.mark.parametrize(
    ("mark", "says"),
    [
        ("calibration.md", "holds a calibration (sim-calibrate), whose report is its calibration.md; sim-report reads a folder with summary.json"),
        ("search.json", "holds a search (sim-search), whose answer is its search.json and candidates.parquet; sim-report reads"),
        (
            "sensitivity.json",
            "holds a sensitivity analysis (sim-analyse sensitivity), whose tables are its morris.csv, sobol.csv and noise.csv and its"
            " figures morris.png and sobol.png; sim-report reads",
        ),
    ],
)
def test_another_commands_folder_is_named_with_where_its_own_report_is(tmp_path, mark, says):
    """A calibration's, a search's or a sensitivity analysis' folder was 'not a results folder', which left the user looking for their results."""
    (tmp_path / mark).write_text("{}", encoding="utf-8")
    done = command("sim-report", str(tmp_path))
    assert done.returncode == 2 and done.stderr.count("error:") == 1 and says in done.stderr
    assert not (tmp_path / "report.html").exists()


def test_a_folder_that_is_not_results_exits_2_and_writes_nothing(tmp_path):
    done = command("sim-report", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.count("error:") == 1 and "is not a results folder" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "figures").exists()
    assert command("sim-report", "--help").stdout.count("FOLDER") >= 1


def test_a_sweep_stopped_before_its_table_is_named_a_sweep_and_sent_to_sim_collect(tmp_path):
    """A multirun killed after two of its six points (sweep.json and the points' folders, no sweep.parquet) was 'not a results
    folder: it needs summary.json ... or sweep.parquet (a sweep)', though a sweep's; sim-collect builds its table."""
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "sweep.json").write_text(json.dumps({"points": 6, "command": ["sim-run", "-m", "seed=1,2,3,4,5,6"]}), encoding="utf-8")
    unstarted = command("sim-report", str(folder))
    assert unstarted.returncode == 2 and "without its table (sweep.parquet) yet: none of its points has started" in unstarted.stderr
    (folder / "0").mkdir()
    record = {"point": 0, "status": "ok", "overrides": {"seed": 1}, "key": "k", "seed": 1, "replications": 20}
    (folder / "0" / "point.json").write_text(json.dumps(record), encoding="utf-8")
    done = command("sim-report", str(folder))
    assert done.returncode == 2 and done.stderr.count("error:") == 1, done.stderr
    assert f"is a sweep's folder without its table (sweep.parquet) yet: sim-collect {folder} builds it" in done.stderr, done.stderr
    assert not (folder / "report.html").exists() and not (folder / "figures").exists()


def test_an_output_that_cannot_be_written_is_refused_naming_the_option(tmp_path):
    """--output naming a folder, a path through a file or a folder no file can be made in drew every figure, then stopped as a
    fault of the environment (exit 3) naming a temporary file ('cannot write .p1.17578.92a8049a.tmp: a folder of that name is in
    the way'). It is now refused before anything is drawn, exit 2, naming --output."""
    run = tmp_path / "run"
    assert command("sim-run", "replications=20", "uncertainty=none", f"hydra.run.dir={run}").returncode == 0
    for output, line in (
        (run, f"--output = {run} is a folder: give the HTML file to write (e.g. {run / 'report.html'})"),
        (run / "summary.json" / "r.html", f"--output = {run / 'summary.json' / 'r.html'}: {run / 'summary.json'} is a file, not a folder;"),
        (Path("/proc/r.html"), "--output = /proc/r.html: cannot write /proc: no file can be made in it (a folder of the system, as /proc and /sys are);"),
    ):
        done = command("sim-report", str(run), "--output", str(output))
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and done.stderr.startswith(f"error: {line}"), done.stderr
    assert not (run / "report.html").exists() and not (run / "figures").exists()


def _needs_the_workbench() -> None:
    if importlib.util.find_spec("ema_workbench") is None:
        if os.environ.get("CI"):
            pytest.fail("ema_workbench is missing under CI: install the [analysis] extra")
        pytest.skip("needs the [analysis] extra (ema_workbench)")


def test_discover_on_a_run_prints_boxes_and_the_report_embeds_them(run_dir, tmp_path):
    _needs_the_workbench()
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("figures", "report.html"))
    done = command("sim-analyse", "discover", str(folder), "--cases", "partnerships")
    assert done.returncode == 0, done.stderr
    found = json.loads((folder / "discovery.json").read_text())
    assert found["cases"] == 2000 and found["outcome"] == "collapsed"
    settings = {"table": "replications.parquet", "cases": "partnerships", "outcome": "collapsed", "boxes": 2, "min_coverage": 0.5, "peel_alpha": 0.05}
    settings["mass_min"] = 0.05
    assert found["settings"] == settings and found["provenance"]["model_version"] == __version__ and found["provenance"]["code_version"]
    assert f"({found['base_rate']:.1%} overall)" in done.stdout
    for box in found["boxes"]:
        assert f"density {box['density']:.1%}" in done.stdout and f"coverage {box['coverage']:.1%}" in done.stdout
    assert "discovery" in report(folder)
    bad = command("sim-analyse", "discover", str(folder), "--boxes", "0", "--outcome", "gone")
    assert bad.returncode == 2 and bad.stderr.count("error:") == 2 and "boxes = 0" in bad.stderr and "outcome = 'gone'" in bad.stderr
    ignored = command("sim-analyse", "discover", str(folder), "--threshold", "0.2", "--cases", "partnerships")
    assert ignored.returncode == 2
    assert ignored.stderr == "error: --threshold = 0.2 applies to a sweep's points or a run's draws: a run's partnerships are cases by --outcome alone\n"
    assert command("sim-analyse", "nothing").returncode == 2


def test_discover_on_a_run_with_parameter_draws_searches_the_drawn_assumptions_draw_by_draw(run_dir, tmp_path):
    """On a posterior run discover searched only the parameters drawn per partnership: the assumptions each draw drew
    (draws.parquet) were never inputs. Each draw is now a case, as a sweep's point is; a run without draws is refused."""
    _needs_the_workbench()
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("figures", "report.html"))
    done = command("sim-analyse", "discover", str(folder), "--boxes", "1")
    assert done.returncode == 0, done.stderr
    found = json.loads((folder / "discovery.json").read_text())
    draws = pd.read_parquet(folder / "draws.parquet")
    summary = json.loads((folder / "summary.json").read_text())
    per = summary["uncertainty"]["replications_per_draw"]
    assert found["cases"] == len(draws) == 2000 // per and summary["uncertainty"]["mode"] == "posterior"
    assert found["inputs"] == [c for c in draws.columns if c not in ("draw", "posterior_row") and draws[c].nunique() > 1] and len(found["inputs"]) > 50
    reps = pd.read_parquet(folder / "replications.parquet")
    shares = (reps["outcome"] == "collapsed").groupby(reps["draw"]).mean().to_numpy()
    threshold = np.quantile(shares, 0.75)
    assert found["settings"] | {"threshold": threshold} == {
        "table": "draws.parquet", "cases": "draws", "outcome": "collapsed", "threshold": threshold, "threshold_given": False,
        "boxes": 1, "min_coverage": 0.5, "peel_alpha": 0.05, "mass_min": 0.05,
    }  # fmt: skip
    assert found["of_interest"] == int((shares >= threshold).sum()) and found["noise"]["replications"] == per
    assert f"each case is one draw (quasi-p counts draws, not partnerships); its P(collapse) is a share of {per} replications" in done.stdout
    for box in found["boxes"]:
        assert f"density {box['density']:.1%}" in done.stdout and f"coverage {box['coverage']:.1%}" in done.stdout
    plain = tmp_path / "plain"
    shutil.copytree(run_dir, plain, ignore=shutil.ignore_patterns("figures", "report.html", "draws.parquet", "discovery.*"))
    refused = command("sim-analyse", "discover", str(plain), "--cases", "draws")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "run sim-run uncertainty=prior" in refused.stderr
    assert not (plain / "discovery.json").exists()
    assert "--cases" in command("sim-analyse", "discover", "--help").stdout


def _browser():
    """Debian's chromium and Playwright, or a skip (a failure under CI=true) saying what is missing."""
    missing = []
    executable = shutil.which("chromium")
    if executable is None:
        missing.append("Debian's chromium (.ci/support/install-browser.sh installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        missing.append("playwright (pip install -e '.[dev]')")
    if missing:
        if os.environ.get("CI"):
            pytest.fail("browser test needs " + " and ".join(missing))
        pytest.skip("browser test needs " + " and ".join(missing))
    return executable, sync_playwright


FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.browser
@pytest.mark.parametrize("which", ["run_dir", "compare_dir", "sweep_dir"])
def test_each_report_opens_in_chromium_without_console_errors_and_is_not_blank(which, request, tmp_path):
    executable, sync_playwright = _browser()
    from PIL import Image

    folder = request.getfixturevalue(which)
    if not (folder / "report.html").is_file():
        report(folder)
    shot = tmp_path / f"{which}.png"
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
            page.goto((folder / "report.html").as_uri(), wait_until="load")
            images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert errors == []
    assert len(images) >= 3 and all(done and width > 0 for done, width in images)
    pixels = np.asarray(Image.open(shot).convert("L"), float)
    assert pixels.shape == (800, 1280)
    assert pixels.std() > 10 and (pixels < 128).mean() > 0.005, "the screenshot is blank"


def test_discover_on_a_sweep_searches_the_swept_columns(sweep_dir, tmp_path):
    _needs_the_workbench()
    folder = tmp_path / "sweep"
    shutil.copytree(sweep_dir, folder, ignore=shutil.ignore_patterns("figures", "report.html", "discovery.*"))
    done = command("sim-analyse", "discover", str(folder), "--threshold", "0.0")
    assert done.returncode == 0, done.stderr
    found = json.loads((folder / "discovery.json").read_text())
    assert found["cases"] == len(GRID) and found["inputs"] == ["partnership.decision_clarity", "partnership.market_volume"]
    assert found["of_interest"] == len(GRID) and found["boxes"] == []  # every point is of interest: nothing to separate
    assert "No box found" in done.stdout
    assert found["settings"]["table"] == "sweep.parquet" and found["settings"]["threshold"] == 0.0 and found["settings"]["threshold_given"]
    # --outcome on a sweep was refused ('applies to a run's partnerships'): a sweep's points could be told apart by P(collapse) only
    failure = command("sim-analyse", "discover", str(folder), "--outcome", "failure")
    assert failure.returncode == 0, failure.stderr
    found = json.loads((folder / "discovery.json").read_text())
    chances = pd.read_parquet(folder / "sweep.parquet")["failure.value"].to_numpy(float)
    assert found["settings"]["outcome"] == "failure" and found["settings"]["threshold"] == np.quantile(chances, 0.75)
    assert found["of_interest"] == int((chances >= np.quantile(chances, 0.75)).sum()) and "points with P(failure) >= " in failure.stdout


def test_a_stopped_report_leaves_the_earlier_page_and_figures_as_they_were(run_dir, tmp_path, monkeypatch):
    """Ctrl-C while sim-report wrote its figures: the new ones stood beside the earlier ones and the earlier page.

    It said "no results were written" all the same. The page and its figures now go in place
    together: stopped before, the earlier ones are left as they were.
    """
    import contextlib
    import io
    import signal

    from sim.cli import report as report_cli
    from sim.results import report as results_report

    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("figures", "report.html"))
    report(folder)
    for figure in (folder / "figures").iterdir():
        figure.write_bytes(b"the earlier report's " + figure.name.encode())
    before = {path.relative_to(folder): path.read_bytes() for path in [folder / "report.html", *(folder / "figures").iterdir()]}

    stop_after(monkeypatch, results_report, "save_figure")
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        assert report_cli.main([str(folder)]) == 128 + signal.SIGINT
    assert stderr.getvalue().startswith("error: stopped by SIGINT (Ctrl-C) before the run finished: no results were written")
    assert {path.relative_to(folder): path.read_bytes() for path in [folder / "report.html", *(folder / "figures").iterdir()]} == before
    assert not list(folder.rglob("*.tmp"))


def test_each_figure_taken_out_of_the_report_says_what_was_run(run_dir, compare_dir):
    """figures/*.png had no title: on a slide or in a paper, nothing said which scenario, policy or how many partnerships."""
    from sim.results.report import build

    def titles(fig) -> str:
        return " ".join(t.get_text().replace("\n", " ") for t in (*fig.texts, *(ax.title for ax in fig.axes)))

    run = build(run_dir).figures
    assert set(run) >= {"survival", "timing", "causes"}
    for stem, fig in run.items():
        assert "Baseline scenario, no lever (2,000 simulated partnerships, seed 8)" in titles(fig), stem
    compared = build(compare_dir).figures
    assert "Each lever against no lever (Baseline scenario)" in titles(compared["forest"])
    for stem in ("survival", "causes", "causes_failures"):
        assert "Baseline scenario" in titles(compared[stem]), stem


def test_the_money_of_a_comparison_says_its_period_and_gives_each_levers_cost_per_point(compare_dir):
    """sim-compare's money table and the page's said 'GBP m per partnership' and a lever cost of 0.14 beside a lever line saying
    'GBP 0.02 m at the start and GBP 0.01 m a year': over what period, and what a point of collapse avoided costs, they did not say."""
    page = html.unescape(report(compare_dir))
    horizon = json.loads((compare_dir / "summary.json").read_text())["run"]["horizon_months"]
    assert f"GBP m per partnership over {horizon // 12} years (the horizon): the lever cost is what a lever costs in all" in page
    assert "per point of collapse avoided (GBP m, 95% interval)" in page and "per point of collapse avoided: what a lever costs for each" in page

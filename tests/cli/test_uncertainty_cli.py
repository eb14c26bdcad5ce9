"""``sim-run`` and ``sim-compare`` with parameter uncertainty, end to end as real subprocesses."""

from __future__ import annotations

import hashlib
import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def run(command: str, out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    return subprocess.run([str(BIN / command), *args, f"hydra.run.dir={out}"], capture_output=True, text=True, timeout=900, env=env, check=False)


@pytest.fixture(scope="module")
def prior_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("prior")
    return run("sim-run", out, "uncertainty=prior", "replications=4000", "seed=2", "decisions.memory=0.2"), out


def test_sim_run_with_the_prior_prints_both_intervals_of_the_collapse_probability(prior_run):
    done, _ = prior_run
    assert done.returncode == 0, done.stderr
    assert "Uncertainty: prior. 160 parameter draws of up to 25 replications" in done.stdout
    line = next(x for x in done.stdout.splitlines() if x.strip().startswith("collapsed ") and "%" in x and x.count("[") == 2)
    assert line.count("%") >= 5
    # the outcomes' tables said their intervals were Monte Carlo only; the money table, whose net savings has a total below, did not
    assert "Money per partnership over 120 months (GBP m, mean and 95% interval): Monte Carlo intervals (the headline" in done.stdout


def test_summary_json_holds_the_monte_carlo_and_total_intervals(prior_run):
    _, out = prior_run
    summary = json.loads((out / "summary.json").read_text())
    collapsed = summary["outcomes"]["collapsed"]
    assert set(collapsed["monte_carlo"]) == {"low", "high"} and set(collapsed["total"]) == {"low", "high"}
    assert collapsed["total"]["low"] < collapsed["monte_carlo"]["low"] < collapsed["monte_carlo"]["high"] < collapsed["total"]["high"]
    u = summary["uncertainty"]
    assert u["mode"] == "prior" and u["draws"] == 160 and u["replications_per_draw"] == 25
    assert "decisions.memory" in u["fixed"] and "decisions.memory" not in u["drawn"] and "decisions.noise" in u["drawn"]
    assert "draws.parquet" in summary["run"]["files"]


def test_the_draws_and_each_replications_draw_are_written(prior_run):
    _, out = prior_run
    draws = pd.read_parquet(out / "draws.parquet")
    assert draws["draw"].tolist() == list(range(160)) and "decisions.noise" in draws and "decisions.memory" not in draws
    reps = pd.read_parquet(out / "replications.parquet", columns=["rep", "draw"])
    assert (reps["draw"] == reps["rep"] // 25).all()


def test_a_swept_assumption_is_held_at_each_points_value_while_the_others_are_drawn_from_the_posterior(tmp_path):
    """sim-run -m decisions.memory=0.3,0.7 under the default posterior: each point runs its own value in every draw, and says so."""
    args = ["-m", "decisions.memory=0.3,0.7", "replications=200", "replications_per_draw=10", f"hydra.sweep.dir={tmp_path}"]
    done = subprocess.run([str(BIN / "sim-run"), *args], capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    lines = [x for x in done.stdout.splitlines() if x.startswith("What was run:")]
    assert len(lines) == 2 and all(x.endswith("uncertainty: posterior (decisions.memory held at the value given, not drawn)") for x in lines)
    outcomes = []
    for point, memory in ((0, 0.3), (1, 0.7)):
        summary = json.loads((tmp_path / str(point) / "summary.json").read_text())
        assert summary["run"]["overrides"]["decisions.memory"] == memory and summary["run"]["held"] == ["decisions.memory"]
        assert "decisions.memory" not in summary["uncertainty"]["drawn"] and "decisions.noise" in summary["uncertainty"]["drawn"]
        draws = pd.read_parquet(tmp_path / str(point) / "draws.parquet")
        assert "decisions.memory" not in draws and "decisions.noise" in draws
        reps = pd.read_parquet(tmp_path / str(point) / "replications.parquet")
        assert set(reps["decisions.memory"].astype(str)) == {str(memory)}
        outcomes.append(reps["outcome"].astype(str).tolist())
    assert outcomes[0] != outcomes[1], "the same draws at both points: only the value held makes them differ"


def test_resume_does_not_take_a_run_that_drew_a_parameter_for_one_that_holds_it(tmp_path):
    """decisions.memory=0.08 (its default) holds it where a run without it draws it: resume=true skipped it as 'the same configuration'."""
    args = ("replications=40", "replications_per_draw=10", "partnership.horizon_months=24")
    assert run("sim-run", tmp_path, *args).returncode == 0
    assert "decisions.memory" in json.loads((tmp_path / "summary.json").read_text())["uncertainty"]["drawn"]
    done = run("sim-run", tmp_path, *args, "decisions.memory=0.08", "resume=true")
    assert done.returncode == 0, done.stderr
    assert "skipped" not in done.stderr
    u = json.loads((tmp_path / "summary.json").read_text())["uncertainty"]
    assert "decisions.memory" in u["fixed"] and "decisions.memory" not in u["drawn"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["uncertainty=prior", "replications=30"], "uncertainty=prior needs replications >= 50"),
        (["uncertainty=prior", "attribution=counterfactual", "replications=100"], "runs with uncertainty=none only"),
        (["uncertainty=sometimes"], "uncertainty = 'sometimes' is not one of none, prior, posterior"),
        (["uncertainty=posterior", "posterior=/nonexistent/sample.parquet"], "is not a file"),
        (["replications=10", "posterior=/nonexistent/sample.parquet"], "is not a file"),  # named, so checked even where the default gives way
        (["uncertainty=none", "posterior=sample.parquet"], "posterior = 'sample.parquet' is read only with uncertainty=posterior"),
        (["uncertainty=prior", "posterior=sample.parquet"], "(this run has uncertainty=prior)"),
    ],
)
@pytest.mark.parametrize("command", ["sim-run", "sim-compare"])
def test_bad_uncertainty_settings_exit_2_with_one_line(tmp_path, command, args, words):
    done = run(command, tmp_path, *args)
    assert done.returncode == 2, done.stderr
    errors = [x for x in done.stderr.splitlines() if x.startswith("error:")]
    assert len(errors) == 1 and words in errors[0]
    assert not (tmp_path / "summary.json").exists()


@pytest.mark.parametrize(
    ("command", "args", "reason"),
    [
        ("sim-run", ["replications=30"], "replications = 30 gives fewer than two parameter draws"),
        ("sim-run", ["attribution=counterfactual", "replications=60", "partnership.horizon_months=24"], "attribution = 'counterfactual' runs with"),
        ("sim-compare", ["precision=0.2", "partnership.horizon_months=24"], "precision = 0.2 targets Monte Carlo half-widths"),
    ],
)
def test_the_default_mode_gives_way_to_stated_values_where_a_run_cannot_take_draws(tmp_path, command, args, reason):
    """Chosen, such a mode is refused (above); left at the default, the run goes on at the stated values and says why."""
    done = run(command, tmp_path, *args)
    assert done.returncode == 0, done.stderr
    notes = [x for x in done.stderr.splitlines() if x.startswith("note:")]
    assert len(notes) == 1 and "uncertainty=none" in notes[0] and "default uncertainty=posterior" in notes[0] and reason in notes[0]
    assert "uncertainty: none" in done.stdout
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["uncertainty"]["mode"] == "none" and not (tmp_path / "draws.parquet").exists()
    assert summary["run"]["uncertainty"] == summary["provenance"]["config"]["uncertainty"] == "none", "the mode that ran, not the default"


def test_posterior_mode_without_a_shipped_posterior_refuses(tmp_path, monkeypatch, capsys):
    """A model version with no posterior shipped yet (before its calibration): one line naming posterior=PATH, exit 2, no folder.

    The test skipped whenever a posterior shipped, which is always: the version's posterior is now made missing.
    """
    from sim.cli import run as run_cli
    from sim.config import uncertainty

    monkeypatch.setattr(uncertainty, "shipped_path", lambda: tmp_path / "missing.parquet")
    assert run_cli.main(["uncertainty=posterior", f"hydra.run.dir={tmp_path / 'out'}"]) == 2
    stderr = capsys.readouterr().err
    assert stderr.count("error:") == 1 and "posterior=PATH" in stderr and not (tmp_path / "out").exists(), stderr


def test_a_posterior_given_by_path_is_used(tmp_path):
    sample = tmp_path / "sample.csv"
    pd.DataFrame({"dynamics.trust_recovery": [0.02, 0.05]}).to_csv(sample, index=False)
    done = run("sim-run", tmp_path / "out", "uncertainty=posterior", f"posterior={sample}", "replications=100", "replications_per_draw=10")
    assert done.returncode == 0, done.stderr
    draws = pd.read_parquet(tmp_path / "out" / "draws.parquet")
    assert set(draws["dynamics.trust_recovery"].round(6)) <= {0.02, 0.05} and "posterior_row" in draws
    assert "Uncertainty: posterior" in done.stdout


#: A short run drawing from a posterior: 2 draws of 20 replications, 24 months.
SHORT = ("replications=40", "replications_per_draw=20", "partnership.horizon_months=24")


def small_sample(folder: Path) -> Path:
    """A posterior sample worth about 1.5 points: 6 rows of the shipped sample, one weighted 0.8 (written in ``folder``)."""
    from sim.config.posterior import shipped_path

    sample = folder / "small.parquet"
    pd.read_parquet(shipped_path()).head(6).assign(weight=[0.8, 0.15, 0.02, 0.01, 0.01, 0.01]).to_parquet(sample)
    return sample


def test_a_posterior_worth_few_points_is_noted_recorded_and_shown_while_the_shipped_one_is_not(tmp_path):
    """sim-run posterior=small.parquet (6 rows of the shipped sample, one weighted 0.8: worth about 1.5 points) replications=400
    printed a total interval from 16 draws repeating a point or two, and nothing said so: one note now does, with its size and draws."""
    sample = small_sample(tmp_path)
    done = run("sim-run", tmp_path / "small", "uncertainty=posterior", f"posterior={sample}", *SHORT)
    assert done.returncode == 0, done.stderr
    notes = [x for x in done.stderr.splitlines() if x.startswith("note:")]
    assert len(notes) == 1 and f"posterior = '{sample}' is worth about 2 equally weighted points (effective sample size 2 of its 6 rows;" in notes[0]
    assert "its 2 parameter draws repeat those few points, so this run's total intervals understate the spread" in notes[0]
    recorded = json.loads((tmp_path / "small" / "summary.json").read_text())["uncertainty"]
    assert recorded["posterior_rows"] == 6 and round(recorded["posterior_effective_size"], 4) == 1.5078
    reported = subprocess.run([str(BIN / "sim-report"), str(tmp_path / "small")], capture_output=True, text=True, timeout=900, check=False)
    assert reported.returncode == 0, reported.stderr
    page = html.unescape((tmp_path / "small" / "report.html").read_text())
    assert f"{sample} (SHA-256 {recorded['posterior_sha256']}; effective sample size 2 of 6 rows)" in page
    compared = run("sim-compare", tmp_path / "compared", "policies=[none,continuity_plan]", "uncertainty=posterior", f"posterior={sample}", *SHORT)
    assert compared.returncode == 0, compared.stderr
    assert [x for x in compared.stderr.splitlines() if x.startswith("note:")] == notes
    # the page's totals carry the note as the printout's did (it showed only the size, in the provenance at its foot)
    reported = subprocess.run([str(BIN / "sim-report"), str(tmp_path / "compared")], capture_output=True, text=True, timeout=900, check=False)
    assert reported.returncode == 0, reported.stderr
    for folder in ("small", "compared"):
        page = html.unescape((tmp_path / folder / "report.html").read_text())
        assert f"<h2>Uncertainty</h2><p class=note>Note: {notes[0].removeprefix('note: ')}.</p>" in page, folder
    shipped = run("sim-run", tmp_path / "shipped", "uncertainty=posterior", *SHORT)
    assert shipped.returncode == 0, shipped.stderr
    assert "note:" not in shipped.stderr and json.loads((tmp_path / "shipped" / "summary.json").read_text())["uncertainty"]["posterior_effective_size"] > 1000


def test_a_posterior_written_anew_at_the_same_path_is_run_again_and_its_digest_recorded(tmp_path):
    """resume=true kept a run made from the sample a posterior file held before (its path was keyed, not its content).

    Reproduced with sim-calibrate ... out=cal twice (seeds 0 and 5) and sim-run posterior=cal/posterior.parquet resume=true
    between them: 'already done with the same configuration', 16% collapsed, where a fresh run from the new sample gave 24%.
    """
    sample, out = tmp_path / "sample.csv", tmp_path / "out"
    args = ("uncertainty=posterior", f"posterior={sample}", "replications=100", "replications_per_draw=10", "resume=true")
    for values in ([0.02, 0.05], [0.01, 0.06]):
        pd.DataFrame({"dynamics.trust_recovery": values}).to_csv(sample, index=False)
        done = run("sim-run", out, *args)
        assert done.returncode == 0, done.stderr
        assert "already done" not in done.stdout + done.stderr
        draws = pd.read_parquet(out / "draws.parquet")
        assert set(draws["dynamics.trust_recovery"].round(6)) <= set(values), "the draws come from the sample the file holds now"
        recorded = json.loads((out / "summary.json").read_text())["uncertainty"]
        assert recorded["posterior"] == str(sample) and recorded["posterior_sha256"] == hashlib.sha256(sample.read_bytes()).hexdigest()
    again = run("sim-run", out, *args)
    assert "already done" in again.stderr, "the same sample is still resumed"


def test_sim_compare_over_draws_reports_each_levers_effect_and_the_ranking(tmp_path):
    done = run(
        "sim-compare",
        tmp_path,
        "policies=[none,continuity_plan,open_motivations]",
        "uncertainty=prior",
        "replications=400",
        "replications_per_draw=20",
        "partnership.horizon_months=60",
        "decisions.memory=0.2",
    )
    assert done.returncode == 0, done.stderr
    assert "uncertainty: prior (decisions.memory held at the value given, not drawn)" in done.stdout
    assert json.loads((tmp_path / "summary.json").read_text())["run"]["held"] == ["decisions.memory"], "horizon_months is not an assumption"
    assert "Every policy ran the same 20 parameter draws" in done.stdout and "Ranking of the 2 levers by effect on collapse" in done.stdout
    summary = json.loads((tmp_path / "summary.json").read_text())
    ranking = summary["uncertainty"]["ranking"]["collapse"]
    assert set(ranking["order"]) == {"continuity_plan", "open_motivations"}
    same = ranking["same_ranking"]  # null (nan) when the run cannot bound it, and then it says why
    assert (same is None and ranking["unclear"] in ("noise", "no spread")) or (0 <= same <= 1 and ranking["unclear"] is None)
    frame = pd.read_parquet(tmp_path / "comparison.parquet")
    assert {"collapse_difference_total_low", "collapse_difference_q50", "collapse_best_share", "failure_difference_helps"} <= set(frame.columns)
    # sim-report of it left out the whole uncertainty section (helps in, ranked first, middle half, from parameters, the
    # ranking lines) and the words 'points' and 'paired': it now gives the section as sim-compare printed it
    reported = subprocess.run([str(BIN / "sim-report"), str(tmp_path)], capture_output=True, text=True, timeout=900, check=False)
    assert reported.returncode == 0, reported.stderr
    page = html.unescape((tmp_path / "report.html").read_text())
    printed = done.stdout[done.stdout.index("Uncertainty: prior.") : done.stdout.index("\nSeed ")]
    assert f"<h2>Uncertainty</h2><pre>{printed}</pre>" in page
    assert "<dt>points</dt>" in page and "<dt>paired</dt>" in page
    # the forest plot's caption said "its 95% interval" over a Monte Carlo bar and a paler total one
    assert "paired difference from the reference with its 95% Monte Carlo interval and, paler, its total interval" in page


@pytest.mark.parametrize("command", ["sim-run", "sim-compare"])
def test_a_run_skipped_as_done_says_nothing_of_the_small_posterior_it_would_draw_from(tmp_path, command):
    """sim-run (and sim-compare) posterior=small.parquet resume=true, already done: 'note: ... worth about 2 equally weighted
    points ... its 2 parameter draws repeat those few points' printed above 'This run (...) was already done ...: skipped'."""
    sample = small_sample(tmp_path)
    args = ("uncertainty=posterior", f"posterior={sample}", *SHORT, *(["policies=[none,continuity_plan]"] if command == "sim-compare" else []))
    done = run(command, tmp_path / "out", *args)
    assert done.returncode == 0 and done.stderr.count("note: ") == 1, done.stderr
    skipped = run(command, tmp_path / "out", *args, "resume=true")
    assert skipped.returncode == 0 and "was already done with the same configuration (resume=true): skipped" in skipped.stderr, skipped.stderr
    assert "note: " not in skipped.stderr

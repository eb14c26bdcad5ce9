"""Uncertainty modes: which parameter values each replication's draw takes, and refusals naming what is wrong."""

from __future__ import annotations

import shlex

import numpy as np
import pandas as pd
import pytest

from sim.config import assumptions as A
from sim.config.checks import ConfigError
from sim.config.posterior import shipped_path
from sim.config.scenarios import load
from sim.config.settings import DEFAULT_UNCERTAINTY, run_settings
from sim.config.uncertainty import SMALL_POSTERIOR, read_posterior, small_posterior_reason, small_posterior_words, uncertainty, uncertainty_problems
from sim.core.version import __version__


@pytest.fixture(scope="module")
def baseline():
    return load("baseline")


def test_none_draws_nothing_and_the_default_is_decided_in_one_place():
    assert uncertainty("none") is None
    assert run_settings({}).uncertainty == DEFAULT_UNCERTAINTY
    assert (uncertainty() is None) == (DEFAULT_UNCERTAINTY == "none")


def test_bad_modes_and_replications_per_draw_are_named():
    with pytest.raises(ConfigError) as err:
        uncertainty("priors", 1)
    assert err.value.problems == ["uncertainty = 'priors' is not one of none, prior, posterior", "replications_per_draw = 1 must be a whole number >= 2"]
    with pytest.raises(ConfigError) as err:
        run_settings({"uncertainty": "maybe", "replications_per_draw": 1, "posterior": 3})
    assert err.value.problems == [
        "uncertainty = 'maybe' is not one of none, prior, posterior",
        "replications_per_draw = 1 is outside [2, 100000000]",
        "posterior = 3 must be text",
    ]


def test_posterior_without_a_shipped_sample_refuses_in_one_line_naming_where_it_looked(tmp_path, monkeypatch):
    missing = tmp_path / "site-packages" / "sim" / "config" / "posterior" / f"{__version__}.parquet"
    monkeypatch.setattr("sim.config.uncertainty.shipped_path", lambda: missing)
    with pytest.raises(ConfigError) as err:
        uncertainty("posterior")
    assert len(err.value.problems) == 1
    line = err.value.problems[0]
    assert "uncertainty = 'posterior'" in line and __version__ in line and "posterior=PATH" in line and "uncertainty=prior" in line
    assert f"looked for {missing} " in line, "the absolute path of the installed package's file, not one relative to a checkout"


def test_replication_r_takes_draw_r_over_m_and_a_draw_depends_only_on_seed_and_index(baseline):
    u = uncertainty("prior", 10)
    assert u.draw_of(np.array([0, 9, 10, 25])).tolist() == [0, 0, 1, 2]
    whole = u.values(baseline, 4, np.arange(12))
    part = u.values(baseline, 4, np.array([11, 3]))
    assert whole.keys() == part.keys() and len(whole) == len(A.acting(baseline, A.free(baseline)))
    assert not any(path.startswith("levers.") for path in whole), "no lever is on in the baseline"
    for path, column in part.items():
        assert np.array_equal(column, whole[path][[11, 3]])
    other = u.values(baseline, 5, np.arange(12))
    assert any(not np.array_equal(other[p], whole[p]) for p in whole)


def test_points_in_a_batch_are_the_points_run_alone(baseline):
    u = uncertainty("prior", 3)
    points, point_of_rep, draw = u.batch(baseline, 2, np.arange(4, 11))
    assert draw.tolist() == [1, 1, 2, 2, 2, 3, 3]
    assert len(points) == 3 and point_of_rep.tolist() == [0, 0, 1, 1, 1, 2, 2]
    alone = u.point(baseline, 2, 7)
    assert alone.to_dict() == points[1].to_dict()
    assert alone.to_dict() != baseline.to_dict()


def test_a_value_the_user_fixed_or_the_scenario_set_is_never_drawn(baseline):
    fixed = uncertainty("prior", 5, fixed=["decisions.memory", "dynamics.trust_recovery"])
    cfg = load("baseline", overrides=["decisions.memory=0.2", "dynamics.trust_recovery=0.05"])
    values = fixed.values(cfg, 1, np.arange(20))
    assert "decisions.memory" not in values and "dynamics.trust_recovery" not in values
    assert all(p.decisions.memory == 0.2 and p.dynamics.trust_recovery == 0.05 for p in fixed.points(cfg, 1, np.arange(5)))
    case = load("case02_decision_slippage")
    set_by_case = [a.path for a in A.assumptions() if A.value(case, a.path) != a.default]
    assert set_by_case
    assert not set(set_by_case) & set(uncertainty("prior", 5).values(case, 1, np.arange(3)))


def test_shared_weights_still_sum_to_one_in_every_draw(baseline):
    for p in uncertainty("prior", 2).points(baseline, 9, np.arange(30)):
        d = p.decisions
        assert d.weight_savings + d.weight_service + d.weight_fit + d.weight_trust == pytest.approx(1.0)


def test_lever_costs_are_drawn_as_a_factor_on_each_levers_own_default():
    by_path = A.by_path()
    upfront = {name: by_path.get(f"levers.{name}.cost_upfront") for name in ("commercial_capability", "continuity_plan")}
    assert all(a is not None for a in upfront.values())
    ratios = [A.draw([a], 1, np.arange(2000))[a.path] / a.default for a in upfront.values()]
    assert np.allclose(np.quantile(ratios[0], [0.1, 0.5, 0.9]), np.quantile(ratios[1], [0.1, 0.5, 0.9]), atol=0.12)
    for r in ratios:
        assert r.min() >= 0.8 - 1e-12 and r.max() <= 3.0 + 1e-12 and np.mean(r) == pytest.approx(1.6, abs=0.05)
    no_running_cost = "levers.open_motivations.cost_per_year"
    assert no_running_cost not in by_path


def _posterior(tmp_path, frame: pd.DataFrame, name: str = "posterior.csv"):
    path = tmp_path / name
    if name.endswith(".csv"):
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    return path


def test_posterior_draws_take_whole_rows_by_weight_and_the_rest_from_the_prior(tmp_path, baseline):
    frame = pd.DataFrame({"decisions.memory": [0.1, 0.2, 0.3], "dynamics.trust_recovery": [0.011, 0.022, 0.033], "weight": [1.0, 0.0, 3.0]})
    u = uncertainty("posterior", 4, posterior=_posterior(tmp_path, frame, "posterior.parquet"))
    values = u.values(baseline, 3, np.arange(400))
    memory, trust = values["decisions.memory"], values["dynamics.trust_recovery"]
    assert set(np.round(memory, 6)) == {0.1, 0.3}
    assert np.allclose(trust, memory * 0.11)
    assert 0.65 < np.mean(memory == 0.3) < 0.85
    prior = uncertainty("prior", 4).values(baseline, 3, np.arange(400))
    assert np.array_equal(values["decisions.noise"], prior["decisions.noise"])
    columns = u.columns(baseline, 3, np.arange(5))
    assert columns["posterior_row"].tolist() == u.posterior.rows(3, np.arange(5)).tolist()


def test_a_bad_posterior_is_refused_one_line_per_problem(tmp_path):
    frame = pd.DataFrame({"decisions.memory": [0.1, 7.0], "councils.0.pace": [0.5, 0.5], "weight": [1.0, -1.0]})
    with pytest.raises(ConfigError) as err:
        read_posterior(_posterior(tmp_path, frame))
    problems = err.value.problems
    assert len(problems) == 3
    assert "column 'councils.0.pace' is not the path of an assumed parameter" in problems[0]
    assert "row 1: decisions.memory = 7 is outside [0.001, 1]" in problems[1]
    assert "weight must be finite, non-negative" in problems[2]
    with pytest.raises(ConfigError, match="is not a file"):
        read_posterior(tmp_path / "missing.parquet")
    with pytest.raises(ConfigError) as err:  # sim-run posterior= said "posterior = '.' is not a file"
        read_posterior("")
    assert err.value.problems[0].startswith("posterior = '' is not a file")


def test_a_posterior_with_text_or_gaps_or_garbage_is_refused_by_row_and_file(tmp_path):
    text = tmp_path / "text.csv"
    text.write_text("decisions.memory,weight\n0.1,1\nlots,1\n")
    with pytest.raises(ConfigError) as err:
        read_posterior(text)
    assert err.value.problems == [f"posterior = {str(text)!r}, row 1: decisions.memory = nan is outside [0.001, 1]"]
    gap = tmp_path / "gap.parquet"
    pd.DataFrame({"decisions.memory": [0.1, None], "weight": [1.0, None]}).to_parquet(gap)
    with pytest.raises(ConfigError) as err:
        read_posterior(gap)
    assert err.value.problems[0].startswith(f"posterior = {str(gap)!r}, row 1: decisions.memory = nan")
    assert "weight must be finite" in err.value.problems[1]
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not parquet at all")
    with pytest.raises(ConfigError) as err:
        read_posterior(garbage)
    assert len(err.value.problems) == 1 and err.value.problems[0].startswith(f"posterior = {str(garbage)!r} cannot be read as Parquet: ")


def test_a_misspelt_posterior_column_is_offered_the_closest_parameter(tmp_path):
    """Every unknown column was offered decisions.memory, however close it was to another parameter."""
    frame = pd.DataFrame({"exogenous.stanse": [0.1], "decisions.memory": [0.1]})
    with pytest.raises(ConfigError) as err:
        read_posterior(_posterior(tmp_path, frame))
    assert err.value.problems[0].endswith("column 'exogenous.stanse' is not the path of an assumed parameter (did you mean exogenous.stance?)")


def test_a_posterior_under_home_or_relative_is_read_and_recorded_by_its_absolute_path(tmp_path, monkeypatch):
    """posterior='~/cal one/posterior.parquet' was 'not a file' (targets= and out= read ~), and a relative one was recorded relative."""
    (tmp_path / "cal one").mkdir()
    path = _posterior(tmp_path / "cal one", pd.read_parquet(shipped_path()).head(3), "posterior.parquet")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert read_posterior("~/cal one/posterior.parquet").source == str(path)
    monkeypatch.chdir(tmp_path)
    assert read_posterior("cal one/posterior.parquet").source == str(path)
    with pytest.raises(ConfigError) as err:
        read_posterior("~/cal two/posterior.parquet")
    assert err.value.problems[0].startswith("posterior = '~/cal two/posterior.parquet' is not a file")


def test_a_calibration_folder_given_as_the_posterior_is_named_a_folder_with_the_file_it_holds(tmp_path, monkeypatch):
    """posterior='cal one' (the folder sim-calibrate wrote, given for its sample) said only 'is not a file'."""
    (tmp_path / "cal one").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as err:
        read_posterior("cal one")
    assert err.value.problems == [
        "posterior = 'cal one' is a folder, not a file (a Parquet or CSV table, one column per parameter path plus optional weight;"
        " sim-calibrate writes it as posterior.parquet in its folder)"
    ]


def test_a_posterior_prints_its_source_and_size_not_its_samples() -> None:
    """Printing model.uncertainty (a PartnershipModel's) printed every sampled value of every posterior parameter."""
    posterior = read_posterior(shipped_path())
    assert repr(posterior) == f"Posterior(source={posterior.source!r}, {len(posterior.values)} parameters x {len(posterior.weights)} samples)"
    assert len(repr(uncertainty("posterior"))) < 400


def _few_points(tmp_path) -> str:
    """Six rows of the shipped posterior, one carrying most of the weight: worth about 1.5 points."""
    frame = pd.read_parquet(shipped_path()).head(6).assign(weight=[0.8, 0.15, 0.02, 0.01, 0.01, 0.01])
    return str(_posterior(tmp_path, frame, "small.parquet"))


def test_a_run_drawing_from_a_posterior_worth_few_points_says_its_total_intervals_are_understated(tmp_path, baseline):
    """A posterior worth about 1.5 points gave 16 draws and a total interval with no word that they repeat a point or two."""
    settings = run_settings({"uncertainty": "posterior", "posterior": _few_points(tmp_path), "replications": 400})
    drawn, problems, note = uncertainty_problems(settings, [])
    assert problems == [] and drawn is not None
    assert note.startswith(f"note: posterior = {settings.posterior!r} is worth about 2 equally weighted points (effective sample size 2 of its 6 rows;")
    assert "its 16 parameter draws repeat those few points" in note and "total intervals understate the spread" in note
    assert drawn.describe(baseline)["posterior_effective_size"] == pytest.approx(1.5078, abs=1e-4)
    assert drawn.describe(baseline)["posterior_rows"] == 6
    by_precision = run_settings({"uncertainty": "posterior", "posterior": settings.posterior, "precision": 0.05})
    assert "its parameter draws (as many as precision= needs) repeat" in uncertainty_problems(by_precision, [])[2]


def test_the_shipped_posterior_and_the_prior_draw_without_that_note(baseline):
    drawn, problems, note = uncertainty_problems(run_settings({"uncertainty": "posterior", "replications": 4000}), [])
    assert problems == [] and note is None and drawn.describe(baseline)["posterior_effective_size"] > 1000
    assert uncertainty_problems(run_settings({"uncertainty": "prior", "replications": 4000}), [])[2] is None


def test_the_note_starts_below_a_sample_worth_one_point_beyond_each_end_of_a_95_percent_interval(tmp_path):
    assert SMALL_POSTERIOR == 1 / 0.025
    shipped = pd.read_parquet(shipped_path()).drop(columns="weight")
    for rows, noted in ((SMALL_POSTERIOR, False), (SMALL_POSTERIOR - 1, True)):
        path = _posterior(tmp_path, shipped.head(rows), f"equal{rows}.csv")
        settings = run_settings({"uncertainty": "posterior", "posterior": str(path), "replications": 400})
        assert (uncertainty_problems(settings, [])[2] is not None) == noted, rows


def test_a_posterior_worth_just_under_40_points_is_not_said_to_be_worth_40() -> None:
    """A posterior worth 39.6 points was noted as 'worth about 40 ... needs 40': the check rounds to 9 places, the words
    rounded to 0. The words give it as 39.6; a whole number where that reads below 40; none from 40 on."""
    assert "worth about 39.6 equally weighted points (effective sample size 39.6 of its 50 rows;" in small_posterior_words("p.parquet", 39.6, 50, 16)
    assert small_posterior_reason(39.96, 50).startswith("worth about 39.9 equally weighted points")
    assert small_posterior_reason(39.4, 50).startswith("worth about 39 equally weighted points (effective sample size 39 of its 50 rows;")
    one = "worth about 1 equally weighted point (effective sample size 1 of its 1 row; a 95% total interval needs 40 for one beyond each end)"
    assert small_posterior_reason(1.2, 1) == one
    assert small_posterior_reason(40.0, 40) is None and small_posterior_words("p.parquet", 40.0 - 1e-12, 40, 16) is None


def test_the_uncertainty_page_says_what_a_run_from_a_posterior_worth_few_points_notes() -> None:
    """docs/uncertainty.md (experiments/uncertainty.py's) described posterior= without the note a run drawing from a sample
    worth fewer than 40 points prints."""
    from pathlib import Path

    page = " ".join((Path(__file__).resolve().parents[2] / "docs" / "uncertainty.md").read_text(encoding="utf-8").split())
    assert f"a sample worth fewer than {SMALL_POSTERIOR} equally weighted points" in page
    assert "print a `note:` line that the run's total intervals are understated" in page


def test_a_posteriors_provenance_given_for_it_names_the_sample_beside_it(tmp_path) -> None:
    """sim-calibrate writes posterior.parquet and posterior.json side by side; posterior=.../posterior.json was refused with
    pyarrow's "Parquet magic bytes not found in footer" line, which did not say which file to give."""
    sample = _posterior(tmp_path, pd.read_parquet(shipped_path()).head(50), "posterior.parquet")
    (tmp_path / "posterior.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_posterior(tmp_path / "posterior.json")
    given = f"posterior = '{tmp_path / 'posterior.json'}'"
    assert err.value.problems == [f"{given} is the provenance of the posterior sample beside it, not the sample: give {shlex.quote(f'posterior={sample}')}"]


def test_the_draws_a_span_of_replications_runs_are_counted_in_one_place() -> None:
    """sim-run, the posterior note and run_ensemble each counted a run's parameter draws their own way (a ceiling
    division that ignored first_rep, and np.ptp of two draws); Uncertainty.draws_for serves all three."""
    u = uncertainty("prior", 25)
    assert [u.draws_for(n) for n in (1, 10, 25, 26, 400)] == [1, 1, 1, 2, 16]
    assert u.draws_for(50, first_rep=20) == 3, "replications 20-69 run draws 0, 1 and 2"
    assert u.draws_for(25, first_rep=25) == 1

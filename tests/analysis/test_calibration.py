"""History matching pieces: event durations from the replication table, target statistics, emulators, implausibility, weights."""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from sim.analysis import calibration as C
from sim.config import assumptions as A
from sim.config.calibration import targets_from
from sim.config.posterior import effective_size
from sim.config.scenarios import load
from sim.frontends.table import Table


def table(launch, end, outcome, exits):
    """A replication table with the columns event_years reads; ``exits`` is ``(R, K)`` exit months (-1: stayed)."""
    exits = np.asarray(exits)
    labels = ("shelved", "collapsed", "underperforming", "sustained")
    columns = {
        "launch_month": np.asarray(launch),
        "end_month": np.asarray(end),
        "outcome": np.array([labels.index(o) for o in outcome]),
        **{f"c{k}_exit_month": exits[:, k] for k in range(exits.shape[1])},
    }
    return Table(columns, {"outcome": labels})


def test_a_breakup_is_the_first_founding_exit_after_launch_or_the_collapse():
    t = table(
        launch=[13, 1, -1, 25, 10],
        end=[120, 61, 30, 120, 40],
        outcome=["sustained", "collapsed", "shelved", "underperforming", "collapsed"],
        exits=[[-1, 37, 49], [61, 61, -1], [-1, -1, -1], [-1, -1, -1], [5, -1, -1]],
    )
    years = C.event_years(t, "breakup")
    np.testing.assert_allclose(years[:2], [2.0, 5.0])
    assert np.isnan(years[2]) and np.isnan(years[3])
    assert years[4] == pytest.approx(2.5)  # the exit before launch does not count; the collapse does
    collapse = C.event_years(t, "collapse")
    assert np.isnan(collapse[0]) and collapse[1] == pytest.approx(5.0) and collapse[4] == pytest.approx(2.5)


def targets(**extra):
    raw = {
        "event": "breakup",
        "horizon_months": 240,
        "statistics": [
            {"name": "early", "kind": "duration_share", "years": [0, 2], "observed": 0.5, "sd": 0.1},
            {"name": "by5", "kind": "breakup_by", "years": 5, "observed": 0.3, "sd": 0.05},
        ],
    }
    return targets_from({**raw, **extra})


def test_statistics_of_durations_without_and_with_an_observation_window():
    runs = C.Runs([np.array([1.0, 1.5, 3.0, 9.0]), np.array([])], np.array([10, 5]))
    values, var = C.statistics(runs, targets())
    np.testing.assert_allclose(values[0], [0.5, 0.3])
    assert var[0, 0] == pytest.approx(0.25 / 4) and var[0, 1] == pytest.approx(0.21 / 10)
    assert np.isnan(values[1, 0]) and values[1, 1] == 0.0  # no break-up: the share among break-ups is undefined
    # a record started in 2020 and seen until 2024 can only have lasted 0-4 years: 9.0 cannot count for it
    windowed = targets(window=[2010.0, 2024.0], records=[{"start": 2020.0, "end": 2021.0}, {"start": 2000.0, "end": 2011.0}])
    limits = windowed.limits()
    np.testing.assert_allclose(limits, [[0.0, 4.0], [10.0, 20.0]])
    runs = C.Runs([np.array([1.0, 1.5, 3.0, 9.0, 12.0])], np.array([10]))
    values, _ = C.statistics(runs, targets(window=[2010.0, 2024.0], records=[{"start": 2020.0, "end": 2021.0}, {"start": 2019.0, "end": 2023.0}]))
    # record 1 sees [0, 4): 2 of 3 early; record 2 sees [0, 5): 2 of 3 early
    assert values[0, 0] == pytest.approx(2 / 3)
    values, _ = C.statistics(runs, windowed)
    # record 1: 2 of 3 early; record 2 sees [10, 20): only 12.0, not early
    assert values[0, 0] == pytest.approx((2 / 3 + 0.0) / 2)


def test_the_emulator_reproduces_a_quadratic_and_falls_back_to_fewer_terms_with_few_points():
    rng = np.random.default_rng(0)
    u = rng.random((200, 3))
    y = np.column_stack([1 + 2 * u[:, 0] - u[:, 1] * u[:, 2] + 0.5 * u[:, 2] ** 2, u[:, 0]])
    emulator = C.Emulator(u, y)
    assert emulator.form == "quadratic"
    test = rng.random((50, 3))
    mean, var = emulator.predict(test)
    np.testing.assert_allclose(mean[:, 0], 1 + 2 * test[:, 0] - test[:, 1] * test[:, 2] + 0.5 * test[:, 2] ** 2, atol=1e-4)
    assert (emulator.r2 > 0.999).all() and (var < 1e-6).all()
    assert C.Emulator(rng.random((12, 10)), rng.random((12, 1))).form == "linear"
    noisy = C.Emulator(u, y + rng.normal(0, 0.1, y.shape))
    assert noisy.predict(test)[1].min() > 0.005  # the noise is in the emulator's variance


def test_implausibility_rules_out_points_far_from_the_targets_given_every_variance():
    t = targets()
    mean = np.array([[0.5, 0.3], [0.5, 0.6], [np.nan, 0.3]])
    var = np.zeros((3, 2))
    out = C.implausibility(mean, var, t)
    assert out[0] == 0.0 and out[1] == pytest.approx(0.3 / 0.05) and np.isinf(out[2])
    assert C.implausibility(mean, np.full((3, 2), 0.0375), t)[1] == pytest.approx(0.3 / np.sqrt(0.05**2 + 0.0375))


def test_weights_favour_points_whose_statistics_match_and_ignore_ruled_out_points():
    t = targets()
    values = np.array([[0.5, 0.3], [0.6, 0.35], [0.5, 0.3]])
    ll = C.log_likelihood(values, np.zeros_like(values), t)
    w = C.weights_of(ll, np.array([True, True, False]))
    assert w[2] == 0 and w[0] > w[1] > 0 and w.sum() == pytest.approx(1.0)


def test_weighted_quantiles_match_numpy_with_equal_weights_and_follow_the_weights():
    x = np.arange(101.0)
    assert C.weighted_quantile(x, 0.5) == pytest.approx(50.0)
    lo, hi = C.interval(x)
    assert lo == pytest.approx(np.quantile(x, 0.05), abs=0.6) and hi == pytest.approx(np.quantile(x, 0.95), abs=0.6)
    w = np.where(x > 80, 1.0, 0.0)
    assert C.weighted_quantile(x, 0.5, w) == pytest.approx(90.5, abs=0.6)


def test_many_points_per_batch_give_the_same_durations_as_one_point_per_batch():
    cfg = C.with_horizon(load("baseline", "none"), 60)
    items = [A.by_path()[p] for p in ("decisions.outside_option", "decisions.noise")]
    u = np.array([[0.1, 0.9], [0.9, 0.1], [0.5, 0.5]])
    together = C.simulate_points(cfg, items, u, event="breakup", seed=4, replications=40, workers=2, batch_points=3)
    alone = C.simulate_points(cfg, items, u, event="breakup", seed=4, replications=40, workers=1, batch_points=1)
    for a, b in zip(together.durations, alone.durations, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(together.launched, alone.launched)
    assert not np.array_equal(together.durations[1], together.durations[0])  # the points' parameters reach their replications


def test_calibrated_items_default_to_the_targets_list_and_refuse_unknown_paths():
    cfg = load("baseline", "none")
    t = targets(parameters=["decisions.memory", "exogenous.stance"])
    assert [a.path for a in C.calibrated_items(cfg, None, t)] == ["decisions.memory", "exogenous.stance"]
    assert [a.path for a in C.calibrated_items(cfg, ["decisions.noise"], t)] == ["decisions.noise"]
    with pytest.raises(KeyError, match=r"decisions\.bogus"):
        C.calibrated_items(cfg, ["decisions.bogus"], t)
    assert all(not a.path.startswith("levers.") for a in C.calibrated_items(cfg, None, targets()))


def test_the_change_from_prior_to_posterior_sees_a_change_of_shape_and_knows_its_noise():
    rng = np.random.default_rng(5)
    prior = rng.random(4000)
    same = C._total_variation(prior, prior, np.ones(len(prior)))
    skewed = C._total_variation(prior, prior, 1.0 - prior)  # same range and nearly the same spread, another shape
    apart = C._total_variation(prior, prior[prior < 0.3], np.ones(int((prior < 0.3).sum())))
    assert same == 0.0 and 0.2 < skewed < 0.3 and apart > 0.6
    assert C.change_noise(1000, 1000) < C.change_noise(100, 1000)
    independent = C._total_variation(prior, rng.random(1000), np.ones(1000))
    assert independent < 2 * C.change_noise(1000, 4000)


def test_the_report_of_a_small_calibration_says_its_runtime_in_seconds_and_that_its_points_are_too_few_to_tell():
    """A few seconds read 'runtime 0.0 minutes'; a noise threshold above 1 listed every parameter as hardly informed."""
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    t = load_targets("uk_breakups")
    items = C.calibrated_items(cfg, ["decisions.memory", "decisions.outside_option"], t)
    result = C.calibrate(cfg, t, items, seed=4, replications=20, points=30, waves=1)
    result.info["runtime_s"] = 3.2
    report = C.render(result, {"prior_posterior": "p.png", "predictive": "q.png"})
    assert "runtime 3 s." in report and "0.0 minutes" not in report
    assert "cannot be told with this few points" in report and "Parameters the timing hardly informs" not in report
    # the size sim-calibrate prints is the one a run drawing from the posterior it writes records and notes (sim.config.uncertainty)
    assert effective_size(result.posterior["weight"].to_numpy()) == pytest.approx(result.info["effective_sample_size"])
    result.info["runtime_s"] = 324.0
    assert "runtime 5.4 minutes." in C.render(result, {"prior_posterior": "p.png", "predictive": "q.png"})


def test_a_figure_of_the_report_that_rounds_to_zero_reads_0_00_not_minus_0_00(monkeypatch):
    """docs/calibration.md gave dynamics.maturity_months a narrowing of -0.00 (a posterior a hair wider than its prior): a
    narrowing, a shift or an emulator's R² that rounds to zero now reads 0.00; one that does not keeps its sign."""
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    t = load_targets("uk_breakups")
    items = C.calibrated_items(cfg, ["decisions.memory", "decisions.outside_option"], t)
    result = C.calibrate(cfg, t, items, seed=4, replications=20, points=30, waves=1)
    result.info["wave_table"][0]["emulator_r2"] = dict.fromkeys(result.info["wave_table"][0]["emulator_r2"], -0.004)
    table = C.parameter_table

    def near_zero(calibration: C.Calibration):
        params = table(calibration)
        params[["narrowing", "shift"]] = [[-0.004, -0.003], [-0.05, 0.004]]
        return params

    monkeypatch.setattr(C, "parameter_table", near_zero)
    report = C.render(result, {"prior_posterior": "p.png", "predictive": "q.png"})
    memory = next(line for line in report.splitlines() if line.startswith("| `decisions.memory` |"))
    outside = next(line for line in report.splitlines() if line.startswith("| `decisions.outside_option` |"))
    assert memory.split(" | ")[-3:-1] == ["0.00", "0.00"] and outside.split(" | ")[-3:-1] == ["-0.05", "0.00"]
    assert "-0.00" not in report and "+0.00" not in report


def test_a_first_runs_compiling_is_not_counted_in_the_runtime_nor_in_wave_1s_simulation(slow_first_compile):
    """A first sim-calibrate printed 'Compiled in 39 s', then 'wave 1: ... simulated in 39 s' and wave 2 'in 0 s' for as many points."""
    from sim.config.calibration import load_targets

    compiling = slow_first_compile
    cfg = load("baseline", "none")
    t = load_targets("uk_breakups")
    items = C.calibrated_items(cfg, ["decisions.memory", "decisions.outside_option"], t)
    result = C.calibrate(cfg, t, items, seed=4, replications=20, points=10, waves=1)
    assert compiling._ready, "the month was compiled"
    assert result.info["wave_table"][0]["simulation_s"] < 1.5 and result.info["runtime_s"] < 1.5


def test_a_change_within_the_noise_of_too_few_points_is_not_called_hardly_informed_and_the_run_warns():
    """sim-calibrate points=100 waves=2 replications=40 (effective sample size 62, sampling noise 0.29) listed all 20 parameters
    as ones 'the timing hardly informs ... Their posterior is close to their prior', decisions.memory at a change of 0.27 among
    them, where the shipped calibration's points tell that the timing does inform it (0.24); nothing warned of the small sample."""
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    t = load_targets("uk_breakups")
    result = C.calibrate(cfg, t, C.calibrated_items(cfg, None, t), seed=0, replications=40, points=100, waves=2)
    noise, threshold = C.change_threshold(result)
    changes = C.parameter_table(result).set_index("parameter")["change"]
    assert C.INFORMED <= changes["decisions.memory"] < threshold <= 1
    report = C.render(result, {"prior_posterior": "p.png", "predictive": "q.png"})
    hardly = next(line for line in report.splitlines() if line.startswith("- **Parameters the timing hardly informs**"))
    placed = next(line for line in report.splitlines() if line.startswith("- **Parameters these points cannot place**"))
    assert "(change below 0.15)" in hardly and "`decisions.memory`" not in hardly
    assert f"`decisions.memory` ({changes['decisions.memory']:.2f})" in placed and f"change 0.15 to {threshold:.2f}" in placed
    assert C.emulator_notes(result.waves) in report and "*squares*" in report, "its emulators were squares, some with an R² below 0"
    unplaced = int(((changes >= C.INFORMED) & (changes < threshold)).sum())
    assert C.too_few_points(result) == (
        f"effective sample size {result.info['effective_sample_size']:.0f} is too small to tell whether the targets inform"
        f" {unplaced} parameters: sampling noise alone gives a change of about {noise:.2f}; run more points (and waves)"
    )


def test_the_runs_table_says_what_an_emulator_short_of_quadratic_and_an_r2_below_0_mean():
    """sim-calibrate points=100 (20 parameters) fitted 'squares' emulators with left-one-out R² of -0.45 and -0.68, under a method
    that speaks of quadratic regressions only; nothing said what 'squares' is or what an R² below 0 means for the fit."""
    waves = [
        {"wave": 1, "emulator": "squares", "emulator_r2": {"early": 0.82, "late": -0.45}},
        {"wave": 2, "emulator": "linear", "emulator_r2": {"early": 0.74, "late": 0.11}},
    ]
    notes = C.emulator_notes(waves)
    assert "*squares*, every parameter and its square, no products" in notes and "*linear*, every parameter alone" in notes
    assert "An R² below 0 (wave 1 `late`) means the emulator predicts that statistic worse than its mean" in notes
    assert C.emulator_notes([{"wave": 1, "emulator": "quadratic", "emulator_r2": {"early": 0.97, "late": 0.73}}]) == "", "the shipped page"


def test_a_misspelt_calibrated_parameter_is_offered_the_closest_one():
    """Every unknown path was offered decisions.memory, however close it was to another parameter."""
    with pytest.raises(KeyError) as err:
        C.calibrated_items(load("baseline", "none"), ["exogenous.stanse", "nothing_like_it"], targets())
    assert err.value.args[0] == (
        "parameters: 'exogenous.stanse' is not an assumed parameter with a plausible range (did you mean exogenous.stance?); "
        "parameters: 'nothing_like_it' is not an assumed parameter with a plausible range (e.g. decisions.memory)"
    )


def test_the_report_says_of_a_users_targets_only_what_holds_for_them():
    """A user's targets or parameters= got the UK record's prose: '17 records', 'no denominator', 'The 20 parameters calibrated'."""
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    figures = {"prior_posterior": "p.png", "predictive": "q.png"}
    uk = load_targets("uk_breakups")
    shipped = C.render(C.calibrate(cfg, uk, C.calibrated_items(cfg, None, uk), seed=1, replications=20, points=30, waves=1), figures)
    for words in ("# Calibration to the record of break-ups", "with 17 records", uk.notes, "no denominator", "**Small n.** 17 records"):
        assert words in shipped, words
    assert "Correlations between bins are ignored" in shipped and "Calibrated here" not in shipped
    chosen = C.calibrated_items(cfg, ["decisions.memory", "decisions.outside_option"], uk)
    subset = C.render(C.calibrate(cfg, uk, chosen, seed=1, replications=20, points=20, waves=1), figures)
    assert uk.notes not in subset
    assert "Calibrated here: 2 parameters given with `parameters=` (`decisions.memory`, `decisions.outside_option`)" in subset
    mine = targets_from(
        {
            "name": "my_region",
            "event": "collapse",
            "horizon_months": 120,
            "parameters": ["decisions.outside_option"],
            "statistics": [{"name": "collapsed_by_5_years", "kind": "breakup_by", "years": 5, "observed": 0.2, "sd": 0.05}],
        }
    )
    own = C.render(C.calibrate(cfg, mine, C.calibrated_items(cfg, None, mine), seed=1, replications=20, points=20, waves=1), figures)
    assert own.startswith("# Calibration to the targets `my_region`") and "with 1 target statistic the targets are weak" in own
    for words in ("17 records", "no denominator", "Small n", "break-ups could move it", "Correlations between bins", "longest record"):
        assert words not in own, words
    assert "standard deviations (0.05, from the targets file)" in own


def test_a_statistic_outside_its_predictive_interval_is_called_a_structural_misfit_only_if_no_plausible_point_reaches_it():
    """docs/calibration.md called `breakup_after_2_to_4_years` (observed 0.176, posterior predictive 0.177-0.422) a structural
    misfit that "the model cannot reproduce at any plausible parameter point", while plausible points did reproduce it."""
    import pandas as pd

    pred = pd.DataFrame(
        {"statistic": ["a", "b"], "observed": [0.176, 0.9], "posterior_low": [0.177, 0.1], "posterior_high": [0.422, 0.3], "posterior_median": [0.3, 0.2]}
    )
    design = pd.DataFrame({"stat.a": [0.15, 0.3, 0.4, 0.1], "stat.b": [0.2, 0.25, 0.3, 0.95], "weight": [0.2, 0.5, 0.3, 0.0]})
    line = C._verdict(pred, design)
    assert "1 of the 3 points of the posterior sample simulate a value as far out" in line  # a: 0.15 <= 0.176; 0.1 has no weight
    assert "0 of the 3 points" in line and "No plausible parameter point reproduces `b`: a structural misfit" in line
    assert "Plausible points do reproduce `a`: the posterior puts less than 5%" in line and "reproduces `a`" not in line


def test_a_predictive_interval_holds_the_error_of_a_record_of_the_observed_size():
    """The predictive check compared the observed share of 17 records with the spread of the model's expected shares alone.

    A model that expects 0.3 everywhere then had the interval 0.3-0.3, and 0.176 (within 1.4 of its
    standard deviations of 0.09) was "outside". The interval now adds the error the fit allows.
    """
    same = np.full(200, 0.3)
    row = C._predictive("a", 0.176, 0.09, math.hypot(0.09, 0.03), (same, same, np.ones(200)), 0)
    assert row["posterior_low"] < 0.176 < row["posterior_high"] and row["prior_low"] < 0.176 < row["prior_high"]
    assert abs((row["posterior_high"] - row["posterior_low"]) - 2 * 1.645 * math.hypot(0.09, 0.03)) < 0.03
    assert row["observed_sd"] == 0.09 and abs(row["posterior_median"] - 0.3) < 0.01
    model_only = C._predictive("b", math.nan, math.nan, 0.0, (same, same, np.ones(200)), -1)
    assert model_only["posterior_low"] == model_only["posterior_high"] == 0.3


def test_a_parameter_listed_twice_is_refused_naming_it():
    """parameters: [decisions.memory, decisions.memory] calibrated the same parameter as two columns of one design, silently."""
    cfg = load("baseline", "none")
    with pytest.raises(KeyError) as err:
        C.calibrated_items(cfg, ["decisions.memory", "exogenous.stance", "decisions.memory", "decisions.bogus"], targets())
    assert str(err.value.args[0]).split("; ")[1] == "parameters: 'decisions.memory' is listed 2 times: list each parameter once"


def test_the_report_names_the_users_own_file_and_not_the_shipped_one(tmp_path):
    """A copy of uk_breakups.yaml with other observations gave a page that read 'Targets `uk_breakups`' like the shipped set's."""
    from sim.config.calibration import load_targets, shipped_path

    copy = tmp_path / "uk_breakups.yaml"
    copy.write_text(shipped_path().read_text(encoding="utf-8"), encoding="utf-8")
    cfg = load("baseline", "none")
    figures = {"prior_posterior": "p.png", "predictive": "q.png"}
    for t, named in ((load_targets(copy), True), (load_targets("uk_breakups"), False)):
        items = C.calibrated_items(cfg, ["decisions.outside_option"], t)
        page = C.render(C.calibrate(cfg, t, items, seed=1, replications=20, points=10, waves=1), figures)
        assert (f"Targets `uk_breakups` from the file `{copy}`;" in page) is named
        assert "from the file" in page or not named


def test_targets_the_model_cannot_reach_are_said_to_be_out_of_reach_instead_of_giving_an_empty_posterior():
    """Targets no parameter point could reach gave exit 0, an empty posterior.parquet and a page of nan and inf."""
    cfg = load("baseline", "none")
    t = targets(
        statistics=[
            {"name": "within_half_year", "kind": "duration_share", "years": [0, 0.5], "observed": 0.9, "sd": 0.03},
            {"name": "by_10", "kind": "breakup_by", "years": 10, "observed": 0.4, "sd": 0.2},
        ]
    )
    result = C.calibrate(cfg, t, C.calibrated_items(cfg, ["decisions.outside_option"], t), seed=1, replications=20, points=10, waves=1)
    lines = C.unreached(result)
    assert len(result.posterior) == 0 and len(lines) == 2
    assert lines[0].startswith("statistics: `within_half_year` observed 0.9 is out of the model's reach: the 10 simulated points gave 0 to ")
    assert "no parameter point is plausible after 10 simulated points, so there is no posterior and nothing was written" in lines[1]
    reachable = targets(statistics=[{"name": "by_10", "kind": "breakup_by", "years": 10, "observed": 0.4, "sd": 0.2}])
    fitted = C.calibrate(cfg, reachable, C.calibrated_items(cfg, ["decisions.outside_option"], reachable), seed=1, replications=20, points=10, waves=1)
    assert C.unreached(fitted) == [] and C.predictive_verdict(fitted).startswith("The observed value lies inside")


def _study():
    """``experiments/calibration.py`` as a module."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("calibration_study", Path(__file__).resolve().parents[2] / "experiments" / "calibration.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_study_refuses_targets_out_of_reach_as_sim_calibrate_does_and_writes_nothing(tmp_path, capsys):
    """experiments/calibration.py wrote an empty posterior and a page of nan for targets no point could reach (sim-calibrate exits 2)."""
    mine = tmp_path / "unreachable.yaml"
    mine.write_text(
        "name: unreachable\nhorizon_months: 120\nparameters: [decisions.outside_option]\n"
        "statistics:\n  - {name: within_half_year, kind: duration_share, years: [0, 0.5], observed: 0.9, sd: 0.03}\n",
        encoding="utf-8",
    )
    out = tmp_path / "study"
    small = ["--points", "10", "--waves", "1", "--replications", "20", "--workers", "1", "--out", str(out)]
    assert _study().main(["--targets", str(mine), *small]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]  # not numba's 'Compiling the model' lines
    assert len(errors) == 2 and errors[0].startswith("error: statistics: `within_half_year` observed 0.9 is out of the model's reach")
    assert "nothing was written" in errors[1] and not out.exists()


def test_the_study_names_each_problem_of_its_targets_and_scenario_in_one_line_before_anything_runs(tmp_path, capsys):
    """experiments/calibration.py ended in a traceback (ConfigError) for a targets file or scenario sim-calibrate refuses in one line each."""
    mine = tmp_path / "mine.yaml"
    mine.write_text("statistics:\n  - {kind: breakup_by, years: 5, observed: 1.5, sd: 0.05}\n", encoding="utf-8")
    out = tmp_path / "study"
    assert _study().main(["--targets", str(mine), "--scenario", "nosuch", "--points", "10", "--out", str(out)]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors[0].startswith("error: --scenario = 'nosuch' is not known (available: baseline, ")
    assert errors[1:] == [f"error: {line}" for line in C.prepare(None, str(mine), None, 10)[2]]
    assert errors[1].startswith("error: statistics[0].observed = 1.5 ") and not out.exists()


def test_the_study_names_its_own_options_targets_and_scenario_as_the_user_typed_them(tmp_path, capsys):
    """experiments/calibration.py --targets missing.yaml --scenario nosuch was told 'targets = ...' and 'scenario = ...',
    sim-calibrate's spelling, and targets out of reach 'targets = ...: no parameter point is plausible', not --targets."""
    missing, out = tmp_path / "missing.yaml", tmp_path / "study"
    assert _study().main(["--targets", str(missing), "--scenario", "nosuch", "--points", "10", "--out", str(out)]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert [line.split(" = ")[0] for line in errors] == ["error: --scenario", "error: --targets"]
    assert errors[1].startswith(f"error: --targets = '{missing}' is neither a shipped targets set") and not out.exists()
    mine = tmp_path / "unreachable.yaml"
    mine.write_text(
        "name: unreachable\nhorizon_months: 120\nparameters: [decisions.outside_option]\n"
        "statistics:\n  - {name: within_half_year, kind: duration_share, years: [0, 0.5], observed: 0.9, sd: 0.03}\n",
        encoding="utf-8",
    )
    assert _study().main(["--targets", str(mine), "--points", "10", "--waves", "1", "--replications", "20", "--workers", "1", "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith(f"error: --targets = '{mine}': no parameter point is plausible after 10 simulated points")


def test_the_study_reads_a_records_csv_given_as_its_targets_and_names_its_bad_rows_as_option_targets(tmp_path, capsys):
    """experiments/calibration.py --targets my_record.csv was refused as sim-calibrate refused it (YAML only)."""
    mine, out = tmp_path / "my_record.csv", tmp_path / "study"
    mine.write_text("arrangement,start_year,end_year\nA,2010,2015.5\nB,twenty,2012\n", encoding="utf-8")
    assert _study().main(["--targets", str(mine), "--points", "22", "--waves", "1", "--replications", "20", "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: --targets = '{mine}' line 3: start_year = 'twenty' is not a number: give a decimal year in [1800, 2200], e.g. 2011.25"
    ]
    data = Path(__file__).resolve().parents[2] / "data" / "uk_breakups.csv"
    assert _study().main(["--targets", str(data), "--points", "10", "--waves", "1", "--replications", "20", "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == ["error: --points = 10 is too few to emulate 20 calibrated parameters (allowed: 22 to 1,000,000)"]
    assert not out.exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_the_study_says_an_out_in_a_folder_of_the_system_cannot_be_written_not_that_it_does_not_exist(tmp_path, capsys):
    """experiments/calibration.py --out /proc/x read 'cannot write /proc: it does not exist (or was removed during the run)'."""
    assert _study().main(["--points", "22", "--waves", "1", "--replications", "20", "--out", "/proc/x"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: --out = /proc/x: cannot write /proc: no file can be made in it (a folder of the system, as /proc and /sys are); "
        "choose a folder you can write to (--out DIR)"
    ]


def test_the_study_checks_its_settings_as_sim_calibrate_does_and_an_out_that_is_a_file_before_it_runs(tmp_path, capsys):
    """experiments/calibration.py --out FILE ran the whole study, then ended in FileExistsError; --workers 5000 passed (sim-calibrate: at most 1024)."""
    taken = tmp_path / "taken.txt"
    taken.write_text("", encoding="utf-8")
    argv = ["--points", "10", "--waves", "1", "--replications", "20", "--workers", "5000", "--out", str(taken / "study")]
    assert _study().main(argv) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: --workers = 5000 is outside [1, 1024]",
        f"error: --out = {taken / 'study'}: {taken} is a file, not a folder; choose another folder",
    ]


def test_the_study_refuses_to_write_a_fit_of_ones_own_targets_or_scenario_over_the_shipped_posterior(tmp_path, capsys, monkeypatch):
    """experiments/calibration.py --targets my.yaml without --out wrote its fit over sim/config/posterior/<version>.* and docs/calibration.md."""
    import sim.config.posterior
    from sim.config.calibration import shipped_path
    from sim.core.version import __version__

    study = _study()
    monkeypatch.setattr(study, "ROOT", tmp_path / "checkout")  # where docs/calibration.md would go: never the real one
    monkeypatch.setattr(sim.config.posterior, "shipped_path", lambda: tmp_path / "posterior" / f"{__version__}.parquet")
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "name: mine\nhorizon_months: 120\nparameters: [decisions.outside_option]\n"
        "statistics:\n  - {name: by_10, kind: breakup_by, years: 10, observed: 0.4, sd: 0.2}\n",
        encoding="utf-8",
    )
    small = ["--points", "10", "--waves", "1", "--replications", "20", "--workers", "1"]
    assert study.main(["--targets", str(mine), *small]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: --targets {mine} without --out would replace the shipped posterior (sim/config/posterior/{__version__}.parquet, .json) and "
        "docs/calibration.md with its fit: give --out DIR to fit your own (without --out only the shipped fit, --targets uk_breakups "
        "--scenario baseline, is allowed)"
    ]
    assert study.main(["--scenario", "well_run", *small]) == 2
    assert capsys.readouterr().err.startswith("error: --scenario well_run without --out would replace the shipped posterior")
    assert sorted(tmp_path.iterdir()) == [mine]
    assert study.replaces_shipped_fit(str(shipped_path()), "baseline") is None and study.replaces_shipped_fit("uk_breakups", "baseline") is None


def test_the_study_names_too_few_points_as_its_option_points_before_and_after_the_runs(tmp_path, capsys):
    """experiments/calibration.py --points 10 was told 'points = 10 is too few ...; raise points', sim-calibrate's spelling, not its own --points."""
    out = tmp_path / "study"
    small = ["--points", "10", "--waves", "1", "--workers", "1", "--out", str(out)]
    assert _study().main([*small, "--replications", "20"]) == 2
    assert capsys.readouterr().err.splitlines() == ["error: --points = 10 is too few to emulate 20 calibrated parameters (allowed: 22 to 1,000,000)"]
    mine = tmp_path / "late.yaml"  # its one record could only have lasted under 0.05 years: no run of a point has such a break-up
    mine.write_text(
        "name: late\nhorizon_months: 120\nwindow: [2000, 2025]\nrecords: [{start: 2024.95, end: 2024.99}]\nparameters: [decisions.outside_option]\n"
        "statistics:\n  - {name: early, kind: duration_share, years: [0, 1], observed: 1.0, sd: 0.2}\n",
        encoding="utf-8",
    )
    assert _study().main([*small, "--replications", "20", "--targets", str(mine)]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and errors[0].startswith("error: --points = 10: an emulator of 1 parameter") and errors[0].endswith("; raise --points")
    assert not out.exists()


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """``folder`` made, and made read-only (``chmod``; as root, which ignores it, a read-only tmpfs); yields why a write there fails."""
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "permission is denied"
        finally:
            folder.chmod(0o755)
        return
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs as root here: {done.stderr.strip()}")
    try:
        yield "the file system is read-only"
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def test_the_study_refuses_an_out_it_cannot_write_before_it_runs(tmp_path, capsys, monkeypatch):
    """experiments/calibration.py --out READ_ONLY/study ran the whole study, then ended in a traceback (OSError: Read-only file system)."""
    import sim.config.posterior
    from sim.core.version import __version__

    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "name: mine\nhorizon_months: 120\nparameters: [decisions.outside_option]\n"
        "statistics:\n  - {name: by_10, kind: breakup_by, years: 10, observed: 0.4, sd: 0.2}\n",
        encoding="utf-8",
    )
    small = ["--targets", str(mine), "--points", "10", "--waves", "1", "--replications", "20", "--workers", "1"]
    with read_only(tmp_path / "ro") as why:
        for out in (tmp_path / "ro", tmp_path / "ro" / "study" / "one"):
            assert _study().main([*small, "--out", str(out)]) == 2
            assert capsys.readouterr().err.splitlines() == [
                f"error: --out = {out}: cannot write {tmp_path / 'ro'}: {why}; choose a folder you can write to (--out DIR)"
            ]
        study = _study()  # without --out: the checkout's docs/ (here read-only) and the package's posterior folder
        monkeypatch.setattr(study, "ROOT", tmp_path / "ro")
        monkeypatch.setattr(sim.config.posterior, "shipped_path", lambda: tmp_path / "posterior" / f"{__version__}.parquet")
        assert study.main(["--points", "22", "--waves", "1", "--replications", "20", "--workers", "1"]) == 2
        assert capsys.readouterr().err.splitlines() == [f"error: cannot write {tmp_path / 'ro'}: {why}; choose a folder you can write to (--out DIR)"]
        assert list((tmp_path / "ro").iterdir()) == []


def test_parameters_that_are_not_assumed_are_named_with_a_bad_targets_file_not_after_it_is_fixed(tmp_path):
    """sim-calibrate targets=missing.yaml parameters=[decisions.nope] named the file only; decisions.nope came up on the next try."""
    targets, items, problems = C.prepare(load("baseline", "none"), str(tmp_path / "missing.yaml"), ["decisions.nope"], 10)
    assert targets is None and items is None and len(problems) == 2
    assert problems[0].startswith(f"targets = '{tmp_path / 'missing.yaml'}' is neither a shipped targets set")
    assert problems[1].startswith("parameters: 'decisions.nope' is not an assumed parameter with a plausible range")


def test_the_shipped_targets_page_tells_the_format_of_ones_own_targets_and_docs_say_it_as_render_does():
    """docs/calibration.md, the page a researcher reads before bringing their own data, did not say what a targets file holds."""
    from pathlib import Path

    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    figures = {"prior_posterior": "p.png", "predictive": "q.png"}
    uk = load_targets("uk_breakups")
    page = C.render(C.calibrate(cfg, uk, C.calibrated_items(cfg, ["decisions.memory"], uk), seed=1, replications=20, points=10, waves=1), figures)
    assert page.endswith(f"\n## Your own targets\n\n{C.OWN_TARGETS}\n")
    for words in ("targets=my_record.csv", "`start_year` and `end_year`", "calendar years", "`count` and `n`", "not a percentage", "[12, 600]"):
        assert words in C.OWN_TARGETS, words
    docs = (Path(__file__).resolve().parents[2] / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert docs.endswith(f"\n## Your own targets\n\n{C.OWN_TARGETS}\n"), "docs/calibration.md says it as render does"
    mine = targets_from({"statistics": [{"kind": "breakup_by", "years": 5, "observed": 0.3, "sd": 0.1}]}, "/tmp/mine.yaml")
    own = C.render(C.calibrate(cfg, mine, C.calibrated_items(cfg, ["decisions.memory"], mine), seed=1, replications=20, points=10, waves=1), figures)
    assert "## Your own targets" not in own


def test_the_figures_name_parameters_and_statistics_in_words_with_units_at_the_house_text_size():
    """docs/calibration's figures had 7- and 8-point text, panels titled by path ('decisions.memory') with no unit, the
    statistics by code name ('breakup_after_0_to_2_years') on a 0-1 'share' axis, and matplotlib's red and blue."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_hex

    from sim.analysis.plots import MIN_POINTS, OKABE_ITO
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    uk = load_targets("uk_breakups")
    result = C.calibrate(cfg, uk, C.calibrated_items(cfg, None, uk), seed=1, replications=20, points=30, waves=1)
    for fig in (C.prior_posterior_figure(result), C.predictive_figure(result)):
        FigureCanvasAgg(fig).draw()
        texts = fig.findobj(lambda a: hasattr(a, "get_fontsize") and getattr(a, "get_text", lambda: "")() and a.get_visible())
        assert min(t.get_fontsize() for t in texts) >= MIN_POINTS
    fig = C.prior_posterior_figure(result)
    panels = fig.axes
    assert panels[0].get_title().replace("\n", " ").startswith("How fast a council's view of the partnership's value")
    assert panels[0].get_xlabel() == "decisions.memory\n(share per month)"
    # with every shipped parameter, 'exogenous.control_change_all_out (probability per election)' on one line ran into the next
    # panel's label, and the budget shock's ticks (0.0075 0.0100 ...) touched each other
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    labels = [ax.xaxis.label.get_window_extent(renderer) for ax in panels if ax.get_visible() and ax.get_xlabel()]
    assert len(labels) == len(result.items) and not [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if a.overlaps(b)]
    for ax in panels:
        ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]
        assert not [(a, b) for a, b in itertools.pairwise(ticks) if a.overlaps(b)], ax.get_xlabel()
    ax = C.predictive_figure(result).axes[0]
    labels, event = [t.get_text() for t in ax.get_yticklabels()], uk.event.replace("_", "-")
    assert labels[0] == f"{event}s 0 to 2 years after launch (share)"
    assert labels[-1] == f"chance of a {event} within 10 years (no record)" and "_" not in "".join(labels)
    FigureCanvasAgg(ax.figure).draw()
    assert ax.get_xticklabels()[-1].get_text() == "100%" and "(%)" in ax.get_xlabel()
    colours = {to_hex(line.get_color()) for line in ax.get_lines() if line.get_marker() == "D"}
    assert colours == {OKABE_ITO[3].lower()}


def test_the_prior_posterior_panels_titles_break_between_words_only():
    """A panel read "Share of the disruption that full-" above "strength communications prevent": textwrap broke at the hyphen."""
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    uk = load_targets("uk_breakups")
    path = "mechanisms.coordination.disruption_relief"
    result = C.calibrate(cfg, uk, C.calibrated_items(cfg, [path], uk), seed=1, replications=20, points=10, waves=1)
    title = C.prior_posterior_figure(result).axes[0].get_title()
    assert title.split("\n") == ["Share of the disruption that", "full-strength communications prevent"]


def test_one_split_of_the_parameters_serves_the_report_and_the_warning_of_too_few_points(monkeypatch):
    """too_few_points and render each split the parameter table into informed, cannot place and hardly informed by the same
    predicate (render's guard on its split did nothing); both now read change_groups. Emulator forms are named in one place."""
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    t = load_targets("uk_breakups")
    result = C.calibrate(cfg, t, C.calibrated_items(cfg, ["decisions.memory", "decisions.outside_option"], t), seed=4, replications=20, points=30, waves=1)
    monkeypatch.setattr(C, "change_threshold", lambda result: (0.05, 0.3))
    table, _, threshold, pinned, unplaced, loose = C.change_groups(result)
    assert threshold == 0.3 and len(pinned) == len(unplaced) == 1 and loose.empty
    assert sorted([*pinned["parameter"], *unplaced["parameter"], *loose["parameter"]]) == sorted(table["parameter"])
    assert (pinned["change"] >= threshold).all() and ((unplaced["change"] >= C.INFORMED) & (unplaced["change"] < threshold)).all()
    report = C.render(result, {"prior_posterior": "p.png", "predictive": "q.png"})
    placed = next(line for line in report.splitlines() if line.startswith("- **Parameters these points cannot place**"))
    informed = next(line for line in report.splitlines() if line.startswith("- **Parameters it does inform**"))
    assert f"`{unplaced['parameter'].iloc[0]}`" in placed and f"`{pinned['parameter'].iloc[0]}`" in informed
    assert "whether the targets inform 1 parameter:" in C.too_few_points(result)
    rng = np.random.default_rng(0)
    assert list(C.EMULATOR_FORMS) == ["quadratic", "squares", "linear"]
    assert C.Emulator(rng.random((6, 3)), rng.random((6, 1))).form == "linear" and C.Emulator(rng.random((60, 3)), rng.random((60, 1))).form == "quadratic"


def test_the_method_names_the_emulators_the_waves_fitted():
    """posterior.json's method and the report's method heading said 'quadratic regression emulators' where every wave had
    fallen back to linear (too few points; the runs table said linear). They name the forms fitted."""
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    t = load_targets("uk_breakups")
    items = C.calibrated_items(cfg, None, t)[:4]  # a quadratic of 4 needs 30 points, its squares 18
    result = C.calibrate(cfg, t, items, seed=1, replications=20, points=12, waves=1)
    assert [w["emulator"] for w in result.waves] == ["linear"]
    assert result.info["method"] == "history matching with linear regression emulators, then importance weighting of the plausible simulated points"
    report = C.render(result, {"prior_posterior": "p.png", "predictive": "q.png"})
    assert "**History matching with linear regression emulators, then" in report and "quadratic regression emulators" not in report
    both = C.method_of([{"emulator": "quadratic"}, {"emulator": "squares"}, {"emulator": "linear"}])
    assert both.startswith("history matching with quadratic, quadratic-without-products and linear regression emulators, then")
    shipped = C.method_of([{"emulator": "quadratic"}] * 3)  # the shipped study's three waves: docs/calibration.md's words as generated
    assert f"**{shipped[0].upper()}{shipped[1:]}.**" in (Path(__file__).resolve().parents[2] / "docs" / "calibration.md").read_text(encoding="utf-8")


def test_the_report_of_a_posterior_worth_few_points_says_that_runs_drawing_from_it_note_their_totals_understated():
    """sim-calibrate said so in a note on stderr only, gone with the terminal; calibration.md, read later, did not."""
    from sim.config.calibration import load_targets

    cfg = load("baseline", "none")
    t = load_targets("uk_breakups")
    result = C.calibrate(cfg, t, C.calibrated_items(cfg, ["decisions.memory"], t), seed=1, replications=20, points=10, waves=1)
    size, rows = result.info["effective_sample_size"], len(result.posterior)
    assert size < 40
    report = C.render(result, {"prior_posterior": "p.png", "predictive": "q.png"})
    assert (
        f"- **Runs drawing from it.** The posterior is worth about {size:.0f} equally weighted points (effective sample size {size:.0f} of its"
        f" {rows} rows; a 95% total interval needs 40 for one beyond each end): a run drawing from it (`uncertainty=posterior`) notes that its"
        " total intervals are understated; more points (and waves) make it worth more." in report
    ), report
    assert "Runs drawing from it" not in (Path(__file__).resolve().parents[2] / "docs" / "calibration.md").read_text(encoding="utf-8")

"""Total intervals: per-draw accumulation, the law-of-total-variance estimator, and a check against a brute-force nested run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.analysis.stats import DrawMoments, Estimate, between_draws, draw_precision_plan, ends_error, total_interval, wilson
from sim.analysis.summary import HEADLINES, Tally, headline, render_uncertainty, summarise
from sim.config.scenarios import load
from sim.config.uncertainty import uncertainty
from sim.frontends.ensemble import run_ensemble, simulate

ROOT = Path(__file__).resolve().parents[2]


def test_draw_moments_are_the_same_however_the_replications_are_split_into_blocks():
    rng = np.random.default_rng(1)
    draw = np.repeat(np.arange(7), 13)
    values = rng.normal(size=(len(draw), 3)) + draw[:, None]
    whole = DrawMoments(3)
    whole.add(draw, values)
    parts = DrawMoments(3)
    for cut in np.split(np.arange(len(draw)), [5, 40, 41, 77]):
        parts.add(draw[cut], values[cut])
    assert np.array_equal(whole.n, parts.n)
    assert np.allclose(whole.mean, parts.mean) and np.allclose(whole.m2, parts.m2)
    for d in range(7):
        rows = values[draw == d]
        assert whole.mean[d] == pytest.approx(rows.mean(axis=0))
        assert whole.m2[d] == pytest.approx(((rows - rows.mean(axis=0)) ** 2).sum(axis=0))


def test_halves_merged_give_the_draws():
    rng = np.random.default_rng(2)
    reps = np.arange(60)
    values = rng.normal(size=(60, 2))
    halves, draws = DrawMoments(2), DrawMoments(2)
    halves.add(2 * (reps // 10) + reps % 2, values)
    draws.add(reps // 10, values)
    merged = halves.grouped(2)
    assert np.array_equal(merged.n, draws.n)
    assert np.allclose(merged.mean, draws.mean) and np.allclose(merged.m2, draws.m2)


def _binomial_draws(theta: np.ndarray, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    k = np.random.default_rng(seed).binomial(m, theta)
    p = k / m
    return p, p * (1 - p) / (m - 1)


def test_the_total_interval_recovers_the_spread_of_the_probability_across_parameters_not_the_noise():
    rng = np.random.default_rng(3)
    theta = rng.beta(2, 5, size=4000)
    p, noise = _binomial_draws(theta, 25, 4)
    k = round(p.mean() * 25 * len(p))
    mc = wilson(k, 25 * len(p))
    t = total_interval(p, noise, mc, 0.95, (0.0, 1.0))
    truth = np.quantile(theta, [0.025, 0.975])
    assert t.low == pytest.approx(truth[0], abs=0.02) and t.high == pytest.approx(truth[1], abs=0.03)
    assert t.parameter_sd == pytest.approx(theta.std(), rel=0.05)
    raw = np.quantile(p, [0.025, 0.975])
    assert raw[1] - raw[0] > (truth[1] - truth[0]) + 0.05, "the uncorrected quantiles are wider: the correction matters here"
    assert t.parameter_share > 0.99


def test_with_no_parameter_effect_the_total_interval_is_the_monte_carlo_interval():
    theta = np.full(400, 0.3)
    p, noise = _binomial_draws(theta, 50, 6)  # seed 5 is one of the 5% of runs in which noise alone reads as a spread
    k = round(p.mean() * 50 * 400)
    mc = wilson(k, 50 * 400)
    tau2, shrunk = between_draws(p, noise)
    t = total_interval(p, noise, mc, 0.95, (0.0, 1.0))
    assert tau2 == 0.0 and np.ptp(shrunk) == 0.0
    assert (t.low, t.high) == pytest.approx((mc.low, mc.high))
    assert t.parameter_share == 0.0


def test_noise_alone_reads_as_no_spread_in_most_runs_and_a_real_spread_is_found():
    false_alarms = 0
    for seed in range(200):
        p, noise = _binomial_draws(np.full(160, 0.3), 25, seed)
        false_alarms += between_draws(p, noise)[0] > 0
    assert false_alarms < 200 * 0.12
    p, noise = _binomial_draws(np.random.default_rng(9).uniform(0.2, 0.4, 160), 25, 10)
    assert between_draws(p, noise)[0] > 0


def test_a_skewed_spread_across_few_draws_is_detected():
    # sim-run uncertainty=prior replications=400 (16 draws of 25) read "not detected" for the chance of any failure,
    # whose draws ran from 44% to 100% (these counts), and for collapse shares from 0% to 76% like the second set:
    # the test's standard error was the terms' own scatter, which grows with the spread it looks for
    for counts in ([25, 11, 20, 25, 20, 25, 20, 25, 25, 25, 25, 21, 22, 25, 25, 25], [0, 0, 1, 0, 19, 0, 2, 1, 0, 0, 15, 1, 0, 3, 0, 1]):
        p = np.array(counts) / 25
        assert between_draws(p, p * (1 - p) / 24, np.full(16, 25))[0] > 0, counts


@pytest.mark.parametrize("chance", [0.05, 0.5])
def test_noise_alone_reads_as_a_spread_in_about_one_run_in_twenty(chance):
    # 2,000 runs of 16 binomial draws of 25 with one chance in every draw, at once (a column each)
    p, noise = _binomial_draws(np.full((16, 2000), chance), 25, 13)
    false_alarms = (between_draws(p, noise, np.full(16, 25))[0] > 0).mean()
    assert 0.035 < false_alarms < 0.06


def test_a_spread_with_no_noise_within_draws_is_detected_and_equal_draws_are_not():
    assert between_draws(np.array([0.0, 0.0, 1.0, 1.0]), np.zeros(4), np.full(4, 25))[0] > 0
    assert between_draws(np.zeros(4), np.zeros(4), np.full(4, 25))[0] == 0.0


def test_a_total_interval_needs_two_draws_and_contains_the_monte_carlo_interval():
    assert np.isnan(total_interval(np.array([0.2]), np.array([0.01]), Estimate(0.2, 0.1, 0.3)).low)
    t = total_interval(np.array([0.1, 0.5, 0.2, 0.4]), np.full(4, 1e-4), Estimate(0.3, 0.29, 0.31), 0.95, (0.0, 1.0))
    assert t.low < 0.29 and t.high > 0.31 and 0 <= t.low and t.high <= 1


def test_the_precision_plan_adds_whole_draws_until_the_ends_are_known_well_enough():
    errors = iter([0.1, 0.02005, 0.01])
    plan = draw_precision_plan(0.02, 100_000, 25, lambda: next(errors), pilot_draws=40)
    assert plan(0, 0) == 40 * 25
    assert plan(1000, 0) == (40 * (0.1 / 0.02) ** 2 - 40) * 25, "the square-root law: 25 times the draws for a fifth of the error"
    assert plan(25_000, 0) == 10 * 25, "at least ten draws"
    assert plan(25_250, 0) == 0
    assert draw_precision_plan(0.02, 1000, 25, lambda: 1.0)(1000, 0) == 1000, "no more than a block"
    assert draw_precision_plan(0.02, 30, 25, lambda: 1.0)(0, 0) == 25


def test_the_bootstrap_error_of_the_ends_shrinks_with_more_draws():
    rng = np.random.default_rng(6)
    few = _binomial_draws(rng.beta(2, 5, size=40), 25, 7)
    many = _binomial_draws(rng.beta(2, 5, size=1000), 25, 8)
    assert ends_error(*many) < ends_error(*few) / 2
    assert ends_error(*few) == ends_error(*few)


@pytest.fixture(scope="module")
def nested():
    """A batched run of D draws x M replications, and a brute-force nested run: every draw's point run on its own with many more replications."""
    config = load("baseline")
    draws, m, n = 40, 25, 300
    table = run_ensemble(config, draws * m, 5, uncertainty="prior", replications_per_draw=m)
    tally = Tally(120)
    tally.write(table)
    points = uncertainty("prior", m).points(config, 5, np.arange(draws))
    reps = np.arange(draws * n)
    brute = simulate(points, reps, 99, point_of_rep=reps // n, workers=2)
    collapsed = brute.values("outcome").astype(str) == "collapsed"
    theta = np.bincount(reps // n, weights=collapsed) / n
    return tally.summary(), theta, n


def test_the_total_interval_of_the_collapse_probability_matches_a_brute_force_nested_run(nested):
    summary, theta, n = nested
    collapsed = summary["outcomes"]["collapsed"]
    truth = np.quantile(theta, [0.025, 0.975])
    assert collapsed["total"]["low"] == pytest.approx(truth[0], abs=0.05)
    assert collapsed["total"]["high"] == pytest.approx(truth[1], abs=0.07)
    noise_in_truth = np.mean(theta * (1 - theta) / (n - 1))
    assert collapsed["parameter_sd"] == pytest.approx(np.sqrt(max(theta.var(ddof=1) - noise_in_truth, 0)), rel=0.25)
    mc = collapsed["monte_carlo"]
    assert truth[1] - truth[0] > 5 * (mc["high"] - mc["low"]), "parameters move the probability far more than Monte Carlo noise"


def test_every_headline_figure_has_both_intervals_and_the_summary_says_how_many_draws(nested):
    summary, _, _ = nested
    for path, _ in HEADLINES:
        entry = headline(summary, path)
        assert entry is not None and {"monte_carlo", "total", "parameter_share", "parameter_sd"} <= set(entry), path
        assert entry["total"]["low"] <= entry["monte_carlo"]["low"] + 1e-12 and entry["total"]["high"] >= entry["monte_carlo"]["high"] - 1e-12, path
    assert summary["uncertainty"]["draws"] == 40 and summary["uncertainty"]["replications_per_draw"] == 25
    median = summary["median_months_to_collapse"]
    assert "total" in median and "monte_carlo" in median and "parameter_share" in median
    assert "parameter_sd" not in median, "read off the band by month: docs/uncertainty.md and docs/results.md say the median has none"
    for doc in ("uncertainty.md", "results.md"):
        assert "but the median" in (ROOT / "docs" / doc).read_text(), doc
    curve = summary["survival_curve"]
    assert all(lo <= s + 1e-12 for lo, s in zip(curve["total_low"], curve["survival"], strict=True))
    summary["uncertainty"] |= {"mode": "prior", "drawn": ["x", "y", "z"]}
    text = render_uncertainty(summary)
    assert "Uncertainty: prior" in text and "Monte Carlo 95%" in text and "total 95%" in text
    assert "3 assumptions drawn from their plausible ranges." in text
    summary["uncertainty"] |= {"mode": "posterior", "posterior_columns": ["y", "w"]}
    assert "3 assumptions drawn: 1 from the calibrated posterior and the rest from their plausible ranges." in render_uncertainty(summary)


def test_a_tally_refuses_to_mix_blocks_with_and_without_draws():
    config = load("baseline", overrides=["partnership.horizon_months=24"])
    with_draws = simulate(config, np.arange(6), 1, uncertainty=uncertainty("prior", 3))
    without = simulate(config, np.arange(6, 12), 1)
    tally = Tally(24)
    tally.write(with_draws)
    with pytest.raises(ValueError, match="without parameter draws"):
        tally.write(without)
    plain = Tally(24)
    plain.write(without)
    with pytest.raises(ValueError, match="after blocks without"):
        plain.write(with_draws)
    assert "Uncertainty: none" in render_uncertainty({**plain.summary(), "uncertainty": {"mode": "none"}})


def test_a_summary_of_a_table_says_which_uncertainty_its_intervals_carry():
    from sim.analysis.summary import DRAWN_TERMS, TERMS, render, summarise

    config = load("baseline")
    drawn = run_ensemble(config, 40, 3, uncertainty="prior", replications_per_draw=10)
    s = summarise(drawn)
    assert s["uncertainty"]["mode"] == "prior" and s["uncertainty"]["draws"] == 4 and s["uncertainty"]["drawn"]
    assert render_uncertainty(s).startswith("Uncertainty: prior. 4 parameter draws")
    c = s["outcomes"]["collapsed"]
    spread = (
        f"{c['total']['low']:.1%} to {c['total']['high']:.1%} once the assumptions vary across their plausible ranges)"
        if c["parameter_share"] > 0
        else "its 4 draws of the assumptions from their plausible ranges could not tell their effect from that noise)"
    )
    sentence = f"(95% interval {c['low']:.1%} to {c['high']:.1%} from simulation noise alone; {spread}"
    text = render(s)
    assert sentence in text.splitlines()[0], "the headline sentence gives the total interval too"
    assert text.endswith(render_uncertainty(s)), "render ends with both intervals of every headline figure, as sim-run prints it"
    # how the intervals are computed said every interval is Monte Carlo only 'unless an uncertainty mode adds the uncertainty of
    # the assumptions', as if every one did under a mode: the causes', triggers' and a council leaving's never do
    assert "causes, triggers and a council leaving get none" in render(s, detail=True)
    # 'interval' was defined as 'the range the true share is in, given the replications run, 95 times out of 100' above tables
    # whose intervals leave out the doubt about the assumptions that the run measured
    assert f"  {'interval':<16}{DRAWN_TERMS['interval']}" in text and f"  {'total interval':<16}{DRAWN_TERMS['total interval']}" in text
    assert "the range the true share is in" not in text and TERMS["interval"] in render(summarise(run_ensemble(config, 40, 3, uncertainty="none")))
    # the tables of outcomes and of collapse within 2, 5 and 10 years gave the Monte Carlo interval alone as "95% interval"
    titles = [line for line in text.splitlines() if line.startswith(("Outcome of all", "Collapse within"))]
    assert len(titles) == 2 and all(line.endswith(": Monte Carlo intervals (the headline figures' totals are under Uncertainty, below)") for line in titles)
    drawn.attrs.clear()  # a table read back from elsewhere, with draws but no record of the mode
    unknown = summarise(drawn)
    assert unknown["uncertainty"]["mode"] == "not recorded" and "does not record" in render_uncertainty(unknown)
    plain = summarise(run_ensemble(config, 20, 3, uncertainty="none"))
    assert plain["uncertainty"] == {"mode": "none"} and render_uncertainty(plain).startswith("Uncertainty: none.")
    assert "Monte Carlo intervals, the totals" not in render(plain)


def test_a_spread_the_draws_could_not_detect_is_said_to_be_unknown_never_zero():
    from sim.analysis.summary import plain_lines

    def summary(share: float) -> dict:
        collapsed = {"value": 0.12, "low": 0.07, "high": 0.2, "total": {"low": 0.05 if share else 0.07, "high": 0.25 if share else 0.2}}
        entry = {**collapsed, "monte_carlo": {"low": 0.07, "high": 0.2}, "parameter_share": share}
        other = {"value": 0.3, "low": 0.2, "high": 0.4}
        return {
            "replications": 100,
            "horizon_months": 120,
            "confidence": 0.95,
            "outcomes": {"collapsed": entry, "shelved": other, "underperforming": other, "sustained": other},
            "median_months_to_collapse": {"value": None},
            "uncertainty": {"mode": "prior", "draws": 4, "replications_per_draw": 25, "drawn": ["decisions.noise"], "collapse_ends_error": 0.05},
        }

    unknown, found = summary(0.0), summary(0.4)
    assert "its 4 draws of the assumptions from their plausible ranges could not tell their effect from that noise" in plain_lines(unknown)[0]
    assert "5.0% to 25.0% once the assumptions vary" in plain_lines(found)[0]
    table = render_uncertainty(unknown)
    assert "not detected" in next(line for line in table.splitlines() if line.strip().startswith("collapsed "))
    assert "0%" not in next(line for line in table.splitlines() if line.strip().startswith("collapsed ")).split("]")[-1]
    assert "  not detected: across 4 draws" in table and "not detected" not in render_uncertainty(found)


# (260 gave a last draw of 10 all collapsed against 60% in the others, a spread the test rightly finds: 0.6^10 = 0.6%)
@pytest.mark.parametrize("replications", [55, 110, 255])
def test_a_spread_not_detected_leaves_the_monte_carlo_interval_even_with_a_shorter_last_draw(replications):
    # sim-run uncertainty=prior replications=55 seed=3 printed collapsed [48.6%, 73.5%] then a total of [48.6%, 74.5%]
    rng = np.random.default_rng(replications)
    draw = np.arange(replications) // 25
    collapsed = rng.random(replications) < 0.6
    collapsed[draw == draw.max()] = True  # the last, shorter draw: all collapsed
    moments = DrawMoments(1)
    moments.add(draw, collapsed[:, None].astype(float))
    means, noise = moments.estimates()
    mc = wilson(int(collapsed.sum()), replications)
    assert means[:, 0].mean() != pytest.approx(mc.value), "the plain mean of the draws is not the run's share"
    tau2, shrunk = between_draws(means[:, 0], noise[:, 0], moments.replications())
    assert shrunk.mean() == pytest.approx(mc.value), "weighted by replications, the draws' centre is the run's share"
    t = total_interval(means[:, 0], noise[:, 0], mc, 0.95, (0.0, 1.0), moments.replications())
    assert tau2 == 0.0 and t.parameter_share == 0.0
    assert (t.low, t.high) == pytest.approx((mc.low, mc.high), abs=1e-12)


def test_a_run_with_a_shorter_last_draw_gives_a_total_interval_the_monte_carlo_one_where_no_spread_shows():
    config = load("baseline", overrides=["partnership.horizon_months=60"])
    summary = summarise(run_ensemble(config, 55, 3, uncertainty="prior", replications_per_draw=25))
    for path, _ in HEADLINES:
        entry = headline(summary, path)
        if entry is not None and entry["parameter_share"] == 0.0:
            assert (entry["total"]["low"], entry["total"]["high"]) == pytest.approx((entry["low"], entry["high"]), abs=1e-12), path


def test_equal_weights_are_the_plain_method_of_moments_and_weights_count_a_draw_by_its_replications():
    p, noise = _binomial_draws(np.random.default_rng(11).uniform(0.2, 0.4, 160), 25, 12)
    tau2, shrunk = between_draws(p, noise)
    d = len(p)
    terms = (p - p.mean()) ** 2 * d / (d - 1) - noise
    assert tau2 == pytest.approx(terms.mean()) and shrunk.mean() == pytest.approx(p.mean())
    assert between_draws(p, noise, np.full(d, 25))[0] == pytest.approx(tau2)
    weights = np.r_[np.full(d - 1, 25), 5]
    assert between_draws(p, noise, weights)[1].mean() != pytest.approx(p.mean())
    assert np.average(between_draws(p, noise, weights)[1], weights=weights) == pytest.approx(np.average(p, weights=weights))


def _drawn_summary() -> dict:
    """A run summary with parameter draws: collapse 12%, Monte Carlo [7%, 20%], total [5%, 25%], its ends known to 0.05."""
    entry = {"value": 0.12, "low": 0.07, "high": 0.2, "total": {"low": 0.05, "high": 0.25}, "monte_carlo": {"low": 0.07, "high": 0.2}, "parameter_share": 0.4}
    return {
        "confidence": 0.95,
        "outcomes": {"collapsed": entry},
        "median_months_to_collapse": {"value": None},
        "uncertainty": {"mode": "prior", "draws": 4, "replications_per_draw": 25, "drawn": ["decisions.noise"], "collapse_ends_error": 0.05},
    }


def test_how_well_the_total_intervals_ends_are_known_is_said_in_percentage_points():
    """An error of 0.05 in the collapse probability's ends read "±5.0%", which a reader takes for 5% of the figure, not 5 points."""
    assert "The total interval's ends are known to about ±5.0 percentage points (collapse;" in render_uncertainty(_drawn_summary())


def test_the_uncertainty_table_says_what_its_total_and_from_parameters_columns_are():
    """The run summary's table was headed "total 95% (parameters + MC)" and "from parameters" without a word on either."""
    text = render_uncertainty(_drawn_summary())
    assert "  total: Monte Carlo (MC) noise and the doubt about the assumptions together; from parameters: the share of a figure's spread" in text


def test_one_rule_says_a_figures_spread_from_the_assumptions_was_not_detected():
    """The rule "a parameter share of 0 means not detected" was decided in five places (the forest plot, sim-compare's chances, the
    run summary's sentence, its table and its 'from parameters' words, notebook 02): stats.undetected decides it for all."""
    import re

    import pandas as pd

    from sim.analysis.stats import undetected
    from sim.analysis.summary import parameter_part
    from sim.results.report import total_cell

    assert undetected(0.0) and undetected(0) and not undetected(0.25) and not undetected(None) and not undetected(float("nan"))
    assert undetected(np.array([0.0, 0.2, np.nan])).tolist() == [True, False, False]
    assert undetected(pd.Series([0.0, 0.5])).tolist() == [True, False]
    assert parameter_part(0.0) == total_cell(0.1, 0.2, 0.0, lambda lo, hi: "shown") == "not detected"
    assert (parameter_part(0.4), total_cell(0.1, 0.2, 0.4, lambda lo, hi: "shown")) == ("40%", "shown")
    root = Path(__file__).resolve().parents[2]
    again = re.compile(r"(parameter_share|FROM_PARAMETERS)[\\\"'\])]{0,4}\s*[!=]=\s*0(?![.\d])")
    for path in [*root.glob("sim/**/*.py"), *root.glob("notebooks/*.ipynb")]:
        assert not again.search(path.read_text(encoding="utf-8")), f"{path.relative_to(root)} decides 'not detected' itself"

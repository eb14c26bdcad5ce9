"""Scenario discovery with the EMA Workbench's PRIM: a planted region is found, with its coverage and density."""

from __future__ import annotations

import importlib.util
import os
import re

import numpy as np
import pandas as pd
import pytest

from sim.analysis import discover as d
from sim.frontends.table import input_title

if importlib.util.find_spec("ema_workbench") is None:
    if os.environ.get("CI"):
        pytest.fail("ema_workbench is missing under CI: install the [analysis] extra", pytrace=False)
    pytest.skip("needs the [analysis] extra (ema_workbench)", allow_module_level=True)


@pytest.fixture(scope="module")
def planted():
    """3,000 cases over three inputs and a category; the outcome is likely only where a > 0.7 and b < 0.3."""
    rng = np.random.default_rng(11)
    n = 3000
    x = pd.DataFrame({"a": rng.random(n), "b": rng.random(n), "c": rng.random(n), "kind": pd.Categorical(rng.choice(["x", "y"], n))})
    inside = (x["a"] > 0.7) & (x["b"] < 0.3)
    y = np.where(inside, rng.random(n) < 0.9, rng.random(n) < 0.03)
    return x, y, inside.to_numpy()


def test_prim_finds_the_planted_box(planted):
    x, y, inside = planted
    found = d.discover(x, y, "collapsed", boxes=1, min_coverage=0.6)
    assert found.cases == 3000 and found.of_interest == int(y.sum())
    (box,) = found.boxes
    assert set(box.limits) == {"a", "b"}
    assert box.limits["a"][0] == pytest.approx(0.7, abs=0.05) and box.limits["b"][1] == pytest.approx(0.3, abs=0.05)
    assert box.density > 0.8 > 5 * found.base_rate
    assert box.coverage >= 0.6
    in_box = (x["a"] >= box.limits["a"][0]) & (x["a"] <= box.limits["a"][1]) & (x["b"] >= box.limits["b"][0]) & (x["b"] <= box.limits["b"][1])
    assert box.inside == int(in_box.sum()) and box.of_interest == int(y[in_box.to_numpy()].sum())
    assert inside[in_box.to_numpy()].mean() > 0.9
    assert box.coverage == pytest.approx(box.of_interest / found.of_interest)
    text = d.render(found)
    assert "Box 1:" in text and f"coverage {box.coverage:.1%}" in text and f"density {box.density:.1%}" in text


@pytest.mark.parametrize("kind", ["int64", "Int64"], ids=["numpy", "nullable, as a sweep table's columns come"])
def test_whole_number_inputs_get_whole_number_limits_inside_the_box(kind):
    """PRIM pastes limits between whole numbers (``30.5``): the search runs on floats and the limits are rounded into the box."""
    rng = np.random.default_rng(5)
    n = 3000
    x = pd.DataFrame({"month": rng.integers(0, 48, n), "a": rng.random(n)}).astype({"month": kind})
    inside = (x["month"] >= 30) & (x["a"] > 0.5)
    y = np.where(inside, rng.random(n) < 0.9, rng.random(n) < 0.03)
    found = d.discover(x, y, "collapsed", boxes=1)
    (box,) = found.boxes
    low, high = box.limits["month"]
    assert isinstance(low, int) and isinstance(high, int) and 28 <= low <= 32 and high == 47
    assert box.ranges["month"] == (0, 47)
    in_box = (x["month"] >= low) & (x["month"] <= high) & (x["a"] >= box.limits["a"][0]) & (x["a"] <= box.limits["a"][1])
    assert box.inside == int(in_box.sum())


def test_no_box_when_nothing_is_of_interest(planted):
    x, _, _ = planted
    found = d.discover(x, np.zeros(len(x), bool), "collapsed")
    assert found.boxes == [] and "No box found" in d.render(found)


def test_choose_takes_the_densest_point_with_enough_coverage():
    trajectory = pd.DataFrame({"coverage": [1.0, 0.8, 0.6, 0.3], "density": [0.1, 0.3, 0.5, 0.9]})
    assert d.choose(trajectory, 0.5) == 2 and d.choose(trajectory, 0.0) == 3 and d.choose(trajectory, 1.0) == 0


def test_drawn_inputs_are_the_drawn_parameters_that_vary():
    table = pd.DataFrame(
        {"outcome": ["collapsed", "sustained"], "governance": ["mou", "joint_committee"], "horizon_months": [120, 120], "c0_it_maturity": [0.2, 0.4],
         "c0_exit_month": [3, -1], "c0_value_seen": [0.5, 1.0], "net_savings": [1.0, 2.0]}
    )  # fmt: skip
    assert d.drawn_inputs(table) == ["governance", "c0_it_maturity"]


def test_the_figure_shows_the_trajectory_and_the_limits(planted):
    x, y, _ = planted
    found = d.discover(x, y, "collapsed", boxes=1, min_coverage=0.6)
    fig = d.discovery_figure(found)
    trade, limits = fig.axes[:2]
    assert "coverage" in trade.get_xlabel() and "density" in trade.get_ylabel()
    assert len(trade.get_lines()[0].get_xdata()) == len(found.boxes[0].trajectory)
    assert len(limits.patches) == 2


def test_inputs_are_titled_by_council_name_and_declared_meaning_and_kept_by_column(planted):
    """discover printed raw columns (c1_size, c3_guarantee): a reader now gets the council's name and the parameter's meaning."""
    names = d.council_names("baseline")
    assert names == ["Northdale DC", "Westmere DC", "Southby DC", "Eastshire"]
    x, y, _ = planted
    x = x.rename(columns={"a": "c1_size", "b": "c3_guarantee"})
    found = d.discover(x, y, "collapsed", boxes=1, min_coverage=0.6, councils=names)
    text = d.render(found)
    assert f"{input_title('c1_size', names)} [c1_size]: " in text and f"{input_title('c3_guarantee', names)} [c3_guarantee]: " in text
    data = found.to_dict()
    assert data["inputs"] == ["c1_size", "c3_guarantee", "c", "kind"] and set(data["boxes"][0]["limits"]) == {"c1_size", "c3_guarantee"}
    assert data["titles"]["c1_size"] == input_title("c1_size", names) and data["titles"]["c"] == "c"


def test_discover_writes_its_three_files_together_or_none(tmp_path, monkeypatch, capsys):
    """The files were written one by one: a failure at the figure left a new discovery.json beside an earlier figure."""
    import sim.cli.analyse_discover as cli
    from sim.cli.analyse import main
    from sim.results.files import DISCOVERY, save_figure

    rng = np.random.default_rng(3)
    n = 600
    table = pd.DataFrame({"delivery": rng.random(n), "c0_pace": rng.random(n)})
    table["outcome"] = np.where((table["delivery"] < 0.3) & (rng.random(n) < 0.9), "collapsed", "running")
    table.to_parquet(tmp_path / "replications.parquet")
    (tmp_path / "summary.json").write_text("{}")
    (tmp_path / "report.html").write_text("the run's report")
    assert main(["discover", str(tmp_path)]) == 0
    before = {name: (tmp_path / name).read_bytes() for name in DISCOVERY}

    def failing(path, figure):
        if str(path).endswith(".svg"):
            raise OSError(28, "No space left on device")
        save_figure(path, figure)

    monkeypatch.setattr(cli, "save_figure", failing)
    assert main(["discover", str(tmp_path), "--boxes", "1", "--min-coverage", "0.9"]) == 3
    assert {name: (tmp_path / name).read_bytes() for name in DISCOVERY} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*DISCOVERY, "replications.parquet", "summary.json", "report.html"])
    assert "no space is left on the device" in capsys.readouterr().err


def test_each_restriction_says_its_quasi_p_so_one_that_fits_only_the_noise_is_told_apart():
    """With many inputs and few cases (a design of 200 points over 116 assumptions) PRIM's box restricted 17 inputs at
    density 100%, printed alike, though 15 of them fitted only those points: nothing said how sure each restriction is.
    Each now has its quasi-p value (the EMA Workbench's binomial test), and the box says how many are above 0.05."""
    rng = np.random.default_rng(5)
    n = 200
    x = pd.DataFrame({"real": rng.random(n), **{f"noise{k}": rng.random(n) for k in range(40)}})
    y = (x["real"] > 0.7).to_numpy() & (rng.random(n) < 0.9)
    (box,) = d.discover(x, y, "collapsed", boxes=1, min_coverage=0.5).boxes
    assert box.quasi_p["real"] < 0.001
    noise = [name for name in box.limits if name != "real"]
    assert noise and all(box.quasi_p[name] > d.QUASI_P for name in noise), box.quasi_p
    text = d.render(d.Discovery("collapsed", n, int(y.sum()), list(x.columns), [box]))
    assert f"{len(noise)} of its {len(box.limits)} restrictions have a quasi-p above 0.05: they may be chance" in text
    # a quasi-p this small read "quasi-p 2.6e-186" in notebook 04 (code notation, and no more telling than its order of magnitude)
    assert f"real [real]: {d._range(box.limits['real'])} (all cases: {d._range(box.ranges['real'])}); quasi-p below 0.001\n" in text + "\n", text
    assert not re.search(r"\de-\d", text), text
    assert f"counting that 41 inputs were searched (Holm), 1 of its {len(box.limits)} restrictions stays below 0.05" in text
    assert d.Discovery("collapsed", n, int(y.sum()), list(x.columns), [box]).to_dict()["boxes"][0]["quasi_p"] == box.quasi_p


def test_the_box_counts_its_restrictions_that_stay_below_005_after_holm_over_all_the_inputs_searched():
    """A quasi-p of 0.004 was printed as sure though PRIM searched 116 inputs, among which one that small turns up by
    chance: the line counting the restrictions above 0.05 now also counts those below 0.05 after Holm's correction over
    the inputs searched, and ``discovery.json`` keeps both counts."""
    inputs = [f"input{k}" for k in range(116)]
    limits = {"input0": (0.7, 1.0), "input1": (0.0, 0.4), "input2": (0.1, 0.9)}
    trajectory = pd.DataFrame({"coverage": [1.0, 0.8], "density": [0.2, 0.9], "mass": [1.0, 0.2], "res_dim": [0, 3]})
    quasi = {"input0": 1e-5, "input1": 0.004, "input2": 0.3}
    box = d.Box(1, 0.8, 0.9, 0.2, 40, 36, limits, dict.fromkeys(limits, (0.0, 1.0)), trajectory, 1, quasi)
    found = d.Discovery("collapsed", 200, 45, inputs, [box])
    assert found.holm_below(box) == 1 and d.Discovery("collapsed", 200, 45, inputs[:3], [box]).holm_below(box) == 2
    text = d.render(found)
    assert (
        "  1 of its 3 restrictions have a quasi-p above 0.05: they may be chance;"
        " counting that 116 inputs were searched (Holm), 1 of its 3 restrictions stays below 0.05"
    ) in text.splitlines()
    plain = found.to_dict()["boxes"][0]
    assert (plain["quasi_p_above"], plain["holm_below"]) == (1, 1)


def test_an_inputs_quasi_p_is_the_larger_of_its_restricted_ends():
    assert d.quasi_p([-1.0, 0.2]) == 0.2 and d.quasi_p([0.01, 0.3]) == 0.3 and np.isnan(d.quasi_p([-1.0, -1.0]))


def test_on_a_run_with_parameter_draws_an_input_drawn_per_draw_has_its_quasi_p_called_too_small(tmp_path, capsys):
    """On a run with parameter draws (uncertainty=posterior), `delivery` takes one value per draw, shared by its 25
    replications: the binomial test counted them as 2,000 independent cases and printed a quasi-p of 2.8e-41 for case 03."""
    import json

    from sim.cli.analyse import main

    rng = np.random.default_rng(8)
    draws, per = 40, 25
    delivery = np.repeat(rng.uniform(0.5, 1.2, draws), per)
    table = pd.DataFrame({"draw": np.repeat(np.arange(draws), per), "delivery": delivery, "c0_pace": rng.random(draws * per)})
    table["outcome"] = np.where((delivery < 0.8) & (rng.random(draws * per) < 0.8), "collapsed", "sustained")
    table.to_parquet(tmp_path / "replications.parquet")
    assert main(["discover", str(tmp_path), "--boxes", "1"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "[delivery]" in line or "[c0_pace]" in line]
    assert [line.endswith(f"(too small: one value per parameter draw, {draws} of them, each shared by its draw's cases)") for line in lines] == [
        "[delivery]" in line for line in lines
    ] and any("[delivery]" in line for line in lines)
    assert json.loads((tmp_path / "discovery.json").read_text())["drawn_per_draw"] == {"delivery": draws}


def _draws_run(folder, draws=200, per=20, seed=4, effect=True):
    """A run folder with parameter draws: ``draws.parquet`` (``decisions.memory`` driving collapse, ``dynamics.legacy_drag`` not, a
    constant and a posterior row) and ``replications.parquet`` whose replications collapse with their draw's chance."""
    rng = np.random.default_rng(seed)
    memory = rng.uniform(0.03, 0.2, draws)
    chance = np.where(memory > 0.15, 0.7, 0.15) if effect else np.full(draws, 0.3)
    table = pd.DataFrame({"draw": np.arange(draws), "posterior_row": rng.integers(0, 50, draws), "decisions.memory": memory,
                          "dynamics.legacy_drag": rng.uniform(0.2, 0.6, draws), "partnership.delivery": np.full(draws, 0.9)})  # fmt: skip
    draw = np.repeat(np.arange(draws), per)
    collapsed = rng.random(draws * per) < chance[draw]
    reps = pd.DataFrame({"draw": draw, "outcome": np.where(collapsed, "collapsed", "sustained"), "c0_pace": rng.random(draws * per)})
    folder.mkdir(parents=True, exist_ok=True)
    table.to_parquet(folder / "draws.parquet")
    reps.to_parquet(folder / "replications.parquet")
    return table, reps


def test_each_draw_is_a_case_its_drawn_assumptions_the_inputs_and_its_share_of_collapses_the_estimate(tmp_path):
    table, reps = _draws_run(tmp_path, draws=30, per=10)
    reps = reps.sample(frac=1.0, random_state=1)  # the order of the replications does not matter
    chances = d.draw_chances(reps, table.iloc[::-1], "collapsed")
    assert chances.case == "draw" and list(chances.x.columns) == ["decisions.memory", "dynamics.legacy_drag"]  # not the draw, its posterior row or a constant
    assert chances.x["decisions.memory"].tolist() == table["decisions.memory"].tolist()
    expected = reps.assign(c=reps["outcome"] == "collapsed").groupby("draw")["c"].mean()
    assert chances.estimate.tolist() == pytest.approx(expected.tolist()) and chances.replications.tolist() == [10] * 30
    failure = d.draw_chances(reps.assign(outcome="shelved"), table, "failure")
    assert failure.estimate.tolist() == [1.0] * 30
    with pytest.raises(ValueError, match=r"draws\.parquet lacks 5 of the draws replications\.parquet ran \(draw 25 first\)"):
        d.draw_chances(reps, table.iloc[:25], "collapsed")


def test_discover_over_draws_finds_the_assumption_and_says_how_noisy_each_draws_share_is(tmp_path):
    """On a posterior run, discover searched only the parameters drawn per partnership: the assumptions in draws.parquet were never inputs."""
    table, reps = _draws_run(tmp_path)
    chances = d.draw_chances(reps, table, "collapsed")
    found = d.discover_chances(chances, "collapsed", 0.5, boxes=1)
    (box,) = found.boxes
    assert found.cases == 200 and found.outcome == "draws with P(collapse) >= 50.0%"
    assert box.limits["decisions.memory"][0] == pytest.approx(0.15, abs=0.02) and box.quasi_p["decisions.memory"] < 1e-6
    noise = found.noise
    error = np.sqrt(0.5 * 0.5 / 20)
    assert (noise.replications, noise.most, noise.standard_error) == (20, 20, pytest.approx(error))
    assert noise.near == int((np.abs(chances.estimate - 0.5) < 2 * error).sum()) > 0
    assert 0 < noise.noise_share < 0.5  # the draws' shares spread mostly by their memory
    text = d.render(found)
    assert "each case is one draw (quasi-p counts draws, not partnerships); its P(collapse) is a share of 20 replications:" in text
    assert f"one standard error is {error:.1%} at the threshold 50.0% (with 20), and {noise.near} of the 200 draws lie within 2 standard errors" in text
    assert f"Monte Carlo noise makes up {noise.noise_share:.0%} of the spread of the draws' P(collapse)" in text
    assert found.to_dict()["noise"]["replications"] == 20
    flat = d.discover_chances(d.draw_chances(*_draws_run(tmp_path / "flat", effect=False)[::-1], "collapsed"), "collapsed", 0.5)
    assert flat.noise.noise_share == 1.0
    assert "the draws' P(collapse) differ no more than Monte Carlo noise alone would make them: any box may be noise" in d.render(flat)


def test_discover_on_a_run_with_draws_takes_its_draws_and_on_a_run_without_refuses_them_in_one_line(tmp_path, capsys):
    import json

    from sim.cli.analyse import main
    from sim.results.files import DISCOVERY

    run = tmp_path / "posterior"
    _draws_run(run)
    assert main(["discover", str(run), "--boxes", "1"]) == 0
    found = json.loads((run / "discovery.json").read_text())
    assert found["cases"] == 200 and found["inputs"] == ["decisions.memory", "dynamics.legacy_drag"]
    assert found["settings"]["table"] == "draws.parquet" and found["settings"]["cases"] == "draws" and not found["settings"]["threshold_given"]
    assert found["boxes"][0]["limits"]["decisions.memory"][0] == pytest.approx(0.15, abs=0.02)
    assert main(["discover", str(run), "--threshold", "0.6", "--outcome", "failure"]) == 0
    assert json.loads((run / "discovery.json").read_text())["settings"]["threshold"] == 0.6
    assert "draws with P(failure) >= 60.0%" in capsys.readouterr().out
    assert main(["discover", str(run), "--cases", "partnerships"]) == 0  # the partnerships, as before: the parameters drawn per replication
    found = json.loads((run / "discovery.json").read_text())
    assert found["cases"] == 4000 and found["inputs"] == ["c0_pace"] and found["settings"]["cases"] == "partnerships"
    capsys.readouterr()

    plain = tmp_path / "none"
    plain.mkdir()
    pd.read_parquet(run / "replications.parquet").drop(columns="draw").to_parquet(plain / "replications.parquet")
    assert main(["discover", str(plain), "--cases", "draws"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: --cases = 'draws' needs a run with parameter draws, and {str(plain)!r} has none (no draws.parquet, as a run with uncertainty=none has"
        " none): run sim-run uncertainty=prior replications=2000 replications_per_draw=20 (or uncertainty=posterior), or leave out --cases to"
        " search its partnerships\n"
    )
    assert not any((plain / name).exists() for name in DISCOVERY)
    assert main(["discover", str(plain), "--threshold", "0.2"]) == 2
    assert (
        capsys.readouterr().err == "error: --threshold = 0.2 applies to a sweep's points or a run's draws: a run's partnerships are cases by --outcome alone\n"
    )
    assert main(["discover", str(run), "--cases", "all"]) == 2
    assert capsys.readouterr().err == "error: --cases = 'all' is not allowed: one of draws, partnerships\n"


def test_the_sweep_tables_columns_for_each_outcome_are_those_sim_collect_writes():
    """discover held its own copy of the sweep table's column names (SWEPT_CHANCES) beside plots.SWEEP_ESTIMATE: one place holds them now."""
    from sim.analysis.plots import SWEEP_ESTIMATE, sweep_estimate
    from sim.analysis.summary import SUMMARY_COLUMNS, summarise
    from sim.results.sweep import flatten

    table = pd.DataFrame({c: np.zeros(4) for c in SUMMARY_COLUMNS}).assign(
        outcome=["collapsed", "shelved", "sustained", "underperforming"], end_month=[30, 0, 120, 120], cause="none", trigger="none", case=""
    )
    columns = flatten(summarise(table, horizon=120))
    assert sweep_estimate() == SWEEP_ESTIMATE
    for outcome in d.OUTCOMES:
        assert set(sweep_estimate(outcome)) <= set(columns), outcome
        assert d.CHANCES[outcome].startswith("P(")

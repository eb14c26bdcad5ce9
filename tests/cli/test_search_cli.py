"""``sim-search``'s checks before anything runs, and its policy files of the packages it confirmed."""

from __future__ import annotations

import importlib.util
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import search

SIM_SEARCH, SIM_RUN, SIM_COMPARE = (str(Path(sys.executable).with_name(name)) for name in ("sim-search", "sim-run", "sim-compare"))


def test_tuning_without_optuna_names_the_package_to_install(monkeypatch, capsys) -> None:
    """It said ``pip install -e '.[search]'``, which works only in a checkout of the source, not for an installed package."""
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None if name == "optuna" else find_spec(name, *args))
    assert search.main(["tune=3"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: tune = 3 needs Optuna, which is not installed: pip install 'partnership-sim[search]' (or tune=0: on/off combinations only)"
    ]


@pytest.mark.slow
def test_the_confirmed_packages_are_policy_files_that_run_as_the_search_ran_them(tmp_path) -> None:
    """sim-search said to compare its package against none with sim-compare, but a package (levers at tuned start months
    and strengths, costs scaled with strength) had no name a policy list takes. Each confirmed package is now a policy
    file in the run folder: sim-run with it on the confirmation's seed gives the confirmed risk and cost, and the printed
    sim-compare command runs."""
    out = tmp_path / "search"
    settings = ["risk=collapse", "target=0.001", "tune=0", "max_levers=1", "pool=[continuity_plan,open_motivations]"]
    small = ["replications=100", "confirm_replications=200", "seed=4", "partnership.horizon_months=60"]
    done = subprocess.run([SIM_SEARCH, *settings, *small, f"hydra.run.dir={out}"], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 1, done.stderr  # nothing meets so low a target: the lowest risks are confirmed all the same
    found = json.loads((out / "search.json").read_text(encoding="utf-8"))
    named = [row for row in found["confirmed"] if row["policy"]]
    assert named and [row["policy"] for row in named] == [f"search_{i}" for i in range(1, len(named) + 1)]
    for row in named:
        assert f"{row['policy']}: {row['package']}" in done.stdout
        run = tmp_path / row["policy"]
        args = ["--config-dir", str(out), f"policy={row['policy']}", "uncertainty=none", f"seed={row['seed']}", f"replications={row['replications']}"]
        ran = subprocess.run(
            [SIM_RUN, *args, "partnership.horizon_months=60", f"hydra.run.dir={run}"], capture_output=True, text=True, timeout=600, check=False
        )
        assert ran.returncode == 0, ran.stderr
        table = pd.read_parquet(run / "replications.parquet")
        launched = table[table["launch_month"] >= 0]
        assert (launched["outcome"].astype(str) == "collapsed").mean() == row["risk"] and table["lever_cost"].mean() == pytest.approx(row["cost"], rel=1e-12)
    command = shlex.split(found["compare"])
    assert found["compare"] in done.stdout and "partnership.horizon_months=60" in command
    compared = subprocess.run(
        [SIM_COMPARE, *command[1:], "replications=50", f"hydra.run.dir={tmp_path / 'compare'}"], capture_output=True, text=True, timeout=600, check=False
    )
    assert compared.returncode == 0, compared.stderr
    assert pd.read_parquet(tmp_path / "compare" / "comparison.parquet")["policy"].tolist() == ["none", *(row["policy"] for row in named)]


def test_a_risk_is_printed_with_the_decimals_that_tell_it_from_the_target() -> None:
    """A confirmed package at 7.01% was printed '7.0% ... (misses the target)' under 'at most 7.0%', which read as a contradiction."""
    from sim.analysis.search import Evaluation, Goal, Package, Result
    from sim.analysis.stats import Estimate

    def evaluation(risk: float, levers: tuple = ()) -> Evaluation:
        return Evaluation(Package(levers), Estimate(risk, risk - 0.01, risk + 0.01), Estimate(0.1, 0.1, 0.1), 2000, 1800, "confirmed", 9)

    winner, missed = evaluation(0.0699, (("continuity_plan", 0, 0.6),)), evaluation(0.0701, (("open_motivations", 0, 0.6),))
    text = search.render(Result("collapse", Goal(target=0.07), winner, [winner, missed], evaluation(0.112), [winner]), "baseline")
    assert "at most 7.0%" in text and "  risk 6.99% [95% CI" in text
    (line,) = [line for line in text.splitlines() if "open_motivations" in line]
    assert line.lstrip().startswith("7.01% [") and line.endswith("(misses the target by its estimate; its 95% interval holds the target)")
    assert search.share(0.0701, 0.07) == "7.01%" and search.share(0.07, 0.07) == "7.0%" and search.share(0.112, 0.07) == "11.2%"


def test_an_interval_holding_the_target_is_said_plainly() -> None:
    """The answer is chosen by its own estimate against the target; where its 95% interval held the target the printout said only
    'its interval still reaches above the target: confirm with more replications', a package whose estimate missed but whose interval
    reached below the target was marked '(misses the target)' like one wholly above it, and 'No package found meets the target' gave the
    lowest risk, 10.1% [7.4%, 13.7%] under a target of 10.0%, without a word that it may meet it."""
    from sim.analysis.search import Evaluation, Goal, Package, Result
    from sim.analysis.stats import Estimate

    def evaluation(risk: float, low: float, high: float, lever: str = "") -> Evaluation:
        package = Package(((lever, 0, 0.6),) if lever else ())
        return Evaluation(package, Estimate(risk, low, high), Estimate(0.1, 0.1, 0.1), 2000, 1800, "confirmed", 9)

    holding = "but its 95% interval holds the target: these replications cannot tell whether it keeps the risk at most 10.0% or misses it"
    winner, sure = evaluation(0.095, 0.08, 0.112, "continuity_plan"), evaluation(0.06, 0.05, 0.07, "staged_scope")
    close, above, reference = evaluation(0.104, 0.09, 0.12, "open_motivations"), evaluation(0.15, 0.13, 0.17, "market_testing"), evaluation(0.2, 0.18, 0.22)
    text = search.render(Result("failure", Goal(target=0.1), winner, [winner, sure, close, above], reference, [sure]), "baseline")
    assert f"  risk 9.5% [95% CI 8.0%, 11.2%] ({holding}; more confirm_replications narrow the interval); cost GBP" in text
    ends = {lever: line for line in text.splitlines() for lever in ("continuity", "staged", "open_mot", "market", "no lever") if lever in line}
    assert ends["continuity"].endswith("<- answer") and ends["staged"].endswith("strength 0.60)")
    assert ends["open_mot"].endswith("(misses the target by its estimate; its 95% interval holds the target)")
    assert ends["market"].endswith("(misses the target)") and ends["no lever"].endswith("no lever   (reference)")
    surely = search.render(Result("failure", Goal(target=0.1), sure, [sure, winner], reference, [sure]), "baseline")
    assert "  risk 6.0% [95% CI 5.0%, 7.0%] (its whole interval is at or below the target)" in surely
    assert next(line for line in surely.splitlines() if "continuity" in line).endswith("(meets the target by its estimate; its 95% interval holds the target)")
    none = search.render(Result("failure", Goal(target=0.1), None, [close, above], reference, [sure]), "baseline")
    lowest = "No package found meets the target; the lowest risk confirmed: 10.4% [9.0%, 12.0%]"
    assert f"{lowest} with open_motivations (month 0, strength 0.60) ({holding};" in none
    missed = search.render(Result("failure", Goal(target=0.1), None, [above], reference, [sure]), "baseline")
    assert "the lowest risk confirmed: 15.0% [13.0%, 17.0%] with market_testing (month 0, strength 0.60)\n" in missed


def test_target_and_budget_both_given_are_refused_in_one_line(capsys) -> None:
    """A budget and a target ask two different questions: both given, it says which to drop, before anything runs."""
    assert search.main(["target=0.1", "budget=2"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: target=0.1 and budget=2 were both given: target asks for the cheapest package keeping the risk at most it, budget for the lowest"
        " risk costing at most it; give only one (drop target= for the lowest risk within the budget)"
    ]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("optuna") is None, reason="Optuna is not installed (pip install -e '.[search]'): the search tunes with it")
def test_a_budget_finds_the_lowest_risk_within_it(tmp_path) -> None:
    """sim-search answered only 'the cheapest package under a risk target' (its help said there was no budget setting):
    budget= asks for the package of lowest risk costing at most it, confirmed and printed with its interval and cost."""
    done = subprocess.run([SIM_SEARCH, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "budget" in done.stdout and "no budget setting" not in done.stdout
    docs = " ".join((Path(__file__).parents[2] / "docs" / "sweeps.md").read_text(encoding="utf-8").split())
    assert "no `budget=` setting" not in docs and "sim-search scenario=case04_trading_company budget=" in docs
    out = tmp_path / "search"
    settings = ["scenario=case04_trading_company", "budget=0.5", "tune=1", "trials=4", "max_levers=2", "pool=[commercial_capability,it_harmonisation_first]"]
    small = ["replications=100", "confirm_replications=200", "partnership.horizon_months=48"]
    done = subprocess.run([SIM_SEARCH, *settings, *small, f"hydra.run.dir={out}"], capture_output=True, text=True, timeout=600, check=False)
    found = json.loads((out / "search.json").read_text(encoding="utf-8"))
    assert found["budget"] == 0.5 and found["target"] is None
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Scenario case04_trading_company: the lever package with the lowest risk of any failure")
    assert "costing at most GBP 0.500 m per partnership" in lines[0]
    if found["answer"] is None or not found["answer"]["levers"]:
        assert done.returncode == 1 and "no lever, which costs nothing" in done.stdout
    else:
        assert done.returncode == 0, done.stderr[-3000:]
        assert found["answer"]["cost"] <= 0.5 and all(found["answer"]["risk"] <= row["risk"] for row in found["confirmed"] if row["cost"] <= 0.5)
        assert lines[1] == f"Answer: {found['answer']['package']}" and "within the budget of GBP 0.500 m per partnership" in lines[2]
    assert (out / "policy" / "search_1.yaml").is_file() and found["compare"] in done.stdout


@pytest.mark.slow
def test_search_json_records_each_confirmed_package_s_paired_differences(tmp_path) -> None:
    """search.json held each confirmed package's risk and interval, but not the paired differences that picked the answer
    (against the answer, against no lever), and with risk=collapse there were none: 'Not measurably lower than search_2 (95%
    intervals overlapping)' where, on the same replications, the answer's collapse is lower by a paired interval above zero."""
    out = tmp_path / "search"
    settings = ["scenario=case01_key_person", "risk=collapse", "budget=0.5", "tune=0", "max_levers=2", "pool=[continuity_plan,open_motivations,staged_scope]"]
    small = ["replications=200", "confirm_replications=1000"]
    done = subprocess.run([SIM_SEARCH, *settings, *small, f"hydra.run.dir={out}"], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads((out / "search.json").read_text(encoding="utf-8"))
    answer, reference, confirmed = found["answer"], found["reference"], found["confirmed"]
    assert found["differences_means"].startswith("paired on the same replications: the difference of two shares, each among its own launched")
    assert answer["risk_minus_answer"] is None and reference["risk_minus_no_lever"] is None
    for row in [answer, *confirmed, reference]:
        for name, other in (("answer", answer), ("no_lever", reference)):
            if row["package"] == other["package"]:
                assert row[f"risk_minus_{name}"] is None
                continue
            low, value, high = (row[f"risk_minus_{name}{end}"] for end in ("_low", "", "_high"))
            assert value == pytest.approx(row["risk"] - other["risk"], abs=1e-15) and low <= value <= high, row
    # the paired intervals are the ones that decide: narrower than the separate intervals, and the printout says so
    assert all(row["risk_minus_answer_high"] - row["risk_minus_answer_low"] < row["risk_high"] - row["risk_low"] for row in confirmed[1:])
    apart = [row["policy"] for row in confirmed[1:] if row["risk_minus_answer_low"] <= 0]
    if apart:
        assert f"Not measurably lower than {', '.join(apart)} (the paired 95% interval of the difference in risk" in done.stdout
    else:
        assert "Not measurably lower" not in done.stdout
    assert "95% intervals overlapping" not in done.stdout
    section = (Path(__file__).parents[2] / "docs" / "results.md").read_text(encoding="utf-8").split("## sim-search\n", 1)[1].split("\n## ", 1)[0]
    keys = {*found, *(key.split(".", 1)[-1] if "." in key else key for row in [answer, *confirmed, reference] for key in row)}
    assert [key for key in sorted(keys) if f"`{key}`" not in section and f"`<lever>.{key}`" not in section] == []


def test_block_size_bounds_memory_and_never_changes_the_answer(tmp_path, monkeypatch) -> None:
    """sim-search raised block_size to at least replications, so it did not bound memory as its --help says."""
    asked = []
    real = search.search
    monkeypatch.setattr(search, "search", lambda *args, **kwargs: asked.append(kwargs["block_size"]) or real(*args, **kwargs))
    settings = ["risk=collapse", "target=0.5", "tune=0", "max_levers=1", "pool=[continuity_plan]", "replications=60", "confirm_replications=100"]
    found = []
    for block_size in (20, 10000):
        out = tmp_path / str(block_size)
        assert search.main([*settings, "partnership.horizon_months=36", f"block_size={block_size}", f"hydra.run.dir={out}"]) in (0, 1)
        found.append(json.loads((out / "search.json").read_text(encoding="utf-8"))["confirmed"])
    assert asked == [20, 10000]
    assert [(row["package"], row["risk"], row["cost"]) for row in found[0]] == [(row["package"], row["risk"], row["cost"]) for row in found[1]]

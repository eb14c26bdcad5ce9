"""The sweep's pieces: a point's key, its seed, the flattened figures and the table from records."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
from support.sweeps import drew_from, named

from sim.config.scenarios import load
from sim.config.settings import RunSettings
from sim.results import sweep


class Drawn:
    """A run's parameter uncertainty as a point's key reads it (:class:`sim.config.uncertainty.Uncertainty`): what it holds, its posterior's digest."""

    def __init__(self, held: list[str] | None = None, posterior: str | None = None) -> None:
        self._held, self._posterior = held or [], posterior

    def held(self) -> list[str]:
        return self._held

    def posterior_sha256(self) -> str | None:
        return self._posterior


def test_the_key_changes_with_what_changes_numbers_only():
    config = load("case04_trading_company", "none")
    settings = RunSettings()
    key = sweep.point_key(config, settings, 0)
    for same in ({"workers": 2}, {"engine": "mesa"}, {"resume": True}, {"save_events": True}, {"block_size": 77}, {"design": "x.csv"}):
        assert sweep.point_key(config, dataclasses.replace(settings, **same), 0) == key, same
    for other in ({"replications": 4001}, {"attribution": "counterfactual"}, {"precision": 0.01}):
        assert sweep.point_key(config, dataclasses.replace(settings, **other), 0) != key, other
    assert sweep.point_key(config, settings, 1) != key
    assert sweep.point_key(config, settings, 0, Drawn([])) == key, "a run holding no assumption keeps its key"
    assert sweep.point_key(config, settings, 0, Drawn(["decisions.memory"])) != key, "holding an assumption at its default is not drawing it"
    assert sweep.point_key(config, settings, 0, Drawn(posterior=None)) == key, "a run without a posterior sample keeps its key"
    assert sweep.point_key(config, settings, 0, Drawn(posterior="a" * 64)) != sweep.point_key(config, settings, 0, Drawn(posterior="b" * 64)), "another sample"
    assert sweep.point_key(load("case04_trading_company", "none", ["councils.0.it_maturity=0.3"]), settings, 0) != key
    precise = dataclasses.replace(settings, precision=0.01)
    assert sweep.point_key(config, dataclasses.replace(precise, block_size=5000), 0) != sweep.point_key(config, precise, 0)


def test_seeds_common_by_default_and_derived_per_point_otherwise():
    a, b = load("case04_trading_company", "none"), load("case04_trading_company", "all_levers")
    assert sweep.point_seed(7, a, True) == sweep.point_seed(7, b, True) == 7
    assert sweep.point_seed(7, a, False) != sweep.point_seed(7, b, False)
    assert sweep.point_seed(7, a, False) == sweep.point_seed(7, load("case04_trading_company", "none"), False)
    assert 0 <= sweep.point_seed(7, a, False) < 2**63


def test_flatten_names_every_figure_by_its_path():
    summary = {
        "run": {"seed": 1},
        "replications": 10,
        "definitions": {"shelved": "..."},
        "outcomes": {"collapsed": {"count": 2, "value": 0.2, "low": 0.05, "high": 0.5}},
        "collapse_within": {"5 years": {"month": 60, "value": 0.1, "low": 0.0, "high": 0.3}, "10 years": None},
        "causes_of_collapse": [{"cause": "case01_key_person", "case": "01", "title": "words", "count": 2, "value": 1.0, "low": 0.3, "high": 1.0}],
        "survival_curve": {"months": [0, 1], "survival": [1.0, 0.9]},
        "attribution": {"seconds": 3.2, "necessary": [{"switch": "elections", "failures": 1}]},
    }
    flat = sweep.flatten(summary)
    assert flat == {
        "outcomes.collapsed.count": 2,
        "outcomes.collapsed.value": 0.2,
        "outcomes.collapsed.low": 0.05,
        "outcomes.collapsed.high": 0.5,
        "collapse_within.5_years.month": 60,
        "collapse_within.5_years.value": 0.1,
        "collapse_within.5_years.low": 0.0,
        "collapse_within.5_years.high": 0.3,
        "collapse_within.10_years": None,
        "causes_of_collapse.case01_key_person.count": 2,
        "causes_of_collapse.case01_key_person.value": 1.0,
        "causes_of_collapse.case01_key_person.low": 0.3,
        "causes_of_collapse.case01_key_person.high": 1.0,
        "attribution.necessary.elections.failures": 1,
    }


def test_the_table_from_records_keeps_failures_and_types(tmp_path):
    ok = tmp_path / "0"
    sweep.PointRecord(0, "ok", {"scenario": "a", "councils.0.it_maturity": 0.2}, "k0", 0, 10).write(ok)
    (ok / "summary.json").write_text('{"run": {"key": "k0", "replications": 10, "uncertainty": "none"}, "outcomes": {"collapsed": {"count": 3, "value": 0.3}}}')
    sweep.PointRecord(1, "failed", {"scenario": "a", "councils.0.it_maturity": 1.5}, error="councils[0].it_maturity = 1.5 is outside [0, 1]").write(
        tmp_path / "1"
    )
    sweep.PointRecord(2, "running", {"scenario": "b", "councils.0.it_maturity": 0.8}, "k2", 0, 10).write(tmp_path / "2")
    collected = sweep.collect(tmp_path)
    assert (collected.count("ok"), collected.count("failed"), collected.count("running")) == (1, 1, 1)
    df = pd.read_parquet(tmp_path / "sweep.parquet")
    assert list(df["status"].astype(str)) == ["ok", "failed", "running"]
    assert df["councils.0.it_maturity"].dtype == "float64" and isinstance(df["scenario"].dtype, pd.CategoricalDtype)
    assert df["outcomes.collapsed.count"].dtype == "Int64" and df["outcomes.collapsed.count"].isna().tolist() == [False, True, True]
    assert list(pd.read_csv(tmp_path / "failures.csv")["point"]) == [1]
    assert sweep.holds_results(tmp_path)


def test_every_point_row_says_the_uncertainty_mode_it_ran_with(tmp_path):
    """With the default mode (no override) the column is there too: the mode from each point's summary.json, null where none ran."""
    for i, mode in enumerate(("none", "prior")):
        folder = tmp_path / str(i)
        sweep.PointRecord(i, "ok", {"scenario": "a", "councils.0.it_maturity": 0.1 * (i + 1)}, f"k{i}", 0, 10).write(folder)
        (folder / "summary.json").write_text(f'{{"run": {{"key": "k{i}", "replications": 10, "uncertainty": "{mode}"}}}}')
    sweep.PointRecord(2, "failed", {"scenario": "a", "councils.0.it_maturity": 1.5}, error="bad").write(tmp_path / "2")
    sweep.collect(tmp_path)
    df = pd.read_parquet(tmp_path / "sweep.parquet")
    assert isinstance(df["uncertainty"].dtype, pd.CategoricalDtype)
    assert df["uncertainty"].astype(object).where(df["uncertainty"].notna(), None).tolist() == ["none", "prior", None]
    given = tmp_path / "given"
    sweep.PointRecord(0, "ok", {"uncertainty": "none", "seed": 1}, "k0", 1, 10).write(given / "0")
    (given / "0" / "summary.json").write_text('{"run": {"key": "k0", "replications": 10, "uncertainty": "none"}}')
    sweep.collect(given)
    columns = list(pd.read_parquet(given / "sweep.parquet").columns)
    assert columns.count("uncertainty") == 1 and columns.index("uncertainty") < columns.index("status"), "given as an override: the swept column"


def test_every_point_row_says_which_model_and_code_made_it(tmp_path):
    """The table had no model or code version: a resumed sweep could hold points of two commits, and nothing showed which."""
    for i, code in enumerate(("1a2b3c4d5e6f", "0f9e8d7c6b5a-dirty")):
        folder = tmp_path / str(i)
        sweep.PointRecord(i, "ok", {"seed": i}, f"k{i}", i, 10).write(folder)
        provenance = {"model_version": "0.2.2", "code_version": code, "git_commit": "x" * 40}
        (folder / "summary.json").write_text(json.dumps({"run": {"key": f"k{i}", "replications": 10}, "provenance": provenance}))
    sweep.PointRecord(2, "failed", {"seed": 2}, error="bad").write(tmp_path / "2")
    sweep.collect(tmp_path)
    df = pd.read_parquet(tmp_path / "sweep.parquet")
    assert df["model_version"].tolist()[:2] == ["0.2.2", "0.2.2"] and df["code_version"].tolist()[:2] == ["1a2b3c4d5e6f", "0f9e8d7c6b5a-dirty"]
    assert df["model_version"].isna().tolist() == [False, False, True] and str(df["code_version"].dtype) == "string"
    assert "code_version" in sweep.RUN_DEPENDENT and sweep.same_figures(df, df.assign(code_version="another"))


def test_the_line_said_when_a_sweep_is_over_gives_no_time_left():
    """A sweep that lost a worker ended with 'Sweep: 1 of 2 points done (..., 1 running or interrupted); ..., about 2 min left'."""
    rows = [
        {"point": 0, "status": "ok", "replications": 100, "ran": 100, "finished": 110.0, "resumed": False},
        {"point": 1, "status": "running", "replications": 100, "ran": 100, "finished": None, "resumed": False},
    ]
    collected = sweep.Collected(Path("."), rows, 2, 100.0)
    assert collected.report() == "1 of 2 points done (1 ok, 0 failed, 1 running or interrupted); 10 replications/s, about 10 s left"
    assert collected.report(ended=True) == "1 of 2 points done (1 ok, 0 failed, 1 interrupted); 10 replications/s"


def test_a_resumed_sweeps_speed_leaves_out_the_points_an_earlier_attempt_finished():
    """A SLURM sweep resumed (after a job was cancelled) whose jobs SLURM then refused said 'Sweep: 2 of 3 points done (2 ok, 0 failed);
    3,000,000,000,000 replications/s': the earlier attempt's points finished before this one started, and the speed divided by 1e-9 s."""
    rows = [
        {"point": 0, "status": "ok", "replications": 100, "ran": 100, "finished": 110.0, "resumed": False},
        {"point": 1, "status": "ok", "replications": 100, "ran": 100, "finished": 120.0, "resumed": False},
        {"point": 2, "status": "running", "replications": 100, "ran": None, "finished": None, "resumed": False},
    ]
    assert sweep.Collected(Path("."), rows, 3, 200.0).report(ended=True) == "2 of 3 points done (2 ok, 0 failed, 1 interrupted)"
    rows[2] = {"point": 2, "status": "ok", "replications": 100, "ran": 100, "finished": 210.0, "resumed": False}
    assert sweep.Collected(Path("."), rows, 3, 200.0).report(ended=True) == "3 of 3 points done (3 ok, 0 failed); 10 replications/s"


def test_the_speed_of_a_sweep_counts_every_replication_its_points_ran(tmp_path):
    """A point of sim-compare (3 policies of 200 replications) or sim-calibrate (10 parameter points of 20) counted only the
    replications it was asked for per policy or parameter point: the sweep's speed read 3 and 10 times too low."""
    for i, (asked, ran) in enumerate(((200, 600), (20, 200), (100, None))):  # a comparison, a calibration, a run (ran: its replications)
        record = sweep.PointRecord(i, "ok", {"seed": i}, f"k{i}", i, asked, started=100.0, finished=110.0, ran=ran)
        record.write(tmp_path / str(i))
        (tmp_path / str(i) / "summary.json").write_text(json.dumps({"run": {"key": f"k{i}", "replications": asked}}))
        assert sweep.read_record(tmp_path / str(i)) == record
    collected = sweep.gather(tmp_path)
    assert [r["ran"] for r in collected.rows] == [600, 200, 100]
    collected.started = 100.0
    assert collected.report(ended=True) == "3 points done (3 ok, 0 failed); 90 replications/s"


def test_a_failed_point_is_named_with_its_folder_not_its_bare_job_number():
    """A multirun's failure read "point 3 failed (3): ..." (the job folder's bare name, read as a count)."""
    rows = [
        {"point": 2, "status": "ok", "job_dir": "2", "error": None},
        {"point": 3, "status": "failed", "job_dir": "3", "error": "partnership.min_partners = 3 is outside [1, 2] (the number of councils)"},
    ]
    collected = sweep.Collected(Path("sweeps/gap"), rows, 4, None)
    folder = Path("sweeps/gap") / "3"
    assert collected.failure_lines() == [f"  point 3 failed (folder {folder}): partnership.min_partners = 3 is outside [1, 2] (the number of councils)"]


def test_the_failures_are_counted_out_of_the_sweeps_points():
    """sim-collect --report said "1 of 8 points done (0 ok, 1 failed)", then "error: 1 of 1 points failed"."""
    rows = [{"point": 0, "status": "failed", "job_dir": "0", "error": "bad"}]
    assert sweep.Collected(Path("."), rows, 8, None).failed_line() == "1 of 8 points failed"
    assert sweep.Collected(Path("."), rows, None, None).failed_line() == "1 of 1 points failed"


def test_a_table_with_new_figures_takes_away_the_report_made_from_the_earlier_one(tmp_path):
    """A sweep collected after 1 point, reported (sim-report), then resumed to 2 points kept the report of 1 point beside the new table."""
    for i in range(2):
        sweep.PointRecord(i, "ok" if i == 0 else "running", {"seed": i}, f"k{i}", i, 10).write(tmp_path / str(i))
    (tmp_path / "0" / "summary.json").write_text('{"run": {"key": "k0", "replications": 10}, "outcomes": {"collapsed": {"value": 0.1}}}')
    sweep.collect(tmp_path)
    (tmp_path / "report.html").write_text("made from the table of 1 point")
    (tmp_path / "figures").mkdir()
    sweep.collect(tmp_path)
    assert (tmp_path / "report.html").exists() and (tmp_path / "figures").is_dir(), "the same figures: the report still fits"
    sweep.PointRecord(1, "ok", {"seed": 1}, "k1", 1, 10).write(tmp_path / "1")
    (tmp_path / "1" / "summary.json").write_text('{"run": {"key": "k1", "replications": 10}, "outcomes": {"collapsed": {"value": 0.2}}}')
    sweep.collect(tmp_path)
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "figures").exists()


def test_a_sweep_says_once_for_each_small_posterior_which_points_drew_from_it():
    """A single run drawing from a posterior worth under 40 points printed the note that its total intervals are understated;
    the sweep's own lines (sim-run's end, sim-collect) said nothing of it, though each point's lines scrolled past."""
    from sim.config.uncertainty import small_posterior_reason

    small = {"mode": "posterior", "posterior": "cal/posterior.parquet", "posterior_sha256": "ab", "posterior_rows": 30, "posterior_effective_size": 22.4}
    big = small | {"posterior": "big.parquet", "posterior_sha256": "cd", "posterior_rows": 2000, "posterior_effective_size": 1100.0}
    notes = sweep.small_posterior_notes([(0, small | {"draws": 10}), (1, big | {"draws": 10}), (2, small | {"draws": 10})], 3)
    assert notes == [
        f"note: points 0 and 2 drew from posterior = 'cal/posterior.parquet' (SHA-256 ab), {small_posterior_reason(22.4, 30)}: their 10 parameter draws repeat"
        " those few points, so their total intervals understate the spread across the assumptions and the precision of their ends is overstated;"
        " a posterior from sim-calibrate with more points (and waves) is worth more"
    ]
    every = sweep.small_posterior_notes([(0, small | {"draws": 10}), (1, small | {"draws": 40})], 2)
    assert len(every) == 1 and every[0].startswith("note: every point drew from") and "their 10 to 40 parameter draws repeat" in every[0]
    alone = sweep.small_posterior_notes([(4, small)], 1)
    assert alone[0].startswith("note: point 4 drew from") and ": its parameter draws repeat those few points, so its total intervals" in alone[0]
    other = small | {"posterior": "cal2/posterior.parquet", "posterior_sha256": "ef"}
    assert len(sweep.small_posterior_notes([(0, small), (1, other)], 2)) == 2, "a sweep over posterior= names each small sample"
    older = {"mode": "posterior", "posterior": "old.csv", "posterior_sha256": "ab"}  # written before the sample's size was recorded
    assert sweep.small_posterior_notes([(0, older), (1, {"mode": "prior"}), (2, big)], 3) == []
    many = sweep.small_posterior_notes([(i, small) for i in range(9)], 12)
    assert many[0].startswith("note: points 0, 1, 2, 3, 4, 5 and 3 more drew from")


def test_a_sweeps_small_posterior_note_is_a_runs_own_words_with_one_draw_said_as_one():
    """The sweep re-typed the close of a run's note (small_posterior_words) and said 'its 1 parameter draws repeat' of a point
    that ran one draw, where the point itself had printed 'its 1 parameter draw repeats'."""
    from sim.config.uncertainty import small_posterior_words

    small = {"mode": "posterior", "posterior": "a.parquet", "posterior_sha256": "ab", "posterior_rows": 30, "posterior_effective_size": 22.4}
    (one,) = sweep.small_posterior_notes([(3, small | {"draws": 1})], 5)
    run = small_posterior_words("a.parquet", 22.4, 30, 1)
    assert ": its 1 parameter draw repeats those few points, so its total intervals understate" in one
    assert one.endswith(run[run.index(" those few points") :].replace("this run's", "its"))
    (both,) = sweep.small_posterior_notes([(0, small | {"draws": 1}), (1, small | {"draws": 1})], 5)
    assert ": their 1 parameter draw repeats those few points, so their total intervals" in both


def test_the_points_collected_say_the_small_posterior_they_drew_from(tmp_path):
    drew_from(tmp_path, 0, "cal/posterior.parquet", 22.4, 30)
    drew_from(tmp_path, 1, "cal/posterior.parquet", 22.4, 30)
    sweep.PointRecord(2, "failed", {"posterior": "cal/posterior.parquet", "seed": 2}, error="bad").write(tmp_path / "2")
    notes = sweep.gather(tmp_path).posterior_notes()
    assert len(notes) == 1 and notes[0].startswith(f"note: points 0 and 1 drew from posterior = {named('cal/posterior.parquet')}, worth about 22 ")
    (tmp_path / "2" / "point.json").unlink()
    assert sweep.gather(tmp_path).posterior_notes()[0].startswith("note: every point drew from posterior = 'cal/posterior.parquet'")
    drew_from(tmp_path / "large", 0, "big.parquet", 1100.0, 2000)
    assert sweep.gather(tmp_path / "large").posterior_notes() == []


def test_a_sweep_tells_posterior_samples_apart_by_their_digest_not_their_file(tmp_path):
    """sweep.parquet recorded only the file each point drew from, and the notes grouped the points by it: a sample written anew
    at one path (a calibration run again into its folder) and the sample before it were one, and a copy of one sample two.
    The table now holds each point's digest, and the notes group by it and name it."""
    first, anew = "3f2a9c01b7e4" + "0" * 52, "9d81e5aa07c2" + "1" * 52
    drew_from(tmp_path, 0, "cal/posterior.parquet", 22.4, 30, sha256=first)
    drew_from(tmp_path, 1, "cal/posterior.parquet", 12.0, 30, sha256=anew)
    drew_from(tmp_path, 2, "moved/posterior.parquet", 22.4, 30, sha256=first)
    sweep.collect(tmp_path)
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    assert table[sweep.POSTERIOR_SHA256].tolist() == [first, anew, first] and str(table[sweep.POSTERIOR_SHA256].dtype) == "string"
    notes = sweep.gather(tmp_path).posterior_notes()
    assert [note.split(", worth about")[0] for note in notes] == [
        "note: points 0 and 2 drew from posterior = 'cal/posterior.parquet' (SHA-256 3f2a9c01b7e4; the same sample as 'moved/posterior.parquet')",
        "note: point 1 drew from posterior = 'cal/posterior.parquet' (SHA-256 9d81e5aa07c2)",
    ]
    assert "worth about 22 " in notes[0] and "worth about 12 " in notes[1]
    older = table.drop(columns=sweep.POSTERIOR_SHA256)  # a table collected before the digest was: told apart by file
    assert len(sweep.posterior_notes(older, 3)) == 2


def test_a_sweep_with_points_not_yet_started_never_says_every_point_drew_from_a_sample(tmp_path):
    """sim-collect of a sweep of 10 points with 2 done printed '2 of 10 points done' and then 'note: every point drew from
    posterior = ...': the note counted only the points that had started."""
    (tmp_path / "sweep.json").write_text(json.dumps({"points": 10}), encoding="utf-8")
    for point in (0, 1):
        drew_from(tmp_path, point, "a.parquet", 22.4, 30)
    collected = sweep.gather(tmp_path)
    assert collected.report().startswith("2 of 10 points done")
    assert [note[: note.index(" drew")] for note in collected.posterior_notes()] == ["note: points 0 and 1"]
    for point, size in enumerate((25.94, 16.0)):
        (tmp_path / "cal" / str(point)).mkdir(parents=True)
        sweep.PointRecord(point, "ok", {"seed": point}, f"k{point}", point, 20).write(tmp_path / "cal" / str(point))
        posterior = {"run": {"key": f"k{point}", "replications": 20}, "effective_sample_size": size, "rows": 30}
        (tmp_path / "cal" / str(point) / "posterior.json").write_text(json.dumps(posterior), encoding="utf-8")
    (tmp_path / "cal" / "sweep.json").write_text(json.dumps({"points": 5}), encoding="utf-8")
    (note,) = sweep.gather(tmp_path / "cal").posterior_notes()
    assert note.startswith("note: the posteriors of points 0 and 1 are each worth fewer than 40"), note


def test_a_calibration_sweep_says_which_of_its_posteriors_are_worth_few_points(tmp_path):
    """Each calibration of a sim-calibrate sweep printed 'note: the posterior is worth about 26 equally weighted points ...' as it
    ran; the sweep's end and sim-collect said nothing of the posteriors it had made."""
    for point, size in enumerate((25.94, 120.0, 39.96)):
        sweep.PointRecord(point, "ok", {"seed": point}, f"k{point}", point, 20).write(tmp_path / str(point))
        posterior = {"run": {"key": f"k{point}", "replications": 20}, "effective_sample_size": size, "rows": 30}
        (tmp_path / str(point) / "posterior.json").write_text(json.dumps(posterior), encoding="utf-8")
    assert sweep.gather(tmp_path).posterior_notes() == [
        "note: the posteriors of points 0 and 2 are each worth fewer than 40 equally weighted points (effective sample sizes 26 and 39.9;"
        " a 95% total interval needs 40 for one beyond each end): a run drawing from one notes that its total intervals are understated;"
        " more points (and waves) make them worth more"
    ]
    assert sweep.small_calibrations_note({0: 25.94, 1: 16.0}, 2).startswith("note: every calibration's posterior is worth fewer than 40")
    assert sweep.small_calibrations_note({4: 12.0}, 3).startswith("note: the posterior of point 4 is worth fewer than 40 equally weighted points (")
    assert sweep.small_calibrations_note({0: 40.0}, 1) is None


def test_the_tables_columns_are_the_point_the_swept_values_in_the_order_given_then_its_own(tmp_path):
    """sim-run -m policy=none,all_levers councils.0.it_maturity=0.2,0.8 scenario=case04_trading_company replications=200
    gave 'point, scenario, policy, councils.0.it_maturity, replications, status, ...': every value on the command line was
    read as swept, replications (given once) among them ahead of status, as text. The swept values come first, in the
    order given; what was set once follows the table's own columns, and replications is the table's own (what ran)."""
    command = ["sim-run", "-m", "policy=none,all_levers", "councils.0.it_maturity=0.2,0.8", "scenario=case04_trading_company", "replications=200"]
    recorded = sorted(command[2:])
    fingerprint = {"overrides": recorded, "sweeper_params": {}, "order": ["policy", "councils.0.it_maturity"]}
    (tmp_path / "sweep.json").write_text(json.dumps({"fingerprint": fingerprint, "points": 4, "command": command, "cwd": str(tmp_path)}))
    for i, (policy, maturity) in enumerate((p, m) for p in ("none", "all_levers") for m in (0.2, 0.8)):
        values = {"scenario": "case04_trading_company", "policy": policy, "councils.0.it_maturity": maturity, "replications": 200}
        record = sweep.PointRecord(i, "ok", values, f"k{i}", 0, 200, wall_time_s=0.5)
        record.compile_time_s = 70.0 if i == 0 else 0.0  # the first job compiled the model
        record.write(tmp_path / str(i))
        run = {"key": f"k{i}", "replications": 200, "uncertainty": "posterior"}
        (tmp_path / str(i) / "summary.json").write_text(json.dumps({"run": run, "outcomes": {"collapsed": {"count": 19, "value": 0.095}}}))
    sweep.collect(tmp_path)
    df = pd.read_parquet(tmp_path / "sweep.parquet")
    own = ["status", "error", "seed", "replications", "uncertainty", "job_dir", "key"]
    after = ["scenario", "wall_time_s", "compile_time_s", "host", "model_version", "code_version", "outcomes.collapsed.count", "outcomes.collapsed.value"]
    assert list(df.columns) == ["point", "policy", "councils.0.it_maturity", *own, *after]
    assert df["replications"].dtype == "Int64" and df["compile_time_s"].tolist() == [70.0, 0.0, 0.0, 0.0]
    # a pivot or a groupby over the policies gave all_levers before none, the alphabet's order: now the sweep's
    assert list(df["policy"].cat.categories) == ["none", "all_levers"]
    assert df.pivot_table(index="policy", columns="councils.0.it_maturity", values="outcomes.collapsed.value").index.tolist() == ["none", "all_levers"]
    assert list(pd.read_csv(tmp_path / "sweep.csv").columns) == list(df.columns)


def test_a_designs_swept_values_are_its_cells_not_its_command_lines_settings(tmp_path):
    """sim-run design=points.csv scenario=case04_trading_company replications=50: the design's cells are its swept values; the
    scenario and replications, set once on the command line for every row, follow the table's own columns."""
    points = tmp_path / sweep.POINTS
    points.mkdir()
    command = ["sim-run", "design=points.csv", "scenario=case04_trading_company", "replications=50", "hydra.run.dir=d"]
    (points / sweep.SWEEP).write_text(json.dumps({"points": 2, "design": "points.csv", "command": command, "cwd": str(tmp_path)}))
    for i, maturity in enumerate((0.3, 0.6)):
        values = {"scenario": "case04_trading_company", "policy": "none", "replications": 50, "councils.0.it_maturity": maturity, "seed": 0}
        sweep.PointRecord(i, "ok", values, f"k{i}", 0, 50).write(points / str(i))
        (points / str(i) / "summary.json").write_text(json.dumps({"run": {"key": f"k{i}", "replications": 50, "uncertainty": "none"}}))
    df = sweep.frame(sweep.gather(tmp_path))
    assert list(df.columns[:4]) == ["point", "councils.0.it_maturity", "seed", "status"], "a design's cells are its swept values"
    columns = list(df.columns)
    assert columns[columns.index("key") + 1 : columns.index("wall_time_s")] == ["scenario", "policy"] and columns.count("replications") == 1
    # a chunk of it run as a multirun's job (sim-run -m design=points.csv design_chunk=0/2,1/2 ...): its own table reads the multirun's command
    multirun = {"command": ["sim-run", "-m", "design=points.csv", "design_chunk=0/2,1/2", "scenario=case04_trading_company", "replications=50"]}
    chunk = tmp_path / "chunks"
    (chunk / "1").mkdir(parents=True)
    (chunk / "sweep.json").write_text(json.dumps(multirun))
    (points / sweep.SWEEP).write_text(json.dumps({"points": 2, "design": "points.csv", "chunk": "1/2"}))
    points.rename(chunk / "1" / sweep.POINTS)
    assert list(sweep.frame(sweep.gather(chunk / "1")).columns[:4]) == ["point", "councils.0.it_maturity", "seed", "status"]


def test_where_the_sweep_stands_leaves_out_the_first_compile(tmp_path):
    """sim-collect --report on a sweep whose first job compiled the model for 70 s said '5 replications/s, about 74 s left'
    after 2 of 4 points of 2 s each; its speed and time left are now the simulation's: 100 replications/s, about 4 s."""
    began = 1_000_000.0
    (tmp_path / "sweep.json").write_text(json.dumps({"points": 4, "started": began}))
    for i, (ended, compiled) in enumerate(((72.0, 70.0), (74.0, 0.0))):
        record = sweep.PointRecord(i, "ok", {"seed": i}, f"k{i}", i, 200, started=began + ended - 2, finished=began + ended, wall_time_s=2.0)
        record.compile_time_s = compiled
        record.write(tmp_path / str(i))
        (tmp_path / str(i) / "summary.json").write_text(json.dumps({"run": {"key": f"k{i}", "replications": 200}}))
    assert sweep.gather(tmp_path).report() == "2 of 4 points done (2 ok, 0 failed); 100 replications/s, about 4 s left"
    assert sweep.simulated_share([(2.0, 70.0), (2.0, 0.0)]) == 4 / 74 and sweep.simulated_share([]) == sweep.simulated_share([(None, None)]) == 1

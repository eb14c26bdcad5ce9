"""``sim-calibrate`` end to end as a real subprocess: --help, bad input, and a small calibration's results files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.config.calibration import CalibrateSettings
from sim.core.version import __version__

SIM_CALIBRATE = str(Path(sys.executable).with_name("sim-calibrate"))


def run(out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    return subprocess.run([SIM_CALIBRATE, *args, f"hydra.run.dir={out}"], capture_output=True, text=True, timeout=900, env=env, check=False)


def test_help_lists_every_setting_with_its_allowed_values():
    done = subprocess.run([SIM_CALIBRATE, "--help"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: sim-calibrate")
    lines = done.stdout.splitlines()
    for f in fields(CalibrateSettings):
        line = next((line for line in lines if line.strip().startswith(f"{f.name} ")), None)
        assert line is not None, f"{f.name} missing from --help"
        spec = f.metadata["spec"]
        assert "(default " in line, line
        if spec.unit not in ("text", "paths", "flag"):
            assert f"[{spec.lo:g}, " in line, line
    assert "uk_breakups" in done.stdout and "scenario= one of: baseline" in done.stdout


def test_bad_input_gives_one_line_per_problem_exit_2_and_no_results(tmp_path):
    bad = tmp_path / "targets.yaml"
    bad.write_text("event: breakup\nstatistics:\n  - {kind: breakup_by, years: 5, observed: 1.5, sd: 0.1}\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run(out, "points=5", "cutoff=0.5", f"targets={bad}", "decisions.noise=7", f"out={out}")
    assert done.returncode == 2
    errors = done.stderr.strip().splitlines()
    assert errors == [
        "error: points = 5 is outside [10, 1000000]",
        "error: cutoff = 0.5 is outside [1, 10]",
        "error: decisions.noise = 7 is outside [0.001, 1]",
        "error: statistics[0].observed = 1.5 is outside [0, 1]",
    ]
    assert not out.exists() or not any(out.glob("*.parquet"))
    done = run(out, "parameters=[decisions.bogus]", f"out={out}")
    assert done.returncode == 2 and "decisions.bogus" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = run(out, "points=20", "waves=1", "replications=20", f"out={out}")
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: points = 20 is too few to emulate 20 calibrated parameters (allowed: 22 to 1,000,000)"
    ], "checked before anything runs, against the parameters calibrated by default"
    assert not out.exists()


def test_a_calibrated_parameter_set_on_the_command_line_is_refused_before_any_folder_is_made(tmp_path):
    """sim-calibrate decisions.memory=0.5 with decisions.memory calibrated ran and ignored the 0.5 (each point drew it from its prior)."""
    out = tmp_path / "out"
    small = ["points=10", "waves=1", "replications=20"]
    done = run(out, "parameters=[decisions.memory,decisions.noise]", "decisions.memory=0.5", "decisions.outside_option=0.6", *small, f"out={out}")
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: decisions.memory is set on the command line and also calibrated (drawn from its prior, so the value given would be ignored): "
        "leave it unset, or hold it at that value by calibrating the others with parameters=[...]"
    ]
    assert not out.exists()


def test_a_calibrated_parameter_swept_by_a_multirun_is_refused_once_before_the_sweep_starts(tmp_path):
    """sim-calibrate -m decisions.memory=0.3,0.5 with decisions.memory calibrated made the sweep folder and each job
    failed with the same line as it ran."""
    sweep = tmp_path / "sweep"
    args = ["-m", "parameters=[decisions.memory,decisions.noise]", "decisions.memory=0.3,0.5", "decisions.outside_option=0.6,0.7"]
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    command = [SIM_CALIBRATE, *args, "points=10", "waves=1", "replications=20", f"hydra.sweep.dir={sweep}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: decisions.memory is set on the command line and also calibrated (drawn from its prior, so the value given would be ignored): "
        "leave it unset, or hold it at that value by calibrating the others with parameters=[...]"
    ]
    assert "Launching" not in done.stdout + done.stderr and not sweep.exists()


def test_out_that_would_mix_or_lose_results_is_refused_before_any_folder_is_made(tmp_path):
    """out= with another hydra.run.dir wrote the results unguarded (an earlier calibration there replaced without notice).
    In a multirun out= is the sweep's folder, as sim-run's (its points in out/0, out/1...: tests/cli/test_out_folder.py),
    so another hydra.sweep.dir is refused with it; out= there was refused as one folder for every job."""
    out, other = tmp_path / "out", tmp_path / "other"
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    done = subprocess.run([SIM_CALIBRATE, f"out={out}", f"hydra.run.dir={other}"], capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: out = {out} and hydra.run.dir = {other} name two folders: give one of them (out= also keeps the run's log and .hydra with its results)"
    ]
    done = subprocess.run(
        [SIM_CALIBRATE, "-m", "seed=1,2", f"out={out}", f"hydra.sweep.dir={other}"], capture_output=True, text=True, timeout=300, env=env, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: out = {out} and hydra.sweep.dir = {other} name two folders: give one of them (out= is the sweep's folder)"
    ]
    assert not out.exists() and not other.exists()


def test_an_out_through_a_file_is_refused_as_bad_input_naming_out(tmp_path):
    """It stopped with exit 3 naming hydra.run.dir, which the user had not given."""
    (tmp_path / "taken").write_text("", encoding="utf-8")
    done = subprocess.run([SIM_CALIBRATE, f"out={tmp_path / 'taken'}"], capture_output=True, text=True, timeout=300, cwd=tmp_path, check=False)
    assert done.returncode == 2
    taken = tmp_path / "taken"
    assert done.stderr.strip().splitlines() == [f"error: out = {taken}: {taken} is a file, not a folder; choose another folder with out=..."]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.parametrize(("code", "reason"), [(28, "no space is left on the device"), (30, "the file system is read-only")])
def test_a_fault_during_the_run_names_out_as_the_user_typed_it(tmp_path, monkeypatch, capsys, code, reason):
    """A full disk or a read-only folder met while calibrating said to write elsewhere with (hydra.run.dir=...), which
    the user had not typed: out=D runs as hydra.run.dir=D. It names out=, as given; hydra.run.dir= when that was given."""
    from sim.cli import calibrate

    def fails(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(tmp_path / "out" / "posterior.parquet"))

    monkeypatch.setattr(calibrate, "calibrate_checked", fails)
    small = ["points=40", "waves=1", "replications=20", "parameters=[decisions.outside_option,decisions.noise]"]
    for given, option in ((f"out={tmp_path / 'out'}", "out=..."), (f"hydra.run.dir={tmp_path / 'out'}", "hydra.run.dir=...")):
        assert calibrate.main([*small, given]) == 3
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert line.startswith(f"error: cannot write {tmp_path / 'out' / 'posterior.parquet'}: {reason}") and line.endswith(f"({option})"), line
        assert not (tmp_path / "out").exists()


def test_a_records_csv_is_read_as_targets_and_its_bad_rows_are_refused_one_line_each_exit_2_and_no_results(tmp_path):
    """sim-calibrate targets=my_record.csv refused every CSV ('is a CSV table: targets files are read as YAML only')."""
    data = Path(__file__).resolve().parents[2] / "data" / "uk_breakups.csv"
    out = tmp_path / "out"
    done = run(out, f"targets={data}", "points=20", "waves=1", "replications=20", f"out={out}")
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: points = 20 is too few to emulate 20 calibrated parameters (allowed: 22 to 1,000,000)"
    ], "the record read, its parameters the shipped file's, checked before anything runs"
    mine = tmp_path / "my_record.csv"
    mine.write_text("arrangement,start_year,end_year\nA,2010,2015.5\nB,2015,2012\nC,2010,\n", encoding="utf-8")
    done = run(out, f"targets={mine}", f"out={out}")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: targets = '{mine}' line 3: end_year = 2012 is before its start_year 2015",
        f"error: targets = '{mine}' line 4: end_year is empty: each row needs start_year and end_year, a decimal year in [1800, 2200], "
        "e.g. 2011.25 (a records CSV lists arrangements that ended)",
    ]
    assert not out.exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_out_in_a_folder_of_the_system_is_refused_naming_out_and_saying_it_cannot_be_written(tmp_path):
    """sim-calibrate out=/proc/x stopped with exit 3: 'cannot write /proc/x: it does not exist (...) (hydra.run.dir=...)'."""
    done = subprocess.run([SIM_CALIBRATE, "out=/proc/x"], capture_output=True, text=True, timeout=300, cwd=tmp_path, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: out = /proc/x: cannot write /proc: no file can be made in it (a folder of the system, as /proc and /sys are); "
        "choose a folder you can write to (out=...)"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_small_calibration_writes_the_posterior_its_provenance_and_the_report(tmp_path):
    out = tmp_path / "cal"
    done = run(out, "points=40", "waves=2", "replications=30", "seed=5", "parameters=[decisions.outside_option,decisions.noise]", f"out={out}")
    assert done.returncode == 0, done.stderr
    assert "Calibrated 2 parameters of scenario baseline to targets uk_breakups" in done.stdout
    assert "\nwarning: effective sample size " in done.stdout and "run more points (and waves)" in done.stdout, "40 points are too few to tell"
    posterior = pq.read_table(out / "posterior.parquet").to_pandas()
    assert list(posterior.columns) == ["decisions.outside_option", "decisions.noise", "weight"]
    assert abs(posterior["weight"].sum() - 1) < 1e-9 and len(posterior) > 0
    made = json.loads((out / "posterior.json").read_text())
    assert made["model_version"] == __version__ and made["targets"] == "uk_breakups" and made["seed"] == 5 and made["runtime_s"] > 0
    report = (out / "calibration.md").read_text()
    for heading in ("## Prior against posterior", "## Posterior predictive check", "## What the data cannot pin down"):
        assert heading in report
    assert "not identified" in report or "no denominator" in report
    assert (out / "calibration" / "prior_posterior.png").stat().st_size > 0 and (out / "design.parquet").is_file()
    assert not list(out.rglob("*.tmp"))


@pytest.mark.slow
def test_users_calibrate_to_their_own_targets_file_with_one_command(tmp_path):
    mine = tmp_path / "my_region.yaml"
    mine.write_text(
        "name: my_region\n"
        "event: collapse\n"
        "horizon_months: 120\n"
        "parameters: [decisions.outside_option]\n"
        "statistics:\n"
        "  - {name: collapsed_by_5_years, kind: breakup_by, years: 5, observed: 0.2, sd: 0.05, computed: share of launched partnerships collapsed by year 5}\n",
        encoding="utf-8",
    )
    out = tmp_path / "cal"
    args = [SIM_CALIBRATE, f"targets={mine}", "points=20", "waves=1", "replications=20", f"out={out}"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=tmp_path, env={**os.environ, "HYDRA_FULL_ERROR": ""}, check=False)
    assert done.returncode == 0, done.stderr
    assert "Calibrated 1 parameter of scenario baseline to targets my_region (1 statistic)" in done.stdout and " replications in 1 wave; " in done.stdout
    assert not (tmp_path / "outputs").exists() and (out / ".hydra").is_dir(), "with out= the run's .hydra goes with its results"
    posterior = pq.read_table(out / "posterior.parquet").to_pandas()
    assert list(posterior.columns) == ["decisions.outside_option", "weight"]
    assert "collapsed_by_5_years" in (out / "calibration.md").read_text()
    assert f"Targets `my_region` from the file `{mine}`" in (out / "calibration.md").read_text()
    assert "Posterior predictive check: The observed value lies inside the posterior predictive 90% interval for " in done.stdout


def test_targets_out_of_the_models_reach_exit_2_saying_so_and_leave_no_results_folder(tmp_path):
    """Targets no parameter point could reach gave exit 0, '0 plausible', an empty posterior.parquet and a page of nan."""
    mine = tmp_path / "unreachable.yaml"
    mine.write_text(
        "name: unreachable\nhorizon_months: 120\nparameters: [decisions.outside_option]\n"
        "statistics:\n  - {name: within_half_year, kind: duration_share, years: [0, 0.5], observed: 0.9, sd: 0.03}\n",
        encoding="utf-8",
    )
    out = tmp_path / "cal"
    done = run(out, f"targets={mine}", "points=10", "waves=1", "replications=20", f"out={out}")
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2 and errors[0].startswith("error: statistics: `within_half_year` observed 0.9 is out of the model's reach")
    assert "nothing was written" in errors[1] and not out.exists()


def test_a_calibration_into_a_results_folder_says_it_replaces_them_and_a_run_leaves_nothing_of_it(tmp_path):
    """sim-calibrate out=cal1 overwrote an earlier calibration silently, without the notice sim-run prints."""
    out = tmp_path / "cal1"
    small = ["points=20", "waves=1", "replications=20", "parameters=[decisions.outside_option]", f"out={out}"]
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    first = subprocess.run([SIM_CALIBRATE, *small], capture_output=True, text=True, timeout=900, env=env, check=False)
    assert first.returncode == 0, first.stderr
    assert "notice:" not in first.stderr
    again = subprocess.run([SIM_CALIBRATE, *small, "seed=1"], capture_output=True, text=True, timeout=900, env=env, check=False)
    assert again.returncode == 0, again.stderr
    assert f"notice: {out} holds an earlier run's results: they are replaced when this run has finished" in again.stderr
    assert json.loads((out / "posterior.json").read_text())["seed"] == 1
    run = subprocess.run(
        [SIM_CALIBRATE.replace("sim-calibrate", "sim-run"), "replications=20", "uncertainty=none", f"hydra.run.dir={out}"],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        check=False,
    )
    assert run.returncode == 0 and "they are replaced" in run.stderr, run.stderr
    assert sorted(p.name for p in out.iterdir()) == [".hydra", "point.json", "replications.parquet", "summary.json"]


def test_a_calibration_worth_fewer_than_40_points_says_runs_drawing_from_it_note_their_totals_understated(tmp_path):
    """sim-calibrate points=40 waves=2 replications=50 printed 'effective sample size 23' and a warning about telling which parameters
    the targets inform, but not that every run drawing from its posterior would say its total intervals are understated (below 40)."""
    out = tmp_path / "cal one"
    small = run(out, "points=10", "waves=1", "replications=20", "parameters=[decisions.memory]", "workers=1", f"out={out}")
    assert small.returncode == 0, small.stderr
    recorded = json.loads((out / "posterior.json").read_text())
    size, rows = recorded["effective_sample_size"], recorded["rows"]
    assert size < 40
    notes = [line for line in small.stderr.splitlines() if line.startswith("note: the posterior is worth")]
    assert notes == [  # in the words of a run drawing from it (small_posterior_words), not a wording of its own
        f"note: the posterior is worth about {size:.0f} equally weighted points (effective sample size {size:.0f} of its {rows} rows; a 95% total"
        f" interval needs 40 for one beyond each end): a run drawing from it (uncertainty=posterior 'posterior={out}/posterior.parquet') notes"
        " that its total intervals are understated; more points (and waves) make it worth more"
    ], small.stderr
    enough = run(tmp_path / "enough", "points=200", "waves=1", "replications=20", "parameters=[decisions.memory]", "workers=1", f"out={tmp_path / 'enough'}")
    assert enough.returncode == 0 and json.loads((tmp_path / "enough" / "posterior.json").read_text())["effective_sample_size"] >= 40
    assert "note: the posterior is worth" not in enough.stderr

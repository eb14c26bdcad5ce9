"""``sim-analyse``: the dispatcher, ``design`` and ``sensitivity`` end to end as real subprocesses."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli.analyse import SUBCOMMANDS

pytestmark = pytest.mark.slow

SIM_ANALYSE = str(Path(sys.executable).with_name("sim-analyse"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([SIM_ANALYSE, *args], capture_output=True, text=True, timeout=900, check=False, cwd=cwd)


def test_the_dispatcher_lists_its_subcommands_and_refuses_an_unknown_one():
    done = run("--help")
    assert done.returncode == 0 and all(name in done.stdout for name in SUBCOMMANDS)
    wrong = run("sensitivty")
    assert wrong.returncode == 2 and wrong.stderr.count("error:") == 1 and "available: discover, sensitivity, design" in wrong.stderr


def test_design_writes_a_latin_hypercube_of_valid_override_rows(tmp_path):
    out = tmp_path / "points.csv"
    done = run("design", "--n", "40", "--method", "lhs", "--seed", "3", "--out", str(out), "decisions.memory=0.2")
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(out)
    assert len(frame) == 40 and "decisions.memory" not in frame and "decisions.noise" in frame
    assert not any(c.startswith("levers.") for c in frame.columns)
    weights = frame[["decisions.weight_savings", "decisions.weight_service", "decisions.weight_fit", "decisions.weight_trust"]].sum(axis=1)
    assert np.allclose(weights, 1.0)
    noise = np.sort(frame["decisions.noise"].to_numpy())
    strata = np.floor((noise - 0.04) / (0.15 - 0.04) * 40).astype(int)
    assert sorted(strata.tolist()) == list(range(40)), "one point in each of the 40 strata of a uniform prior"
    again = run("design", "--n", "40", "--seed", "3", "--out", str(tmp_path / "again.csv"), "decisions.memory=0.2")
    assert again.returncode == 0 and pd.read_csv(tmp_path / "again.csv").equals(frame)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["design", "--n", "0"], "--n = 0 is outside [1, 1000000]"),
        (["design", "--method", "grid"], "--method = 'grid' is not one of lhs, sobol, random"),
        (["design", "decisions.memroy=0.2"], "decisions.memroy is not a parameter (did you mean memory?)"),
        (["sensitivity", "replicatons=10"], "replicatons is not a setting or a section of sim-analyse sensitivity (did you mean replications?)"),
        (["sensitivity", "sobol_n=100"], "sobol_n = 100 must be a power of two (e.g. 64 or 128)"),
        (["sensitivity", "replications=0", "top=1"], "replications = 0 is outside [10, 1000000]"),
        (["sensitivity", "scenario=nowhere"], "scenario = 'nowhere' is not known"),
        (["sensitivity", "trajectorys=3"], "trajectorys is not a setting or a section of sim-analyse sensitivity (did you mean trajectories?)"),
        (["sensitivity", "precision=0.01"], "precision is not a setting or a section of sim-analyse sensitivity (see sim-analyse sensitivity --help)"),
        (["design", "replications=10"], "replications is not a setting or a section of sim-analyse design (see sim-analyse design --help)"),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem(tmp_path, args, words):
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert words in done.stderr
    assert all(line.startswith("error:") for line in done.stderr.strip().splitlines())
    assert not (tmp_path / "outputs").exists() and not (tmp_path / "points.csv").exists()


def test_design_names_every_bad_option_at_once(tmp_path):
    """Only the first value argparse could not read was named; the others waited for the next try."""
    done = run("design", "--n", "abc", "--seed", "-3", "--method", "grid", "decisions.memroy=0.2", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: --n = 'abc' is not a whole number (see sim-analyse design --help)",
        "error: --method = 'grid' is not one of lhs, sobol, random",
        "error: --seed = -3 is outside [0, 9223372036854775807]",
        "error: decisions.memroy is not a parameter (did you mean memory?)",
    ]
    assert not (tmp_path / "points.csv").exists()


def test_discover_names_every_bad_option_at_once(tmp_path):
    done = run("discover", str(tmp_path / "nowhere"), "--boxes", "many", "--min-coverage", "2", "--colour", "red")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: --boxes = 'many' is not a whole number (see sim-analyse discover --help)",
        "error: unrecognized arguments: --colour red (see sim-analyse discover --help)",
        "error: --min-coverage = 2.0 is not allowed: from 0 to 1",
        f"error: folder = '{tmp_path / 'nowhere'}' is not a folder",
    ]


def test_design_help_gives_every_option_its_range_and_default():
    """--method was listed without its default."""
    done = run("design", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for words in ("[1, 1000000] (default 100)", "lhs (Latin hypercube, the default)", "(default 0)", "(default points.csv)"):
        assert words in text, words


def test_a_design_into_a_folder_is_refused_naming_the_option(tmp_path):
    """--out naming a folder failed as a fault of the environment (exit 3) naming a temporary file."""
    done = run("design", "--n", "4", "--out", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: --out = {tmp_path} is a folder: give the CSV file to write (e.g. {tmp_path / 'points.csv'})"]
    assert list(tmp_path.iterdir()) == []


def test_a_design_out_that_cannot_be_written_is_refused_naming_the_option(tmp_path):
    """--out under a file or in /proc composed the model, made the design, then failed as a fault of the environment (exit 3)
    naming a temporary file ('cannot write /proc/.x.csv.31655.0322d65e.tmp'); --out x.json wrote CSV text under that name."""
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    for out, line in (
        (tmp_path / "a.csv" / "x.csv", f"--out = {tmp_path / 'a.csv' / 'x.csv'}: {tmp_path / 'a.csv'} is a file, not a folder; choose another place"),
        (Path("/proc/x.csv"), "--out = /proc/x.csv: cannot write /proc: no file can be made in it (a folder of the system, as /proc and /sys are);"),
        (tmp_path / "x.json", f"--out = {tmp_path / 'x.json'} must be a .csv or .parquet file (the design files sim-run design= reads)"),
    ):
        done = run("design", "--n", "4", "--out", str(out))
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith(f"error: {line}"), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_a_design_out_ending_in_parquet_is_a_parquet_design(tmp_path):
    """--out points.parquet wrote CSV text under that name, which sim-run design=points.parquet could not read ('Parquet magic bytes
    not found')."""
    from sim.frontends.design import read_design

    assert run("design", "--n", "4", "--out", str(tmp_path / "p.parquet")).returncode == 0
    assert run("design", "--n", "4", "--out", str(tmp_path / "p.csv")).returncode == 0
    parquet, csv = read_design(tmp_path / "p.parquet").frame, read_design(tmp_path / "p.csv").frame
    assert len(parquet) == 4 and list(parquet.columns) == list(csv.columns)
    pd.testing.assert_frame_equal(parquet, csv, check_dtype=False, check_exact=False, rtol=1e-12)


def test_a_sobol_design_of_other_than_a_power_of_two_says_so_in_one_line(tmp_path):
    """scipy's UserWarning reached the user with its source line."""
    done = run("design", "--n", "10", "--method", "sobol", "--out", str(tmp_path / "s.csv"))
    assert done.returncode == 0, done.stderr
    line = "notice: --n = 10 is not a power of two: Sobol points keep their balance only for a power of two (e.g. 8 or 16)"
    assert done.stderr.strip().splitlines() == [line]
    assert len(pd.read_csv(tmp_path / "s.csv")) == 10
    assert run("design", "--n", "16", "--method", "sobol", "--out", str(tmp_path / "t.csv")).stderr == ""


SYSTEM_FOLDER = "(a folder of the system, as /proc and /sys are)"


@pytest.mark.parametrize("where", ["through a file", "in /proc"])
def test_a_sensitivity_out_through_a_file_is_refused_before_the_analysis_runs(tmp_path, where):
    """out= naming a file ran the whole analysis, then stopped with exit 3 when writing; so did a folder no file can be made in
    (out=/proc/sens: 'error: cannot write /proc/sens: ...', exit 3, after the analysis)."""
    (tmp_path / "taken").write_text("", encoding="utf-8")
    out, line = (
        (tmp_path / "taken" / "sens", f"{tmp_path / 'taken'} is a file, not a folder; choose another folder with out=...")
        if where == "through a file"
        else (Path("/proc/sens"), f"cannot write /proc: no file can be made in it {SYSTEM_FOLDER}; choose a folder you can write to (out=...)")
    )
    done = run("sensitivity", f"out={out}", "replications=10", "trajectories=2", "top=2", "sobol_n=8", "noise_points=2")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"error: out = {out}: {line}"]


def test_sensitivity_without_salib_names_the_extra_before_anything_runs(tmp_path, monkeypatch, capsys):
    """A package installed without [analysis] ended sim-analyse sensitivity in an ImportError traceback and 'an unexpected error'."""
    from sim.cli import analyse

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None if name == "SALib" else find_spec(name, *args))
    monkeypatch.setitem(sys.modules, "SALib", None)  # importing it fails, as without the extra
    assert analyse.main(["sensitivity", f"out={tmp_path / 'sens'}"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: sim-analyse sensitivity needs SALib, which is not installed: pip install 'partnership-sim[analysis]'"
    ]
    assert not (tmp_path / "sens").exists()


def test_every_bad_argument_is_named_at_once(tmp_path):
    """Another command's setting was ignored without a word, and a bad setting hid the model's problems."""
    done = run("sensitivity", "top=1", "hydra.run.dir=elsewhere", "decisions.memory=7", cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert done.stderr.strip().splitlines() == [
        "error: hydra is not a setting or a section of sim-analyse sensitivity (see sim-analyse sensitivity --help)",
        "error: top = 1 is outside [2, 64]",
        "error: decisions.memory = 7 is outside [0.001, 1]",
    ]
    assert not (tmp_path / "outputs").exists()


@pytest.mark.skipif(importlib.util.find_spec("SALib") is None and not os.environ.get("CI"), reason="the [analysis] extra (SALib) is not installed")
def test_sensitivity_writes_morris_and_sobol_tables_with_the_noise_beside_them(tmp_path):
    out = tmp_path / "sens"
    done = run("sensitivity", "replications=20", "trajectories=2", "top=3", "sobol_n=8", "noise_points=4", "figures=true", f"out={out}", "seed=4", "workers=1")
    assert done.returncode == 0, done.stderr
    for name in ("morris.csv", "morris.parquet", "sobol.csv", "sobol.parquet", "noise.csv", "points.parquet", "sensitivity.json", "morris.png", "sobol.png"):
        assert (out / name).is_file(), name
    morris = pd.read_csv(out / "morris.csv")
    assert {"factor", "output", "mu_star", "mu_star_conf", "sigma", "mu_star_noise"} <= set(morris.columns)
    sobol = pd.read_csv(out / "sobol.csv")
    assert {"S1", "S1_conf", "ST", "ST_conf", "noise_share"} <= set(sobol.columns) and sobol["factor"].nunique() == 3
    noise = pd.read_csv(out / "noise.csv")
    assert list(noise["output"]) == ["collapse", "failure", "months_to_collapse", "realised_over_plan"] and (noise["points_rerun"] == 4).all()
    # each table says which rows the printout marks "within noise", by the printout's rule (the CSV had no such column)
    for table in (morris, pd.read_parquet(out / "morris.parquet")):
        assert table["above_noise"].tolist() == (table["mu_star"] - table["mu_star_conf"] > table["mu_star_noise"]).tolist()
    for table in (sobol, pd.read_parquet(out / "sobol.parquet")):
        assert table["above_noise"].tolist() == (table["ST"] - table["ST_conf"] > table["noise_share"]).tolist()
    clear = morris.groupby("output", sort=False)["above_noise"].sum()
    assert [f"Morris: {clear[o]} of {(morris['output'] == o).sum()} factors have mu* above" in done.stdout for o in clear.index] == [True] * 4
    record = json.loads((out / "sensitivity.json").read_text())
    assert record["run"]["replications"] == 20 and len(record["top"]) == 3 and record["provenance"]["model_version"]
    assert "factors have mu* above the noise floor" in done.stdout and "what noise alone reads" in done.stdout
    # "Sobol indices of the top 3" read as shares of each output's whole variance: the other factors did not vary
    others = record["run"]["factors"] - 3
    assert (
        "Method: Morris screening (2 trajectories, every factor), then Sobol indices of the top 3 over all the outputs (Saltelli base sample 8):"
        f" S1 and ST are shares of an output's variance when only those 3 vary, the other {others} held at their stated values, so a factor"
        " left out of them (though high in an output's Morris list) has no share; Monte Carlo noise from 4 points run again on independent"
        " random numbers; ± 95%: half-width of a bootstrap 95% interval"
    ) in done.stdout, "the printed analysis said how many points, not how it was run"
    assert " s on 1 thread; " in done.stdout, "one thread, not 'on 1 threads'"
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.skipif(importlib.util.find_spec("SALib") is None and not os.environ.get("CI"), reason="the [analysis] extra (SALib) is not installed")
def test_an_analysis_into_the_folder_of_an_earlier_one_replaces_all_its_files(tmp_path):
    """The figures of an earlier analysis stayed beside a later one's tables (figures=false), one folder mixing two analyses."""
    out = tmp_path / "sens"
    small = ["sensitivity", "replications=10", "trajectories=2", "top=2", "sobol_n=8", "noise_points=2", "workers=1", f"out={out}"]
    assert run(*small, "seed=1", "figures=true").returncode == 0
    assert (out / "morris.png").is_file()
    done = run(*small, "seed=2", "figures=false")
    assert done.returncode == 0, done.stderr
    record = json.loads((out / "sensitivity.json").read_text())
    assert record["run"]["seed"] == 2 and sorted(p.name for p in out.iterdir()) == sorted(record["files"])


def test_sensitivity_and_design_take_a_config_dir_as_their_help_says(tmp_path):
    """sim-analyse sensitivity --help said '--config-dir DIR adds scenario/ and policy/ files of your own; --hydra-help shows
    Hydra's own options', but refused both ("'--config-dir' is not key=value"), and design had no --config-dir: a policy of
    one's own (sim-search's policy/search_1.yaml) could not be analysed."""
    (tmp_path / "mine" / "policy").mkdir(parents=True)
    (tmp_path / "mine" / "policy" / "ours.yaml").write_text(
        "# @package _global_\nlevers:\n  continuity_plan: {enabled: true, start_month: 10, strength: 0.2}\n", encoding="utf-8"
    )
    small = ["replications=10", "trajectories=2", "top=2", "sobol_n=8", "noise_points=2", "figures=false", "workers=1"]
    done = run("sensitivity", "--config-dir", str(tmp_path / "mine"), "policy=ours", *small, f"out={tmp_path / 'sens'}")
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "sens" / "sensitivity.json").read_text())
    assert record["run"]["policy"] == "ours" and "levers.continuity_plan.strength" not in record["factors"]
    design = run("design", "--config-dir", str(tmp_path / "mine"), "policy=ours", "--n", "3", "--out", str(tmp_path / "d.csv"))
    assert design.returncode == 0, design.stderr
    assert "policy ours" in design.stdout and len(pd.read_csv(tmp_path / "d.csv")) == 3
    helped = run("sensitivity", "--help").stdout
    assert "--config-dir DIR adds scenario/ and policy/ files of your own." in helped and "--hydra-help" not in helped
    missing = run("sensitivity", "--config-dir")
    assert missing.returncode == 2 and missing.stderr.splitlines() == [
        "error: --config-dir needs a folder: --config-dir DIR, the folder holding your scenario/ and policy/ folders"
    ]


@pytest.mark.skipif(importlib.util.find_spec("SALib") is None and not os.environ.get("CI"), reason="the [analysis] extra (SALib) is not installed")
def test_sensitivity_says_it_varies_the_assumptions_over_their_prior_not_the_posterior(tmp_path):
    """sim-run uses the calibrated posterior by default; the sensitivity analysis varied the prior ranges and never said which."""
    from sim.analysis.sensitivity import VARIED
    from sim.results.files import read_metadata

    out = tmp_path / "sens"
    done = run("sensitivity", "replications=10", "trajectories=2", "top=2", "sobol_n=8", "noise_points=2", "workers=1", "figures=false", f"out={out}")
    assert done.returncode == 0, done.stderr
    assert VARIED.startswith("Assumptions varied over their prior") and "not the calibrated posterior" in VARIED
    assert VARIED in done.stdout
    assert json.loads((out / "sensitivity.json").read_text())["run"]["varied"] == VARIED
    assert all(read_metadata(out / f"{name}.parquet")["varied"] == VARIED for name in ("morris", "sobol", "points"))
    assert "not the calibrated posterior" in " ".join(run("sensitivity", "--help").stdout.split())

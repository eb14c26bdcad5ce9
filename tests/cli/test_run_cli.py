"""``sim-run`` end to end as a real subprocess: the printed table, the results files and bad input."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim import __version__
from sim.results.files import read_metadata

pytestmark = pytest.mark.slow

SIM_RUN = str(Path(sys.executable).with_name("sim-run"))
SMALL = ["replications=300", "seed=3", "partnership.horizon_months=36"]
#: Every results file sim-run may write; the figures only with figures=true; draws.parquet with parameter draws (the default mode).
RESULTS = ("summary.json", "replications.parquet", "draws.parquet", "survival.png", "causes.png", "events.parquet", "trajectories.parquet")
FIGURES = ("survival.png", "causes.png")


def run(out: Path, *args: str, command: tuple[str, ...] = (SIM_RUN,)) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": ""}
    return subprocess.run([*command, *args, f"hydra.run.dir={out}"], capture_output=True, text=True, timeout=600, env=env, check=False)


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("run")
    return run(out, *SMALL, "save_events=true", "save_trajectories=true"), out


def test_prints_the_compact_table(first):
    done, _ = first
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "What was run: scenario baseline, policy none with partnership.horizon_months=36; 300 simulated partnerships, seed 3; uncertainty: posterior"
    )
    assert "total interval" in done.stdout, "the default mode gives every headline figure its total interval"
    for part in ("Outcome of all 300 partnerships", "Collapse within", "2 years", "beyond the horizon", "Median months to collapse", "(counts collapses only)"):
        assert part in done.stdout
    assert "Wilson" not in done.stdout
    assert "Money per partnership over 36 months" in done.stdout
    assert f"Seed 3, 300 replications, engine ensemble; model {__version__}, code " in done.stdout


def test_writes_every_results_file_asked_for_with_provenance(first):
    """Changed on purpose: the figures are drawn only with figures=true."""
    _, out = first
    written = [name for name in RESULTS if name not in FIGURES]
    assert all((out / name).is_file() for name in written)
    assert not any((out / name).exists() for name in FIGURES)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".hydra"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["replications"] == 300 and summary["run"]["seed"] == 3
    assert sorted(summary["run"]["files"]) == sorted(written)
    assert summary["survival_curve"]["months"][-1] == 36
    prov = summary["provenance"]
    assert prov["model_version"] == __version__
    assert {"numpy", "scipy", "hydra-core"} <= set(prov["packages"])
    assert prov["config"]["seed"] == 3 and prov["config"]["partnership"]["horizon_months"] == 36
    assert summary["run"]["wall_time_s"] > 0
    assert prov["command"] == [SIM_RUN.rsplit("/", 1)[-1], *SMALL, "save_events=true", "save_trajectories=true", f"hydra.run.dir={out}"], "as typed"
    table = pd.read_parquet(out / "replications.parquet")
    assert len(table) == 300 and table["rep"].tolist() == list(range(300))
    assert summary["outcomes"]["collapsed"]["count"] == int((table["outcome"] == "collapsed").sum())
    assert summary["uncertainty"]["mode"] == "posterior" and table["draw"].tolist() == [r // 25 for r in range(300)]
    trajectories = pd.read_parquet(out / "trajectories.parquet")
    assert set(trajectories["variable"]) >= {"partners", "value_seen", "trust"} and trajectories["month"].max() == 36
    assert set(pd.read_parquet(out / "events.parquet")["rep"]) <= set(range(300))


def test_same_seed_same_files_in_one_block_or_many(first, tmp_path):
    """Bit for bit, every table: events.parquet came in another order and trajectories.parquet's means differed in their last bits."""
    _, out = first
    done = run(tmp_path, *SMALL, "block_size=70", "workers=2", "save_events=true", "save_trajectories=true", command=(sys.executable, "-m", "sim.cli.run"))
    assert done.returncode == 0, done.stderr
    for name in ("replications.parquet", "draws.parquet", "events.parquet", "trajectories.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / name), pd.read_parquet(out / name), check_exact=True, obj=name)


def test_the_run_and_the_files_provenance_are_the_documented_keys(first):
    """docs/results.md left out run_id (in summary.json's run and every Parquet file's metadata)."""
    _, out = first
    doc = (Path(__file__).resolve().parents[2] / "docs" / "results.md").read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text())
    for key in ("run", "provenance"):
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{key}` |"))
        assert set(summary[key]) <= set(re.findall(r"`([a-z_]+)`", row.split("|")[2])), key
    described = doc.split("schema metadata under", 1)[1].split("`sweep.parquet` holds", 1)[0]
    for name in ("replications.parquet", "draws.parquet", "events.parquet", "trajectories.parquet"):
        assert set(read_metadata(out / name)) <= set(re.findall(r"`([a-z_]+)`", described)), name


def test_figures_on_request(tmp_path):
    done = run(tmp_path, "replications=200", "seed=1", "partnership.horizon_months=36", "figures=true")
    assert done.returncode == 0, done.stderr
    assert all((tmp_path / name).stat().st_size > 1000 for name in FIGURES)
    assert set(FIGURES) <= set(json.loads((tmp_path / "summary.json").read_text())["run"]["files"])


def test_precision_reports_how_many_replications_it_took(tmp_path):
    done = run(tmp_path, "precision=0.03", "block_size=400", "partnership.horizon_months=36")
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["run"]["precision_reached"] <= 0.03 and summary["run"]["precision"] == 0.03
    assert f"{summary['run']['replications']} replications (precision 0.03" in done.stdout


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("scenario=nope", "scenario = 'nope' is not known (available: baseline"),
        ("policy=nowhere", "policy = 'nowhere' is not known (available: "),
        # a lever's title typed for its name got the list but no suggestion
        ("policy=continuity plan", "policy = 'continuity plan' is not known (did you mean continuity_plan?) (available: "),
        ("replications=-5", "replications = -5 is outside [1, 100000000]"),
        ("seed=abc", "seed = 'abc' is not a number (allowed: [0, 9223372036854775807])"),
        ("councils.0.it_maturity=1.7", "councils[0].it_maturity = 1.7 is outside [0, 1]"),
        # the path as that line prints it failed with Hydra's parse error, blaming the value's quoting
        ("councils[0].it_maturity=0.9", "councils[0].it_maturity cannot be set as written: a council (or other list item) is named by its position"),
        ("councils.0.it_maturity=80", "councils[0].it_maturity = 80 is outside [0, 1] (a share from 0 to 1: 80% is 0.8)"),
        ("precision=2", "precision = 2 is outside [0.001, 0.5]"),
        ("engine=warp", "engine = 'warp' is not one of ensemble, mesa"),
        ("workers=0", "workers = 0 is outside [1, 1024]"),
        ("figures=maybe", "figures = 'maybe' must be true or false"),
        ("save_events=maybe", "save_events = 'maybe' must be true or false"),
        ("councils.0.size=beta(2,5)", "councils.0.size = beta(2,5) must be quoted for Hydra: \"councils.0.size='beta(2,5)'\""),
        ("replications=100,200", "replications = 100,200: values separated by commas are a sweep, which needs -m (a multirun)"),
        ("sweep=keyperson_by_maturity_gap", "sweep = keyperson_by_maturity_gap is a preset of swept values, which only a multirun sweeps: sim-run -m"),
        # said 'hydra.runn.dir is not a setting of hydra.runn' and listed the keys of hydra
        ("hydra.runn.dir=x", "hydra.runn.dir: hydra.runn is not a section of hydra (did you mean run?) (known: run, sweep, launcher,"),
        # said 'scenario.foo is not a parameter', naming nothing allowed
        ("scenario.foo=1", "scenario.foo is not a parameter: scenario is a config group, chosen by name (scenario=NAME), and what it sets has its own path"),
    ],
)
def test_bad_input_exits_with_one_line_naming_the_range_and_no_results(tmp_path, arg, message):
    done = run(tmp_path, "replications=50", arg)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: {message}")
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not [p for p in tmp_path.rglob("*") if p.name in RESULTS or p.suffix == ".tmp"]


@pytest.mark.parametrize("multirun", [False, True])
def test_an_unquoted_distribution_is_one_line_and_the_other_problems_are_still_reported(tmp_path, multirun):
    """A multirun gave two lines for one unquoted distribution (the quoting line, then Hydra's parse error),
    and in either mode the quoting line hid an unknown scenario and a bad replications count."""
    args = ["-m", f"hydra.sweep.dir={tmp_path / 'sweep'}", "scenario=case9,baseline"] if multirun else ["scenario=case9"]
    done = run(tmp_path / "one", *args, "councils.0.pace=beta(2, 5)", "replications=0")
    assert done.returncode == 2
    assert [line.split(" (available")[0] for line in done.stderr.strip().splitlines()] == [
        "error: councils.0.pace = beta(2, 5) must be quoted for Hydra: \"councils.0.pace='beta(2, 5)'\"",
        "error: scenario = 'case9' is not known",
        "error: replications = 0 is outside [1, 100000000]",
    ]
    assert not list(tmp_path.iterdir())


def test_interrupted_run_leaves_no_results_file(tmp_path):
    proc = subprocess.Popen([SIM_RUN, "replications=2000000", "block_size=500", f"hydra.run.dir={tmp_path}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".replications.parquet.*.tmp")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(1.0)
    # the run must be under way, writing its results, when it is interrupted (not failed or finished by itself)
    assert proc.poll() is None, proc.communicate()[1][-2000:]
    assert list(tmp_path.glob(".replications.parquet.*.tmp")), "the run never started writing replications.parquet"
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert not [p for p in tmp_path.iterdir() if p.name in RESULTS or p.suffix == ".tmp"]


def test_a_reader_that_leaves_ends_the_output_not_the_run(tmp_path):
    """``sim-run | head -1``: the pipe's reader left before the summary was written, and the run failed (exit 3) naming its folder
    ("cannot write ...: Broken pipe"), its finished results removed. Now the rest of the output is dropped and the results kept."""
    read, write = os.pipe()
    os.close(read)  # a reader that has already gone: every write to the pipe fails with EPIPE
    try:
        done = subprocess.run([SIM_RUN, *SMALL, f"hydra.run.dir={tmp_path}"], stdout=write, stderr=subprocess.PIPE, text=True, timeout=600, check=False)
    finally:
        os.close(write)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert json.loads((tmp_path / "summary.json").read_text())["run"]["replications"] == 300
    assert json.loads((tmp_path / "point.json").read_text())["status"] == "ok"


def test_mesa_engine_writes_the_ensemble_rows(tmp_path):
    args = ("replications=6", "seed=8", "partnership.horizon_months=24")
    done = run(tmp_path / "mesa", *args, "engine=mesa")
    assert done.returncode == 0, done.stderr
    assert run(tmp_path / "ensemble", *args).returncode == 0
    mesa, ensemble = (pd.read_parquet(tmp_path / engine / "replications.parquet") for engine in ("mesa", "ensemble"))
    pd.testing.assert_frame_equal(mesa, ensemble)


def test_a_users_own_scenario_folder_on_the_command_line(tmp_path):
    folder = tmp_path / "ours"
    (folder / "scenario").mkdir(parents=True)
    (folder / "scenario" / "pair.yaml").write_text(
        "# @package _global_\ndefaults:\n  - baseline\n  - _self_\n"
        "councils:\n  - {name: Our District, it_maturity: 0.8}\n  - {name: Their County, tier: county, size: 5.0}\n"
    )
    out = tmp_path / "out"
    done = run(out, "--config-dir", str(folder), "scenario=pair", *SMALL)
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(out / "replications.parquet")
    assert set(table["c1_size"]) == {5.0} and "c2_size" not in table


def test_two_of_hydras_modes_at_once_are_refused_in_one_line(tmp_path):
    """``sim-run -m ... --cfg hydra`` ended in Hydra's traceback and "an unexpected error: please report it": Hydra refuses two
    of its modes with a ValueError, which the command read as a fault of its own. Now one line, exit 2, no folder made."""
    for flags, said in ((["-m", "--cfg", "hydra"], "--multirun and --cfg"), (["--info", "--run"], "--run and --info")):
        done = subprocess.run([SIM_RUN, *flags, "replications=20"], capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines() == [
            f"error: {said} cannot be given together: give one of --run, --multirun, --cfg, --info, --shell-completion (see sim-run --help)"
        ], done.stderr
    assert not any(tmp_path.iterdir()), "no folder made"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        # taken, and the run went on in full, nothing reading hydra.foo
        (["+hydra.foo=1"], "error: hydra.foo is not a setting of hydra (known: run, sweep, launcher, "),
        # 'error: Could not delete from config. 'hydra.runn' does not exist.', with no word of what there is
        (["~hydra.runn"], "error: ~hydra.runn deletes nothing: hydra.runn is not a setting of hydra (did you mean run?) (known: run, sweep, "),
        # 'Error executing job with overrides: [...]' and 'error: Key 'policy' is not in struct', from the job
        (["~policy"], "error: ~policy: a config group is chosen, not deleted: policy=NAME chooses another (see sim-run --help); "),
        # a second line read ~sweep as 'sweep = ' given to a single run
        (["~sweep"], "error: ~sweep: a config group is chosen, not deleted: sweep=NAME chooses another (see sim-run --help); "),
        # the run went on with the default seed, the value given dropped (replications=10 ~replications: 4,000 replications)
        (["seed=3", "~seed"], "error: seed=3 and ~seed both given: one sets seed, the other deletes it; give seed=3 for that value, or ~seed alone "),
        (["-m", "seed=1,2", "~seed"], "error: seed=1,2 and ~seed both given: one sets seed, the other deletes it; "),
        # Hydra's traceback ('AssertionError: Unexpected type for root: NoneType'), then 'please report it', exit 1
        (["-m", "+hydra.sweeper.params.seed=1,2"], "error: +hydra.sweeper.params.seed=1,2: hydra.sweeper.params is not set on the command line; "),
        # Hydra's traceback, then 'an unexpected error: please report it', exit 1
        (["--shell-completion"], "error: --shell-completion needs what to do: install=SHELL, uninstall=SHELL or query=SHELL (SHELL: bash, fish, zsh); "),
    ],
)
def test_hydras_own_forms_refused_are_one_line_with_exit_2_and_no_folder(tmp_path, args, line):
    done = subprocess.run([SIM_RUN, *args, "replications=20"], capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(line), done.stderr
    assert done.stdout == "" and not any(tmp_path.iterdir()), "no outputs/ folder made"


@pytest.mark.parametrize("deleted", ["~hydra.run.dir", "~hydra.runn"])
def test_a_refused_deletion_of_hydras_settings_is_said_with_the_other_problems_of_the_line(tmp_path, deleted):
    """sim-run replications=0 ~hydra.run.dir said only the deletion's line: the run's config was not composed, so its
    values went unchecked and their problems came one at a time, a command line later. Now every problem at once."""
    done = subprocess.run([SIM_RUN, deleted, "replications=0"], capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"error: {deleted}"), done.stderr
    assert lines[1] == "error: replications = 0 is outside [1, 100000000]", done.stderr
    assert done.stdout == "" and not any(tmp_path.iterdir()), "no outputs/ folder made"


def test_the_footer_counts_replications_as_what_was_run_does():
    """sim-run's footer said 'Seed 0, 1420 replications' under a 'What was run' line saying '1,420 simulated partnerships'."""
    from sim.cli.run import _run_line
    from sim.config.settings import RunSettings

    assert _run_line(RunSettings(), {"seed": 0, "replications": 1420}) == f"Seed 0, 1,420 replications, engine {RunSettings().engine}"

"""``sim-run design=FILE`` (:mod:`sim.cli.design`): what it prints while and once its points run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sim.cli.design import _Progress

SIM_RUN = str(Path(sys.executable).parent / "sim-run")


def test_a_design_says_its_points_are_all_done_once(tmp_path):
    """sim-run design=... ended with 'design: 2/2 points done, ...' and then 'Design points.csv: 2 of 2 points done ...'."""
    (tmp_path / "points.csv").write_text("decisions.memory\n0.2\n0.4\n", encoding="utf-8")
    done = subprocess.run(
        [SIM_RUN, "design=points.csv", "replications=20", "workers=1", f"hydra.run.dir={tmp_path / 'out'}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if "2/2 points done" in line or "2 of 2 points done" in line]
    assert said == [line for line in said if line.startswith("Design points.csv: 2 of 2 points done")] and len(said) == 1, done.stderr


def test_a_design_row_whose_seed_is_beyond_64_bits_fails_alone_and_the_table_records_it_as_typed(tmp_path):
    """A row with seed 2**63 failed its point as it should, then building the sweep table stopped with 'TypeError: cannot safely
    cast non-equivalent float64 to int64 ... please report it' and no table was written."""
    import pandas as pd

    (tmp_path / "points.csv").write_text(f"seed\n1\n{2**63}\n", encoding="utf-8")
    done = subprocess.run(
        [SIM_RUN, "design=points.csv", "replications=20", "workers=1", "uncertainty=none", f"out={tmp_path / 'out'}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 3 and "please report" not in done.stderr, done.stderr
    assert f"seed = {2**63} must be a whole number in [0, 2**63)" in done.stderr
    table = pd.read_parquet(tmp_path / "out" / "sweep.parquet")
    assert [str(s) for s in table["seed"]] == ["1", str(2**63)] and list(table["status"]) == ["ok", "failed"]


def test_progress_is_printed_while_points_are_left_and_not_once_all_are_done(capsys):
    progress = _Progress(3, 10, every=0.0)
    progress.update(1, 1)
    progress.update(3, 3)
    printed = capsys.readouterr().err.splitlines()
    assert len(printed) == 1 and printed[0].startswith("design: 1/3 points done") and printed[0].endswith(" left")


def test_a_design_chunk_without_a_design_is_refused_in_one_line(tmp_path, capsys):
    """sim-run design_chunk=0/2 without design= ran the whole baseline, the chunk silently ignored."""
    from sim.cli import run

    assert run.main(["design_chunk=0/2", "replications=20", f"hydra.run.dir={tmp_path / 'out'}"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: design_chunk = 0/2 runs a chunk of a design's points, and no design= is given: add design=FILE or leave design_chunk out"
    ]
    assert not (tmp_path / "out").exists()


def test_a_design_point_resume_cannot_reuse_is_said_to_run_again_and_why(tmp_path):
    """sim-run design=... resume=true ran a point whose results recorded no key (or another one) again without a word,
    where a sweep's point says 'Point N (...) is run again (resume=true): WHY; ...' (sim.cli.sweep.begin_point)."""
    import json

    from sim.cli.sweep import point_text, run_again_line
    from sim.results.sweep import earlier, read_record

    (tmp_path / "points.csv").write_text("decisions.memory\n0.2\n0.4\n", encoding="utf-8")
    args = [SIM_RUN, "design=points.csv", "replications=20", "workers=1", "uncertainty=none", f"hydra.run.dir={tmp_path / 'out'}"]
    assert subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=600).returncode == 0
    folder = tmp_path / "out" / "points" / "1"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    key = summary["run"].pop("key")
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    why, point = earlier(folder, key)[1], read_record(folder).overrides
    resumed = subprocess.run([*args, "resume=true"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    line = run_again_line(f"Point 1 ({point_text(point)})", str(why), folder, staged=False)
    assert "decisions.memory=0.4" in line and resumed.stderr.splitlines().count(line) == 1, resumed.stderr
    assert "design: 1 points already done" in resumed.stderr and resumed.stderr.count(" is run again ") == 1
    assert (  # the words themselves (the line above is built by run_again_line, the function under test)
        "Point 1 (scenario=baseline policy=none replications=20 uncertainty=none decisions.memory=0.4) is run again (resume=true): its"
        " results record no configuration key (made before results recorded one), so nothing shows they match this run; its earlier results in"
        f" {folder} are removed first, not mixed with the new"
    ) in resumed.stderr.splitlines(), resumed.stderr
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["run"]["key"] == key


def test_a_stopped_design_gives_the_line_that_runs_its_points_not_done(tmp_path):
    """sim-collect of a design stopped with a point not done said 'its command again with resume=true runs them' where a
    sweep's gives the line to paste: a design's points/sweep.json recorded no command. It records it now (the folder named
    with out= where the command named none), and the line runs the point not done."""
    import shutil

    (tmp_path / "points.csv").write_text("decisions.memory\n0.2\n0.4\n", encoding="utf-8")
    run = [SIM_RUN, "design=points.csv", "replications=20", "workers=1", "hydra.run.dir=out"]
    assert subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=600).returncode == 0
    shutil.rmtree(tmp_path / "out" / "points" / "1")  # as a design stopped before its last point
    collect = subprocess.run([str(Path(SIM_RUN).parent / "sim-collect"), "out"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    line = f"The sweep is not running: 1 of its points is not done; to run it: cd {tmp_path} && sim-run {' '.join(run[1:])} resume=true"
    assert line in collect.stdout.splitlines(), collect.stdout


def test_a_designs_compile_is_recorded_by_its_first_point_and_kept_by_a_resume(tmp_path):
    """A design's process compiled the model (or loaded it) before its points began, as a sweep's job does, but every point's
    compile_time_s was null: the seconds were nowhere. The first point run records them, the others 0, and resume=true keeps them."""
    import pandas as pd

    (tmp_path / "points.csv").write_text("decisions.memory\n0.2\n0.4\n", encoding="utf-8")
    args = [SIM_RUN, "design=points.csv", "replications=20", "workers=1", "uncertainty=none", f"out={tmp_path / 'out'}"]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    first = pd.read_parquet(tmp_path / "out" / "sweep.parquet")["compile_time_s"].tolist()
    assert first[0] > 0 and first[1:] == [0.0], first
    again = subprocess.run([*args, "resume=true"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    kept = pd.read_parquet(tmp_path / "out" / "sweep.parquet")["compile_time_s"].tolist()
    assert kept == first, "a point skipped keeps the compiling of the job that made it"

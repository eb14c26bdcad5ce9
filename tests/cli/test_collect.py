"""sim-collect's progress line where the sweep is, or is no longer, running."""

from __future__ import annotations

import json

from support.sweeps import drew_from, named

from sim.cli import collect
from sim.results import sweep
from sim.results.lock import RunLock


def half_done_sweep(folder):
    """A sweep of three points started at time 100: point 0 finished at 110, point 1 still recorded running."""
    (folder / sweep.SWEEP).write_text(json.dumps({"points": 3, "started": 100.0}))
    sweep.PointRecord(0, "ok", {"seed": 0}, "k0", 0, 100, started=100.0, finished=110.0).write(folder / "0")
    (folder / "0" / "summary.json").write_text(json.dumps({"run": {"key": "k0", "replications": 100}}))
    sweep.PointRecord(1, "running", {"seed": 1}, "k1", 1, 100, started=110.0).write(folder / "1")


def test_a_sweep_no_longer_running_gets_no_time_left(tmp_path, capsys):
    """A killed sweep's folder read 'about 20 s left' for ever, its interrupted point 'running or interrupted'."""
    half_done_sweep(tmp_path)
    assert collect.main([str(tmp_path), "--report"]) == 0
    out = capsys.readouterr().out
    assert "1 of 3 points done (1 ok, 0 failed, 1 interrupted); 10 replications/s\n" in out and " left" not in out.splitlines()[0]
    assert "The sweep is not running: 2 of its points are not done (its command again with resume=true runs them)" in out


def test_a_stopped_sweep_gives_the_line_that_runs_its_points_not_done(tmp_path, capsys):
    """sim-collect of a joblib sweep stopped by Ctrl-C said 'its command again with resume=true runs them', though its
    sweep.json holds the command: it now gives the line to paste, resume=true in place of any resume= it had."""
    half_done_sweep(tmp_path)
    command = ["sim-run", "-m", "seed=1,2,3", "resume=false", "out=my sweep"]
    (tmp_path / sweep.SWEEP).write_text(json.dumps({"points": 3, "started": 100.0, "command": command, "cwd": "/home/me"}))
    assert collect.main([str(tmp_path), "--report"]) == 0
    line = "The sweep is not running: 2 of its points are not done; to run them: cd /home/me && sim-run -m seed=1,2,3 'out=my sweep' resume=true"
    assert line in capsys.readouterr().out.splitlines()


def test_one_point_not_done_is_said_in_the_singular(tmp_path, capsys):
    """A SLURM sweep stopped with one point not done read 'The sweep is not running: 1 of its points are not done'."""
    half_done_sweep(tmp_path)
    (tmp_path / sweep.SWEEP).write_text(json.dumps({"points": 2, "started": 100.0}))
    assert collect.main([str(tmp_path), "--report"]) == 0
    assert "The sweep is not running: 1 of its points is not done (its command again with resume=true runs them)" in capsys.readouterr().out


def test_a_sweep_still_running_gets_its_time_left(tmp_path, capsys):
    half_done_sweep(tmp_path)
    with RunLock(tmp_path, "hydra.sweep.dir"):
        assert collect.main([str(tmp_path), "--report"]) == 0
    out = capsys.readouterr().out
    assert "1 of 3 points done (1 ok, 0 failed, 1 running or interrupted); 10 replications/s, about 20 s left" in out
    assert "not running" not in out


def test_the_small_posterior_a_sweeps_points_drew_from_is_said_where_its_table_is_collected(tmp_path, capsys):
    """sim-collect read a sweep drawing from a posterior worth under 40 points without the note each point printed as it ran."""
    (tmp_path / sweep.SWEEP).write_text(json.dumps({"points": 2, "started": 100.0}))
    drew_from(tmp_path, 0, "cal/posterior.parquet", 22.4, 30)
    drew_from(tmp_path, 1, "cal/posterior.parquet", 22.4, 30)
    for argv in ([str(tmp_path), "--report"], [str(tmp_path)]):
        assert collect.main(argv) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[1].startswith(f"note: every point drew from posterior = {named('cal/posterior.parquet')}, worth about 22 equally weighted"), lines


def test_a_folder_of_runs_is_not_collected_as_a_sweep(tmp_path, capsys):
    """sim-collect outputs/DATE (single runs, each with its point.json, all point 0) wrote a sweep.parquet of them there and
    said '2 points done (2 ok, 0 failed)'; sim-report then made a sweep's page of unrelated runs."""
    for name in ("10-00-00", "11-00-00"):
        sweep.PointRecord(0, "ok", {"seed": 0}, "k0", 0, 100, started=100.0, finished=110.0).write(tmp_path / name)
        (tmp_path / name / "summary.json").write_text(json.dumps({"run": {"key": "k0", "replications": 100}}))
    for argv in ([str(tmp_path)], [str(tmp_path), "--report"]):
        assert collect.main(argv) == 2
        assert capsys.readouterr().err == (
            f"error: folder = {str(tmp_path)!r} holds runs' records but no sweep.json, which every sweep writes as it starts: they are not one"
            " sweep's; sim-collect reads a multirun's folder or a design's run folder\n"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["10-00-00", "11-00-00"]


def test_a_table_of_one_row_is_said_in_the_singular(tmp_path, capsys):
    """sim-collect of a sweep stopped after its first point said 'Sweep table: D/sweep.parquet (1 rows; also sweep.csv)'."""
    half_done_sweep(tmp_path)
    (tmp_path / "1" / "point.json").unlink()
    assert collect.main([str(tmp_path)]) == 0
    assert f"Sweep table: {tmp_path / 'sweep.parquet'} (1 row; also sweep.csv)" in capsys.readouterr().out.splitlines()

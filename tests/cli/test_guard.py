"""How the commands end (``sim/cli/guard.py``), in process: the line and exit status of a launcher's exceptions."""

from __future__ import annotations

import sys

import pytest

from sim.cli import guard


def launcher_error(module: str, name: str, message: str, base: type[BaseException] = RuntimeError) -> BaseException:
    """An exception of the class ``module.name`` (the launchers are optional: their classes are known by name)."""
    return type(name, (base,), {"__module__": module})(message)


LOKY = "joblib.externals.loky.process_executor"
LOKY_DIED = (
    "A worker process managed by the executor was unexpectedly terminated. This could be caused by a segmentation fault.\n\n"
    "The exit codes of the workers are {SIGKILL(-9)}"
)
SUBMITIT_DIED = "Job 31737 (task: 0) with path /s/.submitit/31737/31737_0_result.pkl\nhas not produced any output (state: FINISHED)\n----\nlog lines"


@pytest.mark.parametrize(
    ("err", "reason"),
    [
        (launcher_error(LOKY, "TerminatedWorkerError", LOKY_DIED), "TerminatedWorkerError: A worker process managed by the executor was unexpectedly"),
        (launcher_error("ray.exceptions", "WorkerCrashedError", "The worker died unexpectedly while executing this task."), "WorkerCrashedError: The worker"),
        (launcher_error("submitit.core.utils", "UncompletedJobError", SUBMITIT_DIED), "has not produced any output (state: FINISHED))"),
    ],
)
def test_a_sweep_job_whose_worker_died_ends_in_one_line_with_exit_3(err, reason, capsys):
    """It printed the launcher's traceback and 'an unexpected error: please report it', exit 1."""
    assert guard.report(err) == guard.EXIT_FAULT
    err_text = capsys.readouterr().err
    assert "Traceback" not in err_text and len(err_text.splitlines()) == 1, err_text
    assert err_text.startswith("error: a job of the sweep was lost: its worker process died or was stopped (")
    assert reason in err_text and "resume=true" in err_text and "log lines" not in err_text and "exit codes" not in err_text


def test_slurm_refusing_the_jobs_is_one_line_with_sbatchs_reason(capsys):
    refused = launcher_error(
        "submitit.core.utils",
        "FailedJobError",
        "sbatch: error: invalid partition specified: nosuch\nsbatch: error: Batch job submission failed: Invalid partition name specified",
        base=launcher_error("submitit.core.utils", "UncompletedJobError", "").__class__,
    )
    assert guard.report(refused) == guard.EXIT_FAULT
    err_text = capsys.readouterr().err
    assert err_text.splitlines() == [
        "error: SLURM refused the sweep's jobs (sbatch: error: invalid partition specified: nosuch sbatch: error: Batch job submission"
        " failed: Invalid partition name specified): check the launcher's settings (hydra.launcher.partition, mem_gb, cpus_per_task,"
        " timeout_min) and that SLURM answers here (sinfo)"
    ]


def test_another_exception_of_those_modules_is_still_a_bug(capsys):
    assert guard.report(launcher_error("ray.exceptions", "RayError", "something else")) == 1
    assert "please report it" in capsys.readouterr().err


def test_a_stopped_sweep_says_what_became_of_its_jobs(tmp_path):
    """On Ray or SLURM the line said 'temporary files removed' while the workers' files stayed, and its SLURM jobs ran on."""
    (tmp_path / "0").mkdir()
    assert guard.stopped_line(2, tmp_path, tmp_path).endswith("no results were written in " + f"{tmp_path} (temporary files removed)")
    line = guard.stopped_line(2, tmp_path, tmp_path, elsewhere=True, cancelled=["20", "21"])
    assert line == (
        f"stopped by SIGINT (Ctrl-C) before the run finished: no results were written in {tmp_path}; its SLURM jobs 20, 21 were cancelled"
        " (the temporary files of the points that were running are removed when they run again with resume=true)"
    )
    (tmp_path / "0" / "summary.json").write_text("{}")
    assert "; its SLURM job 20 was cancelled; the point finished is kept in" in guard.stopped_line(15, tmp_path, tmp_path, True, ["20"])


def test_a_stopped_sweep_whose_points_had_all_ended_says_nothing_of_running_points(tmp_path):
    """A joblib sweep stopped after its points had all ended said 'the temporary files of the points that were running are
    removed when they run again with resume=true': no point was running, and resume=true skips the finished ones."""
    for point, status in enumerate(("ok", "failed")):
        (tmp_path / str(point)).mkdir()
        (tmp_path / str(point) / "point.json").write_text(f'{{"point": {point}, "status": "{status}"}}')
    (tmp_path / "0" / "summary.json").write_text("{}")
    line = guard.stopped_line(2, tmp_path, tmp_path, elsewhere=True)
    assert line.endswith(f"the point finished is kept in {tmp_path} (resume=true skips it)"), line
    (tmp_path / "2").mkdir()
    (tmp_path / "2" / "point.json").write_text('{"point": 2, "status": "running"}')
    line = guard.stopped_line(2, tmp_path, tmp_path, elsewhere=True)
    assert line.endswith("(resume=true skips it; the temporary files of the points that were running are removed when they run again with resume=true)")


def test_a_sweep_stopped_before_any_point_finished_says_to_resume(tmp_path):
    """It said 'no results were written in SWEEP', and the same command then refused that folder: 'already holds results: add resume=true'."""
    (tmp_path / "0").mkdir()
    (tmp_path / "0" / "point.json").write_text('{"point": 0, "status": "running"}')
    line = guard.stopped_line(2, tmp_path, tmp_path)
    assert line == (
        f"stopped by SIGINT (Ctrl-C) before the run finished: no results were written in {tmp_path} (temporary files removed);"
        " it holds the sweep's records: run the same command with resume=true to run its points (or choose another folder with hydra.sweep.dir=...)"
    )
    assert "resume=true" not in guard.stopped_line(2, tmp_path, tmp_path / "points"), "a single run or a design is not refused again"


def test_a_stopped_sweep_names_the_folder_setting_the_user_typed(tmp_path, capsys):
    """``sim-run -m ... out=D`` stopped before a point finished said '(or choose another hydra.sweep.dir)', a setting the user never typed."""
    (tmp_path / "0").mkdir()
    (tmp_path / "0" / "point.json").write_text('{"point": 0, "status": "running"}')
    guard.sweep_started(tmp_path)
    try:
        assert guard.report(KeyboardInterrupt(), option="out=...") == 130
    finally:
        guard._SWEEP.forget()
    line = capsys.readouterr().err
    assert line.rstrip().endswith("(or choose another folder with out=...)")
    assert "hydra.sweep.dir" not in line


def test_a_stopped_sweep_says_the_table_sim_collect_wrote_while_it_ran_is_behind(tmp_path):
    """sim-collect run while a joblib sweep of 3 points ran wrote sweep.parquet of 2 points; Ctrl-C after the third then said
    'no sweep table was written in D; the 3 points finished are kept', and D/sweep.parquet, of 2 points, was left unsaid."""
    import pandas as pd

    for point in range(3):
        (tmp_path / str(point)).mkdir()
        (tmp_path / str(point) / "summary.json").write_text("{}")
    assert "collected before" not in guard.stopped_line(2, tmp_path, tmp_path)
    pd.DataFrame({"point": [0, 1]}).to_parquet(tmp_path / "sweep.parquet")
    line = guard.stopped_line(2, tmp_path, tmp_path)
    assert line.endswith(f"; the sweep.parquet there was collected before, with 2 points: sim-collect {tmp_path} brings it up to date"), line
    design = tmp_path / "design"  # a design's points are in D/points, its table in D
    for point in range(2):
        (design / "points" / str(point)).mkdir(parents=True)
        (design / "points" / str(point) / "summary.json").write_text("{}")
    pd.DataFrame({"point": [0]}).to_parquet(design / "sweep.parquet")
    line = guard.stopped_line(2, design, design / "points")
    assert line.endswith(f"; the sweep.parquet there was collected before, with 1 point: sim-collect {design} brings it up to date"), line


def test_a_stopped_calibration_or_search_sweep_counts_the_points_it_finished(tmp_path):
    """A stopped sim-calibrate -m (or sim-search -m) counted summary.json alone: with a calibration's posterior.json kept (and
    skipped by resume=true) it said 'no results were written ... it holds the sweep's records'."""
    for point, made in enumerate(("posterior.json", "search.json")):
        (tmp_path / str(point)).mkdir()
        (tmp_path / str(point) / "point.json").write_text(f'{{"point": {point}, "status": "ok"}}')
        (tmp_path / str(point) / made).write_text("{}")
        kept = "the point finished is" if point == 0 else "the 2 points finished are"
        assert f"no sweep table was written in {tmp_path}; {kept} kept in {tmp_path} (resume=true skips" in guard.stopped_line(2, tmp_path, tmp_path)
    (tmp_path / "2").mkdir()
    (tmp_path / "2" / "point.json").write_text('{"point": 2, "status": "running"}')
    assert "the 2 points finished are kept" in guard.stopped_line(2, tmp_path, tmp_path), "a point still running is not counted"


def test_a_stop_cancels_the_sweeps_own_slurm_jobs_only(tmp_path, monkeypatch):
    """Hydra's submitit launcher left them running: they went on writing into the sweep folder after sim-run had stopped."""
    import os
    import time

    jobs = tmp_path / ".submitit"
    for name in ("7", "7_0", "20", "20_0", "20_1", "21_0", "notes"):
        (jobs / name).mkdir(parents=True)
    started = time.time() - 5
    os.utime(jobs / "7", (started - 100, started - 100))  # an earlier sweep's array in the same folder (resumed)
    os.utime(jobs / "7_0", (started - 100, started - 100))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "scancel").write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/scancelled\n')
    (bin_dir / "scancel").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert guard.cancel_slurm_jobs(jobs, started) == ["20", "21"]
    assert (tmp_path / "scancelled").read_text().split() == ["20", "21"]
    assert guard.cancel_slurm_jobs(tmp_path / "none", started) == []


def test_a_stop_waits_for_its_cancelled_slurm_jobs_to_end(tmp_path, monkeypatch):
    """submitit's job ignores SLURM's SIGTERM until KillWait (30 s by default) has passed: a point completing then was
    not in the stop's count. The stop now waits until squeue no longer lists the jobs (once gone, squeue refuses their ids)."""
    import os
    import time

    (tmp_path / ".submitit" / "20_0").mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "scancel").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "squeue").write_text(
        f'#!/bin/sh\necho "$@" >> {tmp_path}/asked\n[ $(wc -l < {tmp_path}/asked) -ge 3 ] && {{ echo "Invalid job id" >&2; exit 1; }}\necho 20_0\n'
    )
    for tool in ("scancel", "squeue"):
        (bin_dir / tool).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert guard.cancel_slurm_jobs(tmp_path / ".submitit", time.time() - 5) == ["20"]
    assert (tmp_path / "asked").read_text().splitlines() == ["-h -o %i -j 20"] * 3


def test_a_stopped_sweep_ends_its_jobs_elsewhere_before_it_counts_the_points_kept(tmp_path, capsys, monkeypatch):
    """A Ray sweep's tasks ran on after Ctrl-C until the driver had gone: a point completing then was not counted
    (the line said 1 point kept, the folder held 2). The stop now ends them, and waits, before it counts."""
    for point in ("0", "1"):
        (tmp_path / point).mkdir()
    (tmp_path / "0" / "summary.json").write_text("{}")
    ended = []

    def end_jobs() -> None:  # a task completing its point as it is cancelled
        (tmp_path / "1" / "summary.json").write_text("{}")
        ended.append(True)

    monkeypatch.setattr(guard, "_SWEEP", guard._Sweep())  # this test's sweep only
    guard.sweep_started(tmp_path, elsewhere=True, end_jobs=end_jobs)
    assert guard.report(guard.Stopped(2)) == 130
    assert ended == [True]
    assert f"the 2 points finished are kept in {tmp_path}" in capsys.readouterr().err


def test_the_command_recorded_for_provenance_is_this_commands_only(tmp_path, capsys):
    """A command run in this process (its main(argv), as the tests and a notebook may) left its command line set,
    so a later run's provenance named it (a sweep point's test then read another test's command)."""
    from sim.cli.run import main
    from sim.results import provenance

    assert main(["replications=0", f"hydra.run.dir={tmp_path / 'run'}"]) == 2
    assert "replications = 0" in capsys.readouterr().err
    assert provenance.COMMAND.get() is None
    assert provenance.collect()["command"] == sys.argv


@pytest.mark.parametrize(("flag", "option"), [("-m", "hydra.sweep.dir=..."), ("--multirun", "hydra.sweep.dir=..."), (None, "hydra.run.dir=...")])
def test_a_write_that_fails_in_a_multirun_names_the_sweep_folders_option(flag, option, capsys, tmp_path):
    """A multirun whose job could not write its results said to write elsewhere with hydra.run.dir=..., which a
    multirun does not use."""
    import errno

    def app() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "0" / "summary.json"))

    command = guard.Command("sim-x", app, "config", None, lambda cfg, args: [])
    argv = [f"hydra.run.dir={tmp_path / 'run'}"] if flag is None else [flag, "seed=1,2", f"hydra.sweep.dir={tmp_path}"]
    assert guard.run_command(command, argv) == guard.EXIT_FAULT
    line = capsys.readouterr().err.splitlines()[-1]
    assert line.startswith(f"error: cannot write {tmp_path / '0' / 'summary.json'}: no space is left on the device") and line.endswith(f"({option})")


def test_a_stop_that_left_hydra_half_imported_is_still_the_stop(monkeypatch, capsys):
    """SIGHUP while sim-analyse design imported Hydra (about 1 run in 12 stopped at a random moment of its first 1.6 s).

    Reporting the stop imported Hydra again, which failed on the half-imported module: an
    AttributeError traceback, exit 1. The stop is now reported before Hydra is needed.
    """
    import os
    import signal
    import types

    def importing() -> int:
        monkeypatch.setitem(sys.modules, "hydra", types.ModuleType("hydra"))  # what the stop left: a module without its parts
        monkeypatch.delitem(sys.modules, "hydra.errors")
        os.kill(os.getpid(), signal.SIGHUP)
        return 0

    monkeypatch.setattr(guard, "_RECEIVED", guard._Received())  # the stop received stays this test's (a later job read as stopped)
    assert guard.protect(importing) == 129
    assert capsys.readouterr().err == "error: stopped by SIGHUP before the run finished: no results were written (temporary files removed)\n"


def test_a_stop_names_this_commands_folder_not_an_earlier_sweeps(tmp_path, monkeypatch, capsys):
    """A sweep run in this process (a notebook, a test) left its folder noted: a later sim-report stopped by Ctrl-C
    said "no sweep table was written in" that sweep's folder. A command now starts and ends with no sweep noted."""
    import os
    import signal

    def stopped() -> int:
        os.kill(os.getpid(), signal.SIGINT)
        return 0

    monkeypatch.setattr(guard, "_SWEEP", guard._Sweep())
    monkeypatch.setattr(guard, "_RECEIVED", guard._Received())
    (tmp_path / "0").mkdir()
    (tmp_path / "0" / "summary.json").write_text("{}")
    guard.sweep_started(tmp_path)  # as an earlier sweep's callback did
    assert guard.protect(stopped) == 130
    assert capsys.readouterr().err == "error: stopped by SIGINT (Ctrl-C) before the run finished: no results were written (temporary files removed)\n"
    guard.sweep_started(tmp_path)
    with guard.signals():
        pass
    assert guard._SWEEP.folder is None


@pytest.mark.parametrize("printer", [guard.say, guard.error, guard.notice])
def test_a_line_and_its_newline_go_to_stderr_in_one_write(monkeypatch, printer):
    """A joblib worker ended while printing the sweep's progress left "about 24 s left" without its newline (print
    writes the two apart), and sim-run's stop line continued it: "about 24 s lefterror: stopped by SIGINT"."""
    writes: list[str] = []

    class Recorder:
        def write(self, text: str) -> int:
            writes.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    monkeypatch.setattr(sys, "stderr", Recorder())
    printer("sweep: 2/5 points done")
    assert len(writes) == 1 and writes[0].endswith("sweep: 2/5 points done\n")


def test_a_file_to_write_given_with_a_tilde_is_refused_as_the_folder_it_names(tmp_path, monkeypatch):
    """``--out '~/points'`` (quoted, so the shell left ``~``) where that is a folder: out_file_problems tested the path as written
    (no folder named ``~`` here) and let it through; the command then failed writing a file over a folder. It expands ``~`` first."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "points").mkdir()
    given = guard.Path("~/points")
    assert guard.out_file_problems(given, "the CSV file") == ["--out = ~/points is a folder: give the CSV file to write"]


def test_shell_completion_without_one_thing_to_do_is_one_line_with_exit_2_and_install_still_works(capsys, monkeypatch, tmp_path):
    """sim-run --shell-completion (nothing to do), two things, a shell Hydra has none for, or query= typed outside the shell
    printed Hydra's traceback and 'an unexpected error: please report it' (its ValueError, or KeyError: 'COMP_LINE'), exit 1."""
    from sim.cli.run import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMP_LINE", raising=False)
    forms = "install=SHELL, uninstall=SHELL or query=SHELL (SHELL: bash, fish, zsh)"
    install = 'eval "$(sim-run --shell-completion install=bash)"'
    refused = {
        ("--shell-completion",): f"--shell-completion needs what to do: {forms}; to install completion in bash: {install} (see sim-run --hydra-help)",
        ("-sc", "install=bash", "query=bash"): f"--shell-completion was given install=bash and query=bash: give one of {forms}",
        ("-sc", "install=tcsh"): "--shell-completion install = 'tcsh' is not a shell completion is made for (allowed: bash, fish, zsh)",
        ("-sc", "uninstall"): "--shell-completion uninstall names no shell: uninstall=SHELL (allowed: bash, fish, zsh)",
        ("-sc", "query=bash"): (
            "--shell-completion query=bash is what installed completion runs as a word is typed (it reads the line from COMP_LINE,"
            f" which the shell sets): to install completion in bash: {install}"
        ),
    }
    for argv, line in refused.items():
        assert main(list(argv)) == 2, argv
        assert capsys.readouterr().err.splitlines() == [f"error: {line}"]
    assert main(["--shell-completion", "install=bash"]) == 0, "as Hydra documents it"
    assert "complete -o nospace -o default -F hydra_bash_completion sim-run" in capsys.readouterr().out
    monkeypatch.setenv("COMP_LINE", "sim-run replicat")
    assert main(["-sc", "query=bash"]) == 0
    assert capsys.readouterr().out.split() == ["replications=", "replications_per_draw="]
    assert not any(tmp_path.iterdir()), "nothing written"

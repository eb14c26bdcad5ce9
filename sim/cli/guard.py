"""How the commands end: one line for every bad input and every fault, nothing lost, nothing mixed.

Every command runs under :func:`run_command` (Hydra commands) or :func:`protect` (others):

- **bad input** (a value out of range, a misspelt key, a broken YAML file, ...): one
  ``error:`` line per problem naming the parameter, the value and what is allowed; exit
  status :data:`EXIT_BAD_INPUT` (2). It is found *before* Hydra makes the run folder (the
  whole config is composed and checked first, :func:`prepare`), so nothing is written.
- **a fault of the environment** (a full disk, a read-only or missing folder, a folder in use
  by another run, too little space for the results asked for): one line saying what
  failed and what to do; exit status :data:`EXIT_FAULT` (3).
- **a signal**: SIGINT, SIGTERM and SIGHUP all stop the run the same way (temporary files
  removed, one line); exit status 128 + the signal number (130, 143, 129).

A run owns its folder: the folder's lock (:mod:`sim.results.lock`) is taken before Hydra
writes there, the leftovers of a killed run are cleaned, and results are written under
temporary names and renamed into place together when the run has succeeded
(:class:`sim.results.files.Staging`): the folder holds either no results or one run's
complete set. Hydra's ``.hydra/`` is staged the same way. A run refused after its folder was
made removes the folder again.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import functools
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from sim.cli import after_command
from sim.config.checks import EXIT_BAD_INPUT, ConfigError
from sim.results import provenance
from sim.results.files import (
    CALIBRATION_FIGURES,
    COMPLETE_MARKS,
    JOB_LOGS,
    RECORD_FILES,
    RESULT_FILES,
    SEARCH_POLICIES,
    SENSITIVITY,
    TABLE,
    Staging,
    atomic_path,
    staging,
    temporary_name,
)
from sim.results.lock import FolderBusy, RunLock, clean_leftovers
from sim.results.sweep import NOT_POINT, POINT, POINTS, SUMMARIES, SWEEP, finished_points, read_record

EXIT_FAULT = 3
#: Signals that stop a run cleanly, and their names in messages.
STOP_SIGNALS = {signal.SIGINT: "SIGINT (Ctrl-C)", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}
#: What an errno means for a user, and what to do about it.
_REASONS = {
    errno.ENOSPC: ("no space is left on the device", "free some space or write the results elsewhere"),
    errno.EDQUOT: ("the disk quota is exceeded", "free some space or write the results elsewhere"),
    errno.EROFS: ("the file system is read-only", "choose a folder you can write to"),
    errno.EACCES: ("permission is denied", "choose a folder you can write to"),
    errno.EPERM: ("the operation is not permitted", "choose a folder you can write to"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "choose another folder"),
    errno.EEXIST: ("a file of that name is in the way", "choose another folder"),
    errno.EISDIR: ("a folder of that name is in the way", "choose another folder"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter folder name"),
    errno.EIO: ("the device reported an input/output error", "check the disk, then run again"),
    errno.ENOENT: ("it does not exist (or was removed during the run)", "check the folder, then run again"),
    errno.EMFILE: ("too many files are open", "raise the limit (ulimit -n) or run fewer jobs at once"),
}
_TEXTS = {
    "no space left": errno.ENOSPC,
    "quota exceeded": errno.EDQUOT,
    "read-only file system": errno.EROFS,
    "permission denied": errno.EACCES,
    "not a directory": errno.ENOTDIR,
    "input/output error": errno.EIO,
}


#: How a parallel or cluster launcher says that a job's process died or was lost (module, class names): the
#: launchers are optional, so their exceptions are known by name.
LOST_JOB = {
    "joblib.externals.loky.process_executor": frozenset({"TerminatedWorkerError", "BrokenProcessPool"}),
    "ray.exceptions": frozenset({"WorkerCrashedError", "NodeDiedError", "LocalRayletDiedError", "ObjectLostError", "OwnerDiedError"}),
    "submitit.core.utils": frozenset({"UncompletedJobError"}),
}
#: How submitit says that SLURM refused to take the jobs (``sbatch`` failed).
REFUSED_JOBS = ("submitit.core.utils", frozenset({"FailedJobError"}))


def _named(err: BaseException, module: str, names: frozenset[str]) -> bool:
    return any(k.__module__ == module and k.__name__ in names for k in type(err).__mro__)


def _first_paragraph(err: BaseException) -> str:
    """An exception's message up to its first blank or ``----`` line, as one line (a launcher appends logs and hints below)."""
    lines = []
    for line in str(err).splitlines():
        if lines and (not line.strip() or set(line.strip()) == {"-"}):
            break
        lines.append(line)
    return " ".join(" ".join(lines).split())


def launcher_problem(err: BaseException) -> str | None:
    """The line for a launcher's exception that says a job was lost or could not be submitted (None for any other).

    A worker or job that died (killed, out of memory, a lost node, a cancelled SLURM job) ends a
    joblib, Ray or submitit sweep with the launcher's exception; SLURM refusing the job array
    (an unknown partition, more memory than a node has, no controller) with submitit's.
    """
    if _named(err, *REFUSED_JOBS) and "sbatch" in str(err):  # (a kind of UncompletedJobError)
        return (
            f"SLURM refused the sweep's jobs ({_first_paragraph(err)}): check the launcher's settings (hydra.launcher.partition,"
            " mem_gb, cpus_per_task, timeout_min) and that SLURM answers here (sinfo)"
        )
    if any(_named(err, module, names) for module, names in LOST_JOB.items()):
        return (
            f"a job of the sweep was lost: its worker process died or was stopped ({type(err).__name__}: {_first_paragraph(err)});"
            " the points it was running did not finish: run the same command again with resume=true to run them"
        )
    return None


class Fault(Exception):
    """A fault of the environment, as one line saying what failed and what to do."""


class Stopped(KeyboardInterrupt):
    """The run was stopped by a signal (SIGINT, SIGTERM or SIGHUP)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def say(line: str) -> None:
    """Print ``line`` and its newline on stderr in one write.

    ``print`` writes the text and the newline separately: a process stopped between the two (a
    joblib worker ended by sim-run's Ctrl-C while printing the sweep's progress) left a line without
    its end, and the next process's line continued it ("about 24 s lefterror: stopped by SIGINT").
    """
    sys.stderr.write(f"{line}\n")
    sys.stderr.flush()


def error(line: str) -> None:
    """Print one ``error:`` line on stderr."""
    say(f"error: {line}")


def notice(line: str) -> None:
    """Print one ``notice:`` line on stderr."""
    say(f"notice: {line}")


def _errno(err: OSError) -> int | None:
    if err.errno in _REASONS:
        return err.errno
    text = str(err).lower()
    return next((code for key, code in _TEXTS.items() if key in text), err.errno)


def fault_message(err: OSError, where: str | Path | None = None, option: str = "hydra.run.dir=...") -> str:
    """One line for a failed file operation: what failed, why, and what to do (``option`` names where to write instead)."""
    code = _errno(err)
    fallback = (err.strerror or (str(err).splitlines()[0] if str(err) else type(err).__name__), "check the folder, then run again")
    reason, todo = _REASONS.get(code, fallback)
    target = err.filename or where or "a results file"
    closed = _takes_no_files(Path(str(target))) if code == errno.ENOENT else None
    if closed is not None:
        place = "it" if closed == Path(str(target)) else str(closed)
        reason, todo = f"no file can be made in {place} (a folder of the system, as /proc and /sys are)", "choose a folder you can write to"
    if code in (errno.ENOSPC, errno.EDQUOT):
        try:
            probe = Path(str(where or target))
            reason += f" ({_size(shutil.disk_usage(probe if probe.is_dir() else probe.parent).free)} free)"
        except OSError:
            pass
    hint = f" ({option})" if option and code not in (errno.EIO, errno.EMFILE) else ""
    return f"cannot write {target}: {reason}; {todo}{hint}"


def _probe(path: Path) -> tuple[Path | None, OSError | None]:
    """The nearest folder at or above ``path`` that exists (None if none), and the error making a file there gives (None: it takes files).

    Tried by making a nameless temporary file there, which leaves nothing behind.
    """
    folder = next((p for p in [path, *path.parents] if p.is_dir()), None)
    if folder is None:
        return None, None
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        return folder, err
    return folder, None


def _takes_no_files(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` when no file can be made in it (making one in ``/proc`` fails as 'does not exist'), else None.

    A folder that takes files (the path was removed during the run) or refuses them for another reason (named by its own error) gives None.
    """
    folder, err = _probe(path)
    return folder if isinstance(err, FileNotFoundError) else None


def _size(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


@contextmanager
def _stop_signals_to(handler: Any) -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP go to ``handler`` (a function, or ``signal.SIG_IGN``) inside the block; the earlier handlers come back after it.

    A console program's start-up handler comes back as "ignore": the command has finished (:func:`sim.cli.after_command`).
    """
    try:
        previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    except ValueError:  # pragma: no cover - not the main thread
        yield
        return
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, after_command(old) if old is not None else signal.SIG_DFL)


class _Received:
    """The stop signal the running command received (None: none yet), and whether a stop now waits or is too late."""

    signum: int | None = None
    #: Results are being renamed into place: a stop waits until they all are (:class:`Commit`).
    held: bool = False
    #: The command's results are in place: it has finished, and a stop no longer changes that.
    finished: bool = False
    #: The running command's stop handler (None: no command running), for :func:`reclaim_signals`.
    handler: Any = None


_RECEIVED = _Received()


def stop_received() -> int | None:
    """The stop signal the running command received, or None."""
    return _RECEIVED.signum


def _stop_if_received() -> None:
    """Raise :class:`Stopped` for a stop signal received earlier (whose own exception was lost or held back)."""
    if _RECEIVED.signum is not None:
        raise Stopped(_RECEIVED.signum)


def reclaim_signals() -> None:
    """Give SIGINT, SIGTERM and SIGHUP back to the running command's stop handler, after a library set its own.

    ``ray.init`` (a Ray sweep's driver) sets SIGTERM to ``sys.exit(15)`` and Ray's core adds a
    handler printing ``*** SIGTERM received ...``: SIGTERM then ended ``sim-run`` with status 15,
    those lines and no word of the points kept. Nothing is done outside a command or the main thread.
    """
    if _RECEIVED.handler is None:
        return
    with contextlib.suppress(ValueError):  # not the main thread
        for signum in STOP_SIGNALS:
            signal.signal(signum, _RECEIVED.handler)


class _ReaderMayLeave:
    """``sys.stdout`` while a command runs: when the reader of its pipe has gone (``sim-run | head``), the rest of the output is dropped, not the run.

    Python ignores SIGPIPE, so a write to a pipe nobody reads raises :class:`BrokenPipeError`: inside
    a run's job that is an error, and the finished run's results were discarded with a line blaming
    the results folder. Now standard output goes to ``os.devnull`` from then on and the command ends
    as it would have, its results in place.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())  # what is still buffered, and every later write, goes nowhere
        finally:
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def stdout_reader_may_leave() -> Iterator[None]:
    """Inside the block, a reader of standard output that has gone (a closed pipe) ends the output, not the command (:class:`_ReaderMayLeave`)."""
    stream = sys.stdout
    sys.stdout = _ReaderMayLeave(stream)
    try:
        yield
    finally:
        if isinstance(sys.stdout, _ReaderMayLeave):
            sys.stdout.flush()
        sys.stdout = stream


@contextmanager
def signals() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise :class:`Stopped` (once: a second signal while stopping is ignored).

    The signal is remembered (:func:`stop_received`): raised inside a library (Hydra setting up
    a job, say), the interrupt can come out as another exception, which is still the stop;
    raised inside a finalizer (a progress bar's ``__del__``), where Python prints it and goes
    on, it is not printed, and the run is stopped before its results are put in place. While
    results are renamed into place the stop waits until they all are (:class:`Commit`); once
    the command's own results are in place, it has finished and a stop is ignored.
    """
    _RECEIVED.signum, _RECEIVED.held, _RECEIVED.finished = None, False, False
    _SWEEP.forget()

    def handler(signum: int, frame: Any) -> None:
        if _RECEIVED.signum is not None or _RECEIVED.finished:
            return
        _RECEIVED.signum = signum
        if not _RECEIVED.held:
            raise Stopped(signum)

    unraisable = sys.unraisablehook

    def quiet_stop(event: Any) -> None:
        if not isinstance(event.exc_value, Stopped):
            unraisable(event)

    sys.unraisablehook = quiet_stop
    _RECEIVED.handler = handler
    try:
        with _stop_signals_to(handler), stdout_reader_may_leave():
            yield
    finally:
        sys.unraisablehook = unraisable
        _RECEIVED.handler = None
        _RECEIVED.signum = None  # this command's stop: a later command in this process (a notebook, a test) starts unstopped
        _SWEEP.forget()  # and its sweep: a later command's stop names its own folder


class Commit(Staging):
    """A :class:`Staging` whose commit a stop does not cut: the results go in place together, or (stopped before) not at all.

    A stop received before the commit (its exception lost in a finalizer) stops the run there.
    One during the commit waits for its end: then, for the command's own results (``final``),
    the command has finished and the stop is ignored; for a point of a multirun, the point is
    complete and the sweep stops.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`~sim.results.files.Staging`.
    final
        Whether these are the command's own results: once they are in place, the command has
        finished (what it prints after them is not cut short by a stop, nor belied by one).
    """

    def __init__(self, *args: Any, final: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.final = final

    @classmethod
    def only(cls, folder: Path, results: Sequence[str] = (), subfolders: Sequence[str] = ()) -> Commit:
        """A command's own files (``results``, and ``subfolders`` whole) in a folder of other results, which it leaves alone: a report, a sweep table."""
        return cls(folder, results=tuple(results), records=(), subfolders=tuple(subfolders), derived=(), marks=(), final=True)

    def commit(self) -> None:
        """Put the staged results in place, a stop received meanwhile waiting for the end (see the class note)."""
        _stop_if_received()
        _RECEIVED.held = True
        try:
            super().commit()
        finally:
            _RECEIVED.held = False
        if self.final:
            _RECEIVED.finished = True
        else:
            _stop_if_received()


def report(err: BaseException, folder: Path | None = None, option: str = "hydra.run.dir=...", argv: Sequence[str] = (), command: str = "the command") -> int:
    """Print the line(s) for ``err`` and return the exit status.

    Hydra and OmegaConf are imported only past a stop: a stop while a command imported them
    leaves them half imported, and importing them again fails.
    """
    if isinstance(err, KeyboardInterrupt) or _RECEIVED.signum is not None:  # a library's error raised by the stop is the stop
        signum = err.signum if isinstance(err, Stopped) else _RECEIVED.signum or signal.SIGINT
        if folder is None and _SWEEP.folder is not None:  # a multirun: its points' folders are in the sweep folder
            cancelled = cancel_slurm_jobs(_SWEEP.submitit, _SWEEP.started) if _SWEEP.submitit is not None else []
            if _SWEEP.end_jobs is not None:
                _SWEEP.end_jobs()
            error(stopped_line(signum, _SWEEP.folder, _SWEEP.folder, _SWEEP.elsewhere, cancelled, option))
        else:
            error(stopped_line(signum, folder, folder / POINTS if folder is not None else None))
        return 128 + int(signum)
    if isinstance(err, SystemExit):
        if isinstance(err.code, str):
            error(err.code)
            return 1
        return int(err.code or 0)
    if isinstance(err, ConfigError):
        for line in err.problems:
            error(line)
        return EXIT_BAD_INPUT
    if isinstance(err, (Fault, FolderBusy)):
        error(str(err))
        return EXIT_FAULT
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    if isinstance(err, (HydraException, OmegaConfBaseException, RecursionError)) or type(err).__module__.startswith("yaml"):
        from sim.config.overrides import composition_problems, config_root

        for line in composition_problems(err, list(argv), [config_root()], None, command):
            error(line)
        return EXIT_BAD_INPUT
    if isinstance(err, OSError):
        error(fault_message(err, folder, option))
        return EXIT_FAULT
    lost = launcher_problem(err)
    if lost is not None:
        error(lost)
        return EXIT_FAULT
    if isinstance(err, MemoryError):
        error("out of memory: run with a smaller block_size (replications simulated at once) or on a machine with more memory")
        return EXIT_FAULT
    traceback.print_exception(err)
    error(f"{type(err).__name__}: {err} (an unexpected error: please report it with the lines above)")
    return 1


def stopped_line(
    signum: int, folder: Path | None, points: Path | None, elsewhere: bool = False, cancelled: Sequence[str] = (), option: str = "hydra.sweep.dir=..."
) -> str:
    """The line of a run stopped by signal ``signum``: no results in ``folder``, or, where points had finished (a design's, a multirun's), which are kept.

    ``points`` holds the points' folders (a design's ``points/``, a multirun's sweep folder); a
    point is complete on its own once its command's summary is there (``summary.json``, a search's
    ``search.json``, a calibration's ``posterior.json``: :func:`sim.results.sweep.finished_points`),
    and ``resume=true`` skips it.
    A multirun's folder with its points' records and none complete is refused to a new sweep
    without ``resume=true``: the line says so.
    ``elsewhere``: the points ran in other processes (a joblib, Ray or SLURM worker), whose
    temporary files are left to the next run in their folders (``resume=true``) rather than
    removed here; ``cancelled``: the SLURM jobs of the sweep cancelled by the stop; ``option``: the setting the user chose
    the sweep's folder with (``out=...`` or ``hydra.sweep.dir=...``), which the line names to choose another.
    """
    name = STOP_SIGNALS.get(signum, signum)
    where = f" in {folder}" if folder is not None else ""
    kept = finished_points(points) if points is not None else 0
    jobs = ""
    if cancelled:  # a sweep's points are the tasks of one SLURM job array: usually one job
        jobs = f"; its SLURM job {cancelled[0]} was cancelled" if len(cancelled) == 1 else f"; its SLURM jobs {', '.join(cancelled)} were cancelled"
    if not elsewhere:
        cleaned = "temporary files removed"
    elif points is not None and _any_running(points):
        cleaned = "the temporary files of the points that were running are removed when they run again with resume=true"
    else:  # every point had ended: no worker left a point's temporary files
        cleaned = ""
    if not kept:
        line = f"stopped by {name} before the run finished: no results were written{where}{jobs}" + (f" ({cleaned})" if cleaned else "")
        if points is not None and points == folder and any(points.glob(f"*/{POINT}")):  # a multirun's folder with its points' records
            line += f"; it holds the sweep's records: run the same command with resume=true to run its points (or choose another folder with {option})"
        return line
    finished = "the point finished is" if kept == 1 else f"the {kept} points finished are"
    line = (
        f"stopped by {name} before the run finished: no sweep table was written{where}{jobs}; {finished} kept in {points}"
        f" (resume=true skips {'it' if kept == 1 else 'them'}{'; ' + cleaned if cleaned else ''})"
    )
    root = folder if folder is not None else points  # a design's table is in its folder, its points' folders in points/
    if (rows := _table_rows(root / TABLE)) is not None:  # sim-collect run while the sweep ran, or an earlier attempt's
        line += f"; the {TABLE} there was collected before, with {rows} point{'s' if rows != 1 else ''}: sim-collect {root} brings it up to date"
    return line


def _any_running(points: Path) -> bool:
    """Whether a point of the sweep in ``points`` was running: its folder there holds no summary and no record of its end
    (its ``point.json`` missing or ``running``), so its worker may have left temporary files."""

    def running(folder: Path) -> bool:
        record = read_record(folder)
        return not any((folder / name).is_file() for name in SUMMARIES) and (record is None or record.status == "running")

    return any(path.is_dir() and path.name.isdigit() and running(path) for path in points.iterdir()) if points.is_dir() else False


def _table_rows(path: Path) -> int | None:
    """How many rows the Parquet table at ``path`` holds (None: none there, or unreadable), from its footer alone."""
    import pyarrow.parquet as pq

    try:
        return int(pq.read_metadata(path).num_rows)
    except (OSError, ValueError):
        return None


#: How long a stopped SLURM sweep waits for its cancelled jobs to end before it counts the points kept.
SLURM_CANCEL_WAIT_S = 60.0
#: A SLURM job's folder under submitit's folder: named by the job's id, with ``_<task>`` for a task of a job array.
_SLURM_JOB_FOLDER = re.compile(r"(\d+)(?:_\d+)?")


def cancel_slurm_jobs(submitit: Path, since: float) -> list[str]:
    """Cancel (``scancel``) the SLURM jobs whose folders under ``submitit`` were made since ``since``; their ids.

    Hydra's submitit launcher leaves the jobs of a stopped sweep running: they would go on
    writing into the sweep folder after ``sim-run`` said it stopped. Only this sweep's own jobs
    are named (their ids are the names of their folders); ``scancel`` missing or failing
    cancels nothing more. A cancelled job is not over at once: submitit's job ignores SLURM's
    SIGTERM until SLURM kills it (``KillWait``, 30 s by default), and a point could complete
    meanwhile, after the stop had counted the points kept. This waits until ``squeue`` no
    longer lists the jobs (at most :data:`SLURM_CANCEL_WAIT_S`).
    """
    try:
        ids = sorted(
            {m.group(1) for path in submitit.iterdir() if path.is_dir() and (m := _SLURM_JOB_FOLDER.fullmatch(path.name)) and path.stat().st_mtime >= since},
            key=int,
        )
    except OSError:
        return []
    if not ids:
        return []
    try:
        done = subprocess.run(["scancel", *ids], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    deadline = time.monotonic() + SLURM_CANCEL_WAIT_S
    while time.monotonic() < deadline:
        try:
            queued = subprocess.run(["squeue", "-h", "-o", "%i", "-j", ",".join(ids)], capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            break
        if queued.returncode != 0 or not queued.stdout.strip():  # gone (squeue refuses ids it no longer knows)
            break
        time.sleep(0.5)
    return ids


@dataclass
class _Sweep:
    """The sweep folder of the multirun this process runs (None: not a multirun, or not started), and how its jobs run."""

    folder: Path | None = None
    #: Whether its jobs run in other processes (any launcher but Hydra's basic one).
    elsewhere: bool = False
    #: The submitit launcher's folder of SLURM jobs (None for other launchers), and when the sweep started.
    submitit: Path | None = None
    started: float = 0.0
    #: Ends the jobs still running in other processes and returns once they have ended (Ray's tasks), or None.
    end_jobs: Callable[[], None] | None = None

    def forget(self) -> None:
        """No multirun started: a command starting or ending in this process."""
        self.folder, self.elsewhere, self.submitit, self.started, self.end_jobs = None, False, None, 0.0, None


_SWEEP = _Sweep()


def sweep_started(folder: Path, elsewhere: bool = False, submitit: Path | None = None, end_jobs: Callable[[], None] | None = None) -> None:
    """Say where the multirun being run keeps its points (the sweep callback does, as the sweep starts): a stop then names the points kept.

    ``elsewhere``: its jobs run in other processes; ``submitit``: the folder of its SLURM jobs,
    which a stop cancels (see :func:`cancel_slurm_jobs`); ``end_jobs``: ends the jobs still
    running elsewhere and waits for them (a Ray sweep's tasks), called by a stop before it
    counts the points kept, so that no point completes after the count.
    """
    _SWEEP.folder, _SWEEP.elsewhere, _SWEEP.submitit, _SWEEP.started, _SWEEP.end_jobs = folder, elsewhere, submitit, time.time(), end_jobs


def protect(body: Callable[[], int | None], option: str = "") -> int:
    """Run ``body`` with the signals handled and every fault reported as one line; returns the exit status."""
    with signals():
        try:
            return int(body() or 0)
        except BaseException as err:  # every way out gets its line and status
            return report(err, None, option)


# ---------------------------------------------------------------------------------------
# Hydra commands


@dataclass
class Job:
    """The run folder a command prepared before Hydra starts: locked, with its results staged."""

    folder: Path
    lock: RunLock
    stage: Staging
    argv: list[str]
    made: list[Path] = field(default_factory=list)
    existed: set[str] = field(default_factory=set)
    #: The records (a point's ``point.json``) the folder held before the run, to put back if it fails.
    records: dict[str, bytes] = field(default_factory=dict)

    def discard(self) -> None:
        """After a refused or failed run: remove what this run made (its staged files, its records, and the folder if it made it)."""
        self.stage.abort()
        if not self.folder.is_dir():
            return
        for name in RECORD_FILES:
            if name in self.records:
                with atomic_path(self.folder / name) as tmp:
                    tmp.write_bytes(self.records[name])
            else:
                (self.folder / name).unlink(missing_ok=True)
        for path in self.folder.iterdir():
            if path.name in self.existed:
                continue
            if path.suffix == ".log" and path.is_file() and path.stat().st_size == 0:
                path.unlink(missing_ok=True)
        self.lock.release()
        for folder in reversed(self.made):
            try:
                folder.rmdir()
            except OSError:
                break
        if not self.folder.is_dir():
            _forget_logs_in(self.folder)

    def close(self) -> None:
        """Release the run folder's lock."""
        self.lock.release()


def _forget_logs_in(folder: Path) -> None:
    """Close the log files Hydra opened in ``folder``, a run folder just removed: logging on in this process (a notebook, a test) would fail on them."""
    for handler in list(logging.root.handlers):
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename).is_relative_to(folder.absolute()):
            logging.root.removeHandler(handler)
            handler.close()


def quoted(path: Path) -> str:
    """``path`` as a quoted value of a Hydra override (``hydra.run.dir='...'``): any folder name, spaces and quotes included."""
    return "'" + str(path).replace("\\", "\\\\").replace("'", "\\'") + "'"


#: How many names a results folder named by the clock may take: its own, then ``-2`` ... ``-99`` (:func:`later_names`).
CLOCK_NAMES = 99


def later_names(folder: Path) -> Iterator[Path]:
    """A folder named by the clock (``outputs/DATE/TIME``, ``multirun/DATE/TIME``), then the names a run takes when runs started
    in the same second have it: ``TIME-2``, ``TIME-3`` ... (:data:`CLOCK_NAMES` in all)."""
    yield folder
    for n in range(2, CLOCK_NAMES + 1):
        yield folder.with_name(f"{folder.name}-{n}")


def all_names_taken(folder: Path, option: str) -> str:
    """The line of a run that found its folder named by the clock and every later name (:func:`later_names`) taken."""
    return f"{folder} and the {CLOCK_NAMES - 1} names after it are all in use: choose a folder with {option}=..."


def first_file_on(path: Path) -> Path | None:
    """The first part of ``path`` that exists and is not a folder."""
    for part in [*reversed(path.parents), path]:
        if part.exists() and not part.is_dir():
            return part
    return None


def file_in_the_way(folder: Path, option: str) -> str | None:
    """Why ``folder`` cannot be a folder: the first part of its path that is a file, and ``option`` to choose another with (None: none is).

    Parameters
    ----------
    folder
        The results folder asked for.
    option
        Where to choose another folder (``out=...``, ``hydra.sweep.dir=...``).

    Returns
    -------
    str or None
        ``"/tmp/x is a file, not a folder; choose another folder with out=..."``, or None.
    """
    blocker = first_file_on(folder)
    return None if blocker is None else f"{blocker} is a file, not a folder; choose another folder with {option}"


def unwritable(folder: Path, option: str) -> str | None:
    """Why files cannot be written into ``folder`` (or the nearest folder above it that exists, where it would be made), or None.

    Tried by making a nameless temporary file there (:func:`_probe`); ``option`` names where to write instead
    (``out=...``, ``--out DIR``). A command checks its results folder with it before anything runs.
    """
    existing, err = _probe(folder)
    return None if err is None else fault_message(OSError(err.errno, err.strerror), existing, option=option)


def out_file_problems(path: Path, what: str, example: str = "", option: str = "--out") -> list[str]:
    """Why the file ``path`` a command was asked to write (``option``, ``--out``) cannot be, found before anything runs: a folder of
    that name (``what`` to give instead, ``example`` after it), a file on the way to it, or a folder no file can be made in; one line, or none."""
    out = path.expanduser().absolute()
    if out.is_dir():
        return [f"{option} = {path} is a folder: give {what} to write{example}"]
    if (blocker := first_file_on(out.parent)) is not None:
        return [f"{option} = {path}: {blocker} is a file, not a folder; choose another place"]
    if why := unwritable(out.parent, f"{option} FILE"):
        return [f"{option} = {path}: {why}"]
    return []


def take_folder(
    folder: Path, need: int = 0, resume: bool = False, replaces: bool = True, option: str = "hydra.run.dir"
) -> tuple[RunLock, list[Path], set[str]]:
    """Make ``folder`` (recording what was made), take its lock, clean a killed run's leftovers and check the free space for ``need`` bytes.

    ``resume``: the run keeps the earlier results if they were made with the same configuration (``resume=true``).
    ``replaces``: the run replaces earlier results (and says so); a design decides itself (it refuses them unless resumed).
    ``option``: the setting a refusal tells the user to choose another folder with (``hydra.sweep.dir`` for a multirun's job).
    """
    made: list[Path] = []
    lock = None
    try:
        if why := file_in_the_way(folder, f"{option}=..."):
            named = f"the job's folder {folder}" if option == "hydra.sweep.dir" else f"{option} = {folder}"
            raise Fault(f"{named}: {why}")
        made = [p for p in [*reversed(folder.parents), folder] if not p.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        existed = {p.name for p in folder.iterdir()}
        lock = RunLock(folder, option).acquire()
        removed = clean_leftovers(folder, RESULT_FILES, COMPLETE_MARKS)
        if removed:
            notice(f"removed what a stopped run left in {folder}: {', '.join(sorted(removed))}")
            existed -= set(removed)
        if replaces and any((folder / mark).exists() for mark in COMPLETE_MARKS):
            fate = "kept if made with the same configuration, else replaced" if resume else "replaced"
            notice(f"{folder} holds an earlier run's results: they are {fate} when this run has finished")
        if need:
            free = shutil.disk_usage(folder).free
            if need > free:
                raise Fault(
                    f"the results need about {_size(need)} but {folder} has {_size(free)} free: free some space, run fewer replications "
                    f"or choose another folder with {option}=..."
                )
    except BaseException as err:
        if lock is not None:
            lock.release()
        for path in reversed(made):
            try:
                path.rmdir()
            except OSError:
                break
        if isinstance(err, OSError) and not isinstance(err, FolderBusy):
            raise Fault(fault_message(err, folder, f"{option}=...")) from None
        raise
    return lock, made, existed


@dataclass
class Command:
    """What :func:`run_command` needs to know of a Hydra command."""

    name: str
    app: Callable[[], Any]
    config_name: str
    schema: Any
    #: ``check(cfg, args) -> problems``: the settings and the model configuration (and anything else the command
    #: refuses); ``args`` as Hydra parsed the command line.
    check: Callable[[Any, Any], list[str]]
    #: ``need(cfg) -> bytes``: the space the results will take (0: not estimated).
    need: Callable[[Any], int] = lambda cfg: 0
    #: ``argv_check(argv) -> problems``: checks of the raw arguments, flags included (e.g. quoting), also in multirun.
    argv_check: Callable[[Sequence[str]], list[str]] = lambda argv: []
    #: The config groups the command takes (``scenario``, ``policy``...): a misspelt one gets its "did you mean".
    groups: Sequence[str] = ()
    #: The command's settings dataclass (``RunSettings``...): a multirun's values of a setting are checked by its declarations.
    settings: type | None = None
    #: Whether a multirun's jobs are each composed and checked by ``check`` before the sweep starts (each problem
    #: line once), rather than each job refusing as it runs.
    check_sweep: bool = False


def _unflagged(overrides: Sequence[str], lines: Sequence[str]) -> list[str]:
    """``overrides`` without those a raw check refused in ``lines`` (an unknown scenario, an unquoted distribution), so the rest is still checked."""
    flagged = {o.partition("=")[0] for o in overrides if any(line.startswith(f"{o.partition('=')[0]} ") for line in lines)}
    return [o for o in overrides if o.partition("=")[0] not in flagged]


def _preset_problems(command: Command, args: Any) -> list[str]:
    """The problems of the values a multirun's sweep preset (``sweep=NAME``) sweeps, as if they were given on the command line.

    The command line's own values of a key replace the preset's (as Hydra's sweeper does), so
    those are not checked again; each line names the preset.
    """
    from sim.config.overrides import compose_problems, override_problems, parse, split_override

    preset = [value for key, value in map(split_override, args.overrides) if key == "sweep"][-1:]
    if not preset:
        return []
    cfg, problems, _ = compose_problems(
        args.config_name or command.config_name, [f"sweep={preset[0]}"], args.config_dir, return_hydra_config=True, groups=command.groups
    )
    if cfg is None or problems:
        return problems
    given = {split_override(o)[0] for o in args.overrides}
    swept = [f"{key}={value}" for key, value in (cfg.hydra.sweeper.params or {}).items() if key not in given]
    first = command.argv_check(swept)
    parsed, problems = parse(_unflagged(swept, first))
    problems = first + problems + override_problems(parsed, command.schema, command.name, command.groups, command.settings)
    return [f"{line} (in sweep preset {preset[0]})" for line in problems]


def _sweep_jobs(command: Command, args: Any) -> list[list[str]]:
    """The overrides of each job of the multirun ``args`` describes, as Hydra's basic sweeper makes them.

    A sweep preset's (``sweep=NAME``) values come first and the command line's values of a key
    replace them; each job has one value of every swept key.
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from sim.config.overrides import compose_problems, split_override

    preset = [value for key, value in map(split_override, args.overrides) if key == "sweep"][-1:]
    params: list[str] = []
    if preset:
        cfg, _, _ = compose_problems(
            args.config_name or command.config_name, [f"sweep={preset[0]}"], args.config_dir, return_hydra_config=True, groups=command.groups
        )
        params = [f"{key}={value}" for key, value in ((cfg.hydra.sweeper.params or {}) if cfg is not None else {}).items()]
    overrides = OverridesParser.create().parse_overrides([*params, *args.overrides])
    return [job for batch in BasicSweeper.split_arguments(overrides, None) for job in batch]


def _composed(command: Command, args: Any, overrides: Sequence[str]) -> tuple[Any, list[str]]:
    """The config a run of ``command`` composes from ``overrides`` (with Hydra's settings; None where it cannot) and the problems found composing it."""
    from sim.config.overrides import compose_problems

    cfg, problems, _ = compose_problems(
        args.config_name or command.config_name,
        overrides,
        args.config_dir,
        return_hydra_config=True,
        schema=command.schema,
        command=command.name,
        groups=command.groups,
    )
    return cfg, problems


def _job_problems(command: Command, args: Any, job: Sequence[str]) -> tuple[Any, list[str]]:
    """The config a job of a multirun composes from its overrides ``job`` (None where it cannot) and its problems, checked as a
    single run's are (``command.check``), but for the sweep preset it was given (``sweep=NAME``), which a job takes."""
    from sim.config.overrides import split_override

    cfg, lines = _composed(command, args, job)
    if cfg is not None:
        own = [o for o in job if split_override(o)[0] != "sweep"]
        lines += [line for line in command.check(cfg, argparse.Namespace(**{**vars(args), "overrides": own})) if line not in lines]
    return cfg, lines


def _sweep_problems(command: Command, args: Any) -> list[str]:
    """The problems of every job of a multirun (:func:`_sweep_jobs`), each composed and checked as a single run is; each line once."""
    problems: list[str] = []
    for job in _sweep_jobs(command, args):
        problems += [line for line in _job_problems(command, args, job)[1] if line not in problems]
    return problems


#: Settings the checks read for their own value only, which :func:`prepare` has checked for each value of a multirun: its
#: points that differ only in these have the same problems, so one of them is checked for all (:func:`_doomed_sweep`).
READ_ALONE = frozenset({"seed", "workers", "block_size", "detail", "resume"})


def _doomed_sweep(command: Command, args: Any) -> list[str]:
    """The problems of a multirun whose every point would fail when its job checks it (:func:`_job_problems`); none where one would run.

    The points are checked in order until one passes, one for each set of values other than :data:`READ_ALONE`'s. A line
    every point checked gives is said once, as a single run says it; another names the first point that gives it, as the
    job's own line would (``point 1 (scenario=baseline policy=none ...): ...``; a design's job by its chunk, whose lines
    name its rows: ``chunk 0/2 (...): point 0: ...``).
    """
    from sim.config.overrides import split_override

    checked: set[tuple[str, ...]] = set()
    failed: list[tuple[str, list[str]]] = []
    for index, job in enumerate(_sweep_jobs(command, args)):
        values = tuple(o for o in job if split_override(o)[0] not in READ_ALONE)
        if values in checked:
            continue
        checked.add(values)
        cfg, lines = _job_problems(command, args, job)
        if not lines:
            return []
        choices = cfg.hydra.runtime.choices if cfg is not None else {}
        leading = {group: choices[group] for group in command.groups if choices.get(group) is not None and group != "sweep"}
        point = {**leading, **{k: v for k, v in point_values(job).items() if k not in leading}}
        chunk = next((split_override(o)[1] for o in job if split_override(o)[0] == "design_chunk"), None)
        failed.append((f"{f'chunk {chunk}' if chunk is not None else f'point {index}'} ({point_text(point)})", lines))
    return distinct_lines(failed)


def distinct_lines(failed: Sequence[tuple[str, Sequence[str]]], every: str | None = None) -> list[str]:
    """One line per distinct problem of points every one of which fails, each given in ``failed`` as ``(how a line names it, its lines)``.

    A line every point gives is said once: as it is (``every`` None: as a single run with those values says it, a multirun's
    :func:`_doomed_sweep`) or after ``every`` (``all 3 points: ...``, a design's); another once, after the first point that gives it
    (``point 1 (...): ...``).

    Parameters
    ----------
    failed
        Each point's name and problem lines, in order (at least one point).
    every
        How a line common to every point names them, or None.

    Returns
    -------
    list of str
        The lines common to every point, then the others.
    """
    common = [line for line in failed[0][1] if all(line in lines for _, lines in failed)]
    said = set(common)
    named: list[str] = []
    for point, lines in failed:
        for line in lines:
            if line not in said:
                said.add(line)
                named.append(f"{point}: {line}")
    return [line if every is None else f"{every}: {line}" for line in common] + named


def point_values(lines: Sequence[str]) -> dict[str, Any]:
    """A point's values from its job's overrides ``lines``: ``{key: value}`` of the parameters and swept settings, without
    Hydra's own, deletions and the settings that do not make a point (:data:`sim.results.sweep.NOT_POINT`)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    out = {}
    for o in OverridesParser.create().parse_overrides(list(lines)):
        key = o.key_or_group
        if key.startswith("hydra.") or key.startswith("hydra/") or key.split(".")[0] in NOT_POINT or o.is_delete():
            continue
        out[key] = OmegaConf.to_container(o.value()) if OmegaConf.is_config(o.value()) else o.value()
    return out


def point_text(point: dict[str, Any]) -> str:
    """How a line names a point: its values as ``key=value``, space-separated (``scenario=baseline policy=none councils.0.it_maturity=0.2``).

    Parameters
    ----------
    point
        The point's values (:func:`sim.cli.sweep.job_point`).

    Returns
    -------
    str
        The values, in the point's order.
    """
    return " ".join(f"{key}={value}" for key, value in point.items())


def _launcher_of_one_run(name: str, overrides: Sequence[str]) -> list[str]:
    """One line for each launcher setting given to a single run (``hydra/launcher=joblib``, ``hydra.launcher.n_jobs=2``).

    A launcher runs a multirun's points; a single run (a design too) runs in this process, so the setting would be ignored:
    it is refused, as a sweep preset without ``-m`` is.
    """
    from sim.config.overrides import split_override

    keys = [split_override(o) for o in overrides if "=" in o]
    return [
        f"{key} = {value} chooses how a multirun's points are launched, and this is a single run, which would ignore it:"
        f" {name} -m ... {key}={value} for a multirun, or leave it out"
        for key, value in keys
        if key == "hydra/launcher" or key.startswith("hydra.launcher.")
    ]


#: What ``--shell-completion`` is asked to do, each as ``WHAT=SHELL`` (Hydra's subcommands): one of them, once.
COMPLETION = ("install", "uninstall", "query")


def completion_problems(prog: str, overrides: Sequence[str]) -> list[str]:
    """The line for ``prog --shell-completion`` without one of ``install=SHELL``, ``uninstall=SHELL``, ``query=SHELL``, or for a shell Hydra has none for.

    Hydra refused them with a ValueError (or a KeyError, ``query=`` outside the shell), read as a fault of ours. ``query=SHELL``
    is what an installed completion runs as a word is typed: it reads the line from the shell's ``COMP_LINE``.

    Parameters
    ----------
    prog
        The command (``sim-run``), as the line's example of installing completion names it.
    overrides
        The words after ``--shell-completion`` (Hydra's overrides).

    Returns
    -------
    list of str
        One line, or none when Hydra can do what was asked.
    """
    from hydra.core.plugins import Plugins
    from hydra.plugins.completion_plugin import CompletionPlugin

    from sim.config.overrides import split_override

    shells = sorted(plugin.provides() for plugin in Plugins.instance().discover(CompletionPlugin))
    forms = f"install=SHELL, uninstall=SHELL or query=SHELL (SHELL: {', '.join(shells)})"
    example = f'eval "$({prog} --shell-completion install=bash)"'
    asked = {key: value for key, value in map(split_override, overrides) if key in COMPLETION}
    if not asked:
        return [f"--shell-completion needs what to do: {forms}; to install completion in bash: {example} (see {prog} --hydra-help)"]
    if len(asked) > 1:
        given = " and ".join(f"{key}={value}" for key, value in asked.items())
        return [f"--shell-completion was given {given}: give one of {forms}"]
    (what, shell), *_ = asked.items()
    if not shell:
        return [f"--shell-completion {what} names no shell: {what}=SHELL (allowed: {', '.join(shells)})"]
    if shell not in shells:
        return [f"--shell-completion {what} = {shell!r} is not a shell completion is made for (allowed: {', '.join(shells)})"]
    if what == "query" and "COMP_LINE" not in os.environ:
        return [
            f"--shell-completion query={shell} is what installed completion runs as a word is typed (it reads the line from"
            f" COMP_LINE, which the shell sets): to install completion in bash: {example}"
        ]
    return []


def prepare(command: Command, argv: list[str], setting: str = "hydra.run.dir") -> Job | None:
    """Check everything before Hydra starts; return the prepared :class:`Job` (None: Hydra runs as it is, e.g. ``--help`` or ``-m``).

    ``setting``: the setting a refusal of the run folder tells the user to choose another folder with (:func:`run_command`).
    """
    from hydra._internal.utils import get_args_parser

    from sim.config.overrides import override_problems, parse, split_override

    parser = get_args_parser()

    def one_line(message: str) -> NoReturn:
        raise ConfigError([f"{message} (see {command.name} --help)"])

    parser.error = one_line  # type: ignore[method-assign] # Hydra's own message is a usage block, then the error
    args = parser.parse_args(argv)
    modes = {"--run": args.run, "--multirun": args.multirun, "--cfg": args.cfg, "--info": args.info is not None, "--shell-completion": args.shell_completion}
    if len(given := [flag for flag, on in modes.items() if on]) > 1:  # Hydra's own refusal is a ValueError, read as a fault of ours
        one_line(f"{' and '.join(given)} cannot be given together: give one of {', '.join(modes)}")
    if args.shell_completion and (problems := completion_problems(command.name, args.overrides)):
        raise ConfigError(problems)
    if args.help or args.hydra_help or args.cfg or args.info or args.shell_completion or args.config_path:
        return None
    first = command.argv_check(argv)
    args.overrides = _unflagged(args.overrides, first)
    if args.multirun:
        parsed, problems = parse(args.overrides)
        # a value a single run would refuse is refused here, each of a sweep's: the whole multirun, before any folder is made
        problems = first + problems + override_problems(parsed, command.schema, command.name, command.groups, command.settings)
        if not problems:
            problems = _preset_problems(command, args)
        if not problems:
            # each job's own check, before launch: every problem refuses (check_sweep), else only a sweep no point of which would run
            problems = _sweep_problems(command, args) if command.check_sweep else _doomed_sweep(command, args)
        if problems:
            raise ConfigError(problems)
        return None
    cfg, problems = _composed(command, args, args.overrides)
    problems = first + [line for line in problems if line not in first] + _launcher_of_one_run(command.name, args.overrides)
    if cfg is not None:
        problems += [line for line in command.check(cfg, args) if line not in problems]
    if problems:
        raise ConfigError(problems)
    try:
        folder = str(cfg.hydra.run.dir)
        subdir = cfg.hydra.output_subdir
    except Exception:  # a run folder named by Hydra's runtime values: Hydra picks it, the task locks it
        return None
    if not folder.strip():
        raise ConfigError(["hydra.run.dir = '' is empty: give a folder for the results (or leave hydra.run.dir out for outputs/DATE/TIME)"])
    chosen = Path(os.path.abspath(os.path.expanduser(folder)))
    given = any(split_override(o)[0] == "hydra.run.dir" for o in args.overrides)
    # a multirun's folder (its points' folders would stay beside this run's results) or an analysis's (its tables would)
    held = {SWEEP: f"a sweep ({SWEEP} and its points' folders)", SENSITIVITY: f"a sensitivity analysis ({SENSITIVITY} and its tables)"}
    if given and (found := next((what for name, what in held.items() if (chosen / name).is_file()), None)):
        raise ConfigError([f"{setting} = {folder} holds {found}: a single run does not replace it; choose another folder"])
    need = command.need(cfg)
    for folder_path in [chosen] if given else later_names(chosen):
        # the default outputs/DATE/TIME of another run in the same second (running or done) is left to it: the next name is taken
        if not given and folder_path.is_dir() and any(folder_path.iterdir()):
            continue
        try:
            lock, made, existed = take_folder(folder_path, need, cfg.get("resume") is True, cfg.get("design") is None, option=setting)
            break
        except FolderBusy:
            if given:
                raise
    else:
        raise Fault(all_names_taken(chosen, "hydra.run.dir"))
    dirs = {}
    pinned = [f"hydra.run.dir={quoted(folder_path)}"]
    if subdir is not None:
        staged = temporary_name(folder_path / str(subdir))
        dirs[str(subdir)] = staged
        pinned.append(f"hydra.output_subdir={quoted(Path(staged.name))}")
    keep = [a for a in argv if split_override(a)[0] not in ("hydra.run.dir", "hydra.output_subdir")]
    records = {name: (folder_path / name).read_bytes() for name in RECORD_FILES if (folder_path / name).is_file()}
    others = earlier_files(command.app.__module__.rpartition(".")[2], cfg.get("design") is not None)
    stage = Commit(folder_path, RESULT_FILES, dirs, others=others, final=True)
    return Job(folder_path, lock, stage, [*keep, *pinned], made, existed, records)


def earlier_files(task: str, design: bool) -> tuple[str, ...]:
    """What an earlier run may have left in a folder besides its results, for the commit of a run of Hydra task ``task`` to remove.

    Its records, the Hydra log of another command, a calibration's figures, a search's policy files, a design's points
    (unless this run is a design, which resumes them): see :class:`~sim.results.files.Staging`.
    """
    return (*RECORD_FILES, *(log for log in JOB_LOGS if log != f"{task}.log"), CALIBRATION_FIGURES, SEARCH_POLICIES, *(() if design else (POINTS,)))


def _call_hydra(app: Callable[[], Any], prog: str, argv: list[str]) -> None:
    """Call a ``@hydra.main`` app with ``argv``, Hydra's exceptions passed on as they are (not printed by Hydra)."""
    saved_argv, saved_env = sys.argv, os.environ.get("HYDRA_FULL_ERROR")
    sys.argv = [prog, *argv]
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        app()
    finally:
        sys.argv = saved_argv
        if saved_env is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = saved_env


@dataclass
class _Asked:
    """The exit status a command asked for while succeeding (:func:`end_with`)."""

    status: int = 0


_ASKED = _Asked()


def end_with(status: int) -> None:
    """End the running command with ``status`` once its results are committed.

    For an answer that is not a plain success but keeps its results: a search that missed its
    target, a design with failed points. An exception would have them discarded instead.
    """
    _ASKED.status = status


def typed_command(prog: str, argv: Sequence[str], setting: str | None) -> list[str]:
    """The command line as the user typed it (:data:`sim.results.provenance.COMMAND`): ``prog`` and ``argv``, without the
    Hydra folder (``hydra.run.dir``, a multirun's ``hydra.sweep.dir``) where ``setting`` is ``out``: ``out=D`` runs as that
    folder too (:func:`sim.cli.common.out_as_folder`, which adds it), and names it once."""
    from sim.config.overrides import split_override

    if setting != "out":
        return [prog, *argv]
    added = folder_option(multirun_asked(argv))
    return [prog, *(word for word in argv if split_override(word)[0] != added)]


def run_command(command: Command, argv: Sequence[str] | None = None, setting: str | None = None) -> int:
    """Run a Hydra command on ``argv`` (default ``sys.argv[1:]``) and return its exit status; see the module's documentation.

    ``setting``: the setting the user chose the results folder with, which a fault's line names as where to write
    instead (``out`` for ``sim-calibrate out=D``, which runs as ``hydra.run.dir=D``); default :func:`folder_option`'s.
    The command is recorded as typed (:func:`typed_command`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = command.name
    setting = setting or folder_option(multirun_asked(argv))
    option = f"{setting}=..."  # where to write instead
    _ASKED.status = 0
    typed = provenance.COMMAND.set(typed_command(prog, argv, setting))  # for this command only: a later call in this process records its own
    with signals():
        job: Job | None = None
        try:
            job = prepare(command, argv, setting)
            if job is None:
                _call_hydra(command.app, prog, argv)
            else:
                with job.stage:
                    _call_hydra(command.app, prog, job.argv)
            return _ASKED.status
        except BaseException as err:  # every way out gets its line and status
            with _quiet_signals():
                code = report(err, job.folder if job is not None else None, option, argv=argv, command=command.name)
                if job is not None and code != 0:
                    job.discard()
            return code
        finally:
            provenance.COMMAND.reset(typed)
            if job is not None:
                job.close()


@contextmanager
def _quiet_signals() -> Iterator[None]:
    """Ignore further stop signals while a stopped or failed run cleans up."""
    with _stop_signals_to(signal.SIG_IGN):
        yield


def _only_hydra_left(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but Hydra's ``.hydra/`` and empty logs (a job refused at its start)."""
    for path in folder.iterdir():
        if path.name == ".hydra" and path.is_dir():
            continue
        if path.suffix == ".log" and path.is_file() and path.stat().st_size == 0:
            continue
        return False
    return True


def multirun_asked(argv: Sequence[str]) -> bool:
    """Whether a command line asks for a multirun (``-m`` or ``--multirun``)."""
    return any(arg in ("-m", "--multirun") for arg in argv)


def folder_option(multirun: bool) -> str:
    """The setting that chooses a run's results folder: ``hydra.sweep.dir`` for a multirun (its jobs' folders sit under it), else ``hydra.run.dir``."""
    return "hydra.sweep.dir" if multirun else "hydra.run.dir"


def is_multirun() -> bool:
    """Whether the current Hydra job is part of a multirun (False outside a job)."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    try:
        return HydraConfig.get().mode == RunMode.MULTIRUN
    except ValueError:
        return False


def output_dir() -> Path:
    """The Hydra run directory of this job."""
    from hydra.core.hydra_config import HydraConfig

    return Path(HydraConfig.get().runtime.output_dir)


def task(need: Callable[[Any], int] = lambda cfg: 0) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Decorate a Hydra task so that its job owns its folder (needed where :func:`prepare` did not take it: a multirun's jobs).

    The job takes the folder's lock, cleans leftovers, checks the space ``need(cfg)`` and stages
    its results; a job refused at its start removes the folder Hydra made for it.
    """

    def decorate(body: Callable[[Any], Any]) -> Callable[[Any], Any]:
        @functools.wraps(body)
        def wrapper(cfg: Any) -> Any:
            from hydra.core.hydra_config import HydraConfig

            out = output_dir()
            stage = staging()
            if stage is not None and stage.covers(out / "x"):
                return body(cfg)
            started = False
            try:
                _stop_if_received()  # stopped while Hydra set this job up: it does not start
                multirun = is_multirun()  # a resumed sweep's point says itself whether it is skipped: no notice besides
                lock, _, _ = take_folder(out, need(cfg), cfg.get("resume") is True, replaces=not multirun, option=folder_option(multirun))
                started = True
                try:
                    with Commit(out, RESULT_FILES, others=earlier_files(HydraConfig.get().job.name, cfg.get("design") is not None)):
                        return body(cfg)
                finally:
                    lock.release()
            except BaseException as err:
                refused = not started or (isinstance(err, SystemExit) and err.code == EXIT_BAD_INPUT)
                if refused and out.is_dir() and _only_hydra_left(out):
                    shutil.rmtree(out, ignore_errors=True)
                    _forget_logs_in(out)
                raise

        return wrapper

    return decorate

"""Sweeps through Hydra: each job records its point, the sweep refuses to mix results, and its table is collected at the end.

``configs/config.yaml`` installs :class:`SweepCallback` for ``sim-run``, ``configs/compare.yaml``,
``search.yaml`` and ``calibrate.yaml`` for ``sim-compare``, ``sim-search`` and ``sim-calibrate`` (whose
``main`` runs through :func:`run_sweepable`):

- ``on_multirun_start`` (submitting process): refuses a launcher setting out of its range
  (:data:`LAUNCHER_SETTINGS`); claims the sweep folder for this sweep alone (:func:`claim`: a
  second sweep of the same second takes ``multirun/DATE/TIME-2``, a folder the user chose that
  another sweep holds is refused) and gives it to every job (:func:`pin`); refuses a folder that
  already holds results unless ``resume=true``, and a resume that is not the same sweep; writes
  ``sweep.json`` (what is swept, how many points, when it started);
- ``on_job_start`` (wherever the job runs): the point's provenance names the sweep's command
  (``sweep.json``), not the command line of the Ray or SLURM worker that runs it. The job compiles
  the model (or loads it from the cache) once its point is checked and not skipped, before the
  point's clock starts (:func:`point_clock`), and keeps the seconds for its record's ``compile_time_s``:
  a point's ``wall_time_s`` and the sweep's speed and time left are the simulation's alone;
- ``on_job_end`` (wherever the job ran: a joblib, Ray or SLURM worker too): records a job that
  crashed (its ``point.json``, status ``failed``) and prints where the whole sweep stands;
- ``on_multirun_end`` (submitting process): collects ``sweep.parquet``. Hydra does not call it
  when a job raised, so ``sim-run`` collects after the sweep whatever happened, and
  ``sim-collect`` does the same from the files alone (on a cluster, at any time).

A job with bad input does not raise: it records its point as failed, with the reason, and
returns, so the other points run under every launcher; ``sim-run`` then exits with
:data:`EXIT_POINTS_FAILED` and says how many points failed.
"""

from __future__ import annotations

import functools
import importlib
import math
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, JobStatus
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from sim.cli import guard
from sim.cli.collect import collect_table
from sim.cli.guard import point_text
from sim.config.overrides import split_override
from sim.frontends.compiling import ensure_compiled
from sim.results import provenance
from sim.results import sweep as results
from sim.results.files import write_json
from sim.results.lock import FolderBusy, RunLock

#: ``sim-run``'s exit status when some points of a sweep failed (the others completed).
EXIT_POINTS_FAILED = 3

# The presets configs/hydra/launcher/joblib.yaml and ray.yaml keep the plugins' own names (so that
# hydra/launcher=joblib and =ray choose them), and Hydra 1.3 warns, five lines each time a sweep's
# configuration is composed (three times in sim-run, once in every joblib or Ray worker), that
# matching them to the plugins' schemas is deprecated: harmless below hydra-core 1.4, as the files
# are complete (docs/clusters.md, Gotchas). This module is imported by sim-run and by every worker
# (its callback travels with each job).
warnings.filterwarnings("ignore", message=r"\s*'hydra/launcher/(joblib|ray)' is validated against ConfigStore schema with the same name", category=UserWarning)
#: Appended by each finished job, one fixed-length line each: its status, replications, when it ended, its simulation's
#: seconds (``wall_time_s``) and the seconds its process spent compiling the model first (``compile_time_s``).
PROGRESS = ".progress"
_RECORD = 64
#: The seconds this job spent compiling the model (or loading it from the cache) before its point began (:func:`prepare_process`;
#: set by :func:`point_clock`, or before a design's points begin; None until then); its record's ``compile_time_s``.
COMPILE_TIME: ContextVar[float | None] = ContextVar("compile_time", default=None)
#: What a multirun writes in its folder before its first point: ``sweep.json``, the progress log, Hydra's
#: ``multirun.yaml`` and the submitit launcher's folder (the ``slurm`` preset's ``submitit_folder``).
UNSTARTED = (results.SWEEP, PROGRESS, "multirun.yaml", ".submitit")


@dataclass
class _State:
    """What the submitting process learns about the sweep it runs."""

    sweep_dir: Path | None = None
    collected: results.Collected | None = None
    #: Whether this sweep made its folder (else it was there before: a resumed sweep, a folder made beforehand).
    made: bool = False
    #: The sweep folder's lock, held by the submitting process while the sweep runs (:func:`claim`).
    lock: RunLock | None = None

    def release(self) -> None:
        """Give back the sweep folder's lock (the sweep has ended): another sweep may then resume it."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None


STATE = _State()


def parsed_overrides(lines: list[str]) -> list[Any]:
    """Hydra's parsed ``Override`` objects of the ``key=value`` ``lines``."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return OverridesParser.create().parse_overrides(lines)


def job_overrides() -> dict[str, Any]:
    """The current job's point: its overrides (``scenario``, ``policy``, parameter paths, swept settings) as ``{key: value}``."""
    try:
        lines = list(HydraConfig.get().overrides.task)
    except ValueError:
        return {}
    return guard.point_values(lines)


def job_point(*leading: str) -> dict[str, Any]:
    """The job's point: the config groups ``leading`` as chosen (``scenario``, ``policy``), then its other overrides."""
    choices = HydraConfig.get().runtime.choices
    return {**{name: choices[name] for name in leading}, **{k: v for k, v in job_overrides().items() if k not in leading}}


def host() -> str:
    """The name of the machine this runs on, recorded with each point."""
    return socket.gethostname()


def prepare_process() -> float:
    """Make this process ready to run a point, before the point's clock starts; return the seconds it took (0 where it was ready).

    Compiles the model, or loads it from the cache (:func:`sim.frontends.compiling.ensure_compiled`), and imports SciPy's
    statistics, which every point's figures use: each a cost of the process's first point alone (about a minute to compile,
    a few seconds to load and import), which counted in that point made it read up to ten times slower than the others and
    the sweep's time left minutes too long.
    """
    seconds = ensure_compiled(load=True)
    if "scipy.stats" not in sys.modules:
        started = time.perf_counter()
        importlib.import_module("scipy.stats")
        seconds += time.perf_counter() - started
    return seconds


def point_clock(record: results.PointRecord) -> float:
    """Start the clock of a point that runs (:func:`begin_point`'s record): ``time.perf_counter()``, its ``wall_time_s``'s start.

    The job compiles the model first (or loads it: :func:`prepare_process`), once its input is known good and ``resume``
    has not found the point done (a refusal and a skip come at once), and records the seconds as its ``compile_time_s``
    (:data:`COMPILE_TIME`), so that its wall time is its simulation's alone: 0 where its process had done it already.
    """
    record.compile_time_s = prepare_process()
    COMPILE_TIME.set(record.compile_time_s)
    return time.perf_counter()


def point_named(index: int | None, point: dict[str, Any]) -> str:
    """How a line that opens with a point names it: ``Point 3 (seed=3)``, or ``This run (seed=3)`` for a single run (``index`` None).

    Said by a sweep's point (:func:`begin_point`) and by a design's (``sim-run design=...``) alike.

    Parameters
    ----------
    index
        The point's number in its sweep or design (None: a single run).
    point
        The point's values (:func:`point_text`).
    """
    return f"This run ({point_text(point)})" if index is None else f"Point {index} ({point_text(point)})"


def fail_point(problems: list[str], point: dict[str, Any], began: float) -> None:
    """Refuse this multirun job's point without ending the sweep: one ``error:`` line per problem, naming the point, and its record as failed.

    The job then returns, so the launcher runs the other points and ``sim-run`` exits with
    :data:`EXIT_POINTS_FAILED` (an exception would add Hydra's own "Error executing job" line).
    """
    hc = HydraConfig.get()
    index = int(hc.job.num)
    for problem in problems:
        guard.error(f"point {index} ({point_text(point)}): {problem}")
    record = results.PointRecord(
        index, "failed", point, error="; ".join(problems), started=began, finished=time.time(), host=host(), compile_time_s=COMPILE_TIME.get()
    )
    record.write(Path(hc.runtime.output_dir))


def run_again_line(named: str, stale: str, out: Path, staged: bool) -> str:
    """The line of a point that ``resume=true`` runs again: why its earlier results cannot be reused, and what becomes of them.

    Said by a sweep's point (:func:`begin_point`) and by a design's (``sim-run design=...``) alike.

    Parameters
    ----------
    named
        The point as the line names it (:func:`point_named`: ``Point 3 (seed=3)``, ``This run (...)``).
    stale
        Why its earlier results cannot be reused (:func:`sim.results.sweep.earlier`).
    out
        The point's folder.
    staged
        Its results are staged (a single run's): the earlier ones stay until the new replace them, else they are removed first.
    """
    fate = "kept until it has finished, then replaced" if staged else "removed first"
    return f"{named} is run again (resume=true): {stale}; its earlier results in {out} are {fate}, not mixed with the new"


def begin_point(
    out: Path,
    key: str,
    files: Sequence[str],
    settings: Any,
    *,
    point: dict[str, Any],
    began: float,
    multirun: bool,
    seed: int | None = None,
    record_single: bool = False,
    clear: Sequence[str] | None = None,
) -> results.PointRecord | None:
    """Start a point of any command: ``None`` where ``resume`` finds it done, else its record, ``running``.

    A point whose folder already holds ``files`` made with the same ``key`` is skipped (its record
    ``ok``, ``resumed``, with the replications its summary says it ran); otherwise the results a
    previous attempt left (``clear``, default ``files``) are removed first in a multirun, so that a
    folder never mixes two runs' files (a single run's are replaced when it has finished, its
    results staged: a stop leaves the earlier ones whole); where ``resume`` found a summary it could
    not reuse, a line says the point is run again and why (:func:`sim.results.sweep.earlier`).
    Records (``point.json``) are written in a multirun, and by a single run too where
    ``record_single`` (``sim-run``'s).

    Parameters
    ----------
    out
        The point's folder.
    key
        The point's key (:func:`sim.results.sweep.point_key`).
    files
        The files that make the point complete.
    settings
        The command's settings: their ``seed``, ``replications`` (asked for) and ``resume``.
    point, began
        The point's values (the skip line names it by them) and when it began.
    multirun
        This is a job of a multirun.
    seed
        The seed the point runs, where not the settings' (``sim-run``'s ``crn``).
    record_single
        Write ``point.json`` for a single run as well.
    clear
        The results to remove before running (default ``files``).
    """
    index = int(HydraConfig.get().job.num) if multirun else 0
    write = multirun or record_single
    seed, replications, resume = settings.seed if seed is None else seed, settings.replications, settings.resume
    summary, stale = results.earlier(out, key, files) if resume else (None, None)
    named = point_named(index if multirun else None, point)
    if summary is not None:
        done = summary["run"].get("replications", replications)
        if write:
            results.PointRecord(
                index, "ok", point, key, seed, done, started=began, finished=time.time(), host=host(), resumed=True, compile_time_s=results.compiled_before(out)
            ).write(out)
        print(f"{named}{'' if multirun else ' was'} already done with the same configuration (resume=true): skipped; results in {out}", file=sys.stderr)
        return None
    if stale is not None:
        print(run_again_line(named, stale, out, staged=not multirun), file=sys.stderr)
    if multirun:  # (a single run's results are staged: the earlier ones stay until they are replaced, as without resume=true)
        results.clear_results(out, files if clear is None else clear)
    record = results.PointRecord(index, "running", point, key, seed, replications, started=began, host=host())
    if write:
        record.write(out)
    return record


# --- progress ----------------------------------------------------------------------------


def _sweep_info(sweep_dir: Path) -> dict[str, Any]:
    try:
        import json

        return json.loads((sweep_dir / results.SWEEP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def note_done(sweep_dir: Path, status: str, replications: int | None, seconds: float | None = None, compile_seconds: float | None = None) -> str:
    """Append this job to the sweep's progress log and say where the sweep stands (points done, speed, time left).

    The speed and the time left count the sweep's time but what its jobs spent compiling the model
    (:func:`sim.results.sweep.simulated_share`): a first compile of a minute or more is done once, not at every point.

    Parameters
    ----------
    sweep_dir
        The sweep's folder.
    status
        ``ok``, ``failed`` or ``skipped`` (done before a resume: counted as done, not in the speed).
    replications
        The replications the point ran.
    seconds
        The seconds its run took (its ``wall_time_s``; None: not known).
    compile_seconds
        The seconds its job spent compiling the model first (its ``compile_time_s``; None: none).
    """
    line = f"{status[:1]} {int(replications or 0)} {time.time():.3f} {seconds or 0:.3f} {compile_seconds or 0:.3f}"
    line = line.ljust(_RECORD - 1)[: _RECORD - 1] + "\n"
    path = sweep_dir / PROGRESS
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)
    lines = [x.split() for x in path.read_text(encoding="ascii", errors="replace").splitlines()]
    done = len(lines)
    ran = [x for x in lines if x and x[0] != "s"]
    info = _sweep_info(sweep_dir)
    total, started = info.get("points"), info.get("started")
    text = f"sweep: {done}{f'/{total}' if total else ''} points done"
    failed = sum(1 for x in lines if x and x[0] == "f")
    if failed:
        text += f" ({failed} failed)"
    if started and ran:
        elapsed = (time.time() - started) * results.simulated_share((float(x[3]), float(x[4])) for x in ran if len(x) > 4)
        if elapsed > 0:
            text += f", {sum(int(x[1]) for x in ran if len(x) > 1) / elapsed:,.0f} replications/s"
            if total and total > done:
                text += f", about {results.duration((total - done) * elapsed / len(ran))} left"
    return text


def sweeper_params(cfg: DictConfig) -> dict[str, Any]:
    """The sweeper's ``params`` (a sweep preset's swept values), as plain data."""
    params = cfg.hydra.get("sweeper", {}).get("params") if "sweeper" in cfg.hydra else None
    return OmegaConf.to_container(params, resolve=False) if OmegaConf.is_config(params) else dict(params or {})


def sweep_size(cfg: DictConfig) -> int | None:
    """How many jobs the basic sweeper makes of this multirun (None if it cannot tell, e.g. glob sweeps)."""
    try:
        lines = [f"{k}={v}" for k, v in sweeper_params(cfg).items()]
        lines += list(OmegaConf.to_container(cfg.hydra.overrides.task, resolve=False))
        total = 1
        for o in parsed_overrides(lines):
            if o.is_sweep_override():
                total *= len(list(o.sweep_iterator()))
        return total
    except Exception:
        return None


def _incidental(line: str) -> bool:
    """Whether an override leaves the sweep what it was: ``resume`` itself, ``out`` (the sweep's folder, as ``hydra.sweep.dir``
    is: ``out=sweeps/gap``, ``out=/home/me/sweeps/gap`` and ``hydra.sweep.dir=sweeps/gap`` name the same sweep) and ``workers``
    unless swept (threads never change results, as a launcher's processes do not)."""
    key = split_override(line)[0]
    return key in ("resume", "out") or (key == "workers" and not parsed_overrides([line])[0].is_sweep_override())


def swept_order(params: dict[str, Any], task: list[str]) -> list[str]:
    """The swept keys in the order Hydra's basic sweeper numbers the points by: a sweep preset's ``params`` first, then the
    command line's, each where it first appears (the last key's values change from one point to the next). The same
    overrides in another order number the same points otherwise, so each point's folder would hold another point's results."""
    swept: dict[str, bool] = {}
    for override in parsed_overrides([*(f"{k}={v}" for k, v in params.items()), *task]):
        swept[override.get_key_element()] = override.is_sweep_override()
    return [key for key, is_swept in swept.items() if is_swept]


def fingerprint(cfg: DictConfig) -> dict[str, Any]:
    """What makes a sweep the same sweep: its overrides (those that leave it what it was aside, :func:`_incidental`), its sweeper's
    parameters and the order its swept keys number its points by (:func:`swept_order`)."""
    task = [line for line in OmegaConf.to_container(cfg.hydra.overrides.task, resolve=False) if not _incidental(line)]
    params = sweeper_params(cfg)
    return {"overrides": sorted(task), "sweeper_params": params, "order": swept_order(params, task)}


def _as_recorded_now(before: dict[str, Any], mark: dict[str, Any]) -> dict[str, Any]:
    """A recorded fingerprint ``before`` as :func:`fingerprint` makes one now: without the overrides :func:`_incidental` leaves
    out (``out`` and ``workers``, once recorded), and taking ``mark``'s ``order`` where it was recorded before ``order`` was."""
    overrides = sorted(line for line in before.get("overrides", []) if not _incidental(line))
    return {**before, "overrides": overrides, "order": before.get("order", mark["order"])}


def same_sweep(before: dict[str, Any], mark: dict[str, Any]) -> bool:
    """Whether a sweep folder's recorded fingerprint ``before`` is the sweep ``mark`` (:func:`fingerprint`, read as :func:`_as_recorded_now`)."""
    return _as_recorded_now(before, mark) == mark


def resume_refusal(sweep_dir: Path, before: dict[str, Any], mark: dict[str, Any]) -> list[str]:
    """The lines refusing ``resume=true`` of the sweep ``mark`` in ``sweep_dir``, whose recorded sweep ``before`` is another (:func:`same_sweep`)."""
    recorded = _as_recorded_now(before, mark)
    if {**recorded, "order": mark["order"]} == mark:
        return [
            f"resume=true must repeat the same sweep in the same order: {sweep_dir} numbers its points by"
            f" {', '.join(recorded['order'])} (the order its swept values were given); this sweep gives them as"
            f" {', '.join(mark['order'])}, which numbers the same points otherwise: give them in the sweep's order"
        ]
    return [
        f"resume=true must repeat the same sweep: {sweep_dir} holds {' '.join(recorded['overrides'])} {recorded.get('sweeper_params') or ''}".rstrip(),
        f"this sweep is {' '.join(mark['overrides'])} {mark.get('sweeper_params') or ''}".rstrip(),
    ]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def ray_host_port(address: Any) -> tuple[str, int] | None:
    """The host and port a Ray address names (``HOST:PORT``, ``ray://HOST:PORT``), or None (``local``, ``auto``, or not an address)."""
    text = str(address).removeprefix("ray://")
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536 or any(c in host for c in "/ "):
        return None
    return host, int(port)


def _ray_address(value: Any) -> bool:
    return value in ("local", "auto") or ray_host_port(value) is not None


#: A launcher's settings that its plugin takes without a check (joblib's ``n_jobs=0`` and Ray's negative CPUs fail once the
#: sweep folder is made; SLURM runs ``timeout_min=-5``): by the class name its ``_target_`` ends with, each setting under
#: ``hydra.launcher`` with its test and what is allowed. ``null`` keeps the plugin's default and is not checked.
LAUNCHER_SETTINGS: dict[str, tuple[tuple[str, Callable[[Any], bool], str], ...]] = {
    "JoblibLauncher": (("n_jobs", lambda v: _whole(v) and (v >= 1 or v == -1), "a whole number >= 1, or -1 (one process per core)"),),
    "RayLauncher": (
        ("ray.remote.num_cpus", lambda v: _number(v) and v > 0, "a number > 0 (CPUs per job)"),
        ("ray.remote.num_gpus", lambda v: _number(v) and v >= 0, "a number >= 0 (GPUs per job)"),
        ("ray.remote.max_retries", lambda v: _whole(v) and v >= -1, "a whole number >= 0, or -1 (retry without limit)"),
        (
            "ray.init.address",
            _ray_address,
            "local (a fresh Ray on this machine), auto or HOST:PORT of a running head; default: RAY_ADDRESS, else local",
        ),
    ),
    "SlurmLauncher": (
        ("timeout_min", lambda v: _whole(v) and v >= 1, "a whole number of minutes >= 1"),
        ("cpus_per_task", lambda v: _whole(v) and v >= 1, "a whole number >= 1"),
        ("mem_gb", lambda v: _number(v) and v > 0, "a number of GB > 0"),
        ("nodes", lambda v: _whole(v) and v >= 1, "a whole number >= 1"),
        ("tasks_per_node", lambda v: _whole(v) and v >= 1, "a whole number >= 1"),
        ("gpus_per_node", lambda v: _whole(v) and v >= 0, "a whole number >= 0"),
        ("array_parallelism", lambda v: _whole(v) and v >= 1, "a whole number >= 1 (jobs of the array at once)"),
    ),
}
LAUNCHER_SETTINGS["LocalLauncher"] = LAUNCHER_SETTINGS["SlurmLauncher"][:-1]  # submitit_local: the same settings, no job array


def workers_born_deaf_to_ctrl_c() -> None:
    """Start joblib's worker processes with SIGINT blocked, so that Ctrl-C, which reaches the whole process group, is left to ``sim-run``.

    A worker ignores SIGINT once it has imported :mod:`sim.cli`, but it spends its first second
    or so importing (loky's own start-up, then the task): Ctrl-C then printed the worker's
    ``KeyboardInterrupt`` traceback under ``sim-run``'s one line. loky starts a worker with
    ``fork_exec`` (fork, then exec: a blocked signal stays blocked through both), so the
    process that starts it blocks SIGINT in its own thread just for that call, as loky does for
    its resource tracker; a Ctrl-C in that moment reaches ``sim-run`` when it is unblocked.
    Installed once per process.
    """
    from joblib.externals.loky.backend import fork_exec as module

    start = module.fork_exec
    if getattr(start, "blocks_sigint", False):
        return

    @functools.wraps(start)
    def fork_exec(*args: Any, **kwargs: Any) -> int:
        before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return start(*args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)

    fork_exec.blocks_sigint = True  # type: ignore[attr-defined]
    module.fork_exec = fork_exec


#: How often a joblib worker looks whether ``sim-run``, which started it, is still there (seconds).
PARENT_POLL_S = 1.0


def _end_worker() -> None:
    """End this joblib worker at once (its parent, which would end it, has gone)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class ParentWatch:
    """A joblib worker's watch on ``sim-run``, which started it: once it has gone, the worker ends between points, never within one.

    SIGKILL of ``sim-run -m ... hydra/launcher=joblib`` alone (or the OOM killer's) left its
    loky workers running: they finished their points, then one blocked for ever sending its
    result to no one and the other waited on the queue, both still there minutes past loky's
    ``idle_worker_timeout`` (300 s), which hydra-joblib-launcher's settings cannot shorten
    anyway (its schema has no such key). Once the parent has gone (``os.getppid()`` is no
    longer ``parent``: the orphan was adopted), a worker between points ends within
    :data:`PARENT_POLL_S`, and one within a point ends as it finishes (its results written,
    its record done: ``resume=true`` skips it), before it sends its result or starts another.
    Its stop signals are left to ``sim-run`` as before (:func:`workers_born_deaf_to_ctrl_c`).

    Parameters
    ----------
    parent
        The process id of the worker's parent (``sim-run``).
    end
        Ends the worker (:func:`_end_worker`; a test passes its own).
    poll
        Seconds between looks at the parent.
    """

    def __init__(self, parent: int, end: Callable[[], None] = _end_worker, poll: float = PARENT_POLL_S) -> None:
        self.parent, self.end, self.poll = parent, end, poll
        self.lock = threading.Lock()
        self.busy = False
        threading.Thread(target=self._watch, name="sim-parent-watch", daemon=True).start()

    def gone(self) -> bool:
        """Whether the parent has gone (the worker is another process's child now)."""
        return os.getppid() != self.parent

    def point_starts(self) -> None:
        """A point is about to run: end the worker instead where the parent has gone."""
        with self.lock:
            if self.gone():
                self.end()
            self.busy = True

    def point_ends(self) -> None:
        """A point has ended (its files and record written): end the worker where the parent has gone meanwhile."""
        with self.lock:
            self.busy = False
            if self.gone():
                self.end()

    def _watch(self) -> None:
        while not self.gone():
            time.sleep(self.poll)
        with self.lock:
            if not self.busy:
                self.end()


#: This process's watch on its parent where it is a joblib worker of a sweep (:func:`parent_watch`).
_WATCH: list[ParentWatch] = []


def parent_watch(config: DictConfig) -> ParentWatch | None:
    """This process's :class:`ParentWatch`, started by its first job, where it is a joblib worker of a sweep (else None).

    A joblib worker is a loky process ``sim-run`` started (:func:`multiprocessing.parent_process`
    names it); a sweep's jobs run by the basic launcher, or by joblib with one job (in ``sim-run``
    itself), Ray or SLURM have no such parent.
    """
    parent = multiprocessing.parent_process()
    if parent is None or parent.pid is None or launcher_class(config) != "JoblibLauncher":
        return None
    if not _WATCH:
        _WATCH.append(ParentWatch(parent.pid))
    return _WATCH[0]


#: How long a stopped Ray sweep waits for its cancelled tasks to end before it counts the points kept.
RAY_CANCEL_WAIT_S = 30.0


def ray_sweep_watched() -> Callable[[], None]:
    """Keep a Ray sweep's driver stoppable and its tasks known; the function returned cancels those still running and waits for them to end.

    ``ray.init`` takes SIGTERM (``sys.exit(15)``): the launcher's ``start_ray`` now gives the
    stop signals back to ``sim-run`` once Ray has started (:func:`guard.reclaim_signals`), and a
    SIGTERM while Ray started is the stop. On a stop, ``sim-run`` left Hydra's Ray launcher
    waiting for its tasks; they went on until the driver had gone, so a point could complete
    after the stop had counted the points kept (its line said 2 kept, the folder held 3). The
    launcher submits each job with ``launch_job_on_ray``, whose result (the task's reference) is
    recorded here; the stop cancels the tasks (``ray.cancel(force=True)``: a task cut short
    leaves no ``summary.json``, and ``resume=true`` runs it again) and waits for them (at most
    :data:`RAY_CANCEL_WAIT_S`) before counting. ``address=auto`` with no cluster started on this
    machine is a fault of one line (Ray's ``ConnectionError``), not a file that could not be written.
    """
    import ray
    from hydra_plugins.hydra_ray_launcher import _core

    start = getattr(_core.start_ray, "__wrapped__", _core.start_ray)

    @functools.wraps(start)
    def start_ray(*args: Any, **kwargs: Any) -> None:
        try:
            start(*args, **kwargs)
        except SystemExit as exit:  # Ray's own SIGTERM handler, while Ray started
            if exit.code == signal.SIGTERM:
                raise guard.Stopped(signal.SIGTERM) from None
            raise
        except ConnectionError as err:  # address=auto and no cluster started here (an OSError, not one of the sweep's files)
            raise guard.Fault(f"Ray found no cluster to attach to (hydra.launcher.ray.init.address = auto): {err}") from None
        finally:
            guard.reclaim_signals()

    _core.start_ray = start_ray
    tasks: list[Any] = []
    submit = getattr(_core.launch_job_on_ray, "__wrapped__", _core.launch_job_on_ray)

    @functools.wraps(submit)
    def launch_job_on_ray(*args: Any, **kwargs: Any) -> Any:
        task = submit(*args, **kwargs)
        tasks.append(task)
        return task

    _core.launch_job_on_ray = launch_job_on_ray

    def end_tasks() -> None:
        if not tasks or not ray.is_initialized():
            return
        try:
            for task in tasks:
                ray.cancel(task, force=True)
            ray.wait(tasks, num_returns=len(tasks), timeout=RAY_CANCEL_WAIT_S)
        except Exception:  # Ray already disconnected or refusing: the tasks end with the driver
            return

    return end_tasks


def launcher_class(config: DictConfig) -> str:
    """The class name the launcher's ``_target_`` ends with (``BasicLauncher``, ``JoblibLauncher``, ``SlurmLauncher``...)."""
    return str(OmegaConf.select(config, "hydra.launcher._target_", default="") or "").rpartition(".")[2]


def launcher_problems(config: DictConfig) -> list[str]:
    """One line per launcher setting out of its range (see :data:`LAUNCHER_SETTINGS`); none for a launcher not listed."""
    problems = []
    for path, allowed, what in LAUNCHER_SETTINGS.get(launcher_class(config), ()):
        value = OmegaConf.select(config, f"hydra.launcher.{path}", default=None)
        if value is not None and not allowed(value):
            problems.append(f"hydra.launcher.{path} = {value!r} is not allowed: {what}")
    return problems


#: The extra that installs each launcher's plugin (``pip install 'partnership-sim[EXTRA]'``), by the class name its ``_target_`` ends with.
LAUNCHER_EXTRAS = {"JoblibLauncher": "joblib", "RayLauncher": "ray", "SlurmLauncher": "slurm", "LocalLauncher": "slurm"}


def missing_launcher(config: DictConfig) -> list[str]:
    """One line when the chosen launcher's plugin is not installed (its extra was not), else none.

    Without it, ``hydra/launcher=joblib`` (or ``ray``) ended in Hydra's traceback "Unknown plugin class"
    and "an unexpected error: please report it".
    """
    target = str(OmegaConf.select(config, "hydra.launcher._target_", default="") or "")
    extra = LAUNCHER_EXTRAS.get(launcher_class(config))
    if extra is None:
        return []
    try:
        importlib.import_module(target.rpartition(".")[0])
    except ImportError:
        return [f"hydra/launcher = {extra} needs the [{extra}] extra, which is not installed: pip install 'partnership-sim[{extra}]'"]
    return []


#: Seconds to wait for a Ray cluster's head to take a connection before the sweep starts (:func:`cluster_absent`).
RAY_PROBE_S = 5.0


def cluster_absent(config: DictConfig) -> str | None:
    """Why the chosen cluster launcher cannot reach its cluster from here (one line), or None.

    Ray, given a cluster's ``HOST:PORT`` where no head answers (a wrong ``RAY_ADDRESS``, a head
    not started or stopped), was still retrying after 5 minutes, printing a warning every few
    seconds; SLURM's launcher, where ``sbatch`` and ``srun`` are not
    installed, ended in submitit's traceback 'Could not detect "srun"'. Checked before the sweep
    folder is made: a TCP connection to the head (at most :data:`RAY_PROBE_S` seconds), and the
    SLURM commands on ``PATH``.
    """
    target = launcher_class(config)
    if target == "RayLauncher":
        address = OmegaConf.select(config, "hydra.launcher.ray.init.address", default=None)
        where = ray_host_port(address)
        if where is None:
            return None
        try:
            socket.create_connection(where, timeout=RAY_PROBE_S).close()
        except OSError as err:
            reason = " ".join((err.strerror or str(err) or type(err).__name__).split()).lower()
            return (
                f"no Ray cluster answers at {address} (hydra.launcher.ray.init.address, or RAY_ADDRESS): {reason}; start its head"
                f" there (ray start --head --port={where[1]}), give the address of a running one, or unset RAY_ADDRESS for a fresh"
                " Ray on this machine"
            )
    elif target == "SlurmLauncher":
        missing = [name for name in ("sbatch", "srun") if shutil.which(name) is None]
        if missing:
            return (
                f"hydra/launcher = slurm needs SLURM's commands, and {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not on"
                " PATH: run the sweep where SLURM is installed (a cluster's login node, where sinfo lists its partitions), or choose"
                " another launcher (hydra/launcher=joblib for this machine's cores)"
            )
    return None


#: What submitit reads a SLURM job's state from, as ``sacct --parsable2`` prints it (header, then ``id|state|nodes``).
SLURM_STATE_FORMAT = "JobID|State|NodeList"
#: The header of the same lines read from ``squeue`` (:func:`slurm_states_without_accounting`): one name more, which no line fills, marks them.
SQUEUE_STATE_HEADER = f"{SLURM_STATE_FORMAT}|squeue"
#: The state given to a job of the sweep that ``squeue`` no longer lists: it ended, and left no record to read its state from.
UNLISTED = "UNLISTED"


def slurm_states_without_accounting() -> None:
    """Let submitit read the sweep's job states from ``squeue`` where ``sacct`` fails (a SLURM without accounting).

    submitit asks ``sacct`` for its jobs' states; on a SLURM that keeps no accounting it gets
    nothing ("Bypassing sacct error") and reads every job as UNKNOWN, so a job that ended without
    a result (``scancel``, killed, its node lost) left ``sim-run`` waiting for ever. Where ``sacct``
    fails, the same lines now come from ``squeue --states=all`` for the user's jobs (every task of
    an array, a job ended less than ``MinJobAge`` ago included, 300 s by default): a cancelled job
    reads CANCELLED, submitit finds no result and raises, and the sweep says a job was lost (exit 3).

    A job of the sweep that ``squeue`` does not list reads :data:`UNLISTED`, which submitit takes
    as ended: submitit keeps the last state it read until a line says otherwise, and ``squeue``
    never lists again a task cancelled while it waited in its array's record with other tasks
    (SLURM drops it from the record, with no record of its own), nor a job ended more than
    ``MinJobAge`` ago (submitit may ask only every 10 minutes). Either left ``sim-run`` waiting
    for ever on a state read as PENDING or RUNNING. Where ``sacct`` answers, nothing changes.
    Installed once per process.
    """
    import shlex

    from submitit.slurm import slurm as module

    watcher = module.SlurmInfoWatcher
    make, read = watcher._make_command, watcher.read_info
    if getattr(make, "falls_back_to_squeue", False):
        return

    @functools.wraps(make)
    def _make_command(self: Any) -> list[str] | None:
        command = make(self)
        if command is None:
            return None
        squeue = "squeue --noheader --all --array --states=all --format='%i|%T|%N' --user=\"$(id -u)\""
        fallback = f"{shlex.join(command)} 2>/dev/null || {{ echo {shlex.quote(SQUEUE_STATE_HEADER)}; {squeue}; }}"
        return ["sh", "-c", fallback]

    @functools.wraps(read)
    def read_info(self: Any, string: bytes | str) -> dict[str, dict[str, str]]:
        info = read(self, string)
        text = string.decode() if isinstance(string, bytes) else string
        if text.partition("\n")[0] != SQUEUE_STATE_HEADER:
            return info
        gone = self._registered - self._finished - info.keys()
        return info | {job_id: {"JobID": job_id, "State": UNLISTED} for job_id in gone}

    _make_command.falls_back_to_squeue = True  # type: ignore[attr-defined]
    watcher._make_command, watcher.read_info = _make_command, read_info


def slurm_jobs_folder(config: DictConfig) -> Path | None:
    """The folder holding the SLURM jobs' folders (``submitit_folder`` up to its first ``%`` pattern, the preset's ``%j``)."""
    folder = OmegaConf.select(config, "hydra.launcher.submitit_folder", default=None)
    if not folder:
        return None
    parts = Path(str(folder)).parts
    fixed = parts[: next((i for i, part in enumerate(parts) if "%" in part), len(parts))]
    return Path(*fixed).absolute() if fixed else None


def launchers_help() -> list[str]:
    """The lines of ``sim-run --help`` on multiruns, the launchers and their settings that are checked."""
    lines = [
        "Sweeps: sim-run -m a=1,2 b=x,y runs every combination as a point (docs/sweeps.md); on more cores or machines add",
        "hydra/launcher=joblib, ray, slurm or submitit_local (docs/scaling.md). Their settings, hydra.launcher.NAME=VALUE:",
    ]
    for launcher, name in (("joblib", "JoblibLauncher"), ("ray", "RayLauncher"), ("slurm", "SlurmLauncher")):
        if launcher == "slurm":
            lines.append(f"  {launcher:<7} {'partition':<22} a partition's name (default: the cluster's default partition)")
        lines += [f"  {launcher:<7} {path:<22} {what}" for path, _, what in LAUNCHER_SETTINGS[name]]
    return lines


def refuse(problems: list[str]) -> None:
    """Print one ``error:`` line per problem and exit with status 2."""
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(2)


def named_by_the_clock(config: DictConfig) -> bool:
    """Whether the sweep folder is named by the time the sweep started (``${now:...}``: Hydra's ``multirun/DATE/TIME``) rather than chosen."""
    return "${now:" in str(OmegaConf.to_container(config.hydra.sweep, resolve=False).get("dir"))


def _stop(line: str) -> NoReturn:
    """Print ``line`` as an ``error:`` line and exit with status 3 (a fault of the environment: the folder is in use or cannot be made)."""
    guard.error(line)
    sys.exit(guard.EXIT_FAULT)


def claim(config: DictConfig, option: str) -> tuple[Path, RunLock, bool]:
    """Take the sweep's folder for this sweep alone: the folder, its lock (held until the sweep ends) and whether this sweep made it.

    Two sweeps started in the same second (a shell loop, a scheduler) found the same empty
    ``multirun/DATE/TIME``, both wrote into it and their points mixed ("3/2 points done"). A
    folder is made by one ``mkdir``, which of two sweeps only one can do: a folder named by the
    clock (:func:`named_by_the_clock`) that another sweep made is left to it, and this sweep takes
    the next name, ``TIME-2``, ``TIME-3``... (as a single run's ``outputs/DATE/TIME`` does). A
    folder the user chose is taken whether it exists or not, unless another sweep holds its lock:
    that refuses this one in one line naming ``option`` (``hydra.sweep.dir`` or ``out``), exit 3.
    """
    folder = Path(str(config.hydra.sweep.dir)).absolute()
    if why := guard.file_in_the_way(folder, f"{option}=..."):
        _stop(f"{option} = {folder}: {why}")
    try:
        if not named_by_the_clock(config):
            try:
                folder.mkdir(parents=True)
                made = True
            except FileExistsError:
                made = False
            return folder, RunLock(folder, option).acquire(), made
        folder.parent.mkdir(parents=True, exist_ok=True)
        for name in guard.later_names(folder):
            try:
                name.mkdir()
            except FileExistsError:
                continue  # another sweep's, started in the same second
            return name, RunLock(name, option).acquire(), True
    except FolderBusy as err:
        _stop(str(err))
    except OSError as err:
        _stop(guard.fault_message(err, folder, f"{option}=..."))
    _stop(guard.all_names_taken(folder, option))


def pin(config: DictConfig, folder: Path) -> None:
    """Make every job of the sweep use ``folder``, wherever it runs: ``hydra.sweep.dir`` set to it in the sweep's configuration and among its overrides.

    Hydra composes each job's configuration again from the sweep's overrides (in the submitting
    process for the basic, joblib and Ray launchers; in the SLURM job for submitit), so the
    folder claimed (:func:`claim`), absolute, is given as one of them: the jobs need not resolve
    ``${now:...}`` or a relative path again.
    """
    kept = [line for line in config.hydra.overrides.hydra if split_override(line)[0] != "hydra.sweep.dir"]
    with read_write(config.hydra), open_dict(config.hydra):
        config.hydra.sweep.dir = str(folder)
        config.hydra.overrides.hydra = [*kept, f"hydra.sweep.dir={guard.quoted(folder)}"]


class SweepCallback(Callback):
    """Hydra callback of the model's commands' sweeps: refuse mixed sweep folders, record crashed jobs, report progress, collect the table."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Check the launcher, claim the sweep folder (:func:`claim`; refusing a folder of another sweep), then record the sweep's fingerprint and size."""
        problems = missing_launcher(config) or launcher_problems(config)
        if problems:
            refuse(problems)
        if absent := cluster_absent(config):
            _stop(absent)
        option = "out" if config.get("out") else "hydra.sweep.dir"
        sweep_dir, lock, made = claim(config, option)
        try:
            resume = bool(config.get("resume", False))
            mark = fingerprint(config)
            if one := next((name for name in results.SUMMARIES if (sweep_dir / name).is_file()), None):  # resume=true or not: no point of it
                mixed = "a sweep does not mix with them"
                refuse([f"{sweep_dir} holds a single run's results ({one}), not a sweep's: {mixed}; choose another folder with {option}=..."])
            if results.holds_results(sweep_dir):
                if resume is not True:
                    refuse([f"{sweep_dir} already holds results: add resume=true to skip the points already done, or choose another folder with {option}=..."])
                before = _sweep_info(sweep_dir).get("fingerprint")
                if before is not None and not same_sweep(before, mark):
                    refuse(resume_refusal(sweep_dir, before, mark))
            (sweep_dir / PROGRESS).unlink(missing_ok=True)
            command, cwd = sweep_command(sweep_dir), str(config.hydra.runtime.cwd)
            write_json(sweep_dir / results.SWEEP, {"fingerprint": mark, "points": sweep_size(config), "started": time.time(), "command": command, "cwd": cwd})
        except BaseException:
            lock.release()
            raise
        pin(config, sweep_dir)
        STATE.sweep_dir, STATE.collected, STATE.made, STATE.lock = sweep_dir, None, made, lock
        target = launcher_class(config)
        guard.sweep_started(
            sweep_dir,
            elsewhere=target != "BasicLauncher",
            submitit=slurm_jobs_folder(config) if target == "SlurmLauncher" else None,
            end_jobs=ray_sweep_watched() if target == "RayLauncher" else None,
        )
        if target == "JoblibLauncher":
            workers_born_deaf_to_ctrl_c()
        if target == "SlurmLauncher":
            slurm_states_without_accounting()

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        """A design's run compiles the model before its points begin (:data:`COMPILE_TIME`; a point's job does at its
        :func:`point_clock`); in a multirun job, record the sweep's own command line as the point's command; a joblib worker
        watches ``sim-run`` (:class:`ParentWatch`)."""
        multirun = config.hydra.get("mode") == RunMode.MULTIRUN
        COMPILE_TIME.set(prepare_process() if config.get("design") is not None else None)  # a point's job compiles at its point_clock
        if not multirun:
            return
        if (watch := parent_watch(config)) is not None:
            watch.point_starts()
        command = _sweep_info(Path(str(config.hydra.sweep.dir)).absolute()).get("command")
        if command:  # a Ray or SLURM worker's own command line is not the sweep's
            provenance.COMMAND.set([str(word) for word in command])

    def on_job_end(self, config: DictConfig, job_return: JobReturn, **kwargs: Any) -> None:
        """Record a crashed point as failed (not one stopped or busy elsewhere) and print the sweep's progress; a joblib worker whose
        ``sim-run`` has gone then ends (:class:`ParentWatch`)."""
        if not guard.is_multirun():
            return
        try:
            self._record_end(config, job_return)
        finally:
            if (watch := parent_watch(config)) is not None:
                watch.point_ends()

    def _record_end(self, config: DictConfig, job_return: JobReturn) -> None:
        hc = HydraConfig.get()
        out = Path(hc.runtime.output_dir)
        record = results.read_record(out)
        if job_return.status == JobStatus.FAILED:
            error = job_return._return_value
            if isinstance(error, FolderBusy):  # the folder is another run's (a sweep resumed while its jobs ran): so is its record
                return
            if guard.stop_received() is not None:  # the stop's interrupt, come out of Hydra as another error: the point did not fail, it was stopped
                return
            reason = " ".join(f"{type(error).__name__}: {error}".split())
            record = results.PointRecord(
                int(hc.job.num),
                "failed",
                job_overrides(),
                record.key if record else None,
                record.seed if record else None,
                error=reason,
                host=host(),
                compile_time_s=COMPILE_TIME.get(),
            )
            record.finished = time.time()
            record.write(out)
        if record is not None and record.status != "running":
            try:
                status = "skipped" if record.resumed else record.status
                sweep_dir = Path(str(config.hydra.sweep.dir)).absolute()
                guard.say(note_done(sweep_dir, status, record.replications_ran, record.seconds, record.compile_time_s))
            except OSError:
                pass

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Collect the sweep's table (see :func:`finish`)."""
        finish(Path(str(config.hydra.sweep.dir)).absolute())


def discard_unstarted(sweep_dir: Path, made: bool) -> bool:
    """After a sweep that ended before any point was recorded: remove what it wrote (the folder too if it made it); whether it did.

    A launcher that fails before its first job (bad settings, SLURM refusing the jobs) leaves
    nothing behind, as a refused run does. A folder with any point record, or a job's log, is
    left as it is.
    """
    if not sweep_dir.is_dir() or results.records(sweep_dir) or any(sweep_dir.glob(".submitit/*/*_log.*")):
        return False  # a point began, or a job ran far enough to leave its log
    for name in UNSTARTED:
        path = sweep_dir / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if made and not any(sweep_dir.iterdir()):
        sweep_dir.rmdir()
    return True


def finish(sweep_dir: Path) -> results.Collected:
    """Collect the sweep's table and say how it went (once per sweep)."""
    if STATE.collected is not None and STATE.sweep_dir == sweep_dir:
        return STATE.collected
    collected = collect_table(sweep_dir)
    STATE.sweep_dir, STATE.collected = sweep_dir, collected
    print(f"Sweep: {collected.report(ended=True)}", file=sys.stderr)
    for line in collected.posterior_notes():
        print(line, file=sys.stderr)
    if collected.rows:
        print(f"Sweep table: {sweep_dir / results.TABLE} ({results.rows_words(len(collected.rows))}; also {results.TABLE_CSV})", file=sys.stderr)
    if (sweep_dir / results.COMPARISONS).is_file():
        print(f"Comparisons: {sweep_dir / results.COMPARISONS} (one row per point and policy; also {results.COMPARISONS_CSV})", file=sys.stderr)
    for line in collected.failure_lines():
        print(line, file=sys.stderr)
    return collected


def exit_status(collected: results.Collected | None) -> int:
    """0, or :data:`EXIT_POINTS_FAILED` with a line saying how many points failed."""
    if collected is None or not collected.failed:
        return 0
    failures = collected.root / results.FAILURES
    print(f"error: {collected.failed_line()} (reasons in {failures})", file=sys.stderr)
    return EXIT_POINTS_FAILED


def sweep_command(folder: Path, setting: str = "hydra.sweep.dir") -> list[str]:
    """The command that runs this sweep again into ``folder``: as typed (:data:`sim.results.provenance.COMMAND`, ``out=D``
    named once), with ``out=`` the folder where it names none (Hydra's default ``multirun/DATE/TIME`` would be another).

    ``sweep.json`` records it with the folder it ran in (``cwd``: relative paths are read from there) and every point's
    provenance names it; ``sim-report`` shows it as one line to paste (:func:`sim.results.sweep.command_line`). A design's
    ``points/sweep.json`` records its own, a single run naming its folder with ``out=`` or ``setting`` ``hydra.run.dir``.
    """
    command = [str(word) for word in provenance.COMMAND.get() or sys.argv]
    if not {"out", setting} & {split_override(word)[0] for word in command[1:] if "=" in word}:
        command.append(f"out={folder}")
    return command


def run_sweepable(command: guard.Command, argv: list[str], setting: str | None = None) -> int:
    """Run ``command`` on ``argv`` (:func:`guard.run_command`) and return its exit status; after a multirun, collect its table.

    The table is collected whatever happened to the jobs (Hydra skips its end-of-sweep step when
    one raised), not after a stop signal; a sweep that ended before any point began leaves
    nothing (:func:`discard_unstarted`); a sweep with failed points exits with
    :data:`EXIT_POINTS_FAILED`.
    """
    STATE.sweep_dir, STATE.collected = None, None
    status = guard.run_command(command, argv, setting=setting)
    STATE.release()  # the jobs have ended: the sweep's folder may be resumed by another sweep
    if STATE.sweep_dir is not None and status < 128:
        if status != 0 and discard_unstarted(STATE.sweep_dir, STATE.made):
            return status
        collected = finish(STATE.sweep_dir)
        status = status or exit_status(collected)
        if status == 0 and collected.failed:
            status = EXIT_POINTS_FAILED
    return status

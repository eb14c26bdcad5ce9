"""Sweep results: a record per point, and the sweep's table built from whatever points finished.

A point is one model configuration run with one set of settings: a job of a Hydra multirun
(``sim-run -m ...``), or a row of a design file (``sim-run design=points.csv``). Each point's
folder holds its results (``replications.parquet``, ``summary.json``, ...) and ``point.json``,
its record: where it stands (``running``, ``ok``, ``failed``), its overrides, its key and, for a
failure, the one-line reason. :func:`collect` reads every record under a sweep folder and
writes ``sweep.parquet`` (and ``sweep.csv``): one row per point, the swept values as columns,
every figure of the point's ``summary.json`` flattened (:func:`flatten`), the seed, the job
directory, the status and the uncertainty mode the point ran with; and ``failures.csv`` when any
point failed. ``docs/results.md`` documents the columns.

A point's *key* (:func:`point_key`) is a hash of what determines its numbers: the resolved
model configuration, the settings that change results (seed, replications or precision,
attribution...), the assumptions held at the user's values in a run with parameter draws, and
the model version; never paths, ``hydra.*``, threads, the engine or ``resume``. A resumed sweep
skips a point whose ``summary.json`` (written last, atomically) carries the same key.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import shlex
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from sim.config.overrides import split_override
from sim.config.uncertainty import SMALL_POSTERIOR, small_posterior, small_posterior_words, understated_words, worth_words
from sim.core.version import __version__
from sim.frontends.table import Table
from sim.results.files import (
    COMPARISON,
    DERIVED,
    FAILURES,
    POINT,
    POSTERIOR,
    SEARCH,
    SUMMARY,
    TABLE,
    TABLE_CSV,
    atomic_path,
    plain,
    remove,
    when_committed,
    write_json,
    write_table,
)

#: The file that marks a point complete and holds its figures (with ``run.key``), by command: sim-run's and sim-compare's, sim-search's, sim-calibrate's.
SUMMARIES = (SUMMARY, SEARCH, POSTERIOR)
#: Written by a multirun when it starts (and by a design into its points' folder): what was swept, how many points, when.
SWEEP = "sweep.json"
_INT64 = (int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max))
#: A sweep of ``sim-compare``: every point's ``comparison.parquet`` rows (one per policy), the point's swept values as columns.
COMPARISONS = "comparisons.parquet"
COMPARISONS_CSV = "comparisons.csv"
#: The folder of a design's points, one folder each, under its run folder.
POINTS = "points"
#: Where point records are looked for under a sweep folder: a plain run, multirun jobs, a design's points, a multirun of design chunks.
PATTERNS = (POINT, f"*/{POINT}", f"{POINTS}/*/{POINT}", f"*/{POINTS}/*/{POINT}")
#: Settings that never change a point's numbers (left out of its key).
UNKEYED = frozenset(
    {"workers", "engine", "save_events", "save_trajectories", "figures", "resume", "design", "design_chunk", "crn", "detail", "out", "batch_points"}
)
#: Overrides that are not part of a point (left out of its columns).
NOT_POINT = frozenset(
    {"workers", "engine", "block_size", "save_events", "save_trajectories", "figures", "resume", "design", "design_chunk", "sweep", "detail", "out"}
)
#: The table's own columns, before the swept values and the figures.
META = ("point", "status", "error", "seed", "replications", "uncertainty", "job_dir", "key")
#: The table's own columns of labels (categorical, as the swept values that are not numbers).
LABELS = frozenset({"status", "uncertainty"})
#: Columns that differ between two runs of the same sweep (when, where and from which commit it ran; the model version is in the key).
RUN_DEPENDENT = ("wall_time_s", "compile_time_s", "host", "job_dir", "code_version")
#: Each point's provenance in the table (from its ``summary.json``): what made its numbers.
PROVENANCE = ("model_version", "code_version")
#: A calibration's figure (its ``posterior.json``'s) that the sweep table of no other command has: its posterior's effective sample size.
CALIBRATION_MARK = "effective_sample_size"
#: The sweep table's text figures: the posterior sample a point drew its assumptions from (its ``summary.json``'s ``uncertainty.posterior``),
POSTERIOR = "uncertainty.posterior"
#: and the SHA-256 digest of that file as the point read it (``uncertainty.posterior_sha256``): what tells two samples apart, not their paths.
POSTERIOR_SHA256 = "uncertainty.posterior_sha256"
#: Keys of summary.json that are not figures of the point (or not one number each).
_NOT_FIGURES = frozenset({"definitions", "survival_curve", "run", "provenance", "confidence", "horizon_months", "replications"})
#: Label of each entry of a list of figures (causes, triggers, attribution switches).
_LABELS = ("cause", "trigger", "switch")
_NOT_LISTED = frozenset({"title", "case"})


def canonical(data: Any) -> str:
    """Compact JSON with sorted keys (the text a key is hashed from)."""
    return json.dumps(plain(data), sort_keys=True, separators=(",", ":"), default=str)


def digest(data: Any, size: int = 16) -> str:
    """A short hex digest of ``data`` (its canonical JSON)."""
    return hashlib.sha256(canonical(data).encode()).hexdigest()[:size]


def keyed_settings(settings: Any, seed: int) -> dict[str, Any]:
    """The settings that change a point's numbers, with the seed it actually used.

    With a precision target the replication count is the plan's outcome (and the block size
    shapes the plan), so ``replications`` is left out and ``block_size`` kept; with a fixed
    count the other way round. Every other setting is kept unless it is in :data:`UNKEYED`, so
    a setting added later is keyed by default.
    """
    out = {f.name: getattr(settings, f.name) for f in fields(settings) if f.name not in UNKEYED}
    out["seed"] = int(seed)
    if out.get("precision") is None:
        out.pop("block_size", None)
    else:
        out.pop("replications", None)
    return out


def point_key(config: Any, settings: Any, seed: int, drawn: Any = None) -> str:
    """The hash of a point: resolved model configuration, settings that change its numbers, model version.

    ``drawn`` is the parameter uncertainty a run draws from (:class:`sim.config.uncertainty.Uncertainty`;
    None: none). The assumptions it holds at the user's values (``drawn.held()``) are keyed: a
    value given on the command line may equal the default the configuration shows, yet the run
    holds it where one without it draws it (left out when there are none, so other runs keep
    their keys). So is the digest of the posterior sample it draws from (``drawn.posterior_sha256()``):
    the setting names only its path, and a sample written anew there changes the numbers (left
    out without one).
    """
    data = {"model": config.to_dict(), "run": keyed_settings(settings, seed), "model_version": __version__}
    held = [] if drawn is None else drawn.held()
    posterior = None if drawn is None else drawn.posterior_sha256()
    if held:
        data["held"] = sorted(held)
    if posterior is not None:
        data["posterior_sha256"] = posterior
    return digest(data, 24)


def point_seed(seed: int, config: Any, common: bool) -> int:
    """The seed a point uses: ``seed`` itself (common random numbers), or one derived from ``seed`` and the model configuration."""
    if common:
        return int(seed)
    return int(digest({"seed": int(seed), "model": config.to_dict()}, 16), 16) % (2**63 - 1)


def value_label(value: Any) -> str:
    """A swept value as text (categorical labels): floats in their shortest exact form."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return canonical(value)
    return str(value)


class PointColumns:
    """A sink adding the point's values (scenario, policy, overrides) as constant categorical columns to each block before passing it on."""

    def __init__(self, sink: Any, point: dict[str, Any]) -> None:
        self.sink = sink
        self.point = {name: value_label(value) for name, value in point.items()}

    def write(self, table: Table) -> None:
        """Pass ``table`` on to the sink with the point's columns added (those it does not hold already)."""
        n = len(table)
        names = [name for name in self.point if name not in table.columns]
        columns = {name: np.zeros(n, np.int64) for name in names}
        labels = {name: (self.point[name],) for name in names}
        self.sink.write(Table({**columns, **table.columns}, {**labels, **table.labels}))


# --- records -----------------------------------------------------------------------------


@dataclass
class PointRecord:
    """What ``point.json`` holds.

    ``replications`` are those the point was asked for (a run's, each policy's of a comparison, each
    parameter point's of a calibration, each screened package's of a search); ``ran`` those it ran in
    all, where that is more (every policy, every parameter point, every package screened, tuned and
    confirmed): the sweep's speed counts these. ``wall_time_s`` is the seconds the point's run took,
    ``compile_time_s`` those its job spent compiling the model (or loading it from the cache) before
    it (0 where its process had already; a single run compiles once its input is checked, :func:`sim.cli.sweep.point_clock`; None
    where it did not begin).
    """

    point: int
    status: str
    overrides: dict[str, Any] = field(default_factory=dict)
    key: str | None = None
    seed: int | None = None
    replications: int | None = None
    error: str | None = None
    started: float | None = None
    finished: float | None = None
    wall_time_s: float | None = None
    host: str | None = None
    resumed: bool = False
    ran: int | None = None
    compile_time_s: float | None = None

    @property
    def seconds(self) -> float | None:
        """The seconds the point's run took: ``wall_time_s``, else from when it started to when it finished (a failure), else None."""
        if self.wall_time_s is not None:
            return float(self.wall_time_s)
        if self.started is not None and self.finished is not None:
            return max(float(self.finished) - float(self.started), 0.0)
        return None

    @property
    def replications_ran(self) -> int:
        """The replications the point ran in all: ``ran`` where its command counted them, else ``replications`` (0 if none)."""
        return int(self.ran if self.ran is not None else self.replications or 0)

    def write(self, folder: Path) -> None:
        """Write (atomically) into ``folder``."""
        write_json(Path(folder) / POINT, {f.name: getattr(self, f.name) for f in fields(self)})


def read_record(folder: Path) -> PointRecord | None:
    """The record in ``folder`` (None if absent or unreadable)."""
    try:
        data = json.loads((Path(folder) / POINT).read_text(encoding="utf-8"))
        return PointRecord(**{f.name: data[f.name] for f in fields(PointRecord) if f.name in data})
    except (OSError, ValueError, TypeError):
        return None


def compiled_before(folder: Path) -> float | None:
    """The ``compile_time_s`` of the record in ``folder`` (None where there is none): a point ``resume=true`` skips keeps the
    compiling of the job that made its results, as their wall time is theirs."""
    made = read_record(folder)
    return made.compile_time_s if made is not None else None


def read_summary(folder: Path) -> dict[str, Any] | None:
    """A point's ``summary.json`` (a ``sim-search`` point's ``search.json``, a ``sim-calibrate`` point's ``posterior.json``; None if absent or unreadable)."""
    for name in SUMMARIES:
        try:
            return json.loads((Path(folder) / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return None
    return None


def finished_points(folder: Path) -> int:
    """How many point folders just under ``folder`` hold their command's summary (any of :data:`SUMMARIES`): the points ``resume=true`` may skip.

    A ``sim-calibrate`` point is complete with its ``posterior.json``, a ``sim-search`` point with
    its ``search.json``, as ``sim-run``'s and ``sim-compare``'s with their ``summary.json``; 0
    where ``folder`` is not there.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    return sum(path.is_dir() and any((path / name).is_file() for name in SUMMARIES) for path in folder.iterdir())


def earlier(folder: Path, key: str, files: Iterable[str] = ()) -> tuple[dict[str, Any] | None, str | None]:
    """What ``folder`` holds of an earlier run of the point with ``key``: the summary, where ``resume=true`` may reuse it, else why not.

    The summary is read once (:func:`read_summary`).

    Parameters
    ----------
    folder
        The point's folder.
    key
        The point's key (:func:`point_key`).
    files
        The files that make the point complete.

    Returns
    -------
    tuple[dict[str, Any] | None, str | None]
        The summary, where the results are complete and carry ``key`` (the reason is then None);
        else None and why they cannot be reused: they record no key (made before results recorded
        one), another key, or a file is missing. None and None where no summary is there.
    """
    summary = read_summary(folder)
    if summary is None:
        return None, None
    made = summary.get("run", {}).get("key")
    if made is None:
        return None, "its results record no configuration key (made before results recorded one), so nothing shows they match this run"
    if made != key:
        return None, "its results were made with another configuration (another value, model version or posterior sample gives another key)"
    missing = [name for name in files if not (Path(folder) / name).exists()]
    if missing:
        return None, f"its results are incomplete ({', '.join(missing)} missing)"
    return summary, None


def clear_results(folder: Path, names: Iterable[str]) -> None:
    """Remove a point's old results before it runs again.

    The summary first (:data:`SUMMARIES`: it marks completeness), then the files and any temporary file left by a killed run.
    """
    folder = Path(folder)
    for name in SUMMARIES:
        (folder / name).unlink(missing_ok=True)
    for name in names:
        (folder / name).unlink(missing_ok=True)
    for tmp in folder.glob(".*.tmp"):
        if tmp.is_file():  # (a staged folder, such as this run's own .hydra, is the run's to place)
            tmp.unlink(missing_ok=True)


def holds_results(folder: Path) -> bool:
    """Whether a sweep folder already holds point results or a sweep table."""
    folder = Path(folder)
    if (folder / TABLE).exists():
        return True
    return any(any(folder.glob(pattern.replace(POINT, name))) for pattern in PATTERNS for name in (POINT, SUMMARY) if pattern != POINT)


# --- the table ---------------------------------------------------------------------------


def flatten(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Every figure of a ``summary.json`` as ``{column: number}``.

    The column is the figure's path in the file joined by dots, spaces as underscores
    (``outcomes.collapsed.value``, ``collapse_within.5_years.high``, ``savings.net_savings.low``);
    entries of lists are named by their label (``causes_of_collapse.case01_key_person.value``).
    The survival curve, the definitions and the run's own settings are left out.
    """
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(f"{prefix}.{str(k).replace(' ', '_')}" if prefix else str(k).replace(" ", "_"), v)
        elif isinstance(value, list):
            for item in value:
                label = next((k for k in _LABELS if isinstance(item, Mapping) and k in item), None)
                if label is None:
                    continue
                for k, v in item.items():
                    if k != label and k not in _NOT_LISTED:
                        walk(f"{prefix}.{item[label]}.{k}", v)
        elif isinstance(value, (bool, int, float)) or value is None:
            out[prefix] = value

    for key, value in summary.items():
        if key not in _NOT_FIGURES:
            walk(key, value)
    out.pop("attribution.seconds", None)  # time spent, not a figure
    return out


@dataclass
class Collected:
    """The points found under a sweep folder."""

    root: Path
    rows: list[dict[str, Any]]
    expected: int | None
    started: float | None

    def count(self, status: str) -> int:
        """How many points have ``status`` (``ok``, ``failed``, ``running``)."""
        return sum(r["status"] == status for r in self.rows)

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The rows of the points that failed."""
        return [r for r in self.rows if r["status"] == "failed"]

    @property
    def done(self) -> int:
        """How many points have finished, well or not."""
        return self.count("ok") + self.count("failed")

    @property
    def total(self) -> int:
        """How many points the sweep has: those expected, when more than are recorded yet (points never started have no record)."""
        return max(self.expected or 0, len(self.rows))

    def failed_line(self) -> str:
        """How many points failed, out of the sweep's (:attr:`total`): ``2 of 12 points failed``."""
        return f"{len(self.failed)} of {self.total} points failed"

    def failure_lines(self) -> list[str]:
        """One line per failed point: its number, its folder (a path, not the bare job number) and its one-line reason."""
        return [f"  point {r['point']} failed (folder {self.root / r['job_dir']}): {r['error']}" for r in self.failed]

    def posterior_notes(self) -> list[str]:
        """One ``note:`` line per posterior sample worth few points that the sweep's completed points drew from (:func:`small_posterior_notes`),
        or, for a sweep of ``sim-calibrate``, one for the posteriors its points made that are worth few points (:func:`small_calibrations_note`)."""
        return posterior_notes(frame(self), self.total)

    def report(self, ended: bool = False) -> str:
        """A line on where the sweep stands: points done out of those expected, failures, speed and time left.

        ``ended``: the sweep is over (said by the run itself once it ends, by ``sim-collect``
        when no process holds the sweep's lock): a point still ``running`` was interrupted, and
        no time is left.
        """
        total = f" of {self.expected}" if self.expected else ""
        line = f"{self.done}{total} points done ({self.count('ok')} ok, {self.count('failed')} failed"
        running = self.count("running")
        line += (f", {running} interrupted)" if ended else f", {running} running or interrupted)") if running else ")"
        # This attempt's points: a resumed sweep's points that an earlier attempt finished (skipped, or never reached
        # again: SLURM refused the jobs) ended before it started and are not part of its speed.
        this = [r for r in self.rows if r.get("finished") and not r.get("resumed") and (not self.started or r["finished"] >= self.started)]
        reps = sum(int(r.get("ran") or 0) for r in this if r["status"] == "ok")
        share = simulated_share((r.get("seconds"), r.get("compile_time_s")) for r in this)
        if self.started and this and reps and share > 0:
            elapsed = max(max(r["finished"] for r in this) - self.started, 1e-9) * share
            line += f"; {reps / elapsed:,.0f} replications/s"
            ran = len(this)
            if self.expected and self.expected > self.done and ran and not ended:
                line += f", about {duration((self.expected - self.done) * elapsed / ran)} left"
        return line


def posterior_notes(table: Any, total: int) -> list[str]:
    """A sweep's ``note:`` lines from its table (:func:`frame`): of the small posteriors its completed points drew from
    (:func:`small_posterior_notes`) and, of a sweep of ``sim-calibrate``, of those its points made (:func:`small_calibrations_note`).

    ``sim-run``'s end and ``sim-collect`` (:meth:`Collected.posterior_notes`) print them; ``sim-report`` shows them from ``sweep.parquet``.

    Parameters
    ----------
    table
        The sweep table (a table without the posterior's columns gives no line).
    total
        How many points the sweep has (:attr:`Collected.total`).
    """
    done = table[table["status"].astype(str) == "ok"] if "status" in table.columns else table
    rows = done.astype(object).where(done.notna(), None).to_dict(orient="records")
    # each point's summary.json "uncertainty", as far as the table has it (a point naming a sample drew from a posterior)
    drawn = {"posterior": POSTERIOR, **{name: f"uncertainty.{name}" for name in ("posterior_sha256", "posterior_effective_size", "posterior_rows", "draws")}}
    drew = [(int(r["point"]), {k: r.get(c) for k, c in drawn.items()}) for r in rows if r.get(POSTERIOR) is not None]
    made = {int(r["point"]): float(r[CALIBRATION_MARK]) for r in rows if r.get(CALIBRATION_MARK) is not None}
    return small_posterior_notes(drew, total) + ([note] if (note := small_calibrations_note(made, total)) else [])


def small_posterior_notes(points: Iterable[tuple[int, Mapping[str, Any]]], total: int) -> list[str]:
    """The ``note:`` line a run drawing from a posterior sample worth few points prints, said once per sample for a sweep's points.

    A sample worth fewer than :data:`~sim.config.uncertainty.SMALL_POSTERIOR` equally weighted
    points understates every total interval drawn from it (:func:`~sim.config.uncertainty.small_posterior_words`, in whose words);
    each point printed it as it ran, and the sweep says it again where its results are read,
    naming the points that drew from each such sample (a sweep over ``posterior=`` may draw from several).

    Parameters
    ----------
    points
        Each completed point that drew from a posterior sample, its number and what the sweep table holds of its
        ``summary.json``'s ``uncertainty`` (a summary written before the sample's size was recorded gives no line).
        Samples are told apart by their digest (``posterior_sha256``), not their file: a sample written anew at
        one path is another sample, and one read from two paths (copied, moved) is one; a table made before the
        digest was collected tells them apart by file.
    total
        How many points the sweep has (:attr:`Collected.total`; all of them drawing from one sample are "every point").

    Returns
    -------
    list[str]
        One line per small sample, in the order the points first drew from it.
    """
    samples: dict[tuple[str, str], list[tuple[int, Mapping[str, Any]]]] = {}
    for point, drawn in points:
        if drawn.get("posterior_effective_size") is not None:
            sample = ("sha256", str(drawn["posterior_sha256"])) if drawn.get("posterior_sha256") is not None else ("file", str(drawn["posterior"]))
            samples.setdefault(sample, []).append((point, drawn))
    lines = []
    for (told_by, told), drew in samples.items():
        first = drew[0][1]
        numbers = sorted(point for point, _ in drew)
        counts = sorted({int(d["draws"]) for _, d in drew if d.get("draws") is not None})
        who = "every point" if len(numbers) == total > 1 else _points_named(numbers)
        size, rows = float(first["posterior_effective_size"]), int(first["posterior_rows"])
        source, *also = dict.fromkeys(str(d["posterior"]) for _, d in drew)
        words = small_posterior_words(
            source,
            size,
            rows,
            (counts[0], counts[-1]) if counts else None,
            who,
            several=len(numbers) > 1,
            sha256=told if told_by == "sha256" else None,
            also=also,
        )
        if words is not None:
            lines.append(f"note: {words}")
    return lines


def small_calibrations_note(made: Mapping[int, float], total: int) -> str | None:
    """The ``note:`` line of a sweep of ``sim-calibrate`` whose points made posteriors worth few points (None if none did).

    Few is fewer than :data:`~sim.config.uncertainty.SMALL_POSTERIOR` equally weighted points.

    Each point printed its own (:func:`sim.analysis.calibration.understated_totals`) as it ran; the
    sweep says it once for all of them where its results are read.

    Parameters
    ----------
    made
        Each completed calibration's point and its posterior's effective sample size.
    total
        How many points the sweep has (:attr:`Collected.total`; all of them are "every calibration").
    """
    small = sorted(point for point, size in made.items() if small_posterior(size))
    if not small:
        return None
    sizes = [worth_words(made[point]) for point in small]
    one = len(small) == 1
    if one:
        whose, worth = f"the posterior of {_points_named(small)} is", f"effective sample size {sizes[0]}"
    else:
        whose = "every calibration's posterior is" if len(small) == total else f"the posteriors of {_points_named(small)} are each"
        worth = f"effective sample sizes {', '.join(sizes[:-1])} and {sizes[-1]}"
    return (
        f"note: {whose} worth fewer than {SMALL_POSTERIOR} equally weighted points ({worth}; a 95% total interval needs {SMALL_POSTERIOR}"
        f" for one beyond each end): {understated_words(several=not one)}"
    )


def _points_named(numbers: list[int], most: int = 6) -> str:
    """``point 3``, ``points 0 and 1``, ``points 0, 1 and 5``; past ``most``, the first of them and how many more."""
    if len(numbers) == 1:
        return f"point {numbers[0]}"
    if len(numbers) > most:
        return f"points {', '.join(map(str, numbers[:most]))} and {len(numbers) - most} more"
    return f"points {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def simulated_share(times: Iterable[tuple[float | None, float | None]]) -> float:
    """The share of points' time that was their run's rather than compiling the model: what a sweep's speed and time left count.

    The first job of a sweep on a version of the code compiles the model (a minute or more) before its
    point begins, once per process; counted in, it made the first point read ten times slower than the
    others and the time left after it several minutes where a few seconds were. The sweep's elapsed time
    times this share is the time it spent simulating; with jobs in parallel, each job's share is its own.

    Parameters
    ----------
    times
        Each point's seconds (its ``wall_time_s``) and its job's compiling seconds (``compile_time_s``); None: not known (0).

    Returns
    -------
    float
        Their seconds over their seconds and compiling seconds together (1 where none are known).
    """
    pairs = [(float(a or 0), float(b or 0)) for a, b in times]
    ran, both = sum(a for a, _ in pairs), sum(a + b for a, b in pairs)
    return ran / both if both > 0 else 1.0


def duration(seconds: float) -> str:
    """Seconds as ``42 s``, ``7 min`` or ``3.5 h``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def records(root: Path) -> list[tuple[Path, PointRecord]]:
    """Every point record under a sweep folder, with its folder."""
    root = Path(root)
    found = []
    for pattern in PATTERNS:
        for path in sorted(root.glob(pattern)):
            record = read_record(path.parent)
            if record is not None:
                found.append((path.parent, record))
    return found


def gather(root: Path) -> Collected:
    """The rows of the sweep table from the records under ``root`` (no file written)."""
    root = Path(root)
    rows = []
    for folder, record in records(root):
        status, error, figures = record.status, record.error, {}
        summary = read_summary(folder) if status in ("ok", "running") else None
        if summary is not None and summary.get("run", {}).get("key") == record.key:
            status, figures = "ok", flatten(summary)
        elif status == "ok":
            status, error = "failed", "summary.json missing or made by another configuration"
        run = (summary or {}).get("run", {})
        row: dict[str, Any] = {
            "point": record.point,
            "status": status,
            "error": error,
            "seed": record.seed,
            "replications": run.get("replications", record.replications) if status == "ok" else record.replications,
            "uncertainty": run.get("uncertainty") if status == "ok" else record.overrides.get("uncertainty"),
            "job_dir": os.path.relpath(folder, root),
            "key": record.key,
            "overrides": record.overrides,
            "figures": figures,
            "wall_time_s": run.get("wall_time_s", record.wall_time_s),
            "compile_time_s": record.compile_time_s,
            "seconds": record.seconds,
            "host": record.host,
            # (a calibration's posterior.json holds them at its top)
            **{name: ((summary or {}).get("provenance") or summary or {}).get(name) if status == "ok" else None for name in PROVENANCE},
            "finished": record.finished,
            "resumed": record.resumed,
            "ran": record.replications_ran,
        }
        if status == "ok" and isinstance(drawn := (summary or {}).get("uncertainty"), Mapping) and drawn.get("posterior") is not None:
            figures[POSTERIOR] = str(drawn["posterior"])
            if drawn.get("posterior_sha256") is not None:
                figures[POSTERIOR_SHA256] = str(drawn["posterior_sha256"])
        rows.append(row)
    rows.sort(key=lambda r: (r["point"], r["job_dir"]))
    expected, started = expected_points(root)
    return Collected(root, rows, expected, started)


def command_line(info: Mapping[str, Any], resume: bool = False) -> str | None:
    """The one line that runs a sweep again into its folder, from its ``sweep.json`` (``info``; None where it records no command).

    Its command (:func:`sim.cli.sweep.sweep_command`) quoted for a POSIX shell, after ``cd`` to the folder it ran in
    (``cwd``, where its relative paths are read from) where that is recorded; with ``resume``, with ``resume=true``
    in place of any ``resume=`` it has (the line that runs the points not done and skips the others).
    """
    if not info.get("command"):
        return None
    words = [str(word) for word in info["command"]]
    if resume:
        words = [*(word for word in words if not word.startswith("resume=")), "resume=true"]
    line = shlex.join(words)
    return f"cd {shlex.quote(str(info['cwd']))} && {line}" if info.get("cwd") else line


def sweep_info(root: Path) -> dict[str, Any]:
    """What the sweep under ``root`` recorded as it started: its ``sweep.json`` (a design's in ``points/``; empty where there is none)."""
    root = Path(root)
    return _read_json(root / SWEEP) or _read_json(root / POINTS / SWEEP) or {}


def rows_words(rows: int) -> str:
    """A sweep table's rows in words, as its line says them: ``1 row``, ``4 rows``."""
    return f"{rows:,} row{'' if rows == 1 else 's'}"


def swept_keys(root: Path) -> list[str]:
    """The keys the sweep under ``root`` sweeps (``policy`` of ``policy=none,all_levers``, a sweep preset's), from its ``sweep.json``.

    A key is named whatever its points ran: a sweep stopped after one point swept it all the same. None
    where the sweep recorded no overrides (a design's ``points/sweep.json``, a folder made before ``sweep.json`` held them).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    recorded = sweep_info(root).get("fingerprint") or {}
    lines = [*recorded.get("overrides", []), *(f"{k}={v}" for k, v in (recorded.get("sweeper_params") or {}).items())]
    parser, keys = OverridesParser.create(), []
    for line in lines:
        try:
            (override,) = parser.parse_overrides([str(line)])
        except OverrideParseException:  # a line Hydra cannot parse sweeps nothing it can tell
            continue
        if override.is_sweep_override():
            keys.append(override.key_or_group)
    return list(dict.fromkeys(keys))


def expected_points(root: Path) -> tuple[int | None, float | None]:
    """How many points the sweep under ``root`` has (None: not known yet) and when it started (None: not recorded), from its ``sweep.json``.

    A multirun of design chunks has its chunks as jobs and their rows as points: known once every chunk has started.
    """
    root = Path(root)
    sweep = sweep_info(root)
    expected, started = sweep.get("points"), sweep.get("started")
    chunks = [info for path in sorted(root.glob(f"*/{POINTS}/{SWEEP}")) if (info := _read_json(path)) is not None]
    if chunks:
        expected = sum(int(c.get("points") or 0) for c in chunks) if len(chunks) == expected else None
    return expected, started


def _read_json(path: Path) -> Any:
    """A small JSON file's content (None if absent or unreadable)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _swept_in_order(root: Path) -> list[str] | None:
    """The keys the multirun under ``root`` sweeps, in the order given (its ``sweep.json``'s ``order``: a preset's, then the
    command line's); None where it records no fingerprint (a design, a folder made before ``sweep.json`` held one)."""
    recorded = sweep_info(root).get("fingerprint")
    if not isinstance(recorded, Mapping):
        return None
    order = recorded.get("order")
    return [str(key) for key in order] if isinstance(order, list) else swept_keys(root)


def _given_once(root: Path) -> set[str]:
    """The keys the command of the sweep under ``root`` sets on its command line (its ``sweep.json``'s ``command``; a design
    chunk's, run as a job of a multirun, records none: its multirun's, in the folder above)."""
    info = sweep_info(root)
    if not info.get("command") and info.get("chunk") is not None:
        info = sweep_info(Path(root).parent)
    words = [str(word) for word in (info.get("command") or [])[1:]]
    return {split_override(word)[0].lstrip("+~") for word in words if "=" in word and not word.startswith("-")}


def point_columns(collected: Collected) -> tuple[list[str], list[str]]:
    """The point's values the table has as columns: those swept (after ``point``, in the order given) and those set once for every point.

    A multirun's swept keys are those its ``sweep.json`` records (:func:`_swept_in_order`); a design's, its cells: every value of
    a point but those its command line sets and its scenario and policy, where they are the same at every point. A value set once
    is not swept: its column comes after the table's own (``status``, ``seed``, ``replications``...), and where it is one of them
    (``replications``, ``seed``, ``uncertainty``) the table's own, what the point ran, is the column.

    Parameters
    ----------
    collected
        The points of the sweep (:func:`gather`).

    Returns
    -------
    tuple[list[str], list[str]]
        The swept keys, then the keys set once.
    """
    given = list(dict.fromkeys(k for r in collected.rows for k in r["overrides"]))
    named = None if any(POINTS in Path(r["job_dir"]).parts for r in collected.rows) else _swept_in_order(collected.root)
    if named is not None:
        swept = [k for k in named if k in given]
    else:
        # every design point names its scenario and policy: swept where its rows differ in them, as other values its command line does not set
        once = _given_once(collected.root) | {"scenario", "policy"}
        values = {k: {value_label(r["overrides"].get(k)) for r in collected.rows} for k in given}
        swept = [k for k in given if k not in once or len(values[k]) > 1]
    return swept, [k for k in given if k not in swept and k not in META]


def _in_order_given(values: list[Any]) -> Any:
    """A categorical column of ``values`` (as text, :func:`value_label`) whose categories come in the order the points first have
    them: a sweep's, ``policy=none,all_levers`` giving ``none`` then ``all_levers`` in a pivot or a groupby, not the alphabet's."""
    import pandas as pd

    labels = [None if v is None else value_label(v) for v in values]
    return pd.Categorical(labels, categories=list(dict.fromkeys(label for label in labels if label is not None)))


def frame(collected: Collected) -> Any:
    """The sweep table as a pandas DataFrame (swept text values categorical, counts as nullable integers).

    Its columns: ``point``, the swept values (:func:`point_columns`), the table's own (:data:`META`), the values set once, the
    times, the host, the provenance (:data:`PROVENANCE`) and the figures.
    """
    import pandas as pd

    swept, once = point_columns(collected)
    meta = [c for c in META if c not in swept]
    times = ["wall_time_s", "compile_time_s", "host"]
    own = {*swept, *once, *meta, *times, *PROVENANCE}
    # a figure named as a swept value (sim-search's target, budget) is that value: one column
    figures = list(dict.fromkeys(k for r in collected.rows for k in r["figures"] if k not in own))
    data = []
    for r in collected.rows:
        row = {c: r[c] for c in meta}
        row |= {k: r["overrides"].get(k) for k in [*swept, *once]}
        row |= {**{name: r[name] for name in times}, **{name: r.get(name) for name in PROVENANCE}}
        row |= {k: r["figures"].get(k) for k in figures}
        data.append(row)
    columns = ["point", *swept, *[c for c in meta if c != "point"], *once, *times, *PROVENANCE, *figures]
    df = pd.DataFrame(data, columns=columns)
    for name in df.columns:
        values = [v for row in data if (v := row.get(name)) is not None and not (isinstance(v, float) and math.isnan(v))]
        if name in swept or name in once or name in LABELS:
            if values and all(isinstance(v, bool) for v in values):
                df[name] = df[name].astype("boolean")
            elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                if all(_INT64[0] <= v <= _INT64[1] for v in values):
                    df[name] = pd.array([row.get(name) for row in data], dtype="Int64")
                else:  # a failed point's whole number beyond 64 bits (seed 2**63), recorded as typed: a float would round it
                    df[name] = _in_order_given([row.get(name) for row in data])
            elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                df[name] = df[name].astype("float64")
            else:
                df[name] = _in_order_given([row.get(name) for row in data])
        elif name in ("error", "job_dir", "key", "host", POSTERIOR, POSTERIOR_SHA256, *PROVENANCE):
            df[name] = df[name].astype("string")
        elif values and all(isinstance(v, bool) for v in values):
            df[name] = df[name].astype("boolean")
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            df[name] = pd.array([row.get(name) for row in data], dtype="Int64")
        elif name not in ("point",):
            df[name] = pd.to_numeric(df[name], errors="coerce").astype("float64")
    df["point"] = df["point"].astype("int64")
    return df


def comparison_frame(collected: Collected) -> Any:
    """The comparison rows of every point that completed with a ``comparison.parquet`` (a ``sim-compare`` sweep), or None if none did.

    One row per point and policy: ``point``, then the point's swept values (a value a comparison
    also reports, such as ``replications``, is the comparison's: what was run), then the
    comparison's own columns (:func:`sim.analysis.comparison.compare_policies`).
    """
    import pandas as pd

    parts = []
    for r in collected.rows:
        path = collected.root / r["job_dir"] / COMPARISON
        if r["status"] != "ok" or not path.is_file():
            continue
        df = pd.read_parquet(path)
        point = {"point": r["point"], **{k: v if isinstance(v, (bool, int, float, str)) else value_label(v) for k, v in r["overrides"].items()}}
        point = {k: v for k, v in point.items() if k not in df.columns}
        parts.append(pd.concat([pd.DataFrame({k: [v] * len(df) for k, v in point.items()}, index=df.index), df], axis=1))
    if not parts:
        return None
    table = pd.concat(parts, ignore_index=True)
    for name in table.columns:
        if table[name].dtype == object:
            table[name] = table[name].astype("string")
    return table


def _write_csv(path: Path, rows: Iterable[Iterable[Any]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    with atomic_path(path) as tmp:
        tmp.write_text(buffer.getvalue(), encoding="utf-8")


def write(collected: Collected) -> Any:
    """Write ``sweep.parquet``, ``sweep.csv`` and (if any point failed) ``failures.csv`` into the sweep folder; return the table."""
    root = collected.root
    df = frame(collected)
    stamp = {"model_version": __version__, "points": len(df), "failed": len(collected.failed), "collected": time.time()}
    write_table(root / TABLE, df, stamp)
    buffer = io.StringIO()
    df.to_csv(buffer, index=False)
    with atomic_path(root / TABLE_CSV) as tmp:
        tmp.write_text(buffer.getvalue(), encoding="utf-8")
    comparisons = comparison_frame(collected)
    if comparisons is None:
        for name in (COMPARISONS, COMPARISONS_CSV):
            (root / name).unlink(missing_ok=True)
    else:
        write_table(root / COMPARISONS, comparisons, {**stamp, "points": int(comparisons["point"].nunique())})
        buffer = io.StringIO()
        comparisons.to_csv(buffer, index=False)
        with atomic_path(root / COMPARISONS_CSV) as tmp:
            tmp.write_text(buffer.getvalue(), encoding="utf-8")
    if collected.failed:
        lines = [("point", "job_dir", "overrides", "error")]
        for r in collected.failed:
            overrides = " ".join(f"{k}={value_label(v)}" for k, v in r["overrides"].items())
            lines.append((r["point"], r["job_dir"], overrides, " ".join(str(r["error"] or "failed").split())))
        _write_csv(root / FAILURES, lines)
    else:
        (root / FAILURES).unlink(missing_ok=True)
    return df


def collect(root: str | Path) -> Collected:
    """Gather every point under ``root`` and write the sweep's table (see :func:`write`).

    A table with other figures than the one it replaces (a resumed sweep that has run more
    points) takes away what was made from the earlier one (``sim-report``'s page and figures,
    ``sim-analyse discover``'s files: :data:`~sim.results.files.DERIVED`), as a run's commit
    does; inside a :class:`~sim.results.files.Staging` (a design's run, ``sim-collect``), once
    the new table is in place.
    """
    root = Path(root)
    collected = gather(root)
    if collected.rows:
        earlier = _earlier_table(root)
        df = write(collected)
        if earlier is not None and not same_figures(earlier, df):
            when_committed(lambda: _remove_derived(root))
    return collected


def _remove_derived(root: Path) -> None:
    for name in DERIVED:
        remove(root / name)


def _earlier_table(root: Path) -> Any:
    """The sweep table already in ``root`` (None if there is none, or it cannot be read)."""
    import pandas as pd

    try:
        return pd.read_parquet(root / TABLE)
    except (OSError, ValueError):
        return None


def same_figures(a: Any, b: Any) -> bool:
    """Whether two sweep tables hold the same points and figures (wall times, hosts and folders aside)."""
    drop = [c for c in RUN_DEPENDENT if c in a.columns]
    left, right = a.drop(columns=drop), b.drop(columns=[c for c in RUN_DEPENDENT if c in b.columns])
    return list(left.columns) == list(right.columns) and left.astype(object).where(left.notna(), None).equals(right.astype(object).where(right.notna(), None))

"""Results files written atomically: a temporary name in the same folder, then a rename.

An interrupted run never leaves a half-written file under a result's name: either the
whole file is there or none is (``os.replace`` is atomic within one file system). Parquet
tables can be streamed block by block (:class:`ParquetStream`), one row group per block,
so memory stays bounded however many replications a run has.

Inside a :class:`Staging` (the commands run in one, see :mod:`sim.cli.guard`) the renames
wait until the whole run has succeeded: :meth:`Staging.commit` then removes the results an
earlier run left in the folder, renames every new file into place and ``summary.json`` (or a design's ``sweep.parquet``) last,
so a folder holds either no results or one run's complete set, every file stamped with the
same ``run_id``. If the run fails or is interrupted, its temporary files are removed and the
folder is left as it was.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.frontends.table import Table

METADATA_KEY = b"partnership_sim"
#: The names of the results files, spelt here once (docs/results.md documents each): ``sim-run``'s replication table,
#: its event log (``save_events=true``, also ``sim-compare``'s), monthly trajectories (``save_trajectories=true``),
#: parameter draws (``uncertainty=prior`` or ``posterior``) and figures (``figures=true``).
REPLICATIONS = "replications.parquet"
EVENTS = "events.parquet"
TRAJECTORIES = "trajectories.parquet"
DRAWS = "draws.parquet"
SURVIVAL_FIGURE, CAUSES_FIGURE = "survival.png", "causes.png"
#: ``sim-compare``'s table of policies (a sweep gathers its points' into ``comparisons.parquet``) and its forest plot.
COMPARISON, COMPARISON_FIGURE = "comparison.parquet", "comparison.png"
#: ``sim-search``'s answer and its candidates' table.
SEARCH, CANDIDATES = "search.json", "candidates.parquet"
#: ``sim-calibrate``'s files: the weighted posterior sample and its summary beside it (provenance, and a sweep point's figures),
#: every simulated parameter point, and the report, its figures in a folder of their own.
POSTERIOR_SAMPLE, POSTERIOR = "posterior.parquet", "posterior.json"
CALIBRATION_DESIGN, CALIBRATION_REPORT = "design.parquet", "calibration.md"
#: The folder of a calibration's figures (beside ``calibration.md``).
CALIBRATION_FIGURES = "calibration"
#: A calibration's figures in :data:`CALIBRATION_FIGURES`, by what they show: prior against posterior, the posterior predictive check.
CALIBRATION_FIGURE_FILES = {"prior_posterior": "prior_posterior.png", "predictive": "predictive.png"}
#: ``sim-analyse sensitivity``'s files: its tables, each as Parquet and CSV (``morris.parquet``, ``morris.csv``...), every design
#: point with its outputs, its figures (``figures=true``) and its record (settings, factors, tables, timings, provenance).
SENSITIVITY_TABLES = ("morris", "sobol", "noise")
SENSITIVITY_POINTS = "points.parquet"
MORRIS_FIGURE, SOBOL_FIGURE = "morris.png", "sobol.png"
SENSITIVITY = "sensitivity.json"
#: A run's figures and provenance (``sim-run``'s and ``sim-compare``'s), written last: it marks the run complete.
SUMMARY = "summary.json"
#: A sweep's table, one row per point (:func:`sim.results.sweep.collect`), as Parquet and as CSV, and its failed points.
TABLE, TABLE_CSV, FAILURES = "sweep.parquet", "sweep.csv", "failures.csv"
#: Every results file the commands write; a run's commit removes those an earlier run left beside its own.
RESULT_FILES = (
    REPLICATIONS,
    EVENTS,
    TRAJECTORIES,
    DRAWS,
    SURVIVAL_FIGURE,
    CAUSES_FIGURE,
    COMPARISON,
    COMPARISON_FIGURE,
    TABLE,
    TABLE_CSV,
    FAILURES,
    CALIBRATION_DESIGN,
    POSTERIOR_SAMPLE,
    POSTERIOR,
    CALIBRATION_REPORT,
    SUMMARY,
)
#: What ``sim-report`` writes into a results folder: the page and its figures' folder.
REPORT, FIGURES = "report.html", "figures"
#: What ``sim-analyse discover`` writes into a results folder.
DISCOVERY = ("discovery.json", "discovery.png", "discovery.svg")
#: Made by other commands from a folder's results: a run's commit removes them with the results they were made from.
DERIVED = (REPORT, FIGURES, *DISCOVERY)
#: A sweep point's record of where it stands (:class:`sim.results.sweep.PointRecord`).
POINT = "point.json"
#: Records of where a run stands (a sweep point's ``point.json``): written at once, never held back for the commit.
RECORD_FILES = (POINT,)
#: Written last: a folder whose results are complete has one of them (a run's summary, a design's sweep table, a calibration's report).
COMPLETE_MARKS = (TABLE, SUMMARY, CALIBRATION_REPORT)
#: The folder of the policy files ``sim-search`` writes for the packages it confirmed, so that its run folder is a ``--config-dir``.
SEARCH_POLICIES = "policy"
#: Hydra's log of each command's job (``<task>.log``): a run's commit removes another command's log with its results.
JOB_LOGS = ("run.log", "compare.log", "search.log", "calibrate.log")
#: Columns of ``events.parquet`` (see :func:`sim.frontends.runner.events_table`).
EVENT_SCHEMA = pa.schema(
    [
        ("rep", pa.int64()),
        ("month", pa.int64()),
        ("council", pa.int64()),
        ("council_name", pa.string()),
        ("cause", pa.string()),
        ("case", pa.string()),
        ("what", pa.string()),
        ("size", pa.float64()),
        ("partner", pa.int64()),
        ("partner_name", pa.string()),
        ("trigger", pa.string()),
    ]
)


#: Bytes per replication of ``replications.parquet`` (measured: 481 at 2 councils, 767 at 4, 1205 at 8) and of
#: ``events.parquet`` (189 to 1816 by scenario), fitted from above; plus room for the summary and ``.hydra``
#: (about 60 kB) and the two figures (about 250 kB).
BYTES_PER_REPLICATION = (250, 130)
EVENT_BYTES_PER_COUNCIL = 240
FIXED_BYTES, FIGURE_BYTES = 100_000, 400_000


def results_bytes(replications: int, councils: int, events: bool = False, figures: bool = False) -> int:
    """About how many bytes a run's results take on disk (10% over the measured sizes)."""
    per = BYTES_PER_REPLICATION[0] + BYTES_PER_REPLICATION[1] * councils + (EVENT_BYTES_PER_COUNCIL * councils if events else 0)
    return int(1.1 * per * replications) + FIXED_BYTES + (FIGURE_BYTES if figures else 0)


def remove(path: Path) -> None:
    """Remove a file, or a folder with everything in it (a link is removed, never followed); nothing if absent."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def temporary_name(target: Path) -> Path:
    """A hidden temporary name next to ``target`` (``.NAME.PID.HEX.tmp``, recognised by :mod:`sim.results.lock`)."""
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


class Staging:
    """The results files of one run, made visible together when the run has succeeded (a context manager).

    While it is active, files written with :func:`atomic_path` into ``folder`` stay under
    their temporary names; leaving the block normally commits them (see
    :meth:`commit`), by an exception (Ctrl-C, a full disk) removes them.

    Parameters
    ----------
    folder
        The run's folder.
    results
        Names of results files: an earlier run's files of these names that this run does
        not write are removed on commit.
    dirs
        Folders written under a temporary name by others (``{".hydra": staged path}``),
        renamed into place on commit.
    records
        Names of files that say where the run stands (:data:`RECORD_FILES`): written at once.
    others
        Names of the other files and folders an earlier run may have left (its records, its
        Hydra log, a design's points): removed on commit unless this run changed them (wrote
        them anew or into them). Leave out this run's own Hydra log.
    subfolders
        Folders inside ``folder`` whose files are held back as the folder's own are (a
        calibration's figures, a search's policy files).
    derived, marks
        What other commands made from an earlier run's results (:data:`DERIVED`), removed on
        commit, and the files that mark a folder's results complete (:data:`COMPLETE_MARKS`),
        removed first and written last. An analysis that adds its files beside another
        command's results (``sim-analyse discover``) gives neither, so that it touches its own
        files only.

    A run that wrote no results (a point skipped by ``resume=true``) leaves the earlier results
    as they were.
    """

    def __init__(
        self,
        folder: str | Path,
        results: Iterable[str] = RESULT_FILES,
        dirs: Mapping[str, Path] | None = None,
        records: Iterable[str] = RECORD_FILES,
        others: Iterable[str] = (),
        subfolders: Iterable[str] = (CALIBRATION_FIGURES, SEARCH_POLICIES),
        derived: Iterable[str] = DERIVED,
        marks: Iterable[str] = COMPLETE_MARKS,
    ) -> None:
        self.folder = Path(folder).resolve()
        self.derived, self.marks = tuple(derived), tuple(marks)
        self.subfolders = frozenset(self.folder / name for name in subfolders)
        self.results = tuple(results)
        self.dirs = dict(dirs or {})
        self.records = frozenset(records)
        self.run_id = secrets.token_hex(8)
        self.pending: dict[Path, Path] = {}
        self.committed: list[Callable[[], None]] = []
        self._token: Any = None
        self.earlier = {name: stamp for name in others if (stamp := _stamp(self.folder / name)) is not None}

    def covers(self, target: Path) -> bool:
        """Whether ``target`` is a file this run holds back until commit (written in its folder or one of its subfolders, not a record)."""
        parent = target.parent.resolve()
        return (parent == self.folder and target.name not in self.records) or parent in self.subfolders

    def add(self, tmp: Path, target: Path) -> None:
        """Keep the finished ``tmp`` until commit (a second write of one target replaces the first)."""
        target = target.parent.resolve() / target.name
        earlier = self.pending.pop(target, None)
        if earlier is not None:
            earlier.unlink(missing_ok=True)
        self.pending[target] = tmp

    def commit(self) -> None:
        """Remove the earlier run's results, what was made from them (``derived``) and its other files, then rename every new file into place.

        The ``marks`` go last; then what waited for the commit (:func:`when_committed`) is done.

        A run that wrote nothing changes nothing.
        """
        if not self.pending:
            self.abort()
            return
        marks = [self.folder / name for name in self.marks]
        for mark in marks:
            mark.unlink(missing_ok=True)
        for name in self.results:
            path = self.folder / name
            if path not in self.pending:
                path.unlink(missing_ok=True)
        for name in self.derived:
            remove(self.folder / name)
        for name, stamp in self.earlier.items():
            if _stamp(self.folder / name) == stamp:
                remove(self.folder / name)
        for name, staged in self.dirs.items():
            if staged.is_dir():
                final = self.folder / name
                if final.is_dir():
                    old = temporary_name(final)
                    os.replace(final, old)
                    shutil.rmtree(old, ignore_errors=True)
                os.replace(staged, final)
        placed = []
        try:
            for target in sorted(self.pending, key=lambda p: marks.index(p) + 1 if p in marks else 0):
                os.replace(self.pending[target], target)
                placed.append(target)
        except BaseException:
            for target in placed:  # interrupted half way (a signal): no results rather than part of a set
                target.unlink(missing_ok=True)
            raise
        self.pending.clear()
        for action in self.committed:
            action()
        self.committed.clear()

    def abort(self) -> None:
        """Remove every file and folder written so far under a temporary name; what waited for the commit is not done."""
        for tmp in self.pending.values():
            tmp.unlink(missing_ok=True)
        self.pending.clear()
        self.committed.clear()
        for sub in self.subfolders:
            if sub.is_dir() and not any(sub.iterdir()):
                sub.rmdir()
        for staged in self.dirs.values():
            shutil.rmtree(staged, ignore_errors=True)

    def __enter__(self) -> Staging:
        self._token = _staging.set(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        _staging.reset(self._token)
        if kind is None:
            try:
                self.commit()
            except BaseException:
                self.abort()
                raise
        else:
            self.abort()


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells whether ``path`` was written since (its inode and time of change; a folder's change with what it holds); None if absent."""
    try:
        info = path.lstat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


_staging: ContextVar[Staging | None] = ContextVar("sim_results_staging", default=None)


def staging() -> Staging | None:
    """The active :class:`Staging`, if any."""
    return _staging.get()


def when_committed(action: Callable[[], None]) -> None:
    """Do ``action`` once the active :class:`Staging` has put the run's results in place (at once outside one).

    For what says that a run finished, such as a sweep point's ``point.json`` with status
    ``ok``: a run stopped before its commit (Ctrl-C while it prints its summary) has its
    results removed, and must not leave a record saying they are there.
    """
    stage = _staging.get()
    if stage is None:
        action()
    else:
        stage.committed.append(action)


def current_run_id() -> str | None:
    """The ``run_id`` stamped on every file of the run being written (None outside a :class:`Staging`)."""
    stage = _staging.get()
    return stage.run_id if stage is not None else None


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path next to ``target``, renamed to ``target`` if the block succeeds (at commit, inside a :class:`Staging`), removed otherwise."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = temporary_name(target)
    try:
        yield tmp
        stage = _staging.get()
        if stage is not None and stage.covers(target):
            stage.add(tmp, target)
            tmp = None
        else:
            os.replace(tmp, target)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def plain(value: Any) -> Any:
    """JSON-ready data: numpy scalars and arrays to Python, non-finite floats to None."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(path: str | Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` as indented JSON (strict: no NaN), atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(plain(data), indent=2, allow_nan=False) + "\n", encoding="utf-8")


def _with_metadata(schema: pa.Schema, metadata: Mapping[str, Any] | None) -> pa.Schema:
    run_id = current_run_id()
    if run_id is not None:
        metadata = {**(metadata or {}), "run_id": run_id}
    if not metadata:
        return schema
    return schema.with_metadata({**(schema.metadata or {}), METADATA_KEY: json.dumps(plain(metadata)).encode()})


def _validity(mask: np.ndarray) -> pa.Buffer | None:
    """An Arrow validity bitmap (1 = present) from a boolean mask of missing values, or None when none is missing."""
    return None if not mask.any() else pa.py_buffer(np.packbits(~mask, bitorder="little"))


def _strings(values: Any) -> pa.Array:
    """A string array from Python strings (built from buffers: ``pa.array`` would import pandas)."""
    data = [str(v).encode() for v in values]
    offsets = np.zeros(len(data) + 1, np.int32)
    offsets[1:] = np.cumsum([len(d) for d in data], dtype=np.int64)
    return pa.Array.from_buffers(pa.string(), len(data), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))])


def _array(column: np.ndarray) -> pa.Array:
    """An Arrow array from a numpy column, without going through pandas."""
    if column.dtype == object:
        return _strings(column)
    if column.dtype == np.bool_:
        return pa.Array.from_buffers(pa.bool_(), len(column), [None, pa.py_buffer(np.packbits(column, bitorder="little"))])
    column = np.ascontiguousarray(column)
    kind = {"i": pa.int64(), "u": pa.uint64(), "f": pa.float64()}[column.dtype.kind]
    column = column.astype({"i": np.int64, "u": np.uint64, "f": np.float64}[column.dtype.kind], copy=False)
    return pa.Array.from_buffers(kind, len(column), [None, pa.py_buffer(column)])


def to_arrow(table: Any) -> pa.Table:
    """A :class:`~sim.frontends.table.Table` (categorical columns dictionary-encoded) or a pandas DataFrame as an Arrow table (an Arrow table as it is).

    A Table is converted from its buffers, so writing results never imports pandas.
    """
    if isinstance(table, pa.Table):
        return table
    if not isinstance(table, Table):
        return pa.Table.from_pandas(table, preserve_index=False)
    arrays = []
    for name, column in table.columns.items():
        if name in table.labels:
            codes = np.asarray(column, np.int32)
            missing = codes < 0
            indices = pa.Array.from_buffers(pa.int32(), len(codes), [_validity(missing), pa.py_buffer(np.where(missing, 0, codes).astype(np.int32))])
            arrays.append(pa.DictionaryArray.from_arrays(indices, _strings(table.labels[name])))
        else:
            arrays.append(_array(np.asarray(column)))
    return pa.Table.from_arrays(arrays, names=list(table.columns))


def write_table(path: str | Path, table: Any, metadata: Mapping[str, Any] | None = None) -> None:
    """Write a table (:class:`~sim.frontends.table.Table` or DataFrame) as Parquet, atomically, with ``metadata`` under :data:`METADATA_KEY`."""
    arrow = to_arrow(table)
    with atomic_path(path) as tmp:
        pq.write_table(arrow.replace_schema_metadata(_with_metadata(arrow.schema, metadata).metadata), tmp)


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The metadata a results Parquet file was written with (empty if none)."""
    raw = (pq.read_schema(path).metadata or {}).get(METADATA_KEY)
    return json.loads(raw) if raw else {}


#: Metadata left out of a saved figure so that the same figure gives the same bytes on every run: the time of saving.
UNDATED = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "ps": {"CreationDate": None}}


def save_figure(path: str | Path, figure: Any) -> None:
    """Save a matplotlib figure, atomically (format from the suffix: PNG, or SVG or PDF for print).

    The same figure gives the same file on every run: no date in the file and, in an SVG,
    element ids from a fixed salt (matplotlib otherwise draws a random one each time).
    """
    from matplotlib import rc_context

    from sim.analysis.plots import FIGURE_DPI

    path = Path(path)
    kind = path.suffix.lstrip(".").lower()
    with atomic_path(path) as tmp, rc_context({"svg.hashsalt": "partnership-sim"}):
        figure.savefig(tmp, format=kind, dpi=FIGURE_DPI, bbox_inches="tight", metadata=UNDATED.get(kind))


class ParquetStream:
    """A Parquet file written block by block and renamed into place only when complete.

    Use as a context manager; :meth:`write` appends one row group. Leaving the block by an
    exception (Ctrl-C included) removes the temporary file.

    Parameters
    ----------
    path
        Final name of the file.
    schema
        Arrow schema; needed only to write a file that may get no rows (otherwise taken
        from the first block).
    metadata
        Written with the file under :data:`METADATA_KEY`.
    """

    def __init__(self, path: str | Path, schema: pa.Schema | None = None, metadata: Mapping[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.schema = schema
        self.metadata = metadata
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._context = atomic_path(self.path)
        self._tmp: Path | None = None

    def __enter__(self) -> ParquetStream:
        self._tmp = self._context.__enter__()
        return self

    def write(self, table: Any) -> None:
        """Append ``table`` as one row group (its columns must match the first block's)."""
        arrow = to_arrow(table)
        if self.schema is not None and self._writer is None and len(arrow) == 0:
            arrow = arrow.cast(self.schema)
        if self._writer is None:
            self.schema = arrow.schema
            self._writer = pq.ParquetWriter(self._tmp, _with_metadata(arrow.schema, self.metadata))
        self._writer.write_table(arrow.replace_schema_metadata(self._writer.schema.metadata))
        self.rows += len(table)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> bool | None:
        try:
            if kind is None and self._writer is None and self.schema is not None:
                self._writer = pq.ParquetWriter(self._tmp, _with_metadata(self.schema, self.metadata))
            if self._writer is not None:
                writer, self._writer = self._writer, None
                writer.close()
            elif kind is None:
                raise ValueError(f"{self.path.name}: nothing written and no schema given")
        except BaseException as problem:
            if kind is None:
                self._context.__exit__(type(problem), problem, problem.__traceback__)
                raise
            # closing failed after the block failed (a full disk): the first problem is the one to report
        return self._context.__exit__(kind, error, trace)

"""Calibration targets and the settings of ``sim-calibrate``: declared once, checked like parameters.

A *targets file* (YAML) says what the model is fitted to: each statistic with its observed value,
its uncertainty and how it is computed from runs, the model event the records describe, the
horizon long enough to contain them, the window in which an ending could enter the record, and
the parameters the statistics can inform. The package ships ``uk_breakups`` (``sim/config/targets/``,
built from ``data/uk_breakups.csv``); users bring their own file in the same format, or their own
record as a CSV with the columns of ``data/uk_breakups.csv`` (:func:`csv_targets` builds the targets
from its rows: the shipped file's statistics, event, horizon, discrepancy and parameters, and the
window the calendar years its endings fall in).

Each statistic gives its ``observed`` share and that share's ``sd``, or ``count`` and ``n`` (3 of 17
records): the share is then ``count / n`` and its sd :func:`share_sd` unless ``sd`` is given.

Two kinds of statistic are known:

``duration_share``
    the share of break-ups that came between ``years[0]`` and ``years[1]`` years after launch,
    among break-ups (the distribution of time to break-up, no denominator needed). With
    ``records`` and a ``window``, the model's share is computed as the record's would have been:
    record *i* (started in ``start``) could only enter a record of endings seen between
    ``window[0]`` and ``window[1]`` if it lasted between ``window[0] - start`` and
    ``window[1] - start`` years, so its model counterpart is the share conditional on that range,
    averaged over the records.
``breakup_by``
    the share of launched partnerships that had broken up ``years`` years after launch (needs a
    register with a denominator, which the UK record does not have).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.config import assumptions as A
from sim.config.checks import ConfigError, check_number
from sim.config.overrides import did_you_mean
from sim.config.settings import MAX_SEED, MAX_WORKERS, checked_settings, out_setting, setting, text_setting
from sim.core.declare import SETTING, Spec, flag, spec_of
from sim.core.params import PartnershipParams

#: Model events a targets file can describe.
EVENTS = {
    "breakup": "the first founding council to leave after launch, or the partnership's collapse, whichever comes first",
    "collapse": "the partnership's collapse only",
}
KINDS = ("duration_share", "breakup_by")
#: What each required field of a statistic holds (named when it is missing).
REQUIRED = {
    "kind": f"one of {', '.join(KINDS)}",
    "years": "[from, to] years after launch (duration_share) or one number (breakup_by)",
    "observed": "the observed share, a number in [0, 1] (or give count and n)",
    "sd": "the observed share's standard deviation, a number in [1e-06, 1] (or give count and n, which set it)",
    "count": "how many of the n records the statistic counts, a whole number in [0, n]",
    "n": "how many records the count is of, a whole number >= 1",
}
#: Fields of a statistic.
STATISTIC_FIELDS = ("name", "kind", "years", "observed", "sd", "count", "n", "computed")
#: Most records a count may be of.
MAX_RECORDS = 10**9
#: Suffixes of tables a targets file is sometimes mistaken for (targets are YAML, or a records CSV: :func:`csv_targets`).
TABLES = (".tsv", ".parquet", ".xlsx", ".xls", ".ods")
#: Suffix of a records CSV (``data/uk_breakups.csv``), read by :func:`csv_targets`.
RECORDS_CSV = ".csv"
#: Columns of a records CSV that each row needs (decimal years), and those read when present (the others are left alone).
RECORD_YEARS = ("start_year", "end_year")
RECORD_WORDS = ("arrangement", "form")
#: What the csv module's complaints mean for a spreadsheet's user.
CSV_ERRORS = {
    "unexpected end of data": ": a value's opening double quote is never closed",
    "',' expected after '\"'": ': a double quote inside a quoted value is written twice ("")',
}
#: Decimal years a record's start and end may have.
YEARS = (1800, 2200)
#: Package folder of the shipped targets files.
PACKAGE_TARGETS = "sim.config"
SHIPPED = "uk_breakups"
#: The model's run length, which a targets file's ``horizon_months`` sets.
HORIZON = spec_of(PartnershipParams, "horizon_months")


@dataclass(frozen=True)
class Record:
    """One arrangement of the record: its name, form, and start and end (decimal years)."""

    name: str
    start: float
    end: float
    form: str = ""

    @property
    def years(self) -> float:
        """How long it lasted, in years."""
        return self.end - self.start


@dataclass(frozen=True)
class Statistic:
    """One target statistic: what it is, its observed value and standard deviation, and how it is computed from runs."""

    name: str
    kind: str
    years: tuple[float, ...]
    observed: float
    sd: float
    computed: str = ""


@dataclass(frozen=True)
class Targets:
    """A checked targets file (see the module docstring)."""

    name: str
    event: str
    horizon_months: int
    statistics: tuple[Statistic, ...]
    parameters: tuple[str, ...] = ()
    records: tuple[Record, ...] = ()
    window: tuple[float, float] | None = None
    discrepancy: float = 0.0
    description: str = ""
    source: str = ""
    notes: str = ""
    path: str = ""

    @property
    def shipped(self) -> bool:
        """Whether these are a targets set shipped with the package (read from its own file), not a user's file."""
        return bool(self.path) and Path(self.path) == shipped_path(Path(self.path).stem)

    @property
    def observed(self) -> np.ndarray:
        """Observed values, one per statistic."""
        return np.array([s.observed for s in self.statistics])

    @property
    def variance(self) -> np.ndarray:
        """Variance of each observed value plus the model discrepancy's."""
        return np.array([s.sd**2 for s in self.statistics]) + self.discrepancy**2

    def limits(self) -> np.ndarray:
        """``(n, 2)`` durations (years) each record could have had and still entered the record: ``[0, horizon]`` without a window."""
        horizon = self.horizon_months / 12.0
        if not self.records or self.window is None:
            return np.array([[0.0, horizon]])
        lo = np.array([max(0.0, self.window[0] - r.start) for r in self.records])
        hi = np.array([min(horizon, self.window[1] - r.start) for r in self.records])
        return np.column_stack([lo, hi])


def shipped_path(name: str = SHIPPED) -> Path:
    """Path of a targets file shipped with the package (``sim/config/targets/NAME.yaml``)."""
    return Path(str(resources.files(PACKAGE_TARGETS))) / "targets" / f"{name}.yaml"


def shipped() -> list[str]:
    """Names of the targets files shipped with the package."""
    return sorted(p.stem for p in shipped_path().parent.glob("*.yaml"))


def _number(problems: list[str], where: str, value: Any, lo: float, hi: float, *, open_hi: bool = False) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(f"{where} = {value!r} must be a number in [{lo:g}, {hi:g}{')' if open_hi else ']'}")
        return None
    if value < lo or value > hi or (open_hi and value >= hi):
        problems.append(f"{where} = {value!r} is outside [{lo:g}, {hi:g}{')' if open_hi else ']'}")
        return None
    return float(value)


def parameter_problems(paths: Sequence[str], where: str = "parameters") -> list[str]:
    """One line per path of ``paths`` that is not an assumed parameter with a plausible range, and per path listed more than once."""
    known = A.by_path()
    problems = [
        f"{where}: {p!r} is not an assumed parameter with a plausible range{did_you_mean(p, list(known)) or ' (e.g. decisions.memory)'}"
        for p in paths
        if p not in known
    ]
    return problems + [f"{where}: {p!r} is listed {paths.count(p)} times: list each parameter once" for p in dict.fromkeys(paths) if paths.count(p) > 1]


def _share(problems: list[str], where: str, value: Any, lo: float) -> float | None:
    """A share in ``[lo, 1]``, checked as a model parameter's is (a share typed as a percentage is told how to write it)."""
    found = check_number(where, value, Spec("share", lo, 1, ""))
    problems += found
    return None if found else float(value)


def _records(raw: Any, problems: list[str]) -> tuple[tuple[Record, ...], bool]:
    """The records of a targets file that are right, and whether that is all of them (each refused one's problem is in ``problems``)."""
    if raw is None:
        return (), True
    if not isinstance(raw, list):
        problems.append(f"records must be a list of {{name, start, end}}, got {type(raw).__name__}")
        return (), False
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            problems.append(f"records[{i}] = {item!r} must be a mapping with start and end (decimal years), and optionally name and form")
            continue
        missing = [key for key in ("start", "end") if key not in item]
        if missing:
            problems += [f"records[{i}].{key} is missing: each record needs start and end (decimal years)" for key in missing]
            continue
        start = _number(problems, f"records[{i}].start", item["start"], *YEARS)
        end = _number(problems, f"records[{i}].end", item["end"], *YEARS)
        if start is not None and end is not None:
            if end < start:
                problems.append(f"records[{i}].end = {end:g} is before its start {start:g}")
                continue
            out.append(Record(str(item.get("name", f"record {i}")), start, end, str(item.get("form", ""))))
    return tuple(out), len(out) == len(raw)


def _counted(problems: list[str], where: str, item: Mapping[str, Any]) -> tuple[float, float] | None:
    """The observed share and its sd of a statistic given as ``count`` of ``n`` records (sd :func:`share_sd` unless given; an ``observed`` given must agree)."""
    found = check_number(f"{where}.n", item["n"], Spec("records", 1, MAX_RECORDS, "", integer=True))
    found += check_number(f"{where}.count", item["count"], Spec("records", 0, MAX_RECORDS, "", integer=True))
    if not found and item["count"] > item["n"]:
        found.append(f"{where}.count = {item['count']:g} is more than {where}.n = {item['n']:g}: a count is of the n records, so at most n")
    sd = _share(found, f"{where}.sd", item["sd"], 1e-6) if "sd" in item else None
    observed = _share(found, f"{where}.observed", item["observed"], 0) if "observed" in item else None
    problems += found
    if found:
        return None
    count, n = int(item["count"]), int(item["n"])
    if observed is not None and abs(observed - count / n) > 5e-4:
        problems.append(f"{where}.observed = {observed:g} differs from count / n = {count} / {n} = {count / n:.4f}: give one or the other")
        return None
    return count / n, share_sd(count, n) if sd is None else sd


def _statistic(i: int, item: Any, problems: list[str]) -> Statistic | None:
    where = f"statistics[{i}]"
    if not isinstance(item, Mapping):
        problems.append(f"{where} = {item!r} must be a mapping with name, kind, years, and observed and sd (or count and n)")
        return None
    unknown = set(item) - set(STATISTIC_FIELDS)
    problems += [f"{where}.{key} is not a field of a statistic (known: {', '.join(STATISTIC_FIELDS)})" for key in sorted(unknown)]
    counted = "count" in item or "n" in item
    missing = [key for key in ("kind", "years", *(("count", "n") if counted else ("observed", "sd"))) if key not in item]
    if missing:
        problems += [f"{where}.{key} is missing: {REQUIRED[key]}" for key in missing]
        return None
    kind = item.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}.kind = {kind!r} is not known (allowed: {', '.join(KINDS)})")
        return None
    years = item.get("years")
    years = [years] if isinstance(years, int | float) and not isinstance(years, bool) else years
    size = 2 if kind == "duration_share" else 1
    if not isinstance(years, list) or len(years) != size:
        shape = "[from, to] (years after launch)" if size == 2 else "one number (years after launch)"
        problems.append(f"{where}.years = {item.get('years')!r} must be {shape}")
        return None
    ends = [_number(problems, f"{where}.years", y, 0, 50) for y in years]
    if None in ends:
        return None
    if size == 2 and ends[0] >= ends[1]:
        problems.append(f"{where}.years = {years} must run from an earlier to a later time")
        return None
    if counted:
        shares = _counted(problems, where, item)
        if shares is None:
            return None
        observed, sd = shares
    else:
        observed = _share(problems, f"{where}.observed", item.get("observed"), 0)
        sd = _share(problems, f"{where}.sd", item.get("sd"), 1e-6)
        if observed is None or sd is None:
            return None
    name = str(item.get("name", f"{kind}_{'_'.join(f'{y:g}' for y in ends)}"))
    computed = item.get("computed", f"{item['count']:g} of {item['n']:g} records" if counted else "")
    return Statistic(name, kind, tuple(ends), observed, sd, str(computed))


def targets_from(raw: Mapping[str, Any], path: str = "") -> Targets:
    """Checked targets from plain data; raises :class:`~sim.config.checks.ConfigError` listing every problem."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise ConfigError([f"targets = {path or 'the targets'!r} must be a mapping (name, event, horizon_months, statistics, ...), got {type(raw).__name__}"])
    known = {"name", "description", "source", "notes", "event", "horizon_months", "window", "discrepancy", "parameters", "records", "statistics"}
    problems += [f"targets.{key} is not a field of a targets file (known: {', '.join(sorted(known))})" for key in sorted(set(raw) - known)]
    event = raw.get("event", "breakup")
    if event not in EVENTS:
        problems.append(f"targets.event = {event!r} is not known (allowed: {', '.join(EVENTS)})")
    horizon = raw.get("horizon_months", 120)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not HORIZON.lo <= horizon <= HORIZON.hi:
        problems.append(
            f"targets.horizon_months = {horizon!r} must be a whole number in [{HORIZON.lo:g}, {HORIZON.hi:g}] (the model's partnership.horizon_months)"
        )
        horizon = None
    discrepancy = _number(problems, "targets.discrepancy", raw.get("discrepancy", 0.0), 0, 1) or 0.0
    window = raw.get("window")
    if window is not None:
        if not isinstance(window, list) or len(window) != 2:
            problems.append(f"targets.window = {window!r} must be [first, last] (decimal years in which an ending could enter the record), or null")
            window = None
        else:
            given = window
            ends = [_number(problems, "targets.window", w, 1800, 2200) for w in window]
            window = None if None in ends else (ends[0], ends[1])
            if window is not None and window[0] >= window[1]:
                problems.append(f"targets.window = {given} must run from an earlier to a later year")
                window = None
    parameters = raw.get("parameters", [])
    if not isinstance(parameters, list) or not all(isinstance(p, str) for p in parameters):
        problems.append(f"targets.parameters = {parameters!r} must be a list of parameter paths, e.g. [decisions.memory, exogenous.stance]")
        parameters = []
    problems += parameter_problems(parameters, "targets.parameters")
    records, every_record = _records(raw.get("records"), problems)
    stats_raw = raw.get("statistics")
    statistics: list[Statistic] = []
    if not isinstance(stats_raw, list) or not stats_raw:
        problems.append("targets.statistics must be a non-empty list of statistics (name, kind, years, observed, sd, computed)")
    else:
        statistics = [s for i, item in enumerate(stats_raw) if (s := _statistic(i, item, problems)) is not None]
    names = [s.name for s in statistics]
    problems += [f"targets.statistics: name {n!r} is used more than once" for n in sorted({n for n in names if names.count(n) > 1})]
    for i, s in enumerate(statistics):
        if horizon is not None and max(s.years) > horizon / 12.0:
            problems.append(f"statistics[{i}].years = {list(s.years)} reaches beyond the horizon ({horizon} months): raise targets.horizon_months")
    bins = sorted((s.years, s.name, s.observed) for s in statistics if s.kind == "duration_share")
    disjoint = all(a[0][1] <= b[0][0] for a, b in itertools.pairwise(bins))
    if disjoint and sum(observed for *_, observed in bins) > 1 + 5e-4:
        parts = ", ".join(f"{name} {observed:g}" for _, name, observed in bins)
        problems.append(
            f"statistics: the observed duration_share values add up to {sum(o for *_, o in bins):.4g} ({parts}): "
            "shares of one set of endings, in bins that do not overlap, add up to at most 1"
        )
    if window is not None and not records and every_record:
        problems.append(
            f"targets.window = {list(window)} needs records (each record's start sets the durations it could have had and still been seen): "
            "add records, or remove the window"
        )
    if records:
        durations = np.array([r.years for r in records])
        longest = records[int(np.argmax(durations))]
        if horizon is not None and durations.max() > horizon / 12.0:
            problems.append(f"targets.horizon_months = {horizon} is shorter than the longest record ({longest.name}: {longest.years:.2f} years)")
        for i, s in enumerate(statistics if every_record else ()):  # a refused record would make every share differ
            if s.kind == "duration_share":
                share = float(np.mean((durations >= s.years[0]) & (durations < s.years[1])))
                if abs(share - s.observed) > 5e-4:
                    problems.append(f"statistics[{i}].observed = {s.observed:g} differs from the records' share {share:.4f} (years {list(s.years)})")
    if problems:
        raise ConfigError(problems)
    return Targets(
        name=str(raw.get("name", Path(path).stem if path else "targets")),
        event=event,
        horizon_months=int(horizon),
        statistics=tuple(statistics),
        parameters=tuple(parameters),
        records=records,
        window=window,
        discrepancy=float(discrepancy),
        description=str(raw.get("description", "")),
        source=str(raw.get("source", "")),
        notes=str(raw.get("notes", "")).strip(),
        path=str(path),
    )


def _not_utf8(err: UnicodeDecodeError) -> str:
    """Where a file that is not UTF-8 text fails to decode, and in what encoding it is when that is plain (UTF-16 starts with its byte-order mark)."""
    data = bytes(err.object)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "it is UTF-16 text (as Windows Notepad saves 'Unicode')"
    return f"byte 0x{data[err.start]:02x} on line {data[: err.start].count(b'\n') + 1} is not UTF-8 (as Latin-1 or Windows-1252 text has it)"


def _yaml_problem(err: yaml.YAMLError) -> str:
    """Where YAML could not be read and why: the line and column a text editor shows, where the unfinished part starts, and that a tab cannot indent."""
    mark, problem = getattr(err, "problem_mark", None), getattr(err, "problem", None)
    if mark is None or not problem:
        return f"({str(err).splitlines()[0]})"
    context, start = getattr(err, "context", None), getattr(err, "context_mark", None)
    hint = " (indent with spaces: YAML does not allow tabs)" if "'\\t'" in problem else ""
    if context and start is not None and hint == "":
        hint = f" ({context} that starts at line {start.line + 1}, column {start.column + 1})"
    return f"at line {mark.line + 1}, column {mark.column + 1}: {problem}{hint}"


def duration_statistics(records: Sequence[Record], bins: Sequence[Sequence[float]], event: str) -> list[dict[str, Any]]:
    """``duration_share`` statistics (as a targets file writes them) for ``bins`` (``[from, to]`` years after launch), observed from ``records``.

    Each share is the records' count in the bin over all records, rounded to 6 decimals with its :func:`share_sd`,
    as the shipped targets file has them.
    """
    durations = np.array([r.years for r in records])
    out = []
    for lo, hi in bins:
        count = int(((durations >= lo) & (durations < hi)).sum())
        counted = f"({count} of {len(records)} records)"
        out.append(
            {
                "name": f"{event}_after_{lo:g}_to_{hi:g}_years",
                "kind": "duration_share",
                "years": [float(lo), float(hi)],
                "observed": round(count / len(records), 6),
                "sd": round(share_sd(count, len(records)), 6),
                "computed": f"share of {event}s, among {event}s after launch, that came {lo:g} to {hi:g} years after launch {counted}",
            }
        )
    return out


def _column(name: str) -> str:
    """A CSV column's name as it is matched: without surrounding spaces, in lower case, a space or hyphen read as ``_`` (``Start year`` is ``start_year``)."""
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _csv_rows(text: str, where: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows (each with the line it starts on) of a CSV text, blank lines left out; raises ConfigError where it is not CSV."""
    reader = csv.reader(io.StringIO(text), strict=True)
    rows, line = [], 1
    try:
        for row in reader:
            if any(value.strip() for value in row):
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as err:
        hint = CSV_ERRORS.get(str(err), "")
        raise ConfigError([f"{where} line {line}: not valid CSV ({err}){hint}"]) from None
    return (rows[0][1], rows[1:]) if rows else ([], [])


def _csv_year(problems: list[str], where: str, column: str, value: str) -> float | None:
    """A row's decimal year in ``column`` (the text ``value``), or None with its problem in ``problems``."""
    allowed = f"a decimal year in [{YEARS[0]}, {YEARS[1]}], e.g. 2011.25"
    text = value.strip()
    if not text:
        problems.append(f"{where}: {column} is empty: each row needs start_year and end_year, {allowed} (a records CSV lists arrangements that ended)")
        return None
    try:
        year = float(text)
    except ValueError:
        year = math.nan
    if not math.isfinite(year):
        problems.append(f"{where}: {column} = {text!r} is not a number: give {allowed}")
        return None
    if not YEARS[0] <= year <= YEARS[1]:
        problems.append(f"{where}: {column} = {text} is outside [{YEARS[0]}, {YEARS[1]}] (decimal years)")
        return None
    return year


def csv_targets(path: str | Path, shown: str | None = None) -> dict[str, Any]:
    """Targets, as a targets file (YAML) writes them, built from a records CSV such as ``data/uk_breakups.csv``.

    Each row is an arrangement that ended: ``start_year`` and ``end_year`` (decimal years) are needed, ``arrangement``
    and ``form`` are read when present, other columns are left alone (names are matched ignoring case, a space read
    as ``_``). The statistics are the shipped targets' (``uk_breakups``) ``duration_share`` bins observed from the
    rows (:func:`duration_statistics`); the event, horizon, discrepancy and parameters are the shipped file's; the
    window is the calendar years the endings fall in, from the start of the first to the end of the last
    (``data/uk_breakups.csv`` gives 2009-2025, the shipped window). To change any of them, write the result out as
    YAML (``yaml.safe_dump(csv_targets(path), sort_keys=False)``), edit it, and give that file instead.

    Parameters
    ----------
    path
        The CSV file.
    shown
        The file as the user named it, which each problem line names (default ``path``).

    Raises
    ------
    ConfigError
        One line per problem, each naming the file, and the line and column with the value where a row is at fault.
    """
    path, where = Path(path), f"targets = {shown if shown is not None else str(path)!r}"
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ConfigError([f"{where} cannot be read as a CSV text file ({err.strerror})"]) from None
    if data.startswith(b"PK\x03\x04"):
        raise ConfigError([f"{where} is a spreadsheet workbook (a zip file, as .xlsx and .ods are), not CSV text: save the sheet as CSV (UTF-8)"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError([f"{where} cannot be read as a CSV text file: {_not_utf8(err)}; save it as UTF-8 text"]) from None
    needs = "a header naming the columns start_year and end_year (decimal years; arrangement and form are read too) and a row per arrangement that ended"
    header, rows = _csv_rows(text, where)
    if not header:
        raise ConfigError([f"{where} is empty: a records CSV needs {needs}, as data/uk_breakups.csv has"])
    if len(header) == 1 and (sep := next((c for c in ";\t|" if c in header[0]), None)):
        raise ConfigError([f"{where}: its header {header[0]!r} is one column, its names separated by {sep!r}: save the table with commas between values (CSV)"])
    columns = {_column(name): name for name in header}
    missing = [
        f"{where}: column {name} is missing (the header has: {', '.join(header)}){did_you_mean(name, list(columns))}: a records CSV needs {needs}"
        for name in RECORD_YEARS
        if name not in columns
    ]
    if missing:
        raise ConfigError(missing)
    if not rows:
        raise ConfigError([f"{where} has a header but no rows: a records CSV needs {needs}"])
    defaults = load_targets(SHIPPED)
    horizon = defaults.horizon_months
    problems: list[str] = []
    records = []
    for line, row in rows:
        at = f"{where} line {line}"
        if len(row) > len(header):
            problems.append(f"{at}: {len(row)} values for the {len(header)} columns of the header: a value holding a comma must be in double quotes")
            continue
        values = {_column(name): value for name, value in zip(header, row, strict=False)}
        start, end = (_csv_year(problems, at, name, values.get(name, "")) for name in RECORD_YEARS)
        if start is None or end is None:
            continue
        if end < start:
            problems.append(f"{at}: end_year = {values['end_year'].strip()} is before its start_year {values['start_year'].strip()}")
        elif end - start > horizon / 12:
            problems.append(
                f"{at}: end_year - start_year = {end - start:.4g} years is beyond the horizon of {horizon / 12:g} years (horizon_months {horizon}, "
                "the shipped targets'): a record may last at most that long; for a longer one write a YAML targets file with a longer horizon_months"
            )
        else:
            name, form = (values.get(column, "").strip() for column in RECORD_WORDS)
            records.append(Record(name or f"line {line}", start, end, form))
    if problems:
        raise ConfigError(problems)
    event = defaults.event
    ending = event.replace("breakup", "break-up")
    bins = [s.years for s in defaults.statistics if s.kind == "duration_share"]
    window = [float(math.floor(min(r.end for r in records))), float(min(math.floor(max(r.end for r in records)) + 1, YEARS[1]))]
    return {
        "name": path.stem,
        "description": f"Time from launch to {ending} among the {len(records)} arrangements of {path.name}, which ended {window[0]:g}-{window[1]:g}",
        "source": path.name,
        "notes": (
            f"Built from the records CSV {path.name} ({len(records)} arrangements that ended). The observation window "
            f"{window[0]:g}-{window[1]:g} is the calendar years its endings fall in, from the start of the first to the end of the last; "
            f"the event, the horizon, the duration bins, the discrepancy and the parameters calibrated are the shipped {SHIPPED} targets'."
        ),
        "event": event,
        "horizon_months": horizon,
        "window": window,
        "discrepancy": defaults.discrepancy,
        "parameters": list(defaults.parameters),
        "records": [{"name": r.name, "form": r.form, "start": r.start, "end": r.end} for r in records],
        "statistics": duration_statistics(records, bins, event),
    }


def load_targets(name_or_path: str | Path) -> Targets:
    """Targets from a shipped name (``uk_breakups``), a YAML targets file or a records CSV (:func:`csv_targets`).

    Raises :class:`~sim.config.checks.ConfigError` naming each problem.
    """
    text = str(name_or_path)
    like = f"in the YAML format of the shipped sim/config/targets/{shipped_path().name}"
    if not text.strip():
        raise ConfigError([f"targets = {text!r} names no file: give a shipped targets set ({', '.join(shipped())}) or the path of a targets file {like}"])
    path = shipped_path(text) if text in shipped() else Path(text).expanduser().absolute()
    if path.is_dir():
        raise ConfigError([f"targets = {text!r} is a folder: give a targets file {like}, or a shipped set ({', '.join(shipped())})"])
    if not path.is_file():
        raise ConfigError([f"targets = {text!r} is neither a shipped targets set (available: {', '.join(shipped())}) nor a readable YAML or CSV file"])
    if path.suffix.lower() in TABLES:
        raise ConfigError(
            [
                f"targets = {text!r} is a {path.suffix.lower()[1:].upper()} table: targets are read from a targets file {like}, "
                "or from a records CSV (as data/uk_breakups.csv): save the table as CSV"
            ]
        )
    if path.suffix.lower() == RECORDS_CSV:
        return targets_from(csv_targets(path, text), str(path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError([f"targets = {text!r} cannot be read as a YAML text file ({err.strerror})"]) from None
    except UnicodeDecodeError as err:
        raise ConfigError([f"targets = {text!r} cannot be read as a YAML text file: {_not_utf8(err)}; save it as UTF-8 text"]) from None
    except yaml.YAMLError as err:
        raise ConfigError([f"targets = {text!r}: not valid YAML {_yaml_problem(err)}"]) from None
    if raw is None:
        raise ConfigError([f"targets = {text!r} is empty: write your targets {like}"])
    return targets_from(raw, str(path))


def share_sd(count: int, n: int) -> float:
    """Standard deviation of an observed share ``count / n`` (binomial, with half a count added each way so an empty bin is not certain)."""
    p = (count + 0.5) / (n + 1.0)
    return math.sqrt(p * (1.0 - p) / n)


@dataclass
class CalibrateSettings:
    """Settings of ``sim-calibrate``."""

    seed: Any = setting(0, 0, MAX_SEED, "integer", "seed of the runs and of the designs", integer=True)
    workers: Any = setting(
        None, 1, MAX_WORKERS, "threads", "threads sharing each ensemble batch (default: every core this process may use); never changes results", integer=True
    )
    targets: Any = text_setting(SHIPPED, "a shipped targets set (uk_breakups), the path of a targets YAML file, or of a records CSV like data/uk_breakups.csv")
    replications: Any = setting(
        500, 20, 1_000_000, "replications", "replications per parameter point (all points share them: common random numbers)", integer=True
    )
    points: Any = setting(
        1000,
        10,
        1_000_000,
        "points",
        "parameter points simulated in each wave of history matching (at least 2 more than the parameters calibrated)",
        integer=True,
    )
    waves: Any = setting(3, 1, 20, "waves", "waves of history matching (each refits the emulators and narrows the plausible region)", integer=True)
    cutoff: Any = setting(3.0, 1.0, 10.0, "sd", "implausibility cut-off: a point is ruled out when a statistic lies further than this from its target")
    batch_points: Any = setting(
        200, 1, 100_000, "points", "parameter points simulated as one ensemble batch; bounds memory, never changes results", integer=True
    )
    parameters: Any = field(
        default=None,
        metadata={
            "spec": Spec(
                "paths", None, None, "parameters to calibrate, e.g. [decisions.memory,exogenous.stance] (default: the targets file's list)", value=SETTING
            )
        },
    )
    out: Any = out_setting()  # as sim-run's: a run's folder, or with -m the sweep's
    resume: Any = flag(
        False,
        "reuse results already in the run or sweep folder: skip each point whose calibration is complete and made with the same configuration",
        value=SETTING,
    )


def calibrate_settings(raw: Mapping[str, Any]) -> CalibrateSettings:
    """Checked ``sim-calibrate`` settings from a config; raises :class:`~sim.config.checks.ConfigError` listing every problem."""
    settings = checked_settings(CalibrateSettings, raw)
    settings.parameters = None if settings.parameters is None else list(settings.parameters)
    settings.cutoff = float(settings.cutoff)
    return settings

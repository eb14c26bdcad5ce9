"""One self-contained HTML report of a results folder: a run (``sim-run``), a comparison (``sim-compare``) or a sweep.

:func:`write` reads the folder, draws the figures of :mod:`sim.analysis.plots` it has the data
for, saves each as PNG and SVG under ``figures/``, and writes ``report.html``: the
plain-language summary, the figures embedded as ``data:`` URIs, tables, any other figure or
small table the folder holds (sensitivity results, for instance), the statistical detail
behind a fold, provenance from ``summary.json`` and the limitations paragraph
(``docs/limitations.md``, shipped in the package as ``sim.docs``). The page loads nothing
from a network and runs no script.

What it reads, by kind (:func:`kind`):

- run: ``summary.json`` (required), ``replications.parquet`` (timing of collapse),
  ``trajectories.parquet`` (fan charts);
- comparison: ``comparison.parquet`` and ``summary.json`` (each policy's summary under
  ``policies``, when it has them: survival and causes per policy);
- a sweep of comparisons (``sim-compare -m``): ``comparisons.parquet`` (one row per point and
  policy: ``point``, the point's swept values, then the comparison's columns) and ``sweep.parquet``
  (which points failed, and why);
- sweep: ``sweep.parquet`` with one row per point: ``point``, the swept values, then
  ``status`` (the layout ``sim-collect`` writes), the collapse probability as
  ``outcomes.collapsed.value`` / ``.low`` / ``.high``, and ``job_dir`` (each point's folder,
  whose ``summary.json`` gives survival and causes per point); ``sweep.json`` if present;
- a sweep of searches (``sim-search -m``): ``sweep.parquet`` with ``answer.risk``, ``answer.cost``
  and ``reference.risk`` (each with ``_low`` / ``_high``), each point's ``search.json`` naming its answer;
- a sweep of calibrations (``sim-calibrate -m``): ``sweep.parquet`` with ``posterior.<parameter>.mean``
  / ``.low`` / ``.high``, ``effective_sample_size`` and ``predictive.*``, each point's ``posterior.json``.

Intervals with parameter uncertainty (a ``total`` entry beside ``value``/``low``/``high``,
or ``<measure>_total_low``/``_high`` and ``<measure>_difference_total_low``/``_high`` columns of
a comparison) are shown beside the
Monte Carlo ones when present; where the draws showed no spread from the parameters
(``parameter_share`` 0) the total interval of a share reads ``not detected``, as ``sim-run`` and
``sim-compare`` print it, rather than repeating the Monte Carlo one (a comparison's effects keep
their total interval, as ``sim-compare`` prints them, its uncertainty section following the money).
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sim.analysis import plots
from sim.analysis.comparison import (
    COMPARISON_WORDS,
    MEASURES,
    cost_beyond_cells,
    money_period,
    per_point_cells,
    per_point_words,
    policy_phrase,
    policy_with,
    policy_words,
    render_tests,
    render_uncertainty,
    signed,
    signed_interval,
)
from sim.analysis.stats import undetected
from sim.analysis.summary import METHODS, MONEY, amount, cause_tables, left_out, listed, meanings, mode_words, parameter_part, plain_lines, what_was_run
from sim.analysis.summary import render_uncertainty as render_run_uncertainty
from sim.config.uncertainty import small_posterior_words
from sim.frontends.words import scenario_words
from sim.results.files import (
    CALIBRATION_REPORT,
    CANDIDATES,
    CAUSES_FIGURE,
    COMPARISON,
    COMPARISON_FIGURE,
    DRAWS,
    EVENTS,
    FAILURES,
    FIGURES,
    MORRIS_FIGURE,
    POINT,
    POSTERIOR,
    POSTERIOR_SAMPLE,
    REPLICATIONS,
    REPORT,
    SEARCH,
    SENSITIVITY,
    SENSITIVITY_TABLES,
    SOBOL_FIGURE,
    SUMMARY,
    SURVIVAL_FIGURE,
    TABLE,
    TABLE_CSV,
    TRAJECTORIES,
    atomic_path,
    save_figure,
)
from sim.results.sweep import CALIBRATION_MARK, COMPARISONS, COMPARISONS_CSV, command_line, expected_points, posterior_notes, sweep_info, swept_keys

#: Result files of each kind, the first one telling the kind.
KINDS = {
    "comparisons": (COMPARISONS, TABLE),
    "sweep": (TABLE,),
    "comparison": (COMPARISON, SUMMARY),
    "run": (SUMMARY,),
}
#: Tables a folder may hold that the report reads itself (other small tables are shown as they are).
KNOWN_TABLES = frozenset({REPLICATIONS, EVENTS, TRAJECTORIES, DRAWS, COMPARISON, COMPARISONS, COMPARISONS_CSV, TABLE, TABLE_CSV, FAILURES})
#: Figures the commands draw that the report draws again itself (not embedded twice).
REDRAWN = frozenset(Path(name).stem for name in (SURVIVAL_FIGURE, CAUSES_FIGURE, COMPARISON_FIGURE))
#: Largest "other" table shown in full.
MAX_ROWS = 200
#: Points of a sweep drawn on one survival or causes figure.
MAX_POINTS = 8
#: Longest point as ``column=value, ...`` that a sweep's survival and causes figures name in words (longer: ``point N``).
MAX_LABEL = 60
#: Swept columns drawn on a sweep's scatter of points (one panel each).
MAX_SCATTER = 9
#: Columns between which ``sim-collect`` puts the swept values.
SWEPT_AFTER, SWEPT_BEFORE = "point", "status"
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1a1a1a;
line-height:1.45;font-size:16px}
h1{font-size:1.7rem;margin-bottom:.3rem}h2{font-size:1.3rem;margin-top:2.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
h3{font-size:1.1rem}.lead{font-size:1.05rem}.what{color:#333;background:#f3f6fa;padding:.6rem .8rem;border-left:4px solid #0072B2}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.95rem}th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left;
vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
figure{margin:1.2rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}figcaption{font-size:.95rem;color:#333}
dl.words dt{font-weight:600;float:left;clear:left;width:9rem}dl.words dd{margin-left:10rem;margin-bottom:.2rem}
details{margin:1rem 0}summary{cursor:pointer;font-weight:600}pre{white-space:pre-wrap;font-size:.85rem;background:#f7f7f7;padding:.6rem}
.note{font-size:.95rem;color:#444}
"""


class ReportError(ValueError):
    """The folder is not a results folder the report can read."""


@dataclass
class Report:
    """A report being built: its title, its HTML sections in order and its figures by file stem."""

    title: str
    sections: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def figure(self, stem: str, fig: Any, caption: str) -> None:
        """Add a figure: kept for saving as ``figures/<stem>.png`` and ``.svg``, and embedded as PNG."""
        self.figures[stem] = fig
        self.sections.append(_figure_html(_png(fig), caption, stem))


def kind(folder: Path) -> str:
    """``run``, ``comparison``, ``sweep`` or ``comparisons`` (a sweep of comparisons): what the folder holds (:class:`ReportError` if none)."""
    for name, files in KINDS.items():
        if all((folder / f).is_file() for f in files):
            return name
    readable = f"{SUMMARY} (a sim-run folder), {COMPARISON} and {SUMMARY} (sim-compare) or {TABLE} (a sweep)"
    other = next((what for mark, what in _OTHER_COMMANDS.items() if (folder / mark).is_file()), None)
    if other:
        raise ReportError(f"{folder} holds {other}; sim-report reads a folder with {readable}")
    raise ReportError(f"{folder} is not a results folder: it needs {readable}")


#: What other commands leave in their folders, and where their own report is.
_OTHER_COMMANDS = {
    CALIBRATION_REPORT: f"a calibration (sim-calibrate), whose report is its {CALIBRATION_REPORT}",
    SEARCH: f"a search (sim-search), whose answer is its {SEARCH} and {CANDIDATES}",
    SENSITIVITY: "a sensitivity analysis (sim-analyse sensitivity), whose tables are its"
    f" {', '.join(f'{name}.csv' for name in SENSITIVITY_TABLES[:-1])} and {SENSITIVITY_TABLES[-1]}.csv and its figures {MORRIS_FIGURE} and {SOBOL_FIGURE}",
}


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure_html(uri: str, caption: str, alt: str) -> str:
    return f'<figure><img src="{uri}" alt="{html.escape(alt)}"><figcaption>{html.escape(caption)}</figcaption></figure>'


def _e(value: Any) -> str:
    return html.escape(str(value))


def _pct(x: Any, digits: int = 1) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}%}"


def total_interval(d: Any) -> tuple[float, float] | None:
    """The total interval (Monte Carlo and parameter uncertainty) of a figure, when its summary has one."""
    total = d.get("total") if isinstance(d, dict) else None
    if isinstance(total, dict) and "low" in total and "high" in total:
        return float(total["low"]), float(total["high"])
    return None


def total_cell(low: float, high: float, share: Any, text: Callable[[float, float], str]) -> str:
    """A total interval as ``text(low, high)``, or ``not detected`` where the draws showed no spread from the parameters (``share`` 0).

    The total interval is then the Monte Carlo one, which says nothing about the doubt the draws
    could not measure (:func:`sim.analysis.summary.parameter_part`).
    """
    return parameter_part(share) if undetected(share) else text(low, high)


def _table(headings: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{_e(v)}</td>" for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _share_rows(items: dict[str, Any] | list[dict[str, Any]], label: str = "title") -> tuple[list[str], list[list[Any]]]:
    """Rows of a table of shares (outcomes, causes, triggers), with the total interval column when any row has one."""
    pairs = list(items.items()) if isinstance(items, dict) else [(item[label], item) for item in items]
    with_total = any(total_interval(d) for _, d in pairs if d)
    headings = ["", "share", "95% interval (simulation noise)", *(["total interval (with parameter uncertainty)"] if with_total else []), "count"]
    rows = []
    for name, d in pairs:
        if d is None:
            rows.append([name, "beyond the horizon", "", *([""] if with_total else []), ""])
            continue
        total = total_interval(d)
        extra = [total_cell(*total, d.get("parameter_share"), lambda lo, hi: f"{_pct(lo)} to {_pct(hi)}") if total else ""] if with_total else []
        rows.append([name, _pct(d["value"]), f"{_pct(d['low'])} to {_pct(d['high'])}", *extra, d.get("count", "")])
    return headings, rows


def _words(items: dict[str, str]) -> str:
    """The words a page defines, each with its meaning (a run's and a comparison's: :func:`sim.analysis.summary.meanings`)."""
    return '<dl class="words">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items.items()) + "</dl>"


def markdown(text: str) -> str:
    """The small subset of Markdown ``docs/limitations.md`` uses, as HTML: headings, paragraphs, bullet lists, ``code``, **bold** and *italic*."""

    def inline(s: str) -> str:
        s = html.escape(s)
        s = re.sub(r"`([^`]+)`", r"<code>\1</code>", s)
        s = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", s)
        return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", s)

    out: list[str] = []
    block: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if block:
            out.append(f"<p>{inline(' '.join(block))}</p>")
            block.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("#"):
            flush()
            level = min(len(stripped) - len(stripped.lstrip("#")) + 1, 4)
            out.append(f"<h{level}>{inline(stripped.lstrip('#').strip())}</h{level}>")
        elif stripped.startswith("- "):
            if block:
                flush()
            items.append(stripped[2:])
        elif items:
            items[-1] += " " + stripped
        else:
            block.append(stripped)
    flush()
    return "\n".join(out)


def limitations() -> str:
    """The text of ``docs/limitations.md`` (shipped in the package as ``sim.docs``)."""
    return resources.files("sim.docs").joinpath("limitations.md").read_text(encoding="utf-8")


def _small_posterior(uncertainty: dict[str, Any], draws: int | None) -> str:
    """The note of a run or comparison that drew from a posterior sample worth few points, as it printed it ('' otherwise).

    Parameters
    ----------
    uncertainty
        The ``uncertainty`` of its ``summary.json`` (a summary written before the sample's size was recorded has none).
    draws
        The parameter draws it ran.
    """
    if uncertainty.get("mode") != "posterior" or uncertainty.get("posterior_effective_size") is None:
        return ""
    words = small_posterior_words(str(uncertainty["posterior"]), float(uncertainty["posterior_effective_size"]), int(uncertainty["posterior_rows"]), draws)
    return "" if words is None else _note(words)


def _note(line: str) -> str:
    """A note a command printed (``note: ...``, or its words alone), as a note of the page."""
    return f"<p class=note>Note: {_e(line.removeprefix('note: '))}.</p>"


def _provenance(summary: dict[str, Any], of: str = "") -> str:
    """The provenance table: versions, command, seed, the posterior sample drawn from (its file, digest and effective sample size), packages, machine."""
    prov = summary.get("provenance", {})
    run = summary.get("run", {})
    u = summary.get("uncertainty") or {}
    about = [f"SHA-256 {u['posterior_sha256']}"] if u.get("posterior_sha256") else []
    if u.get("posterior_effective_size") is not None:  # a summary written before it was recorded has the digest only
        about.append(f"effective sample size {u['posterior_effective_size']:.0f} of {u['posterior_rows']} rows")
    sample = (u["posterior"] + (f" ({'; '.join(about)})" if about else "")) if u.get("posterior") else ""
    rows = [
        ["model version", prov.get("model_version", run.get("model_version", "unknown"))],
        ["code version", prov.get("code_version", run.get("code_version", "unknown"))],
        ["created", prov.get("created", "")],
        ["command", " ".join(prov.get("command", []))],
        ["seed", run.get("seed", "")],
        ["posterior sample", sample],
        ["engine", run.get("engine", "")],
        ["wall time (s)", f"{run['wall_time_s']:.1f}" if "wall_time_s" in run else ""],
        ["packages", ", ".join(f"{k} {v}" for k, v in prov.get("packages", {}).items())],
        ["machine", ", ".join(str(v) for v in prov.get("machine", {}).values())],
    ]
    config = json.dumps(prov.get("config", {}), indent=1)
    return (
        "<h2>Provenance</h2>"
        + (f"<p>{_e(of)}</p>" if of else "")
        + _table(["", ""], [r for r in rows if r[1] != ""])
        + (f"<details><summary>The resolved configuration</summary><pre>{_e(config)}</pre></details>" if prov.get("config") else "")
    )


def _money(summary: dict[str, Any]) -> str:
    """The money table: each figure's mean, its Monte Carlo interval and, with parameter draws, its total interval (as the outcomes')."""
    labels = {**MONEY, "realised_over_business_case": "realised / business case (ratio)"}
    figures = {label: d for name, label in labels.items() if (d := summary.get("savings", {}).get(name))}
    with_total = any(total_interval(d) for d in figures.values())
    rows = []
    for label, d in figures.items():
        interval = "" if d["low"] is None else f"{amount(d['low'])} to {amount(d['high'])}"
        total = total_interval(d)
        extra = [total_cell(*total, d.get("parameter_share"), lambda lo, hi: f"{amount(lo)} to {amount(hi)}") if total else ""] if with_total else []
        rows.append([label, amount(d["value"]), interval, *extra])
    horizon = summary.get("horizon_months", "")
    headings = ["", "mean", "95% interval (simulation noise)", *(["total interval (with parameter uncertainty)"] if with_total else [])]
    return f"<h3>Money per partnership over {horizon} months (GBP m, mean)</h3>" + _table(headings, rows, {1})


def _causes_tables(summary: dict[str, Any], top: int = 8) -> str:
    parts = []
    for key, heading in cause_tables(summary):
        items = summary.get(key) or []
        if items:
            headings, rows = _share_rows(items[:top])
            if (rest := left_out(key, items, top)) is not None:  # the counts add up to the heading's, as sim-run's table
                rows.append([rest["title"], _pct(rest["value"]), *[""] * (len(headings) - 3), rest["count"]])
            parts.append(f"<h3>{_e(heading)}</h3>" + _table(headings, rows, {1, 2, len(headings) - 1}))
    return "".join(parts)


def _attribution(report: dict[str, Any]) -> str:
    rows = [
        [r["title"], _pct(r.get("share_of_failures")), f"{_pct(r.get('low'))} to {_pct(r.get('high'))}", _pct(r.get("share_of_collapses"))]
        for r in report["necessary"]
        if r["failures"]
    ]
    text = (
        f"Each of the {report['failures']:,} failures was run again with one cause switched off; a cause was necessary for a failure"
        " if the partnership then did not fail. Shares do not add up to 100%: a failure can need several causes."
    )
    return (
        "<h3>Necessary causes (counterfactual)</h3>"
        + f"<p class=note>{_e(text)}</p>"
        + _table(["switched off", "share of failures it was necessary for", "95% interval", "share of collapses"], rows, {1, 3})
    )


def _outcomes(summary: dict[str, Any]) -> str:
    headings, rows = _share_rows(summary["outcomes"])
    left = summary.get("council_left")
    if left and left.get("launched"):
        interval = f"{_pct(left['low'])} to {_pct(left['high'])}"
        rows.append(["a council left (of launched)", _pct(left["value"]), interval, *[""] * (len(headings) - 4), left["count"]])
    within_h, within_rows = _share_rows(summary["collapse_within"])
    return (
        f"<h2>Outcomes</h2><h3>Outcome of all {summary['replications']:,} partnerships</h3>"
        + _table(headings, rows, {1, len(headings) - 1})
        + "<h3>Collapse within (all partnerships; counts collapses only)</h3>"
        + _table(within_h[:-1], [r[:-1] for r in within_rows], {1})
    )


def _in_point(folder: Path, listing: Sequence[Path]) -> Callable[[Path], bool]:
    """Whether a path under ``folder`` (given relative to it) lies in a sweep's point: a subfolder holding a ``point.json``.

    A point's own figures and tables (its survival and causes, a search's candidates, a calibration's
    figures) are its results, which the sweep's page reads or draws itself, whether the point ran or failed.
    The points are read off ``listing``, the folder's walk already made (a large sweep has thousands of files), not asked of the disk.
    """
    points = {path.parent.relative_to(folder) for path in listing if path.name == POINT}

    def inside(relative: Path) -> bool:
        return any(parent in points for parent in list(relative.parents)[:-1])

    return inside


def _other_files(folder: Path, report: Report) -> None:
    """Embed the folder's other figures (sensitivity, discovery...) and show its other small tables, leaving out a sweep's points' own (:func:`_in_point`)."""
    import pandas as pd

    skipped = {FIGURES, ".hydra"}
    listing = sorted(folder.rglob("*"))
    in_point = _in_point(folder, listing)
    seen: set[str] = set()
    figures = []
    for path in listing:
        relative = path.relative_to(folder)
        if relative.parts[0] in skipped or path.suffix.lower() not in (".png", ".svg") or in_point(relative):
            continue
        if len(relative.parts) == 1 and path.stem in REDRAWN:
            continue
        key = str(relative.with_suffix(""))
        if key in seen:
            continue
        seen.add(key)
        chosen = path.with_suffix(".png") if path.with_suffix(".png").is_file() else path
        mime = "image/png" if chosen.suffix.lower() == ".png" else "image/svg+xml"
        figures.append(_figure_html(f"data:{mime};base64," + base64.b64encode(chosen.read_bytes()).decode("ascii"), str(relative.with_suffix("")), key))
    tables = []
    for path in sorted([*folder.glob("*.parquet"), *folder.glob("*.csv"), *folder.glob("*/*.parquet"), *folder.glob("*/*.csv")]):
        relative = path.relative_to(folder)
        if path.name in KNOWN_TABLES or relative.parts[0] == ".hydra" or in_point(relative):
            continue
        try:
            frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        except (OSError, ValueError) as err:
            tables.append(f"<p class=note>{_e(relative)}: could not be read ({_e(err)})</p>")
            continue
        if len(frame) > MAX_ROWS:
            tables.append(f"<p class=note>{_e(relative)}: {len(frame):,} rows (too many to show here)</p>")
            continue
        shown = frame.round(4).astype(str).values.tolist()
        tables.append(f"<h3>{_e(relative)}</h3>" + _table([str(c) for c in frame.columns], shown))
    if figures or tables:
        report.sections.append("<h2>Other results in this folder</h2><p class=note>Figures and tables written by other tools (sensitivity, discovery...).</p>")
        report.sections += figures + tables


def _scenario_heading(run: dict[str, Any]) -> str:
    """The scenario a page's heading names, as its figures name it (``Case 06: A district and a county council``), ``Scenario ?`` where unrecorded."""
    return scenario_words(str(run["scenario"])) if "scenario" in run else "Scenario ?"


def _run_report(folder: Path) -> Report:
    import pandas as pd

    summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
    run = summary.get("run", {})
    report = Report(f"{_scenario_heading(run)}, {policy_with(str(run['policy'])) if 'policy' in run else 'policy ?'}")
    report.sections.append(f"<p class=what>{_e(what_was_run(run))}</p>" if {"scenario", "policy", "replications", "seed"} <= set(run) else "")
    report.sections.append("".join(f"<p class=lead>{_e(line)}</p>" for line in plain_lines(summary)))
    report.sections.append("<h2>What the words mean</h2>" + _words(meanings(summary.get("definitions"), "total" in summary["outcomes"]["collapsed"])))
    report.sections.append(_outcomes(summary))
    report.sections.append("<h2>Figures</h2>")
    total = " and, paler, its total band (the assumptions' doubt added)" if "total_low" in summary.get("survival_curve", {}) else ""
    # Each figure says what was run, as sim-run's own do: figures/*.png are taken out of the page (onto a slide, into a paper).
    title = (
        plots.run_title(run["scenario"], run["policy"], run["replications"], run["seed"]) if {"scenario", "policy", "replications", "seed"} <= set(run) else ""
    )
    survival = plots.survival_figure(summary, title)
    report.figure("survival", survival, f"Partnerships not collapsed over time (0-100% scale), with its 95% Monte Carlo band{total}.")
    if (folder / REPLICATIONS).is_file():
        table = pd.read_parquet(folder / REPLICATIONS, columns=["outcome", "end_month", "launch_month"])
        timing = plots.timing_figure(table, summary["horizon_months"], title)
        report.figure("timing", timing, "When launched partnerships collapse, and the yearly collapse rate.")
    report.figure("causes", plots.causes_figure(summary, title), "Causes and triggers, of the collapses and of all failures.")
    if (folder / TRAJECTORIES).is_file():
        fan = plots.fan_figure(pd.read_parquet(folder / TRAJECTORIES), title=title)
        report.figure("fan", fan, "Trust, value seen and savings month by month.")
    report.sections.append("<h2>Causes and triggers</h2>" + _causes_tables(summary))
    if summary.get("attribution"):
        report.sections.append(_attribution(summary["attribution"]))
    report.sections.append("<h2>Money</h2>" + _money(summary))
    drawn = summary.get("uncertainty") or {}
    report.sections.append(f"<h2>Uncertainty</h2>{_small_posterior(drawn, drawn.get('draws'))}<pre>{_e(render_run_uncertainty(summary))}</pre>")
    _other_files(folder, report)
    report.sections.append(
        "<h2>Statistical detail</h2><details><summary>How the intervals are computed</summary><ul>"
        + "".join(f"<li>{_e(m)}</li>" for m in METHODS)
        + "</ul></details>"
    )
    report.sections.append(_provenance(summary))
    return report


def _comparison_rows(comparison: Any) -> tuple[list[str], list[list[Any]]]:
    """The chances and paired differences table as ``sim-compare`` prints them: a chance's total may read ``not detected``, an effect's is an interval."""
    total = "; total" if "collapse_total_low" in comparison else ""
    headings = [
        "policy",
        *[f"chance {m} (95% interval{total})" for m in MEASURES],
        *[f"{m}: difference (points, 95% interval{total})" for m in MEASURES],
        "lever cost (GBP m)",
    ]
    rows = []
    for i, r in enumerate(comparison.to_dict(orient="records")):
        shares = [f"{_pct(r[m])} [{_pct(r[m + '_low'])}, {_pct(r[m + '_high'])}]" for m in MEASURES]
        for k, m in enumerate(MEASURES):
            low, high = r.get(f"{m}_total_low"), r.get(f"{m}_total_high")
            if low is not None and high is not None:
                shares[k] += "; total " + total_cell(low, high, r.get(f"{m}_parameter_share"), lambda lo, hi: f"[{_pct(lo)}, {_pct(hi)}]")
        if i == 0:
            diffs = ["(reference)"] * len(MEASURES)
        else:
            diffs = []
            for m in MEASURES:
                cell = signed_interval(*(100 * r[f"{m}_difference{end}"] for end in ("", "_low", "_high")))
                low, high = r.get(f"{m}_difference_total_low"), r.get(f"{m}_difference_total_high")
                if low is not None and high is not None:
                    cell += f"; total [{signed(100 * low)}, {signed(100 * high)}]"
                diffs.append(cell)
        rows.append([policy_words(r["policy"]), *shares, *diffs, amount(r["lever_cost"])])
    return headings, rows


def _comparison_money(comparison: Any) -> tuple[list[str], list[list[str]]]:
    """The headings and rows of a comparison's money table, its amounts as ``sim-compare`` prints them (never a value that is not zero as zero).

    As ``sim-compare``'s table: after the lever cost, against a lever, what each costs beyond it
    (:func:`~sim.analysis.comparison.cost_beyond_cells`), and, where the comparison has the differences in collapse, each
    lever's cost per point of collapse avoided (:func:`~sim.analysis.comparison.per_point_cells`).
    """
    reference = policy_phrase(str(comparison["policy"].iloc[0]))
    columns: list[tuple[str, list[str]]] = []
    if comparison["lever_cost"].iloc[0]:
        columns.append((f"cost beyond {reference} (GBP m, paired 95% interval)", cost_beyond_cells(comparison)))
    if "collapse_difference_high" in comparison:
        columns.append(("per point of collapse avoided (GBP m, 95% interval)", per_point_cells(comparison)))
    rows = [
        [policy_words(r["policy"]), amount(r["lever_cost"]), *(cells[i] for _, cells in columns)]
        + [f"{amount(r['net_savings'])} [{amount(r['net_savings_low'])}, {amount(r['net_savings_high'])}]"]
        + ([""] if i == 0 else [signed_interval(*(r[f"net_savings_difference{end}"] for end in ("", "_low", "_high")), digits=2)])
        for i, r in enumerate(comparison.to_dict(orient="records"))
    ]
    paired = f"net savings compared with {reference} (paired 95% interval)"
    return ["policy", "lever cost (GBP m)", *(heading for heading, _ in columns), "net savings (GBP m, 95% interval)", paired], rows


def _ranking(ranking: dict[str, Any] | None) -> dict[str, Any] | None:
    """A ranking read back from ``summary.json``, its shares null there (nan in :meth:`sim.analysis.comparison.PairedTally.ranking`) nan again."""
    if ranking is None:
        return None
    shares = ("same_ranking", "raw_same_ranking", "halves_same_ranking")
    return {key: math.nan if key in shares and value is None else value for key, value in ranking.items()}


def forest_caption(reference: str, reference_cost: float, *, total: bool) -> str:
    """The caption of a comparison's forest plot (:func:`~sim.analysis.plots.forest_figure`) with ``reference`` as the reference policy.

    ``reference_cost``: its lever cost (GBP m per partnership). ``total``: the comparison has total intervals (parameter
    draws), drawn paler. Against a reference that costs something (a lever), as the plot decides it, a lever's cost is
    priced beyond the reference's (:func:`~sim.analysis.comparison.extra_costs`), and one that lowers collapse at measurably no
    more cost (:attr:`~sim.analysis.comparison.LeverValue.dominates`) dominates it: the caption says both, as the plot does.
    """
    lever = reference_cost != 0
    beyond = f" beyond {policy_phrase(reference)}'s" if lever else ""
    dominates = f"; that it dominates {policy_phrase(reference)} where it lowers collapse at measurably no more cost" if lever else ""
    return (
        "Each policy's paired difference from the reference with its 95% Monte Carlo interval"
        + (" and, paler, its total interval (the doubt about the assumptions added)" if total else "")
        + f", and its cost{beyond} (per point of collapse avoided where it lowers collapse, or that it pays for itself where,"
        f" net of its cost, it also raises savings{dominates})."
    )


def _comparison_report(folder: Path) -> Report:
    import pandas as pd

    summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
    comparison = pd.read_parquet(folder / COMPARISON)
    run = summary.get("run", {})
    policies = [str(p) for p in comparison["policy"]]
    others = len(policies) - 1
    compared = f"{others} {'policy' if others == 1 else 'policies'} compared with {policy_phrase(policies[0])}"
    report = Report(f"{compared} ({_scenario_heading(run)})")
    if {"scenario", "policies", "replications", "seed"} <= set(run):
        report.sections.append(f"<p class=what>{_e(what_was_run(run))}</p>")
    sentences = summary.get("sentences") or {}
    if sentences:
        report.sections.append("<h2>What each policy changed</h2>" + "".join(f"<p class=lead>{_e(s)}</p>" for s in sentences.values()))
    if levers := summary.get("levers") or []:  # lever_lines' words, as sim-compare printed them after the sentences
        heading, *lines = levers
        report.sections.append(f"<h2>What each lever is</h2><p>{_e(heading)}</p><ul>" + "".join(f"<li>{_e(line.strip())}</li>" for line in lines) + "</ul>")
    report.sections.append("<h2>What the words mean</h2>" + _words(meanings(COMPARISON_WORDS, "collapse_total_low" in comparison)))
    headings, rows = _comparison_rows(comparison)
    report.sections.append(
        "<h2>Chances and paired differences</h2><p class=note>Every policy ran on the same simulated partnerships (same seed), so differences"
        " are paired: each partnership is compared with itself under the reference policy.</p>" + _table(headings, rows)
    )
    report.sections.append("<h2>Figures</h2>")
    scenario = scenario_words(str(run["scenario"])) if "scenario" in run else ""
    report.figure(
        "forest",
        plots.forest_figure(comparison, title=plots.comparison_title(str(run["scenario"]), policies[0]) if scenario else ""),
        forest_caption(policies[0], float(comparison["lever_cost"].iloc[0]), total="collapse_difference_total_low" in comparison),
    )
    per_policy = summary.get("policies") or {}
    if per_policy:
        titled = {policy_words(name): s for name, s in per_policy.items()}
        report.figure("survival", plots.survival_figure(titled, scenario), "Partnerships not collapsed over time under each policy (0-100% scale).")
        report.figure("causes", plots.causes_figure(titled, scenario, counts="collapse"), "Causes and triggers of the collapses under each policy.")
        failures = plots.causes_figure(titled, scenario, counts="failure")
        report.figure("causes_failures", failures, "Causes and triggers of all failures under each policy.")
    money = _comparison_money(comparison)
    per_point = money[0].index("per point of collapse avoided (GBP m, 95% interval)") if "collapse_difference_high" in comparison else None
    said = None if per_point is None else per_point_words([r[per_point] for r in money[1]], policies[0], bool(comparison["lever_cost"].iloc[0]))
    note = "" if said is None else f"<p class=note>{_e(said)}</p>"
    period = f"GBP m per partnership over {money_period(run.get('horizon_months'))}"
    paid = f"<p class=note>{_e(period)}: the lever cost is what a lever costs in all, its running cost paid while the partnership lasts.</p>"
    report.sections.append("<h2>Money</h2>" + paid + _table(*money) + note)
    uncertainty = summary.get("uncertainty") or {}
    rankings = {measure: _ranking(r) for measure, r in (uncertainty.get("ranking") or {}).items()}
    draws = int(comparison["draws"].iloc[0]) if "draws" in comparison else None
    text = render_uncertainty(comparison, rankings, str(uncertainty.get("mode", "none")))
    report.sections.append(f"<h2>Uncertainty</h2>{_small_posterior(uncertainty, draws)}<pre>{_e(text)}</pre>")
    for name, s in per_policy.items():
        if s.get("attribution"):
            report.sections.append(f"<h3>Policy: {_e(policy_words(name))}</h3>" + _attribution(s["attribution"]))
    _other_files(folder, report)
    report.sections.append(f"<h2>Statistical detail</h2><details><summary>Tests and intervals</summary><pre>{_e(render_tests(comparison))}</pre></details>")
    report.sections.append(_provenance(summary))
    return report


def swept_columns(table: Any, named: Collection[str] = ()) -> list[str]:
    """The swept columns of a sweep table: those between ``point`` and ``status`` (``sim-collect``'s layout) that take more than one value.

    ``named``: the keys the sweep's command swept (:func:`sim.results.sweep.swept_keys`), swept columns
    too where the points that ran share one value (a sweep stopped after its first point).
    """
    columns = list(table.columns)
    if SWEPT_AFTER not in columns or SWEPT_BEFORE not in columns:
        raise ReportError(f"the sweep table needs the columns {SWEPT_AFTER!r} and {SWEPT_BEFORE!r} around the swept values (found {', '.join(columns[:12])})")
    between = columns[columns.index(SWEPT_AFTER) + 1 : columns.index(SWEPT_BEFORE)]
    varied = _varied(table, between)
    return [c for c in between if c in named or c in varied]


def _varied(table: Any, swept: list[str]) -> list[str]:
    """The columns of ``swept`` whose values differ between the points of ``table`` (compared as text).

    With the completed points, the axes of a figure of them; with every point recorded, the columns a sweep varied (:func:`swept_columns`).
    """
    return [c for c in swept if table[c].astype(str).nunique() > 1]


def _numeric(values: Any) -> Any:
    """A swept column as numbers where every value is one (swept values may be stored as labels)."""
    import pandas as pd

    converted = pd.to_numeric(values.astype(str), errors="coerce")
    return converted if converted.notna().all() else values.astype(str)


def _point_values(row: dict[str, Any], swept: list[str]) -> dict[str, Any]:
    return {c: f"{row[c]:.3g}" if isinstance(row[c], float) else row[c] for c in swept}


def _values_alone(values: dict[str, Any]) -> str:
    """A point's swept values in words without their parameters: "No lever; 0.2; 60"."""
    return "; ".join(policy_words(str(v)) if c == "policy" else scenario_words(str(v)) if c == "scenario" else str(v) for c, v in values.items())


def _named_by_values(table: Any, swept: list[str]) -> bool:
    """Whether the figures name a sweep's points by their values alone (:func:`_values_alone`), their parameters said once in the title.

    So they are when a point's parameters and values (``policy=none, councils.0.it_maturity=0.2, ...``)
    run past :data:`MAX_LABEL` but its values alone fit, as over three swept columns; a design's
    many values fit neither, and its points are numbered, as in the table of points.
    """
    rows = [_point_values(row, swept) for row in table.to_dict(orient="records")[:MAX_POINTS]]
    long = any(len(", ".join(f"{c}={v}" for c, v in values.items())) > MAX_LABEL for values in rows)
    return bool(swept) and long and all(len(_values_alone(values)) <= MAX_LABEL for values in rows)


def _point_summaries(folder: Path, table: Any, swept: list[str]) -> dict[str, Any]:
    out = {}
    if "job_dir" not in table.columns:
        return out
    alone = _named_by_values(table, swept)
    for row in table.to_dict(orient="records")[:MAX_POINTS]:
        summary = _point_file(folder, row, SUMMARY)
        if summary is None:
            continue
        values = _point_values(row, swept)
        short = ", ".join(f"{c}={v}" for c, v in values.items())
        if alone:
            label = _values_alone(values)
        else:
            # a design's many values: in the table of points
            label = plots.point_words(values) if short and len(short) <= MAX_LABEL else f"point {row['point']}"
        out[label] = summary
    return out


def _points_shown(shown: int, completed: int) -> str:
    """Which of a sweep's ``completed`` points its survival and causes figures show (``shown``, at most :data:`MAX_POINTS`)."""
    if shown == completed:
        return "at its one point" if shown == 1 else f"at each of its {shown} points"
    why = f"the figures show the first {MAX_POINTS} at most" if completed > MAX_POINTS else "the others' summary.json is missing"
    return f"at {shown} of its {completed} points ({why})"


def _modes(table: Any, points: dict[str, Any]) -> str | None:
    """The uncertainty modes the sweep's points ran with (its ``uncertainty`` column, else the points' summaries), joined by commas."""
    if "uncertainty" in table.columns:
        found = table["uncertainty"].dropna().astype(str).tolist()
    else:
        found = [s.get("run", {}).get("uncertainty") for s in points.values()]
    modes = list(dict.fromkeys(m for m in found if m))
    return ", ".join(modes) if modes else None


def _total_column(table: Any, figure: str) -> Callable[[dict[str, Any]], str] | None:
    """The cell of ``figure``'s total interval for a row of the sweep table (None if no point has one).

    A point run with parameter draws has ``<figure>.total.low``/``.high``: its interval
    counting the doubt about the assumptions too, ``not detected`` where the draws showed no
    spread; a point run without draws (``uncertainty=none``) has none and its cell stays empty.
    """
    columns = [f"{figure}.total.low", f"{figure}.total.high", f"{figure}.parameter_share"]
    if not all(c in table.columns for c in columns[:2]) or table[columns[0]].isna().all():
        return None

    def cell(row: dict[str, Any]) -> str:
        lo, hi, share = (row.get(c) for c in columns)
        if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
            return ""
        return total_cell(lo, hi, share, lambda a, b: f"{_pct(a)} to {_pct(b)}")

    return cell


def is_grid(table: Any, x: str, y: str) -> bool:
    """Whether the points fill a grid over ``x`` and ``y``: two values or more of each, at least half the cells run.

    A design's points (every one at its own values) fill one cell per row and column: a heat
    map of them would be mostly blank, so the report draws a scatter instead.
    """
    nx, ny = table[x].astype(str).nunique(), table[y].astype(str).nunique()
    cells = len(table[[x, y]].astype(str).drop_duplicates())
    return nx >= 2 and ny >= 2 and cells >= 0.5 * nx * ny


def _sweep_title(table: Any, size: str = "replications", of: str = "simulated partnerships per point") -> str:
    """The title of a heat map holding a whole sweep (two swept columns, none held), and of its survival and causes figures: its scenario and size.

    "Baseline scenario, 200 simulated partnerships per point"; the number of points where the
    table names no one scenario, and no size where the points differ in it. ``size`` is the
    column of the size, ``of`` what it counts (a search's answers are confirmed on their own replications).
    """
    scenarios = table["scenario"].dropna().astype(str).unique() if "scenario" in table.columns else []
    sizes = table[size].dropna().unique() if size in table.columns else []
    run = scenario_words(scenarios[0]) if len(scenarios) == 1 else f"{len(table)} points"
    return f"{run}, {int(sizes[0]):,} {of}" if len(sizes) == 1 else run


def _unfinished(everything: Any, unfinished: Any, done: int, total: int, values: list[str]) -> str:
    """What the report of a sweep says of its points that did not complete: how many, and a table of them with their values and reasons.

    ``total``: the sweep's points (those recorded in ``everything`` and those never started, which have no row); ``values``: its swept columns.
    """
    status = unfinished["status"].astype(str)
    failed, running, unstarted = int((status == "failed").sum()), int((status != "failed").sum()), total - len(everything)
    parts = [
        f"{failed} failed" if failed else "",
        f"{running} did not finish (stopped, or still running)" if running else "",
        f"{unstarted} {'was' if unstarted == 1 else 'were'} never started" if unstarted > 0 else "",
    ]
    said = [p for p in parts if p]
    frame = unfinished[["point", *values, "status", *(["error"] if "error" in unfinished.columns else [])]].astype(object)
    shown = f"the figures and the table of points show the {done} that completed" if done else "none completed, so there is no figure or table of points"
    note = f"<p class=note>Of the {total} points, {listed(said)}: {shown}.</p>"
    if unfinished.empty:
        return note
    return note + "<h2>Points that did not complete</h2>" + _table(["point", *values, "status", "reason"], frame.where(frame.notna(), "").values.tolist())


def _sweep_start(folder: Path, everything: Any, table: Any, noun: str, run: list[str]) -> Report:
    """A sweep's report as far as every kind of sweep has it: its title, what was run, its notes and its points that did not complete.

    The notes are those ``sim-run``'s end and ``sim-collect`` print (:func:`sim.results.sweep.posterior_notes`, from the
    table ``everything``): the posterior samples worth few points that its points drew from, or, of a sweep of ``sim-calibrate``, made.

    ``noun`` names its points (``points``, ``searches``, ``calibrations``); ``run`` are the parts of
    the "What was run" line after the points and what they sweep (the command is added last).
    """
    swept = swept_columns(everything, swept_keys(folder))
    over = ", ".join(swept)
    total = max(expected_points(folder)[0] or 0, len(everything))  # as Collected.total: points not started have no row
    report = Report(f"Sweep of {total} {noun} over {over or 'nothing'}")
    meta = sweep_info(folder)
    parts = [f"{total} {noun} sweeping {over}" if over else f"{total} {noun}", *run]
    command = [f"command: {line}"] if (line := command_line(meta)) else []
    report.sections.append(f"<p class=what>What was run: {_e('; '.join([*parts, *command]))}</p>")
    report.sections += [_note(line) for line in posterior_notes(everything, total)]
    if len(table) < total:
        report.sections.append(_unfinished(everything, everything.drop(index=table.index), len(table), total, swept))
    return report


def _estimate_figures(report: Report, table: Any, swept: list[str], columns: tuple[str, str, str], what: str, stem: str, title: Callable[[Any], str]) -> None:
    """Figures of a probability over a sweep's points: a heat map per grid of two swept columns (the others held), else a scatter of the points.

    ``columns`` are the probability's estimate, low and high; ``what`` says it in words
    (``probability of collapse``); figures are named ``<stem>_heatmap`` (``_<i>`` when other
    columns are held) or ``<stem>_scatter``; ``title`` gives a figure's title from its points.
    Where the points have a total interval (:func:`_total_column`), the captions say so.
    """
    total = _total_column(table, columns[0].rpartition(".")[0])
    noise = "from simulation noise"
    counted = "the total interval, counting the doubt about the assumptions too" if total else ""
    grids = []
    if len(swept) >= 2:
        x, y = sorted(swept[:2], key=lambda c: -table[c].nunique())
        others = [c for c in swept if c not in (x, y)]
        grids = list(table.groupby(others, observed=True)) if others else [((), table)]
        if not all(is_grid(part, x, y) for _, part in grids[:MAX_POINTS]):
            grids = []
    if grids:
        for i, (key, part) in enumerate(grids[:MAX_POINTS]):
            label = plots.point_words(dict(zip(others, key if isinstance(key, tuple) else (key,), strict=True)), 1000).replace("\n", " ")
            report.figure(
                f"{stem}_heatmap_{i}" if others else f"{stem}_heatmap",
                plots.sweep_heatmap_figure(part, x, y, columns, title=label or title(part), what=what),
                f"{what.capitalize()} over {x} and {y}{' (' + label + ')' if label else ''}; each cell shows ± the half-width of its 95% interval {noise}"
                + (f" and, under it, {counted}." if counted else "."),
            )
    elif swept:
        shown = swept[:MAX_SCATTER]
        no_grid = " The points do not fill a grid (a design sets every value anew), so no heat map is drawn: it would hold one point a cell."
        report.figure(
            f"{stem}_scatter",
            plots.sweep_scatter_figure(table, shown, columns, title=title(table), what=what),
            f"{what.capitalize()} at each point against {', '.join(shown)}"
            + (f" (the first {MAX_SCATTER} of {len(swept)} swept columns)" if len(swept) > MAX_SCATTER else "")
            + f", with its 95% interval {noise}"
            + (f" and, as a pale bar behind it, {counted}." if counted else ".")
            + (no_grid if len(swept) > 1 else ""),
        )


#: The column of a sweep table that tells its points are searches: a search's answer (a calibration's: :data:`~sim.results.sweep.CALIBRATION_MARK`).
SEARCH_MARK = "reference.risk"


def _sweep_report(folder: Path) -> Report:
    import pandas as pd

    everything = pd.read_parquet(folder / TABLE)
    table = everything[everything["status"].astype(str) == "ok"] if "status" in everything.columns else everything
    swept = swept_columns(everything, swept_keys(folder))  # a value swept is named at each point that completed, though one alone completed
    estimate, low, high = plots.SWEEP_ESTIMATE
    if len(table) and SEARCH_MARK in table.columns:
        return _searches_report(folder, everything, table.copy(), swept)
    if len(table) and CALIBRATION_MARK in table.columns:
        return _calibrations_report(folder, everything, table.copy(), swept)
    if len(table) and estimate not in table.columns:  # a table of points that answer another question
        raise ReportError(f"{folder} holds a sweep whose points have no {estimate}, {SEARCH_MARK} or {CALIBRATION_MARK}: its table is {TABLE} ({TABLE_CSV})")
    asked = table if len(table) else everything  # with no point completed, the size and mode each point was started with
    replications = sorted({int(r) for r in asked["replications"].dropna()}) if "replications" in asked.columns else []
    points = _point_summaries(folder, table, swept)
    modes = _modes(asked, points)
    report = _sweep_start(
        folder,
        everything,
        table,
        "points",
        [
            *([f"{', '.join(f'{r:,}' for r in replications)} simulated partnerships per point"] if replications else []),
            mode_words(modes) if modes else "uncertainty: not recorded",
        ],
    )
    if table.empty:
        _other_files(folder, report)
        return report
    for c in swept:
        table[c] = _numeric(table[c])
    collapse_total, failure_total = (_total_column(table, figure) for figure in (estimate.rpartition(".")[0], "failure"))
    report.sections.append("<h2>What the words mean</h2>" + _words(meanings(drawn=collapse_total is not None)))
    report.sections.append("<h2>Figures</h2>")
    _estimate_figures(report, table, _varied(table, swept), plots.SWEEP_ESTIMATE, "probability of collapse", "sweep", _sweep_title)
    key = ""
    if points:
        key = f"Each point: {'; '.join(plots.swept_words(c) for c in swept)}" if _named_by_values(table, swept) else ""
        title = f"{key} ({_sweep_title(table)})" if key else _sweep_title(table)
        at = _points_shown(len(points), len(table))
        report.figure("survival", plots.survival_figure(points, title=title), f"Partnerships not collapsed over time {at} (0-100% scale).")
        report.figure("causes", plots.causes_figure(points, title=title, counts="collapse"), f"Causes and triggers of the collapses {at}.")
    failure = [f"failure.{part}" for part in ("value", "low", "high")]
    rows = [
        [
            *(r[c] for c in swept),
            _pct(r[estimate]),
            f"{_pct(r[low])} to {_pct(r[high])}",
            f"±{_pct((r[high] - r[low]) / 2)}",
            *([collapse_total(r)] if collapse_total else []),
            *([_pct(r[failure[0]]), f"{_pct(r[failure[1]])} to {_pct(r[failure[2]])}"] if failure[0] in r else []),
            *([failure_total(r)] if failure_total and failure[0] in r else []),
        ]
        for r in table.to_dict(orient="records")
    ]
    noise_head, total_head = "95% interval (simulation noise)", "total interval (with parameter uncertainty)"
    head = [
        *swept,
        "P(collapse)",
        noise_head,
        "half-width",
        *([total_head] if collapse_total else []),
        *(["P(failure)", noise_head, *([total_head] if failure_total else [])] if failure[0] in table.columns else []),
    ]
    report.sections.append("<h2>Points</h2>" + _table(head, rows))
    _other_files(folder, report)
    if points:
        first = next(iter(points))
        values = [_point_values(row, swept) for row in table.to_dict(orient="records")]
        named = next((plots.point_words(v, 1000).replace("\n", " ") for v in values if _values_alone(v) == first), first) if key else first
        of = f"Of the first point ({named}); each point's folder holds its own summary.json with its configuration and provenance."
        report.sections.append(_provenance(points[first], of))
    return report


def _point_file(folder: Path, row: dict[str, Any], name: str) -> dict[str, Any] | None:
    """A point's JSON file ``name`` (its ``summary.json``, ``search.json``, ``posterior.json``) read from its ``job_dir``, or None if absent."""
    for candidate in (Path(str(row["job_dir"])), folder / str(row["job_dir"])):
        if (candidate / name).is_file():
            return json.loads((candidate / name).read_text(encoding="utf-8"))
    return None


def _range(table: Any, column: str) -> str:
    """A count's values over the points (``100``, or ``100, 200``), as a whole number each."""
    return ", ".join(f"{int(v):,}" for v in sorted(set(table[column].dropna()))) if column in table.columns else "?"


#: Words of a search sweep's page, as ``sim-search`` prints them (the risk's own meaning is each search's, from its ``search.json``).
SEARCH_WORDS = {
    "answer": "the package the search chose, judged on fresh replications: under a target the cheapest whose risk is within it,"
    " within a budget the one of lowest risk whose cost fits it",
    "no lever": "the partnerships with no lever switched on, run on the same fresh replications as the answer (the reference)",
    "cost": "the levers' mean cost per partnership over the horizon",
    "points": "percentage points: a change from 12% to 10% is -2 points",
    "interval": "the range the model's value is in, given the replications run, 95 times out of 100 (simulation noise only: a search holds the"
    " model's assumptions at their stated values)",
}


def _searches_report(folder: Path, everything: Any, table: Any, swept: list[str]) -> Report:
    """The report of a sweep of ``sim-search``: per point, its answer, the answer's risk and cost and its difference from no lever."""
    from sim.analysis.search import DIFFERENCES, RISKS, Goal

    answers = {int(row["point"]): found for row in table.to_dict(orient="records") if (found := _point_file(folder, row, SEARCH)) is not None}
    first = next(iter(answers.values()), {})
    risks = list(dict.fromkeys(str(found.get("risk", "failure")) for found in answers.values())) or ["failure"]

    def per_risk(words: dict[str, str]) -> str:
        """The words of each risk the searches asked about (``risk=`` may be swept), named by the risk where there are two."""
        return "; ".join(f"{risk}: {words[risk]}" if len(risks) > 1 else words[risk] for risk in risks)

    screened, confirmed = _range(table, "replications"), _range(table, "answer.replications")
    report = _sweep_start(
        folder,
        everything,
        table,
        "searches",
        [f"risk: {per_risk(RISKS)}", f"screened on {screened} paired replications, answers confirmed on {confirmed} fresh ones"],
    )
    for c in swept:
        table[c] = _numeric(table[c])
    words = {"risk": per_risk(RISKS), **SEARCH_WORDS, "difference": per_risk(DIFFERENCES)}
    report.sections.append("<h2>What the words mean</h2>" + _words(words))
    report.sections.append("<h2>Figures</h2>")

    def title(part: Any) -> str:
        return _sweep_title(part, "answer.replications", "fresh simulated partnerships confirming each answer")

    columns = ("answer.risk", "answer.risk_low", "answer.risk_high")
    _estimate_figures(report, table, _varied(table, swept), columns, "risk of the answer", "risk", title)
    if shown := _varied(table, swept)[:MAX_SCATTER]:
        cost = ("answer.cost", "answer.cost_low", "answer.cost_high")
        report.figure(
            "cost_scatter",
            plots.sweep_scatter_figure(table, shown, cost, title=title(table), what="lever cost of the answer", unit="GBP m per partnership"),
            f"Lever cost of the answer at each point against {', '.join(shown)}, with its 95% interval from simulation noise.",
        )
    rows = []
    for r in table.to_dict(orient="records"):
        found = answers.get(int(r["point"])) or {}
        answer = found.get("answer")
        goal = Goal.of(found.get("target"), found.get("budget")) if found else None
        package = answer["package"] if answer else goal.nothing if goal else "(search.json missing)"
        difference = (
            signed_interval(*(100 * r[f"answer.risk_minus_no_lever{end}"] for end in ("", "_low", "_high")))
            if answer and not math.isnan(r["answer.risk_minus_no_lever"])
            else ""
        )
        rows.append(
            [
                *(r[c] for c in swept),
                package,
                *([_pct(r["answer.risk"]), f"{_pct(r['answer.risk_low'])} to {_pct(r['answer.risk_high'])}"] if answer else ["", ""]),
                *([f"{r['answer.cost']:.3f}", f"{r['answer.cost_low']:.3f} to {r['answer.cost_high']:.3f}"] if answer else ["", ""]),
                _pct(r["reference.risk"]),
                difference,
            ]
        )
    head = [
        *swept,
        "answer",
        "risk",
        "95% interval",
        "lever cost (GBP m per partnership)",
        "95% interval",
        "risk with no lever",
        "answer minus no lever (points, 95% interval)",
    ]
    report.sections.append(
        "<h2>Answers, point by point</h2><p class=note>Each search's answer and no lever ran on the same fresh replications, so their difference"
        f" is paired; each point's folder holds its {SEARCH}, its {CANDIDATES} and the policy files of the packages it confirmed.</p>" + _table(head, rows)
    )
    _other_files(folder, report)
    if first:
        report.sections.append(_provenance(first, f"Of the first point; each point's folder holds its own {SEARCH} with its configuration and provenance."))
    return report


#: Words of a calibration sweep's page, as ``calibration.md`` uses them.
CALIBRATION_WORDS = {
    "posterior mean": "the calibrated parameter's mean over the weighted plausible points",
    "90% interval": "the range holding 90% of the posterior's weight",
    "plausible points": "the simulated parameter points that no emulator ruled out",
    "effective sample size": "how many equally weighted points the weighted plausible points are worth (Kish's): a small one makes a rough posterior",
    "predictive check": "whether each target's observed value lies inside its posterior predictive 90% interval, the range a record like"
    " the observed one would show under the posterior",
}


def _calibrations_report(folder: Path, everything: Any, table: Any, swept: list[str]) -> Report:
    """The report of a sweep of ``sim-calibrate``: per point, each parameter's posterior mean and 90% interval, effective sample size and predictive check."""
    parameters = [c.removeprefix("posterior.").removesuffix(".mean") for c in table.columns if c.startswith("posterior.") and c.endswith(".mean")]
    statistics = [
        c.removeprefix("predictive.").removesuffix(".inside")
        for c in table.columns
        if c.startswith("predictive.") and c.endswith(".inside") and c != "predictive.inside"
    ]
    posteriors = {int(row["point"]): found for row in table.to_dict(orient="records") if (found := _point_file(folder, row, POSTERIOR)) is not None}
    first = next(iter(posteriors.values()), {})
    targets = ", ".join(dict.fromkeys(str(p.get("targets")) for p in posteriors.values())) or "?"
    report = _sweep_start(
        folder,
        everything,
        table,
        "calibrations",
        [
            f"each fitting {', '.join(parameters)} to targets {targets}",
            f"{_range(table, 'points_simulated')} parameter points of {_range(table, 'replications_per_point')} replications each",
        ],
    )
    for c in swept:
        table[c] = _numeric(table[c])
    report.sections.append("<h2>What the words mean</h2>" + _words(CALIBRATION_WORDS))
    report.sections.append("<h2>Figures</h2>")
    if shown := _varied(table, swept)[:MAX_SCATTER]:
        for parameter in parameters[:MAX_POINTS]:
            columns = tuple(f"posterior.{parameter}.{end}" for end in ("mean", "low", "high"))
            report.figure(
                f"posterior_{parameter}",
                plots.sweep_scatter_figure(
                    table,
                    shown,
                    columns,
                    title=f"Posterior of {parameter} at each point",
                    what=plots.swept_words(parameter),
                    unit="",
                    interval="its posterior mean and 90% interval",
                ),
                f"Posterior mean and 90% interval of {parameter} at each point against {', '.join(shown)}.",
            )
    posterior_rows = [
        [*(r[c] for c in swept), f"{parameter}: {plots.swept_words(parameter)}", f"{r[f'posterior.{parameter}.mean']:.3g}",
         f"{r[f'posterior.{parameter}.low']:.3g} to {r[f'posterior.{parameter}.high']:.3g}"]
        for r in table.to_dict(orient="records")
        for parameter in parameters
    ]  # fmt: skip
    report.sections.append("<h2>Posterior, point by point</h2>" + _table([*swept, "parameter", "posterior mean", "90% interval"], posterior_rows))
    rows = [
        [
            *(r[c] for c in swept),
            f"{int(r['points_simulated']):,} x {int(r['replications_per_point']):,}",
            f"{int(r['plausible_points']):,}",
            f"{r['effective_sample_size']:.0f}",
            f"{int(r['predictive.inside'])} of {int(r['predictive.statistics'])}",
        ]
        for r in table.to_dict(orient="records")
    ]
    head = [*swept, "parameter points x replications", "plausible points", "effective sample size", "observed values inside their 90% predictive interval"]
    report.sections.append("<h2>Each calibration</h2>" + _table(head, rows))
    check = [
        [
            *(r[c] for c in swept),
            statistic,
            _pct(r[f"predictive.{statistic}.observed"]),
            f"{_pct(r[f'predictive.{statistic}.low'])} to {_pct(r[f'predictive.{statistic}.high'])}",
            "yes" if r[f"predictive.{statistic}.inside"] else "no",
        ]
        for r in table.to_dict(orient="records")
        for statistic in statistics
    ]
    report.sections.append(
        "<h2>Posterior predictive check, statistic by statistic</h2>"
        + _table([*swept, "statistic", "observed", "posterior predictive 90% interval", "inside"], check)
    )
    _other_files(folder, report)
    if first:
        summary = {"provenance": {k: first.get(k) for k in ("model_version", "code_version")}, "run": {**first.get("run", {}), "seed": first.get("seed")}}
        of = f"Of the first point; each point's folder holds its own {POSTERIOR}, {POSTERIOR_SAMPLE} and {CALIBRATION_REPORT} with its figures."
        report.sections.append(_provenance(summary, of))
    return report


def _comparisons_report(folder: Path) -> Report:
    """The report of a sweep of ``sim-compare``: per point, its chances and paired differences, and its forest plot (the first points)."""
    import pandas as pd

    everything = pd.read_parquet(folder / TABLE)
    done = everything[everything["status"].astype(str) == "ok"]
    comparisons = pd.read_parquet(folder / COMPARISONS)
    swept = [c for c in swept_columns(everything, swept_keys(folder)) if c in comparisons.columns and c != "policy"]
    report = _sweep_start(folder, everything, done, "comparisons", [f"each comparing {', '.join(dict.fromkeys(map(str, comparisons['policy'])))}"])
    report.sections.append("<h2>What the words mean</h2>" + _words(meanings(COMPARISON_WORDS, "collapse_total_low" in comparisons)))
    headings: list[str] = []
    rows = []
    # each point's cost per point of collapse avoided, as sim-compare's money table and the point's forest plot say it
    priced = "collapse_difference_high" in comparisons
    per_point: list[str] = []
    parts = [part.reset_index(drop=True) for _, part in comparisons.groupby("point", sort=True)]
    for part in parts:
        headings, part_rows = _comparison_rows(part)
        cells = per_point_cells(part, "(reference)") if priced else []
        per_point += cells[1:]
        first = part.iloc[0]
        rows += [[int(first["point"]), *(first[c] for c in swept), *row, *cells[i : i + 1]] for i, row in enumerate(part_rows)]
    if priced:
        headings.append("per point of collapse avoided (GBP m, 95% interval)")
    # what its cells mean, said once where every point has the same reference (the policies are not swept)
    reference, lever_reference = str(parts[0]["policy"].iloc[0]), bool(parts[0]["lever_cost"].iloc[0])
    same = all(str(part["policy"].iloc[0]) == reference and bool(part["lever_cost"].iloc[0]) == lever_reference for part in parts)
    said = f"<p class=note>{_e(per_point_words(per_point, reference, lever_reference))}</p>" if priced and same else ""
    report.sections.append(
        "<h2>Chances and paired differences, point by point</h2><p class=note>Within a point every policy ran on the same simulated partnerships,"
        " so its differences are paired with its first policy; the whole table is comparisons.parquet (comparisons.csv).</p>"
        + _table(["point", *swept, *headings], rows)
        + said
    )
    report.sections.append("<h2>Figures</h2>")
    for part in parts[:MAX_POINTS]:
        point = int(part["point"].iloc[0])
        label = plots.point_words({c: part.iloc[0][c] for c in swept}, 1000).replace("\n", " ") or f"point {point}"
        report.figure(f"forest_{point}", plots.forest_figure(part, title=label), f"Point {point} ({label}): each policy's paired difference.")
    return report


def build(folder: str | Path) -> Report:
    """The report of a results folder (see the module's docstring for what each kind needs)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError(f"{folder} is not a folder")
    return {"run": _run_report, "comparison": _comparison_report, "sweep": _sweep_report, "comparisons": _comparisons_report}[kind(folder)](folder)


def page(report: Report) -> str:
    """The report as one HTML page (no script, nothing loaded from elsewhere)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>{_e(report.title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_e(report.title)}</h1>" + "\n".join(report.sections) + "<h2>Limitations</h2>" + markdown(limitations()) + "</body></html>\n"
    )


def write(folder: str | Path, output: str | Path | None = None) -> Path:
    """Write ``report.html`` (or ``output``) and the figures as PNG and SVG under ``figures/``, each file atomically; returns the report's path."""
    folder = Path(folder)
    report = build(folder)
    for stem, fig in report.figures.items():
        for suffix in (".png", ".svg"):
            save_figure(folder / FIGURES / f"{stem}{suffix}", fig)
    target = Path(output) if output is not None else folder / REPORT
    with atomic_path(target) as tmp:
        tmp.write_text(page(report), encoding="utf-8")
    return target

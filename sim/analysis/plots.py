"""Figures of a run: the survival curve of collapse with its band, and the causes of collapse.

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot state, no
display needed) and saved by the caller (:func:`sim.results.save_figure`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.summary import YEARS, case_label


def survival_figure(summary: Mapping[str, Any], title: str) -> Figure:
    """Share of partnerships not (yet) collapsed by month (Kaplan-Meier) with its pointwise band.

    ``summary`` is :func:`sim.summary.summarise`'s result (its ``survival_curve`` and ``confidence``).
    """
    curve = {key: np.asarray(value, float) for key, value in summary["survival_curve"].items()}
    months = curve["months"]
    fig = Figure(figsize=(7, 4.2))
    ax = fig.subplots()
    ax.fill_between(months, curve["low"], curve["high"], step="post", alpha=0.3, linewidth=0, label=f"{summary['confidence']:.0%} band")
    ax.step(months, curve["survival"], where="post", label="Kaplan-Meier estimate")
    for years in YEARS:
        if 12 * years <= months[-1]:
            ax.axvline(12 * years, color="grey", linewidth=0.5, linestyle=":")
    ax.set(xlabel="months since the proposal", ylabel="share not collapsed", title=title, xlim=(0, months[-1]))
    ax.set_ylim(max(0.0, np.floor(10 * float(np.nanmin(curve["low"])) - 0.2) / 10), 1.005)
    ax.legend(loc="lower left")
    ax.grid(alpha=0.3)
    return fig


def causes_figure(summary: Mapping[str, Any], title: str) -> Figure:
    """Horizontal bars: each cause's share of the collapses with its interval (``summary["causes_of_collapse"]``)."""
    causes = summary["causes_of_collapse"]
    fig = Figure(figsize=(7, 0.45 * max(len(causes), 2) + 1.2))
    ax = fig.subplots()
    if not causes:
        ax.text(0.5, 0.5, "no partnership collapsed", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        rows = list(reversed(causes))
        y = np.arange(len(rows))
        value = np.array([c["value"] for c in rows])
        error = np.array([[c["value"] - c["low"] for c in rows], [c["high"] - c["value"] for c in rows]])
        ax.barh(y, value, xerr=error, capsize=3, alpha=0.8)
        ax.set_yticks(y, [f"{c['cause']} ({case_label(c['case'])}, n={c['count']})" for c in rows])
        ax.set(xlabel="share of collapses", xlim=(0, min(1.0, float(max(c["high"] for c in rows)) * 1.1 + 0.02)))
        ax.grid(axis="x", alpha=0.3)
    ax.set_title(title)
    return fig

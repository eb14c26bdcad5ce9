"""A calibration's results files, each written atomically.

``posterior.parquet`` (one column per parameter path and ``weight``: the format
:mod:`sim.config.posterior` reads), ``posterior.json`` (provenance), ``design.parquet`` (every
simulated point with its statistics, plausibility and weight), ``calibration.md`` and its figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.analysis.calibration import Calibration, predictive_figure, prior_posterior_figure, render
from sim.config.posterior import provenance_path
from sim.results import provenance
from sim.results.files import (
    CALIBRATION_DESIGN,
    CALIBRATION_FIGURE_FILES,
    CALIBRATION_FIGURES,
    CALIBRATION_REPORT,
    POSTERIOR,
    POSTERIOR_SAMPLE,
    atomic_path,
    save_figure,
    write_json,
    write_table,
)


def write_posterior(result: Calibration, parquet: str | Path, extra: dict[str, Any] | None = None) -> None:
    """The posterior sample at ``parquet`` and its provenance JSON beside it (targets, method, seed, runtime, model and code version)."""
    parquet = Path(parquet)
    stamp = {**result.info, "code_version": provenance.collect()["code_version"], **(extra or {})}
    write_table(parquet, result.posterior, stamp)
    write_json(provenance_path(parquet), {**stamp, "columns": list(result.posterior.columns), "rows": len(result.posterior)})


def write_report(result: Calibration, markdown: str | Path, figures_dir: str | Path, *, command: str = "sim-calibrate") -> None:
    """``calibration.md`` and its two figures (prior against posterior; predictive check); the page names the command, model and code version."""
    markdown, figures_dir = Path(markdown), Path(figures_dir)
    paths = {key: figures_dir / name for key, name in CALIBRATION_FIGURE_FILES.items()}
    save_figure(paths["prior_posterior"], prior_posterior_figure(result))
    save_figure(paths["predictive"], predictive_figure(result))
    relative = {key: str(p.relative_to(markdown.parent)) if p.is_relative_to(markdown.parent) else str(p) for key, p in paths.items()}
    text = render(result, relative, command=command, code_version=provenance.collect()["code_version"])
    with atomic_path(markdown) as tmp:
        tmp.write_text(text, encoding="utf-8")


#: Every results file of a calibration, by its name in the folder, in the order written.
FILES = (
    CALIBRATION_DESIGN,
    POSTERIOR_SAMPLE,
    POSTERIOR,
    CALIBRATION_REPORT,
    *(f"{CALIBRATION_FIGURES}/{name}" for name in CALIBRATION_FIGURE_FILES.values()),
)


def write_all(result: Calibration, folder: str | Path, *, command: str = "sim-calibrate", extra: dict[str, Any] | None = None) -> list[str]:
    """Every results file of a calibration into ``folder`` (:data:`FILES`); returns their names.

    ``extra`` is added to ``posterior.json`` (``sim-calibrate``'s: its ``run``, and the figures a sweep's table compares).
    """
    folder = Path(folder)
    write_table(folder / CALIBRATION_DESIGN, result.design, result.info)
    write_posterior(result, folder / POSTERIOR_SAMPLE, extra)
    write_report(result, folder / CALIBRATION_REPORT, folder / CALIBRATION_FIGURES, command=command)
    return list(FILES)

"""Sweep folders made by hand for the tests of what a sweep's results say (``tests/results``, ``tests/cli``)."""

from __future__ import annotations

import json
from pathlib import Path

from sim.results import sweep


def drew_from(folder: Path, point: int, source: str, size: float, rows: int, draws: int | None = 10) -> None:
    """Write a completed point ``point`` of the sweep in ``folder`` that drew its assumptions from the posterior sample ``source``.

    Parameters
    ----------
    folder
        The sweep's folder (the point's is ``folder/point``).
    point
        The point's number.
    source, size, rows
        The sample's file, its effective sample size and its rows, as the point's ``summary.json`` records them.
    draws
        The parameter draws the point ran (None: not recorded).
    """
    uncertainty = {"mode": "posterior", "posterior": source, "posterior_sha256": source * 2, "posterior_rows": rows, "posterior_effective_size": size}
    sweep.PointRecord(point, "ok", {"posterior": source, "seed": point}, f"k{point}", point, 100).write(folder / str(point))
    run = {"key": f"k{point}", "replications": 100, "uncertainty": "posterior"}
    summary = {"run": run, "uncertainty": uncertainty | ({} if draws is None else {"draws": draws})}
    (folder / str(point) / "summary.json").write_text(json.dumps(summary), encoding="utf-8")

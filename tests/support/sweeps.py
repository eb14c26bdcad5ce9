"""Sweep folders made by hand for the tests of what a sweep's results say (``tests/results``, ``tests/cli``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sim.config.uncertainty import DIGEST_SHOWN
from sim.results import sweep


def sha256_of(source: str) -> str:
    """The digest :func:`drew_from` gives a sample read from ``source`` when none is given: that of the text of its path."""
    return hashlib.sha256(source.encode()).hexdigest()


def named(source: str) -> str:
    """How a sweep's note names the sample :func:`drew_from` writes for ``source``: its file and the first characters of its digest."""
    return f"{source!r} (SHA-256 {sha256_of(source)[:DIGEST_SHOWN]})"


def drew_from(folder: Path, point: int, source: str, size: float, rows: int, draws: int | None = 10, sha256: str | None = None) -> None:
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
    sha256
        The digest of the sample's file as the point read it (None: :func:`sha256_of` ``source``, one sample per file).
    """
    sample = {"posterior": source, "posterior_sha256": sha256 or sha256_of(source), "posterior_rows": rows, "posterior_effective_size": size}
    uncertainty = {"mode": "posterior", **sample}
    sweep.PointRecord(point, "ok", {"posterior": source, "seed": point}, f"k{point}", point, 100).write(folder / str(point))
    run = {"key": f"k{point}", "replications": 100, "uncertainty": "posterior"}
    summary = {"run": run, "uncertainty": uncertainty | ({} if draws is None else {"draws": draws})}
    (folder / str(point) / "summary.json").write_text(json.dumps(summary), encoding="utf-8")

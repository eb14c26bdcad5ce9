"""The posterior sample shipped with the package, made for one model version.

``sim/config/posterior/<model version>.parquet`` holds one column per calibrated parameter
(its path, e.g. ``decisions.memory``) and an optional ``weight`` column; the JSON file of the same
name records how it was made (targets, method, seed, runtime, model version). ``sim-calibrate``
writes the same two files for any targets; ``experiments/calibration.py`` regenerates the
shipped ones whenever the model version changes (a test fails until it has).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from sim.core.version import __version__

PACKAGE = "sim.config"
WEIGHT = "weight"


def shipped_path(version: str = __version__) -> Path:
    """Path of the shipped posterior for model ``version`` (it may not exist)."""
    return Path(str(resources.files(PACKAGE))) / "posterior" / f"{version}.parquet"


def provenance_path(path: str | Path) -> Path:
    """The provenance JSON next to a posterior Parquet file."""
    return Path(path).with_suffix(".json")


def read(path: str | Path | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """A posterior sample: ``{path: (N,) values}`` and ``(N,)`` weights summing to 1 (equal when the file has none).

    Parameters
    ----------
    path
        A posterior Parquet file (default: the shipped one for this model version).

    Raises
    ------
    FileNotFoundError
        When there is no posterior for this model version (run ``python experiments/calibration.py``).
    """
    path = shipped_path() if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no posterior sample at {path} (for model {__version__}: run python experiments/calibration.py, or sim-calibrate)")
    table = pq.read_table(path)
    columns = {name: table.column(name).to_numpy() for name in table.column_names}
    weights = np.asarray(columns.pop(WEIGHT), float) if WEIGHT in columns else np.ones(table.num_rows)
    return {name: np.asarray(v, float) for name, v in columns.items()}, weights / weights.sum()


def provenance(path: str | Path | None = None) -> dict[str, Any]:
    """How a posterior was made (its JSON file)."""
    return json.loads(provenance_path(shipped_path() if path is None else path).read_text(encoding="utf-8"))

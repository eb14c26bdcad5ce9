"""The posterior sample shipped with the package, made for one model version.

``sim/config/posterior/<model version>.parquet`` holds one column per calibrated parameter
(its path, e.g. ``decisions.memory``) and an optional ``weight`` column; the JSON file of the same
name records how it was made (targets, method, seed, runtime, model version). ``sim-calibrate``
writes the same two files for any targets; ``experiments/calibration.py`` regenerates the
shipped ones whenever the model version changes (a test fails until it has).
:func:`sim.config.uncertainty.read_posterior` reads and checks a sample; :func:`effective_size` says
how many equally weighted points its weights are worth (``sim-calibrate`` reports it of the sample
it writes, and a run drawing from a sample records it and warns when it is small).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from sim.core.version import __version__

PACKAGE = "sim.config"
WEIGHT = "weight"


def shipped_path(version: str = __version__) -> Path:
    """Path of the shipped posterior for model ``version`` (it may not exist)."""
    return Path(str(resources.files(PACKAGE))) / "posterior" / f"{version}.parquet"


def provenance_path(path: str | Path) -> Path:
    """The provenance JSON next to a posterior Parquet file."""
    return Path(path).with_suffix(".json")


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of importance weights, ``(sum w)^2 / sum w^2``: how many equally weighted points they are worth (0 if they sum to 0)."""
    total = weights.sum()
    return float(total**2 / (weights**2).sum()) if total > 0 else 0.0

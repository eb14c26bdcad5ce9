"""partnership-sim: an agent-based model of shared-service partnerships between councils."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

#: The model version (also the package version). Bump it whenever results change on
#: purpose, and regenerate ``tests/baseline.json`` (``python -m experiments.golden``).
__version__ = "0.1.0"


#: Modules no compiled code depends on: editing them keeps the compiled code.
_NOT_COMPILED = frozenset(
    """agents.py cases.py comparison.py config.py distributions.py ensemble.py model.py narrative.py outcomes.py paramdocs.py
    plots.py population.py problems.py provenance.py results.py runner.py scenarios.py schema.py settings.py stats.py
    summary.py survival.py trajectories.py validation.py""".split()
)


def _numba_cache_dir() -> None:
    """Keep numba's compiled code in a folder named for this exact source tree.

    numba notices a change to the file of the function it compiled, but not to the files
    of the functions, named tuples and constants that function uses, so machine code
    cached for one version of the model must never be loaded by another. Set
    ``NUMBA_CACHE_DIR`` to choose the folder yourself.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    import numba

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        if path.name not in _NOT_COMPILED:
            digest.update(path.read_bytes())
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "partnership-sim" / "numba" / digest.hexdigest()[:16]
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    numba.config.CACHE_DIR = str(root)


def compiled_code_cached() -> bool:
    """Whether this version's compiled month is already cached (if not, the first run compiles it: a minute or two)."""
    import numba

    folder = numba.config.CACHE_DIR
    return not folder or any(Path(folder).rglob("kernel._whole_runs*.nbi"))


_numba_cache_dir()

"""Provenance of a results file: model and code versions, package versions, machine and command.

The model version is the package version (:data:`sim.__version__`); the code version is
the git commit of the working tree the package was imported from, marked ``-dirty``
when tracked files have uncommitted changes, or ``unknown`` outside a git checkout of the package
(an installed package, also in a virtual environment inside a git project of one's own).
"""

from __future__ import annotations

import platform
import subprocess
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.core.version import __version__

PACKAGES = ("numpy", "scipy", "pandas", "pyarrow", "numba", "hydra-core", "omegaconf", "matplotlib", "mesa", "tqdm")
UNKNOWN = "unknown"


def model_version() -> str:
    """The model (package) version."""
    return __version__


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_commit() -> tuple[str | None, bool | None]:
    """Commit of the checkout holding the package and whether tracked files differ from it (None, None outside git).

    Also (None, None) where the package is inside a git checkout that does not track it: an installed package in a
    virtual environment within a project of the user's own (``myproject/.venv``), whose commit is not the model's code.
    """
    if _git("ls-files", "--error-unmatch", "core/version.py") is None:
        return None, None
    commit = _git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = _git("status", "--porcelain", "--untracked-files=no")
    return commit, None if status is None else bool(status)


def code_version(commit: str | None, dirty: bool | None) -> str:
    """Short form of a commit, e.g. ``1a2b3c4d5e6f-dirty``."""
    if commit is None:
        return UNKNOWN
    return commit[:12] + ("-dirty" if dirty else "")


def package_versions() -> dict[str, str]:
    """Installed versions of Python and the packages results depend on."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_config(cfg: Any, **used: Any) -> dict[str, Any]:
    """A run's resolved configuration as it ran, for ``provenance.config`` in ``summary.json``.

    Parameters
    ----------
    cfg
        The run's Hydra configuration (an OmegaConf ``DictConfig``), as composed.
    **used
        Top-level settings the run changed after composition, with the values it ran with:
        ``uncertainty="none"`` where the default mode gave way to the stated values.

    Returns
    -------
    dict
        The configuration resolved to plain data, with ``used`` in place. Hydra's own
        ``.hydra/config.yaml`` keeps the configuration as composed.
    """
    from omegaconf import OmegaConf

    return {**OmegaConf.to_container(cfg, resolve=True), **used}


#: The command line as the user typed it, set by the command that runs (else ``sys.argv``, which may hold settings the command added).
COMMAND: ContextVar[list[str] | None] = ContextVar("command", default=None)


def collect() -> dict[str, Any]:
    """Everything about the code and machine behind a result (the run's own settings are added by the caller)."""
    commit, dirty = git_commit()
    return {
        "model_version": model_version(),
        "code_version": code_version(commit, dirty),
        "git_commit": commit,
        "git_dirty": dirty,
        "packages": package_versions(),
        "machine": {"platform": platform.platform(), "processor": platform.machine(), "python_executable": sys.executable},
        "command": COMMAND.get() or sys.argv,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }

"""The import paths of version 0.1 (``sim.scenarios``, ``sim.ensemble``, ...) for one more release, with a deprecation warning.

Each old module name is an alias of the module that now holds its contents; importing it
warns once and gives the new module. Remove in version 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

#: Old module -> new module.
MOVED = {
    "sim.scenarios": "sim.config.scenarios",
    "sim.ensemble": "sim.frontends.ensemble",
    "sim.summary": "sim.analysis.summary",
    "sim.model": "sim.frontends.model",
    "sim.agents": "sim.frontends.agents",
    "sim.stats": "sim.analysis.stats",
    "sim.survival": "sim.analysis.survival",
    "sim.comparison": "sim.analysis.comparison",
    "sim.narrative": "sim.frontends.narrative",
    "sim.runner": "sim.frontends.runner",
    "sim.settings": "sim.config.settings",
    "sim.distributions": "sim.config.distributions",
    "sim.params": "sim.core.params",
    "sim.kernel": "sim.core.kernel",
}


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(f"{spec.name} is deprecated: import {self.new} (or use the facade: import sim)", DeprecationWarning, stacklevel=3)
        return importlib.import_module(self.new)

    def exec_module(self, module: ModuleType) -> None:
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(name, _Alias(MOVED[name]))


def install() -> None:
    """Make the old names importable (once)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())

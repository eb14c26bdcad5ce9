"""partnership-sim: an agent-based model of shared-service partnerships between councils.

The facade, imported lazily so that ``import sim`` stays quick (it imports neither Mesa,
Hydra, matplotlib nor scipy.stats until a function needs them)::

    import sim

    config = sim.load("baseline", "none", ["councils.0.it_maturity=0.3"])
    table = sim.run_ensemble(config, replications=4000, seed=1)
    print(sim.render(sim.summarise(table)))
    sim.compare("baseline", ["none", "continuity_plan"], replications=4000, seed=1)
    model = sim.PartnershipModel(scenario_name="case01_key_person", seed=3, replication=7)

The layers, from the bottom: :mod:`sim.core` (the compiled month) ->
:mod:`sim.config` (configurations) -> :mod:`sim.population` -> :mod:`sim.frontends`
(ensemble, runner, Mesa) -> :mod:`sim.analysis` -> :mod:`sim.results` -> :mod:`sim.viz`
(the trainer's app, ``sim-demo``) -> :mod:`sim.cli`
(``docs/architecture.md``).
"""

from __future__ import annotations

import importlib
from typing import Any

from sim import _compat
from sim.core.version import __version__

_compat.install()

#: Public name -> (module, attribute), imported on first use.
_LAZY: dict[str, tuple[str, str]] = {
    "load": ("sim.config.scenarios", "load"),
    "available": ("sim.config.scenarios", "available"),
    "ModelConfig": ("sim.config.model", "ModelConfig"),
    "ConfigError": ("sim.config.checks", "ConfigError"),
    "run_ensemble": ("sim.frontends.ensemble", "run_ensemble"),
    "run": ("sim.api", "run"),
    "summarise": ("sim.analysis.summary", "summarise"),
    "render": ("sim.analysis.summary", "render"),
    "compare": ("sim.api", "compare"),
    "PartnershipModel": ("sim.frontends.model", "PartnershipModel"),
    "partnership": ("sim.config.partnership", "partnership"),
    "council": ("sim.config.partnership", "council"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

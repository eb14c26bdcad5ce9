"""The Hydra schema, generated from the parameter dataclasses so that parameters are declared once.

Every model parameter appears in the schema, typed ``Any`` and defaulting to ``None``
("not given: use the declared default"), so that a council attribute can be a number or a
``{dist: ...}`` node and a scenario's node never merges with a default node. The checking
(ranges, distributions, all problems at once) and the defaults are
:func:`sim.config.model.model_config`'s job. Because every key exists,
``councils.0.it_maturity=0.3`` and ``mechanisms.case04.enabled=false`` work on the
command line, and a misspelt key is refused by Hydra before any run. The commands'
settings (:mod:`sim.config.settings`) are typed ``Any`` too, with their defaults, so that a value
such as ``seed=abc`` gets the same one-line message as a bad parameter.

Every generated class is a name of this module (``CouncilParamsSchema``, ``Case04MechanismSchema``,
``RunSchema``...), with its ``__module__`` and ``__qualname__`` set, and built when the module is
imported. A config travelling to another process (a submitit or Ray job) carries its
schema class; pickled by reference, the worker imports it by name. Without this, cloudpickle
2.x (pinned by hydra-ray-launcher) ships them by value and they arrive with no fields: every
job then fails with "Key 'name' not in 'CouncilParamsSchema'".
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import field, fields, make_dataclass
from functools import partial
from typing import Any

from hydra.core.config_store import ConfigStore

from sim.config.settings import CompareSettings, RunSettings, SearchSettings
from sim.core.levers import NAMES as LEVER_NAMES
from sim.core.mechanisms import mechanisms
from sim.core.params import CouncilParams, DecisionParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams

SCHEMA_NAME = "run_schema"
COMPARE_SCHEMA_NAME = "compare_schema"
SEARCH_SCHEMA_NAME = "search_schema"


def _named(name: str, specs: list[tuple[str, Any, Any]]) -> type:
    """A dataclass importable as ``sim.config.schema.<name>`` (made once: the same name gives the same class while its fields stay the same).

    Fields are the same when their names and types are: a group whose member schema was rebuilt
    (a mechanism registered for a while) is rebuilt too.
    """
    known = globals().get(name)
    if isinstance(known, type) and [(f.name, f.type) for f in fields(known)] == [(s[0], s[1]) for s in specs]:
        return known
    cls = make_dataclass(name, specs, module=__name__)
    cls.__qualname__ = name
    globals()[name] = cls
    return cls


def _untyped(cls: type, name: str | None = None) -> type:
    """A dataclass with the fields of ``cls``, typed ``Any``, defaulting to ``None``."""
    return _named(name or f"{cls.__name__}Schema", [(f.name, Any, field(default=None)) for f in fields(cls)])


def _group(name: str, members: dict[str, type]) -> type:
    return _named(name, [(key, cls, field(default_factory=cls)) for key, cls in members.items()])


def _mechanism_schema(name: str) -> str:
    """``case04`` -> ``Case04MechanismSchema`` (every mechanism's parameter class is called ``Params``)."""
    return "".join(part.capitalize() for part in name.split("_")) + "MechanismSchema"


CouncilSchema = _untyped(CouncilParams)


def _settings(cls: type) -> list[tuple[str, Any, Any]]:
    """The fields of a settings dataclass, typed ``Any`` (checked by :mod:`sim.config.settings`), with their defaults."""
    defaults = cls()
    return [(f.name, Any, field(default_factory=partial(deepcopy, getattr(defaults, f.name)))) for f in fields(cls)]


def run_schema(settings: type = RunSettings, schema_name: str = "RunSchema") -> type:
    """The schema of a command's config: its settings plus every model parameter."""
    lever = _untyped(LeverParams)
    sections = {
        "partnership": _untyped(PartnershipParams),
        "dynamics": _untyped(DynamicsParams),
        "decisions": _untyped(DecisionParams),
        "exogenous": _untyped(ExogenousParams),
        "mechanisms": _group("MechanismsSchema", {m.name: _untyped(m.params, _mechanism_schema(m.name)) for m in mechanisms()}),
        "levers": _group("LeversSchema", dict.fromkeys(LEVER_NAMES, lever)),
    }
    return _named(
        schema_name,
        [
            *_settings(settings),
            ("councils", list[CouncilSchema], field(default_factory=list)),
            *((name, cls, field(default_factory=cls)) for name, cls in sections.items()),
        ],
    )


RunSchema = run_schema()
CompareSchema = run_schema(CompareSettings, "CompareSchema")
SearchSchema = run_schema(SearchSettings, "SearchSchema")


#: The schema class each name in the ConfigStore was last stored from (storing one takes a fifth of a second).
_stored: dict[str, type] = {}


def store(name: str, node: type) -> None:
    """Store the schema ``node`` in Hydra's ConfigStore as ``name``, unless that very class is stored there already."""
    configs = ConfigStore.instance()
    if _stored.get(name) is node and f"{name}.yaml" in configs.repo:
        return
    configs.store(name=name, node=node)
    _stored[name] = node


def register() -> None:
    """Store the schemas in Hydra's ConfigStore as ``run_schema`` (``sim-run``), ``compare_schema`` (``sim-compare``) and ``search_schema`` (``sim-search``).

    Cheap when nothing changed: a schema is stored again only when the registry of mechanisms
    (and so its class) has changed since it was last stored.
    """
    store(SCHEMA_NAME, run_schema())
    store(COMPARE_SCHEMA_NAME, run_schema(CompareSettings, "CompareSchema"))
    store(SEARCH_SCHEMA_NAME, run_schema(SearchSettings, "SearchSchema"))

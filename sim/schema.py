"""The Hydra schema, generated from the parameter dataclasses so that parameters are declared once.

Every model parameter appears in the schema with its default, typed ``Any`` so that a
council attribute can be a number or a ``{dist: ...}`` node; the checking (ranges,
distributions, all problems at once) is :func:`sim.config.model_config`'s job. Because
every key exists, ``councils.0.it_maturity=0.3`` and ``mechanisms.case04.enabled=false``
work on the command line, and a misspelt key is refused by Hydra before any run.
"""

from __future__ import annotations

from dataclasses import MISSING, field, fields, make_dataclass
from typing import Any

from hydra.core.config_store import ConfigStore

from sim import levers as lever_table
from sim.config import default_lever
from sim.mechanisms import MECHANISMS
from sim.params import CouncilParams, DynamicsParams, ExogenousParams, PartnershipParams

SCHEMA_NAME = "run_schema"


def _default(f: Any) -> Any:
    return f.default_factory() if f.default is MISSING else f.default


def _untyped(cls: type, instance: Any = None) -> type:
    """A dataclass with the fields of ``cls``, typed ``Any``, defaulting to ``instance``'s values."""
    specs = []
    for f in fields(cls):
        value = getattr(instance, f.name) if instance is not None else _default(f)
        specs.append((f.name, Any, field(default_factory=lambda v=value: v)))
    return make_dataclass(f"{cls.__name__}Schema", specs)


CouncilSchema = _untyped(CouncilParams)


def run_schema() -> type:
    """The schema of the main job's config: run settings plus every model parameter."""
    mech = _group("MechanismsSchema", {m.NAME: _untyped(m.Params) for m in MECHANISMS})
    levers = _group("LeversSchema", {name: _untyped(type(default_lever(name)), default_lever(name)) for name in lever_table.NAMES})
    sections = {
        "partnership": _untyped(PartnershipParams),
        "dynamics": _untyped(DynamicsParams),
        "exogenous": _untyped(ExogenousParams),
        "mechanisms": mech,
        "levers": levers,
    }
    return make_dataclass(
        "RunSchema",
        [
            ("seed", int, field(default=0)),
            ("replications", int, field(default=4000)),
            ("block_size", int, field(default=10000)),
            ("engine", str, field(default="ensemble")),
            ("councils", list[CouncilSchema], field(default_factory=list)),
            *((name, cls, field(default_factory=cls)) for name, cls in sections.items()),
        ],
    )


def _group(name: str, members: dict[str, type]) -> type:
    return make_dataclass(name, [(key, cls, field(default_factory=cls)) for key, cls in members.items()])


def register() -> None:
    """Store the schema in Hydra's ConfigStore as ``run_schema``."""
    ConfigStore.instance().store(name=SCHEMA_NAME, node=run_schema())

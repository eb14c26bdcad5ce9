"""A model configuration: checked, complete, and built from plain data or a Hydra config.

:func:`model_config` takes the sections ``councils``, ``partnership``, ``dynamics``, ``decisions``,
``exogenous``, ``mechanisms`` and ``levers`` (as YAML, a dict or an OmegaConf node),
fills in every default, and reports *all* problems at once, one line each, naming the
field, the value and the allowed range.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sim.config.checks import ConfigError, check_fixed, shown
from sim.config.distributions import WRITTEN, as_node, check_dist, is_dist, unknown_family
from sim.core import levers as lever_table
from sim.core.contract import MechanismParams
from sim.core.declare import Spec
from sim.core.mechanisms import mechanisms
from sim.core.params import CouncilParams, DecisionParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams

MIN_COUNCILS, MAX_COUNCILS = 2, 8
SECTIONS = ("councils", "partnership", "dynamics", "decisions", "exogenous", "mechanisms", "levers")


@dataclass
class ModelConfig:
    """Everything the model needs to know about one scenario and policy."""

    councils: list[CouncilParams]
    partnership: PartnershipParams = field(default_factory=PartnershipParams)
    dynamics: DynamicsParams = field(default_factory=DynamicsParams)
    decisions: DecisionParams = field(default_factory=DecisionParams)
    exogenous: ExogenousParams = field(default_factory=ExogenousParams)
    mechanisms: dict[str, MechanismParams] = field(default_factory=lambda: {m.name: m.params() for m in mechanisms()})
    levers: dict[str, LeverParams] = field(default_factory=lambda: {lv.name: default_lever(lv.name) for lv in lever_table.LEVERS})

    @property
    def n_councils(self) -> int:
        """Number of councils K."""
        return len(self.councils)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for provenance and round trips through :func:`model_config`)."""
        return asdict(self)


def default_lever(name: str) -> LeverParams:
    """A lever switched off, with its default costs from :data:`sim.core.levers.LEVERS`."""
    lever = next(lv for lv in lever_table.LEVERS if lv.name == name)
    return LeverParams(cost_upfront=lever.cost_upfront, cost_per_year=lever.cost_per_year)


def _plain(value: Any) -> Any:
    """OmegaConf nodes to plain containers; anything else unchanged."""
    try:
        from omegaconf import DictConfig, ListConfig, OmegaConf
    except ImportError:  # pragma: no cover - omegaconf comes with hydra-core
        return value
    if isinstance(value, (DictConfig, ListConfig)):
        return OmegaConf.to_container(value, resolve=True)
    return value


def _check_value(path: str, value: Any, spec: Spec) -> list[str]:
    if is_dist(value):
        if not spec.distributable:
            return [f"{path} must be a fixed value, not a distribution"]
        return check_dist(path, value, spec)
    family = unknown_family(value)
    if family is not None and spec.unit not in ("flag", "text") and not spec.choices:
        return [f"{path} = {value!r}: {family} is not a distribution (allowed: {', '.join(WRITTEN)})"]
    return check_fixed(path, value, spec)


def _build(cls: type, raw: Any, path: str, problems: list[str], base: Any = None) -> Any:
    """An instance of dataclass ``cls`` from mapping ``raw`` over ``base`` (or defaults)."""
    obj = base if base is not None else cls()
    if raw is None:
        return obj
    if not isinstance(raw, Mapping):
        problems.append(f"{path} must be a mapping of parameters, got {raw!r}")
        return obj
    names = {f.name: f for f in fields(cls)}
    for key, value in raw.items():
        value = as_node(value)
        if value is None:
            continue
        if key not in names:
            problems.append(f"{path}.{key} is not a parameter (known: {', '.join(names)})")
            continue
        found = _check_value(f"{path}.{key}", value, names[key].metadata["spec"])
        problems.extend(found)
        if not found:
            setattr(obj, key, int(value) if names[key].metadata["spec"].integer and not is_dist(value) else value)
    return obj


def _named_section(raw: Any, path: str, known: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    out = dict(known)
    if raw is None:
        return out
    if not isinstance(raw, Mapping):
        problems.append(f"{path} must be a mapping, got {raw!r}")
        return out
    for name, value in raw.items():
        if name not in known:
            problems.append(f"{path}.{name} is not known (known: {', '.join(known)})")
            continue
        out[name] = _build(type(known[name]), value, f"{path}.{name}", problems, base=known[name])
    return out


def model_config(raw: Mapping[str, Any]) -> ModelConfig:
    """A checked :class:`ModelConfig` from plain data; raises :class:`ConfigError` listing every problem."""
    raw = {key: _plain(value) for key, value in _plain(raw).items()}
    problems = [f"{key} is not a section (known: {', '.join(SECTIONS)})" for key in raw if key not in SECTIONS]
    councils_raw = raw.get("councils")
    councils: list[CouncilParams] = []
    if not isinstance(councils_raw, list):
        problems.append(f"councils must be a list of {MIN_COUNCILS} to {MAX_COUNCILS} councils, got {type(councils_raw).__name__}")
    elif not MIN_COUNCILS <= len(councils_raw) <= MAX_COUNCILS:
        problems.append(f"councils has {len(councils_raw)} council{'' if len(councils_raw) == 1 else 's'}; allowed: {MIN_COUNCILS} to {MAX_COUNCILS}")
    else:
        councils = [_build(CouncilParams, c, f"councils[{i}]", problems) for i, c in enumerate(councils_raw)]
    cfg = ModelConfig(
        councils=councils,
        partnership=_build(PartnershipParams, raw.get("partnership"), "partnership", problems),
        dynamics=_build(DynamicsParams, raw.get("dynamics"), "dynamics", problems),
        decisions=_build(DecisionParams, raw.get("decisions"), "decisions", problems),
        exogenous=_build(ExogenousParams, raw.get("exogenous"), "exogenous", problems),
    )
    cfg.mechanisms = _named_section(raw.get("mechanisms"), "mechanisms", cfg.mechanisms, problems)
    cfg.levers = _named_section(raw.get("levers"), "levers", cfg.levers, problems)
    problems += across(cfg)
    if problems:
        raise ConfigError(problems)
    return cfg


def across(cfg: ModelConfig) -> list[str]:
    """Problems between parameters (each checked alone already): partners needed against councils, shared weights summing to 1."""
    problems = []
    councils = cfg.councils
    if councils and isinstance(cfg.partnership.min_partners, int) and cfg.partnership.min_partners > len(councils):
        problems.append(f"partnership.min_partners = {cfg.partnership.min_partners} is outside [1, {len(councils)}] (the number of councils)")
    weights = [cfg.decisions.weight_savings, cfg.decisions.weight_service, cfg.decisions.weight_fit, cfg.decisions.weight_trust]
    if all(isinstance(w, (int, float)) for w in weights) and abs(sum(weights) - 1.0) > 1e-6:
        problems.append(
            f"decisions.weight_savings + weight_service + weight_fit + weight_trust = {sum(weights):g} must be 1 (they share out the value a council sees)"
        )
    return problems


def check_value(path: str, value: Any, spec: Spec) -> list[str]:
    """Problems with one value (fixed or a distribution node) for a parameter declared by ``spec``."""
    return _check_value(path, as_node(value), spec)


def config_problems(cfg: Any) -> list[str]:
    """One line for ``cfg`` that is not a :class:`ModelConfig` (a scenario's name given for one, as ``sim.compare`` takes it), else none."""
    if isinstance(cfg, ModelConfig):
        return []
    make = f"sim.load({cfg!r})" if isinstance(cfg, str) else "sim.load(scenario, policy)"
    return [f"config = {shown(cfg)} is not a model configuration: make one with {make} or sim.partnership(...)"]


def checked(cfg: ModelConfig) -> ModelConfig:
    """``cfg`` checked again, as plain data (a configuration changed after it was built is checked before it runs).

    Raises
    ------
    ConfigError
        For ``cfg`` that is not a :class:`ModelConfig` (:func:`config_problems`), and one line per value it no longer allows.
    """
    if problems := config_problems(cfg):
        raise ConfigError(problems)
    return model_config(cfg.to_dict())

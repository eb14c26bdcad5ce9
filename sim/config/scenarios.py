"""Named scenarios and policies: compose them with Hydra and check them.

The same composition serves the command line, the Mesa model and notebooks:

>>> cfg = load("baseline", "none", ["councils.0.it_maturity=0.3"])   # doctest: +SKIP

Users may keep their own scenario and policy files in a folder of theirs, laid out like
the package's ``configs/`` (``scenario/NAME.yaml``, ``policy/NAME.yaml``), and pass it
as ``config_dir``; their files are found before the package's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.config import schema
from sim.config.checks import ConfigError, arguments_checked, shown
from sim.config.model import SECTIONS, ModelConfig, model_config
from sim.config.overrides import PACKAGE_CONFIGS, compose_checked, config_root, interpolation_problems, unknown_name  # noqa: F401 - re-exported
from sim.config.settings import NO_POLICY


def available(group: str, config_dir: str | Path | None = None) -> list[str]:
    """Names of the configs in ``group`` (``"scenario"`` or ``"policy"``)."""
    folders = [config_root()] + ([Path(config_dir)] if config_dir else [])
    return sorted({p.stem for folder in folders for p in (folder / group).glob("*.yaml")})


#: An override as an example in a problem line.
OVERRIDE_EXAMPLE = "['councils.0.it_maturity=0.3']"


def override_lines(overrides: Any) -> tuple[str, ...]:
    """``overrides`` as ``key=value`` lines: a list (or tuple) of texts, or one text, which is one line.

    One text was read letter by letter ("c cannot be read as an override", once per letter); it is
    one override, as :class:`sim.PartnershipModel` takes it.

    Raises
    ------
    ConfigError
        One line per override that is not text (or for ``overrides`` that is not a list of them).
    """
    if isinstance(overrides, str):
        return (overrides,)
    if not isinstance(overrides, Sequence):
        raise ConfigError([f"overrides = {shown(overrides)} is not a list: give key=value lines, e.g. {OVERRIDE_EXAMPLE}"])
    problems = [f"overrides: {shown(line)} is not text: give key=value lines, e.g. {OVERRIDE_EXAMPLE}" for line in overrides if not isinstance(line, str)]
    if problems:
        raise ConfigError(problems)
    return tuple(overrides)


def name_problems(scenario: Any, policy: Any) -> list[str]:
    """One line for a ``scenario`` or ``policy`` that is not a name (a list of policies given for one, ``None``)."""
    problems = []
    if not isinstance(scenario, str):
        problems.append(f"scenario = {shown(scenario)} is not a scenario's name (e.g. 'baseline'; sim.available('scenario') lists them)")
    if not isinstance(policy, str):
        problems.append(
            f"policy = {shown(policy)} is not a policy's name (e.g. 'continuity_plan'; sim.available('policy') lists them);"
            " to switch on several levers at once, add overrides such as ['levers.open_motivations.enabled=true']"
        )
    return problems


def compose_run(
    scenario: str = "baseline", policy: str = NO_POLICY, overrides: Sequence[str] = (), config_dir: str | Path | None = None, command: str = "sim.load"
) -> DictConfig:
    """The composed run config for a scenario, a policy and command-line style overrides (``command``: who asks, as the messages name it).

    ``overrides`` is a list of ``key=value`` lines, or one such line (:func:`override_lines`).

    Raises
    ------
    ConfigError
        (a ``ValueError``) with one line per problem: a scenario or policy that is not a name
        (:func:`name_problems`) or not known (naming the ones available), an override that is
        not text, cannot be read or names no parameter, ``null`` for a parameter, a value read
        from the environment, a YAML file that cannot be read (its file and line), a scenario
        whose defaults lead back to itself.
    """
    if config_dir is not None and not isinstance(config_dir, (str, os.PathLike)):
        raise ConfigError([f"config_dir = {shown(config_dir)} is not a folder's path: give the folder that holds your scenario/ and policy/ folders"])
    if config_dir is not None and not Path(config_dir).is_dir():
        raise ConfigError([f"config_dir = {str(config_dir)!r} is not a folder: give the folder that holds your scenario/ and policy/ folders"])
    if problems := name_problems(scenario, policy):
        raise ConfigError(problems)
    overrides = override_lines(overrides)
    for group, name in (("scenario", scenario), ("policy", policy)):
        if name not in available(group, config_dir):
            hint = f" ({str(config_dir)!r} has no {group}/ folder)" if config_dir is not None and not (Path(config_dir) / group).is_dir() else ""
            raise ConfigError([unknown_name(group, name, available(group, config_dir)) + hint])
    lines = [f"scenario={scenario}", f"policy={policy}", *overrides]
    return compose_checked("config", lines, config_dir, schema=schema.run_schema(), command=command, groups=("scenario", "policy"))


def model_sections(cfg: DictConfig) -> ModelConfig:
    """The checked model configuration inside a composed run config (values read from the environment are refused)."""
    problems = interpolation_problems(cfg, skip=[key for key in cfg.keys() if key not in SECTIONS])
    if problems:
        raise ConfigError(problems)
    return model_config({key: cfg[key] for key in SECTIONS})


@arguments_checked("sim.load")
def load(scenario: str = "baseline", policy: str = NO_POLICY, overrides: Sequence[str] = (), config_dir: str | Path | None = None) -> ModelConfig:
    """A checked :class:`~sim.config.model.ModelConfig` for a named scenario and policy.

    Raises
    ------
    ConfigError
        (:class:`~sim.config.checks.ConfigError`) one line per problem.
    """
    return model_sections(compose_run(scenario, policy, overrides, config_dir))


def _changes(before: Any, after: Any) -> Any:
    """What ``after`` changes in ``before`` (nested mappings; None when nothing)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = {key: _changes(before.get(key), value) for key, value in after.items()}
        out = {key: value for key, value in out.items() if value is not None}
        return out or None
    return None if before == after else after


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    for key, value in change.items():
        base[key] = _merge(dict(base.get(key) or {}), value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return base


def changed(config: ModelConfig, change: dict[str, Any]) -> ModelConfig:
    """``config`` with ``change`` (nested like :meth:`ModelConfig.to_dict`, e.g. ``{"decisions": {"noise": 0.1}}``) applied, checked again.

    Raises
    ------
    ConfigError
        One line per problem, as :func:`load`.
    """
    return model_config(_merge(config.to_dict(), change))


def with_policy(config: ModelConfig, policy: str, config_dir: str | Path | None = None) -> ModelConfig:
    """``config`` under ``policy``: the lever settings (and anything else) the policy's file changes, applied to it.

    The change is what composing the policy over the baseline changes, so a policy file means the
    same over any configuration, including one made in Python (:func:`sim.config.partnership.partnership`).
    """
    before = OmegaConf.to_container(compose_run("baseline", NO_POLICY, (), config_dir), resolve=True)
    after = OmegaConf.to_container(compose_run("baseline", policy, (), config_dir), resolve=True)
    return changed(config, _changes({key: before[key] for key in SECTIONS}, {key: after[key] for key in SECTIONS}) or {})

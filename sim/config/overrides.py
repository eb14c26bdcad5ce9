"""Composing a config from command-line style overrides, with every problem as one line.

Hydra reports a misspelt key, a bad override or a broken YAML file with its own
multi-line messages (and a traceback for some), and accepts silently what this package
must refuse: a new key added with ``+`` (``+replicatons=10``, Hydra's own hint for the
typo, would run the default 4,000 replications), ``null`` for a model parameter (which
would mean the package default, not the scenario's value), values read from the
environment (``${oc.env:HOME}``), both a count and a precision target. :func:`compose_checked`
composes as Hydra does and raises :class:`~sim.config.checks.ConfigError` with one line
per problem, naming the parameter, the value and what is allowed. ``sim.load`` and the
commands (before Hydra makes a run folder, see :mod:`sim.cli.guard`) share it, so the
Python API and the command line refuse the same input with the same words.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.config.checks import ConfigError, allowed, check_fixed, did_you_mean
from sim.config.model import SECTIONS
from sim.config.settings import RunSettings, both_problems
from sim.core.declare import Spec, specs

PACKAGE_CONFIGS = "sim.configs"


def config_root() -> Path:
    """Folder of the package's own configs (``configs/`` in the repository)."""
    from importlib import resources

    return Path(str(resources.files(PACKAGE_CONFIGS)))


#: Settings that replace one another: given both, the second is ignored, so both are refused.
EXCLUSIVE = (("replications", "precision"),)
_RESOLVER = re.compile(r"\$\{\s*([\w.]+)\s*:\s*([^}]*)\}")
#: An opening ``${`` with the backslashes before it: OmegaConf reads ``\${`` (an odd run) as the text ``${``, not a reference.
_OPENING = re.compile(r"(\\*)\$\{")
HYDRA_GRAMMAR = "https://hydra.cc/docs/advanced/override_grammar/basic/"


def _composition_error() -> type:
    """:class:`CompositionError`, made on first use (it derives from a Hydra class: Hydra is imported only when composing)."""
    global CompositionError
    if CompositionError is None:
        from hydra.errors import ConfigCompositionException

        class _CompositionError(ConfigError, ConfigCompositionException):
            """A config Hydra could not compose: a :class:`~sim.config.checks.ConfigError` (one line per problem) and Hydra's own exception type."""

            def __init__(self, problems: list[str]) -> None:
                ConfigError.__init__(self, problems)

        _CompositionError.__name__ = _CompositionError.__qualname__ = "CompositionError"
        _CompositionError.__module__ = __name__
        CompositionError = _CompositionError
    return CompositionError


#: Raised for a config Hydra could not compose (see :func:`_composition_error`).
CompositionError: Any = None


def _first_line(text: Any) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _fields_of(cls: Any) -> dict[str, Any]:
    """Field name -> type of a (schema) dataclass."""
    hints = typing.get_type_hints(cls) if is_dataclass(cls) else {}
    return {f.name: hints.get(f.name, f.type) for f in fields(cls)} if is_dataclass(cls) else {}


def _takes_list(schema: Any, key: str) -> bool:
    """Whether the schema's top-level setting ``key`` has a list as its default."""
    found = next((f for f in fields(schema) if f.name == key), None) if is_dataclass(schema) else None
    if found is None:
        return False
    default = found.default_factory() if found.default_factory is not MISSING else found.default
    return isinstance(default, list)


def known_keys(schema: Any, parts: Sequence[str]) -> list[str] | None:
    """The keys allowed under the dotted path ``parts`` of a schema dataclass (None if the path leads nowhere known)."""
    node = schema
    for part in parts:
        if part.isdigit() and typing.get_origin(node) is list:
            node = typing.get_args(node)[0]
            continue
        members = _fields_of(node)
        if part not in members:
            return None
        node = members[part]
    if typing.get_origin(node) is list:
        return None
    return list(_fields_of(node)) or None


#: Titles the reference policy is shown with (sentences, the trainer's select), read as its name ``none``.
NO_LEVER = ("no_lever", "no_levers")


def unknown_name(key: str, name: str, known: Sequence[str]) -> str:
    """The line for a scenario or policy ``name`` that is not known: the closest known name, then every one.

    A title typed for a name (``Continuity plan``, ``continuity plan``, ``IT harmonisation first``,
    ``No lever``) is read in lower case with its spaces as underscores before the closest is sought,
    so it is offered the name it stands for; the name itself is not taken in its place. A name's
    beginning (``case04``, ``Case 04``: how the documents call a case) is offered the one name that
    begins so, when none is close as a whole.

    Parameters
    ----------
    key
        The setting as the user wrote it (``policy``, ``scenario``, ``policies[1]``).
    name
        The name given.
    known
        The names available.

    Returns
    -------
    str
        ``policy = 'Continuity plan' is not known (did you mean continuity_plan?) (available: ...)``.
    """
    plain = "_".join(name.replace("-", " ").lower().split())
    hint = did_you_mean("none" if plain in NO_LEVER and "none" in known else plain, known)
    if not hint:
        starting = [known_name for known_name in known if plain and known_name.replace("_", "").startswith(plain.replace("_", ""))]
        hint = did_you_mean(starting[0], starting) if len(starting) == 1 else ""  # the one name beginning so, worded as any hint
    return f"{key} = {name!r} is not known{hint} (available: {', '.join(known)})"


def unknown_key(path: str, schema: Any, command: str = "the command", groups: Sequence[str] = ()) -> str:
    """The line for a key that is neither a setting nor a parameter, with the closest name (the command's config ``groups`` too)."""
    parts = path.split(".")
    known = known_keys(schema, parts[:-1]) if schema is not None else None
    if len(parts) == 1:
        hint = did_you_mean(parts[0], [*(known or []), *groups])
        return f"{path} is not a setting or a section of {command}{hint or ' (see ' + command + ' --help)'}"
    if known:
        return f"{path} is not a parameter{did_you_mean(parts[-1], known) or ' (known: ' + ', '.join(known) + ')'}"
    return _unknown_section(path, schema) or f"{path} is not a parameter"


def _unknown_section(path: str, schema: Any) -> str | None:
    """The line for a dotted ``path`` through a section the schema does not have (``mechanisms.case09.x``), with the closest one (None: none such)."""
    parts = path.split(".")
    for depth in range(1, len(parts) - 1):
        if parts[depth].isdigit():  # a council's index
            continue
        members = known_keys(schema, parts[:depth]) if schema is not None else None
        if members is None:
            return None
        section = ".".join(parts[: depth + 1])
        if parts[depth] not in members:
            return f"{path} is not a parameter: {section} names nothing{did_you_mean(parts[depth], members) or ' (known: ' + ', '.join(members) + ')'}"
        through_list = parts[depth + 1].isdigit() and known_keys(schema, parts[: depth + 2]) is not None  # a list's item, by its index
        if known_keys(schema, parts[: depth + 1]) is None and not through_list:
            return f"{path} is not a parameter: {section} is a parameter, not a section"
    return None


def spec_at(path: str) -> Spec | None:
    """The declared :class:`~sim.core.declare.Spec` of a model parameter given by its dotted path (None if not one)."""
    from sim.config.model import ModelConfig
    from sim.core import levers
    from sim.core.contract import MechanismParams
    from sim.core.mechanisms import mechanisms
    from sim.core.params import CouncilParams, LeverParams

    parts = path.split(".")
    cls: Any = None
    if parts[0] == "councils" and len(parts) == 3 and parts[1].isdigit():
        cls = CouncilParams
    elif parts[0] == "mechanisms" and len(parts) == 3:
        cls = next((m.params for m in mechanisms() if m.name == parts[1]), MechanismParams)
    elif parts[0] == "levers" and len(parts) == 3 and parts[1] in levers.NAMES:
        cls = LeverParams
    elif parts[0] in SECTIONS and len(parts) == 2 and parts[0] not in ("councils", "mechanisms", "levers"):
        cls = typing.get_type_hints(ModelConfig)[parts[0]]
    if cls is None:
        return None
    found = {f.name: f for f in fields(cls)}.get(parts[-1])
    return found.metadata.get("spec") if found is not None else None


#: A list item named by its index in brackets, as the checks print a path (``councils[0]``).
_INDEXED = re.compile(r"\[(\d+)\]")


def _dotted(path: str) -> str:
    """A configuration's path as an override names it: ``councils[0].size`` is ``councils.0.size``."""
    return _INDEXED.sub(r".\1", path)


def unit_words(spec: Spec, gap: str = " ") -> str:
    """A parameter's unit as a line about its setting ends with it (`` [GBP m per year]``, after ``gap``); none for a name or a category."""
    return "" if spec.unit in ("text", "category") else f"{gap}[{spec.unit}]"


def path_title(path: str, councils: Sequence[str] = ()) -> str | None:
    """A parameter as a reader knows it, by its path: its declared meaning, after its council's name for a council's attribute.

    Parameters
    ----------
    path
        Its path as an override (``councils.1.size``, ``decisions.memory``) or a configuration (``councils[1].size``) names it.
    councils
        The councils' names by index; one beyond them is "council k+1" (counting from 1).

    Returns
    -------
    str or None
        "Westmere DC: relative size (1 = a typical district)" for ``councils.1.size``; None where the path names no parameter.
    """
    dotted = _dotted(path)
    spec = spec_at(dotted)
    if spec is None:
        return None
    parts = dotted.split(".")
    if parts[0] != "councils":
        return spec.doc
    k = int(parts[1])
    return f"{councils[k] if k < len(councils) else f'council {k + 1}'}: {spec.doc}"


def setting_words(path: str, value: Any, councils: Sequence[str] = (), exact: bool = False) -> str:
    """A setting of a scenario or a partnership in one line, as a reader reads it: what it is (:func:`path_title`), its unit, its value.

    "Northdale DC: how much the council's part in the partnership rests on one champion [0 .. 1]: varies between simulated
    partnerships: usually 0.34 to 0.92 (the middle 90%), on average 0.67"; a name or a category has no unit. The value is
    in plain words (:func:`~sim.config.distributions.plain_words`), or with ``exact`` as a scenario file writes it
    (:func:`~sim.config.distributions.describe`: ``beta(a=4, b=2), mean 0.67``).

    Parameters
    ----------
    path
        The setting's path (``councils[0].key_person_dependency``, ``councils.0.key_person_dependency``, ``partnership.governance``).
    value
        Its value: a fixed value or a distribution node.
    councils
        The councils' names by index.
    exact
        Give the value as a scenario file writes it.
    """
    from sim.config.distributions import describe, plain_words

    spec = spec_at(_dotted(path))
    if spec is None:
        raise ValueError(f"{path} is not a parameter of the model")
    shown = describe(value).strip("`") if exact else plain_words(value, spec)
    return f"{path_title(path, councils)}{unit_words(spec)}: {shown}"


def split_override(line: str) -> tuple[str, str]:
    """The key and the value of a command-line override ``key=value``, without parsing it as Hydra does.

    Parameters
    ----------
    line : str
        The override as typed (``+key=value``, ``++key=value``, ``~key`` and ``key=a=b`` too).

    Returns
    -------
    tuple of str
        The key without Hydra's ``+``, ``++`` or ``~`` prefix, and the text after the first
        ``=`` (empty when there is none).
    """
    key, _, value = line.partition("=")
    return key.lstrip("+~"), value


def parse(overrides: Sequence[str]) -> tuple[list[Any], list[str]]:
    """The parsed overrides and one line for each that cannot be read."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser = OverridesParser.create()
    parsed, problems = [], []
    for text in overrides:
        key, value = split_override(text)
        if _INDEXED.search(key):  # the path as error lines and describe() print it: councils[0].it_maturity
            problems.append(f"{key} cannot be set as written: a council (or other list item) is named by its position after a dot, {_dotted(key)}={value}")
            continue
        try:
            parsed += parser.parse_overrides([text])
        except HydraException as err:
            problems.append(f"{text} cannot be read as an override: {_first_line(err)} ({_quoting_hint(text)}: see {HYDRA_GRAMMAR})")
    return parsed, problems


#: Characters Hydra's grammar reads in a value only inside quotes (``~`` of a home folder, ``#``, ``&``...), besides its brackets.
_QUOTED_ONLY = "~!#&<>;^`="


def _quoting_hint(text: str) -> str:
    """How to write an override Hydra cannot read: quoted, where its value holds characters Hydra reads only inside quotes."""
    typed, _, value = text.partition("=")
    special = list(dict.fromkeys(c for c in value if c in _QUOTED_ONLY))
    if not special or "'" in value:
        return "quote a value with spaces, commas or brackets"
    return f"Hydra reads {' '.join(special)} in a value only inside quotes: {typed}='{value}'"


def _null_or_empty(override: Any) -> str | None:
    """The line for an override Hydra takes but that is refused here: ``null`` for a model parameter, an empty run folder."""
    if override.is_sweep_override() or override.is_delete():
        return None
    key, value = override.key_or_group, override.value()
    if key in ("hydra.run.dir", "hydra.sweep.dir") and (value is None or str(value).strip() == ""):
        return f"{key} = {value!r} is empty: give a folder for the results (or leave {key} out for outputs/DATE/TIME)"
    if value is None and key.split(".")[0] in SECTIONS:
        spec = spec_at(key)
        what = f"allowed: {allowed(spec)}" if spec is not None and spec.lo is not None else "give a value"
        if spec is not None and spec.choices:
            what = f"allowed: {', '.join(spec.choices)}"
        elif spec is not None and spec.unit == "flag":
            what = "allowed: true or false"
        return f"{key} = null is not a value ({what}); leave {key} out to keep the scenario's value"
    return None


def _exclusive(parsed: Sequence[Any]) -> list[str]:
    """Settings given together that exclude each other (a count and a precision target)."""
    given = {o.key_or_group: o for o in parsed}
    problems = []
    for first, second in EXCLUSIVE:
        a, b = given.get(first), given.get(second)
        if a is None or b is None or a.is_delete() or b.is_delete():
            continue
        if a.is_sweep_override() or b.is_sweep_override():
            problems += both_problems(split_override(a.input_line)[1], split_override(b.input_line)[1])
            continue
        values = [a.value(), b.value()]
        declared = specs(RunSettings)
        if not any(check_fixed(name, value, declared[name]) for name, value in zip((first, second), values, strict=True) if value is not None):
            problems += both_problems(*values)  # (a value out of range gets its own line from the settings' check)
    return problems


def _set_and_deleted(parsed: Sequence[Any]) -> dict[str, str]:
    """Key -> its line, for each key both set and deleted (``replications=10 ~replications``): Hydra took both, and the deletion dropped the value given."""
    deleted = {o.key_or_group: o.input_line for o in parsed if o.is_delete()}
    return {
        o.key_or_group: f"{o.input_line} and {deleted[o.key_or_group]} both given: one sets {o.key_or_group}, the other deletes it;"
        f" give {o.input_line} for that value, or {deleted[o.key_or_group]} alone for the default"
        for o in parsed
        if not o.is_delete() and o.key_or_group in deleted
    }


def override_problems(
    parsed: Sequence[Any], schema: Any = None, command: str = "the command", groups: Sequence[str] = (), settings: type | None = None
) -> list[str]:
    """Overrides that Hydra takes but that are refused here, each value of a sweep as a run of it would refuse it.

    A key that names no setting or parameter of ``schema`` (with the closest one, the command's
    config ``groups`` included), ``null`` for a model parameter, an empty run folder, a value a
    single run refuses (a parameter's against its declaration, a setting's against ``settings``,
    the command's settings dataclass; one line per distinct bad value of a sweep), a continuous
    sweep (``interval()``, which no launcher can list), settings that exclude each other. A multirun is checked with it before Hydra makes the sweep folder.
    """
    problems = []
    for override in parsed:
        unknown = _unknown(override, schema, command, groups)
        if unknown:
            problems.append(unknown)
        elif override.is_sweep_override() and not override.is_discrete_sweep():
            problems.append(
                f"{override.input_line} is a continuous range a multirun cannot list: give its values"
                " (0.2,0.5,0.8), range(start,stop,step) or choice(...); for points spread over a range, a design (sim-analyse design)"
            )
        else:
            problems += [line for one in each_value(override) for line in _one_value(one, settings)]
    return list(dict.fromkeys(problems + _exclusive(parsed) + list(_set_and_deleted(parsed).values())))


def each_value(override: Any) -> list[Any]:
    """The overrides a multirun's jobs get from ``override``: one per distinct value of a sweep (a comma list, ``range()``, ``choice()``), else itself.

    Each value is written and read again as Hydra's basic sweeper does for its jobs, so it is
    the value a job gets. A sweep that cannot be listed (``interval()``) gives none.
    """
    if not override.is_sweep_override():
        return [override]
    if not override.is_discrete_sweep():
        return []
    key = override.get_key_element()
    return parse(list(dict.fromkeys(f"{key}={value}" for value in override.sweep_string_iterator())))[0]


def _one_value(override: Any, settings: type | None) -> list[str]:
    """The lines a single run gives for one (not swept) override: ``null`` for a parameter, an empty run folder, a value out of range."""
    if override.is_delete():
        return []
    line = _null_or_empty(override)
    return [line] if line else value_problems(override.key_or_group, override.value(), settings)


def checks_path(key: str) -> str:
    """A dotted override key as the checks write the path (``councils.0.pace`` -> ``councils[0].pace``)."""
    return re.sub(r"^councils\.(\d+)\.", r"councils[\1].", key)


def value_problems(key: str, value: Any, settings: type | None = None) -> list[str]:
    """The lines a run given ``key=value`` reports for that value (empty if fine, or if ``key`` is no parameter or setting).

    Parameters
    ----------
    key
        A dotted override key: a model parameter (``councils.0.it_maturity``) or a setting (``seed``).
    value
        The value as Hydra reads it from the command line.
    settings
        The command's settings dataclass (:class:`~sim.config.settings.RunSettings`, ...), whose
        declarations check a setting's value; None: settings are not checked.

    Returns
    -------
    list[str]
        One line per problem, by the checks a single run uses: a value read from the
        environment or a resolver, :func:`sim.config.model.check_value` for a parameter,
        :func:`sim.config.settings.setting_problems` for a setting.
    """
    from sim.config.model import check_value
    from sim.config.settings import setting_problems

    if isinstance(value, str) and _RESOLVER.search(value):
        return _resolver_lines(checks_path(key), value)
    spec = spec_at(key)
    if spec is not None:
        return check_value(checks_path(key), value, spec)
    if settings is not None and key in {f.name for f in fields(settings)}:
        return setting_problems(settings, key, value)
    return []


#: The config groups of the model commands (chosen by name, ``scenario=NAME``), where a caller names none.
GROUPS = ("scenario", "policy", "sweep")


def _groups(groups: Sequence[str]) -> Sequence[str]:
    """The config groups a command has: ``groups``, or :data:`GROUPS` where it names none."""
    return groups or GROUPS


def _unknown(override: Any, schema: Any, command: str, groups: Sequence[str] = ()) -> str | None:
    """The line for an override of a key the schema does not have (None if known, or not known to be unknown)."""
    if override.is_delete():
        return None
    return _swept_param(override, command) or unknown_path(override.key_or_group, schema, command, groups)


#: Where a multirun's swept values live in a config (a sweep preset's ``hydra.sweeper.params``); none of its keys is set on the command line.
SWEEPER_PARAMS = "hydra.sweeper.params"


def _swept_param(override: Any, command: str) -> str | None:
    """The line for ``hydra.sweeper.params.KEY=...`` or ``hydra.sweeper.params={...}`` (``+`` or ``++`` too): Hydra failed on it
    with a traceback (``AssertionError: Unexpected type for root: NoneType``, its params being null) or refused sweeping over its own config."""
    key, value = override.key_or_group, override.value()
    if key == SWEEPER_PARAMS:
        typed = " ".join(f"{name}={values}" for name, values in value.items()) if isinstance(value, dict) and value else "KEY=VALUES"
    elif key.startswith(f"{SWEEPER_PARAMS}."):
        typed = f"{key.removeprefix(f'{SWEEPER_PARAMS}.')}={split_override(override.input_line)[1]}"
    else:
        return None
    return (
        f"{override.input_line}: {SWEEPER_PARAMS} is not set on the command line; a multirun's values are given as"
        f" {typed} ({command} -m {typed}), or under {SWEEPER_PARAMS} in a config (a sweep preset, configs/sweep/)"
    )


def unknown_path(key: str, schema: Any, command: str = "the command", groups: Sequence[str] = ()) -> str | None:
    """The line for a dotted ``key`` the schema does not have, with the closest known name (None if known, or not known to be unknown).

    The command line's overrides and a design file's columns are checked by it.
    """
    if schema is None or key.startswith("hydra.") or key in ("hydra", *_groups(groups)) or "@" in key or "/" in key:
        return None  # a config group the command has is chosen, not set (without ``groups``: any of the model's)
    if key == "sweep":
        return f"sweep is not a setting of {command}: a sweep preset (configs/sweep/) is run by sim-run, e.g. sim-run -m sweep=cases_by_policy"
    parts = key.split(".")
    if len(parts) > 1 and parts[0] in _groups(groups) and parts[0] not in _fields_of(schema):
        return _through_group(key, schema, command, groups)
    known = known_keys(schema, parts[:-1]) if len(parts) > 1 else list(_fields_of(schema))
    if known is None:
        return _unknown_section(key, schema)
    if parts[-1] in known:
        return None
    return unknown_key(key, schema, command, groups)


def _through_group(path: str, schema: Any, command: str, groups: Sequence[str]) -> str:
    """The line for a dotted ``path`` through a config group (``scenario.foo``): a group is chosen by name, and what it sets has its own path.

    The path itself is offered where it is one (``scenario.councils.0.size``: ``councils.0.size``), else the one
    model section that has it (``policy.continuity_plan.enabled``: ``levers.continuity_plan.enabled``), else the
    closest setting or parameter path; then the schema's model sections.
    """
    group, _, rest = path.partition(".")
    top = list(_fields_of(schema))
    sections = [name for name in SECTIONS if name in top]
    paths = [*top, *(f"{section}.{key}" for section in sections for key in known_keys(schema, [section]) or [])]
    paths += [f"councils.0.{key}" for key in known_keys(schema, ["councils", "0"]) or []] if "councils" in top else []
    known = rest.split(".")[0] in top and unknown_path(rest, schema, command, groups) is None
    parts = rest.split(".")
    within = [f"{section}.{rest}" for section in sections if parts[-1] in (known_keys(schema, [section, *parts[:-1]]) or [])]
    if known:
        hint = f" (did you mean {rest}?)"
    elif len(within) == 1:  # policy.continuity_plan.enabled: the lever's own path is levers.continuity_plan.enabled
        hint = f" (did you mean {within[0]}?)"
    else:
        hint = did_you_mean(rest, paths)
    return (
        f"{path} is not a parameter: {group} is a config group, chosen by name ({group}=NAME), and what it sets has its own path"
        f"{hint} (known sections: {', '.join(sections)}; settings: see {command} --help)"
    )


def _walk(node: Any, path: str) -> typing.Iterator[tuple[str, Any]]:
    """(path as the checks write it, raw node) of every value in a config, interpolations unresolved."""
    if isinstance(node, (DictConfig, ListConfig)):
        if node._is_interpolation():
            yield path, node
            return
        if node._is_missing() or node._is_none():
            return
        if isinstance(node, DictConfig):
            for key in node.keys():
                yield from _walk(node._get_node(key), f"{path}.{key}")
        else:
            for i in range(len(node)):
                yield from _walk(node._get_node(i), f"{path}[{i}]")
        return
    yield path, node


def interpolated(cfg: DictConfig, skip: Sequence[str] = ("hydra",)) -> list[tuple[str, str]]:
    """``(path, line)`` for every value that reads the environment, calls a resolver (``${oc.env:HOME}``) or names no setting (``${oops}``)."""
    found = []
    for key in cfg.keys() if isinstance(cfg, DictConfig) else ():
        if key in skip:
            continue
        for path, node in _walk(cfg._get_node(key), str(key)):
            raw = node._value() if hasattr(node, "_value") else None
            if isinstance(raw, str):
                found += [(path, line) for line in _resolver_lines(path, raw) or _reference_lines(path, node, raw)]
    return found


def literal(text: str) -> str:
    """``text`` written so that OmegaConf (and so Hydra and every YAML file of a scenario) reads it as itself.

    A ``${`` in a value is a reference to another setting (``${x}``) or a resolver (``${oc.env:HOME}``):
    a council called ``Mid ${x} DC`` written as it is reads as a reference to a setting ``x``. Each
    ``${`` is escaped (``\\${``), and the backslashes just before it doubled (OmegaConf reads them in pairs).
    """
    return _OPENING.sub(lambda match: 2 * match.group(1) + "\\${", text)


def _references(raw: str) -> str:
    """``raw`` without its escaped ``${`` (the text itself, see :func:`literal`): what is left of it that OmegaConf resolves."""
    return _OPENING.sub(lambda match: match.group(0) if len(match.group(1)) % 2 == 0 else "", raw)


def _reference_lines(path: str, node: Any, raw: str) -> list[str]:
    """One line for a value ``raw`` at ``path`` whose ``${...}`` refers to a setting that cannot be read (``${oops}``)."""
    from omegaconf.errors import InterpolationResolutionError

    if "${" not in _references(raw):
        return []
    try:
        node._dereference_node()
    except InterpolationResolutionError as err:
        missing = re.match(r"Interpolation key '([^']*)' not found", str(err))
        reason = f"there is no setting {missing.group(1)}" if missing else _first_line(err)
        return [
            f"{path} = {raw} reads ${{...}} as the value of another setting, and {reason}: for the text itself, put a backslash"
            f" before each ${{ ({path} = {literal(raw)})"
        ]
    return []


def _resolver_lines(path: str, raw: str) -> list[str]:
    """One line for each resolver the value ``raw`` at ``path`` calls (the environment, ``${oc.env:HOME}``, or another)."""
    lines = []
    for name, argument in _RESOLVER.findall(_references(raw)):
        if name in ("oc.env", "env"):
            variable = argument.split(",")[0].strip()
            lines.append(f"{path} = {raw} reads the environment variable {variable}: write the value itself (values from the environment are not allowed)")
        else:
            lines.append(f"{path} = {raw} calls the resolver {name}: write the value itself (resolvers are not allowed in settings or model values)")
    return lines


def interpolation_problems(cfg: DictConfig, skip: Sequence[str] = ("hydra",)) -> list[str]:
    """Values that read the environment or call a resolver (``${oc.env:HOME}``): refused, so results depend on the config alone."""
    return [line for _, line in interpolated(cfg, skip)]


def without(cfg: DictConfig, paths: Sequence[str]) -> DictConfig:
    """A copy of ``cfg`` with the values at ``paths`` set to None ("not given"), so the rest can still be checked."""
    import copy

    from omegaconf import OmegaConf, open_dict

    cfg = copy.deepcopy(cfg)
    with open_dict(cfg):
        for path in paths:
            OmegaConf.update(cfg, path, None, merge=False)
    return cfg


def extra_keys(cfg: DictConfig, schema: Any, command: str, groups: Sequence[str] = ()) -> list[str]:
    """Top-level keys the schema does not have (added with ``+key=value``)."""
    known = set(_fields_of(schema))
    return [unknown_key(str(key), schema, command, groups) for key in cfg.keys() if key != "hydra" and key not in known]


def _defaults_of(path: Path) -> list[str]:
    """The plain entries of a YAML file's defaults list (names in the same group)."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    entries = data.get("defaults", []) if isinstance(data, dict) else []
    return [e for e in entries if isinstance(e, str) and e != "_self_" and "/" not in e and ":" not in e]


def _cycle(group: str, start: str, folders: Sequence[Path]) -> list[str] | None:
    """A chain of defaults in ``group`` from ``start`` that comes back to a file already on it."""

    def find(name: str) -> Path | None:
        return next((folder / group / f"{name}.yaml" for folder in folders if (folder / group / f"{name}.yaml").is_file()), None)

    chain = [start]
    while True:
        path = find(chain[-1])
        nxt = _defaults_of(path) if path is not None else []
        if not nxt:
            return None
        if nxt[0] in chain:
            return [*chain[chain.index(nxt[0]) :], nxt[0]]
        chain.append(nxt[0])
        if len(chain) > 50:
            return None


def composition_problems(
    err: BaseException, overrides: Sequence[str], folders: Sequence[Path], schema: Any = None, command: str = "the command", groups: Sequence[str] = ()
) -> list[str]:
    """One line for an exception Hydra raised composing the config (None of its traceback)."""
    import yaml
    from hydra.errors import MissingConfigException, OverrideParseException

    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        where = f"{mark.name}, line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "a YAML file"
        return [f"{where}: {err.problem or err.context or _first_line(err)} (YAML syntax error)"]
    if isinstance(err, RecursionError):
        choices = dict(split_override(o) for o in overrides if "=" in o)
        for group in ("scenario", "policy"):
            cycle = _cycle(group, choices.get(group, "baseline" if group == "scenario" else "none"), folders)
            if cycle:
                chain = " -> ".join(cycle)
                return [f"{group} = {cycle[0]!r}: its defaults list leads back to itself ({chain}); a {group} may start from another {group}, not from itself"]
        return ["the defaults lists of the scenario or policy files lead back to themselves (a file that starts from itself): check their defaults"]
    if isinstance(err, OverrideParseException):
        _, problems = parse(overrides)
        return problems or [f"an override cannot be read: {_first_line(err)} (see {HYDRA_GRAMMAR})"]
    if isinstance(err, MissingConfigException):
        missing = str(getattr(err, "missing_cfg_file", "") or "")
        group, _, name = missing.rpartition("/")
        options = list(getattr(err, "options", None) or [])
        if missing.startswith("hydra/launcher/submitit_"):  # hydra/launcher=slurm (or submitit_local) without the plugin
            return [f"{_first_line(err).rstrip('.')}: the SLURM launcher needs the [slurm] extra, which is not installed: pip install 'partnership-sim[slurm]'"]
        if f"{group}={name}" in overrides:  # a choice the user typed: scenario=basline, hydra/launcher=joblb
            return [unknown_name(group, name, options)]
        if missing:
            return [f"{_first_line(err)}{' (available in ' + group + ': ' + ', '.join(options) + ')' if options else ''}"]
        return [_first_line(err)]
    cause = err.__cause__
    text = _first_line(err)
    ambiguous = re.match(r"Ambiguous value for argument '([^=']+)=([^']*)'", text)
    if ambiguous:
        key, value = ambiguous.groups()
        sweep = f"{key} = {value}: values separated by commas are a sweep, which needs -m (a multirun)"
        return [f"{sweep}; this setting takes a list, written in brackets: {key}=[{value}]" if _takes_list(schema, key) else sweep]
    match = re.match(r"Could not override '([^']+)'", text) or re.match(r"Could not append to config\. An item is already at '([^']+)'", text)
    if match and "not in" in str(cause or ""):
        return [_unknown_hydra_key(match.group(1), cause) or unknown_key(match.group(1), schema, command, groups)]
    if match and cause is None and text.startswith("Could not append"):  # +key=value for a key the config has
        key = match.group(1)
        typed = next((o for o in overrides if o.startswith("+") and not o.startswith("++") and split_override(o)[0] == key), f"+{key}=...")
        return [f"{typed}: {key} is set already, and + adds only a key that is not there: write {typed[1:]} to change it"]
    if match:
        return [f"{match.group(1)}: {_first_line(cause) or text}"]
    merging = re.match(r"Error merging override (.+)", text)
    if merging:
        key = split_override(merging.group(1))[0]
        index = re.match(r"councils\.(\d+)\.", key)
        if index and "councils" in str(cause or "") and "Invalid type assigned" in str(cause or ""):
            return [f"{merging.group(1)}: the scenario has fewer than {int(index.group(1)) + 1} councils (councils are numbered from 0)"]
        return [f"{merging.group(1)}: {_first_line(cause) or text}"]
    return [f"{text}{': ' + _first_line(cause) if cause is not None and _first_line(cause) else ''}"]


def _undeletable(line: str, command: str) -> str:
    """The line for ``~hydra.KEY``, one of Hydra's own settings deleted (``~hydra.run.dir``), where Hydra's said only that it cannot be.

    Hydra's settings are declared with their defaults and can be changed, not removed: a section of them that
    is a config group (``hydra.launcher``, ``hydra.job_logging``) is chosen by name (``hydra/launcher=NAME``),
    another section (``hydra.run``) has its keys changed one at a time, and a key is given a value.
    """
    key = split_override(line)[0]
    base = compose_problems("config", [], return_hydra_config=True)[0]
    group = key.replace(".", "/", 1)
    node = OmegaConf.select(base, key) if base is not None else None
    if base is not None and group in base.hydra.runtime.choices:
        change = f"{group}=NAME chooses another"
    elif isinstance(node, DictConfig):
        change = f"{key}.KEY=VALUE changes one of its settings (known: {', '.join(str(k) for k in node.keys())})"
    else:
        change = f"{key}=VALUE changes it"
    return (
        f"{line}: {key} is one of Hydra's own settings, which can be changed but not deleted: {change} "
        f"(see {command} --hydra-help); leave {line} out for its default"
    )


def _unknown_hydra_key(path: str, cause: BaseException | None) -> str | None:
    """The line for a ``hydra.`` key its section has not (``hydra.launcher.njobs``), with the closest key and every key of the section.

    Where a section on the way is misspelt (``hydra.runn.dir``), the line names that section (``hydra.runn is not a section of hydra``)
    and the keys of the one it is not in (OmegaConf's ``cause.full_key``).

    Hydra's sections (a launcher's, a sweeper's) are no part of the model's schema: their keys are those of the section
    the key was refused by (``cause.parent_node``, OmegaConf's). None for any other key, or without the section.
    """
    section = getattr(cause, "parent_node", None)
    if not path.startswith("hydra.") or not isinstance(section, DictConfig):
        return None
    known = [str(key) for key in section.keys() if not str(key).startswith("_")]
    missing = str(getattr(cause, "full_key", "") or path)  # hydra.runn of hydra.runn.dir: the first part the section has not
    return _not_in(path, missing if path.startswith(f"{missing}.") else path, known)


def _not_in(path: str, missing: str, known: Sequence[str]) -> str:
    """The line for a dotted ``path`` whose part ``missing`` (the path itself, or a section on its way) is not among the ``known`` keys of its section.

    ``hydra.runn is not a setting of hydra (did you mean run?) (known: run, sweep, ...)``; ``hydra.runn.dir: hydra.runn is not a
    section of hydra (...)``; a section without keys (Hydra's basic launcher) ``..., which has none``.
    """
    within, _, key = missing.rpartition(".")
    within = within or "the config"
    what = f"{path} is not a setting of {within}" if missing == path else f"{path}: {missing} is not a section of {within}"
    if not known:
        return f"{what}, which has none"
    return f"{what}{did_you_mean(key, known)} (known: {', '.join(known)})"


def _missing_in(cfg: DictConfig | None, path: str, added: bool = False) -> str | None:
    """The line for a dotted ``path`` the composed ``cfg`` has not, naming its first missing part and the keys beside it (None: it has it).

    ``added``: the path is to be added (``+hydra.foo=1``), so only a part missing from a declared section is a problem: a
    section that takes any key (``hydra.job.env_set``, ``hydra.job_logging``: a dict, not a dataclass) takes a new one, as
    does a section not set yet (``hydra.sweeper.params``). Without ``cfg`` (it could not be composed) None.
    """
    parts = path.split(".")
    node: Any = cfg
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth])
        if not isinstance(node, DictConfig) or node._is_none() or node._is_missing():
            return None if added or node is None else f"{path}: {here} is {'not set (null)' if node._is_none() else 'a value'}, not a section"
        if part not in node:
            if added and not is_dataclass(OmegaConf.get_type(node)):
                return None
            return _not_in(path, ".".join(parts[: depth + 1]), [str(key) for key in node.keys() if not str(key).startswith("_")])
        node = node._get_node(part)
    return None


def _deleted_group(override: Any, command: str, groups: Sequence[str]) -> str | None:
    """The line for ``~GROUP``, a config group deleted (``~policy``, ``~hydra/job_logging``): None for any other override.

    Deleting the model's scenario or policy, or one of Hydra's groups, left a config the run failed on later: a
    misleading line (``~scenario``: the scenario has 0 councils), two lines from the job (``~policy``) or a traceback
    (``~hydra/job_logging``). A group is chosen: its line says how.
    """
    key = override.key_or_group
    if not override.is_delete() or not (key in _groups(groups) or "/" in key):
        return None
    listed = "--hydra-help" if key.startswith("hydra/") else "--help"
    return f"~{key}: a config group is chosen, not deleted: {key}=NAME chooses another (see {command} {listed}); leave ~{key} out for the default"


def _refused_deletion(err: BaseException) -> str | None:
    """The key of the deletion ``~KEY`` Hydra refused composing (nothing at ``KEY``, or one of its own settings), None for another error."""
    missing = re.match(r"Could not delete from config\. '([^']+)' does not exist\.", _first_line(err))
    if missing:
        return missing.group(1)
    merging = re.match(r"Error merging override ~(\S+)$", _first_line(err))
    return merging.group(1) if merging and "does not support deletion" in str(err.__cause__ or "") else None


def _nothing_to_delete(path: str, cfg: DictConfig | None, schema: Any, command: str, groups: Sequence[str]) -> str:
    """The line for ``~path`` when Hydra found nothing to delete there: a key that names no setting (with the known ones), or one that is not set.

    ``cfg``: the config composed without the deletion (Hydra's settings in it), None where it could not be composed.
    """
    if cfg is None:
        return f"~{path} deletes nothing: there is no {path}"
    missing = _missing_in(cfg, path)
    if missing is None:
        return f"~{path} deletes nothing: {path} is not set (null), and only a setting that has a value can be deleted"
    if not path.startswith("hydra.") and schema is not None:  # the line a misspelt model key has when it is set
        missing = unknown_path(path, schema, command, groups) or unknown_key(path, schema, command, groups)
    return f"~{path} deletes nothing: {missing}"


def compose_problems(
    config_name: str,
    overrides: Sequence[str] = (),
    config_dir: str | Path | None = None,
    *,
    return_hydra_config: bool = False,
    schema: Any = None,
    command: str = "the command",
    groups: Sequence[str] = (),
) -> tuple[DictConfig | None, list[str], bool]:
    """The composed config and every problem found composing it: ``(cfg or None, problems, whether keys or the composition failed)``.

    Overrides that cannot be read, name no setting or parameter (``+replicatons=10``), give
    ``null`` for a parameter or an empty run folder are reported and left out, and the rest is
    composed, so that the values' own problems can be reported with them (all at once). A
    misspelt key gets the closest setting, section or config group (``groups``: ``polcy`` -> ``policy``).
    """
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from sim.config import schema as schemas

    overrides = list(overrides)
    if config_dir is not None and not Path(config_dir).is_dir():
        return None, [f"config folder {str(config_dir)!r} is not a folder (it should hold scenario/NAME.yaml and policy/NAME.yaml)"], True
    parsed, problems = parse(overrides)
    keys_failed = bool(problems)
    usable = []
    for override in parsed:
        unknown = _unknown(override, schema, command, groups) or _deleted_group(override, command, groups)
        refused = unknown or _null_or_empty(override)
        keys_failed |= unknown is not None
        if refused:
            problems.append(refused)
        else:
            usable.append(override)
    both = _set_and_deleted(usable)  # the rest is composed without the deletion: its line is the one problem of that key
    usable = [o for o in usable if not (o.is_delete() and o.key_or_group in both)]
    problems += _exclusive(usable) + list(both.values())
    folders = [Path(config_dir)] if config_dir else []
    folders.append(config_root())
    extra = [f"hydra.searchpath=[file://{Path(config_dir).resolve()}]"] if config_dir else []
    schemas.register()
    GlobalHydra.instance().clear()
    lines = [o.input_line for o in usable]
    try:
        with initialize_config_dir(config_dir=str(config_root()), version_base="1.3"):
            cfg = compose(config_name, overrides=[*lines, *extra], return_hydra_config=return_hydra_config)
    except (HydraException, OmegaConfBaseException, RecursionError, ImportError, ValueError, OSError, __import__("yaml").YAMLError) as err:
        path = _refused_deletion(err)
        rest = [o for o in overrides if not (o.startswith("~") and split_override(o)[0] == path)]
        if path is None or rest == overrides:
            return None, problems + composition_problems(err, lines, folders, schema, command, groups), True
        # ~KEY with nothing at KEY, or one of Hydra's own settings: the rest is composed without it, so that its own problems
        # (those of its values too: the config is returned) are said with the deletion's line
        cfg, others, _ = compose_problems(config_name, rest, config_dir, return_hydra_config=True, schema=schema, command=command, groups=groups)
        shipped = cfg if cfg is not None else compose_problems(config_name, [], config_dir, return_hydra_config=True)[0]
        line = _nothing_to_delete(path, shipped, schema, command, groups) if "does not exist" in _first_line(err) else _undeletable(f"~{path}", command)
        return (cfg if return_hydra_config else None), [*others, line], True
    finally:
        GlobalHydra.instance().clear()
    extra_problems = extra_keys(cfg, schema, command, groups) if schema is not None else []
    added = [o for o in usable if (o.is_add() or o.is_force_add()) and o.key_or_group.startswith("hydra.")]
    if added and return_hydra_config:  # +hydra.foo=1: Hydra takes a key its section does not declare, and nothing reads it
        typed = {o.input_line for o in added}
        base = compose_problems(config_name, [o for o in overrides if o not in typed], config_dir, return_hydra_config=True)[0]
        extra_problems += [line for o in added if (line := _missing_in(base, o.key_or_group, added=True))]
    return cfg, problems + extra_problems + interpolation_problems(cfg), keys_failed or bool(extra_problems)


def compose_checked(
    config_name: str,
    overrides: Sequence[str] = (),
    config_dir: str | Path | None = None,
    *,
    return_hydra_config: bool = False,
    schema: Any = None,
    command: str = "the command",
    groups: Sequence[str] = (),
) -> DictConfig:
    """The composed config (from the package's ``configs/``, then ``config_dir``), or :class:`ConfigError` with one line per problem.

    Checks the overrides themselves (see :func:`override_problems`), the composition (a
    misspelt key, a missing or broken YAML file, defaults that lead back to themselves), keys
    added that the schema lacks and values read from the environment. The values
    themselves are checked by :func:`sim.config.model.model_config` and the commands' settings.
    A key or composition problem raises :data:`CompositionError` (also a Hydra
    ``ConfigCompositionException``), any other a plain :class:`ConfigError`.
    """
    cfg, problems, failed = compose_problems(
        config_name, overrides, config_dir, return_hydra_config=return_hydra_config, schema=schema, command=command, groups=groups
    )
    if problems:
        raise (_composition_error() if failed else ConfigError)(problems)
    return cfg

"""What the commands share: bad input as one line per problem, the run folder, provenance lines and a progress bar.

The checks each command runs before Hydra starts (:func:`compare_check`; ``sim-run``'s :func:`sim.cli.run.run_check`,
with the raw arguments' :func:`argv_problems`) and the space its results need
(:func:`run_need`) are here too; :mod:`sim.cli.guard` calls them.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import MISSING, fields
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf
from tqdm import tqdm

from sim.cli import guard
from sim.config.checks import EXIT_BAD_INPUT, ConfigError
from sim.config.model import ModelConfig
from sim.config.overrides import compose_checked, each_value, interpolated, parse, split_override, unknown_name, unknown_path, without
from sim.config.scenarios import available, model_sections
from sim.config.settings import NO_POLICY, CompareSettings, RunSettings, available_cores, compare_settings, run_settings
from sim.config.uncertainty import uncertainty_problems
from sim.core.declare import DISTRIBUTIONS
from sim.results.files import results_bytes

_NAMES = re.compile(r"[\w.-]+(,[\w.-]+)*")
#: A distribution written unquoted, which Hydra would read as one of its own functions.
_UNQUOTED_DIST = re.compile(rf"({'|'.join(f for f in DISTRIBUTIONS if f != 'choice')})\(.*\)")


def fail(problems: Sequence[str]) -> NoReturn:
    """Print one ``error:`` line per problem on stderr and exit with :data:`EXIT_BAD_INPUT`."""
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


def name_problems(argv: Sequence[str], groups: Sequence[str], lists: Sequence[tuple[str, str]] = ()) -> list[str]:
    """Unknown ``group=name`` choices (also comma-separated sweeps), and in a multirun unknown names in a list setting's values, one line each.

    Hydra's own message lists its whole search path over many lines; this one names the
    choice and the names available, a folder of one's own (``--config-dir``) included.
    Skipped when the user adds config folders otherwise (a search path, ``-cd``, ``--config-path``).

    Parameters
    ----------
    argv
        The arguments as given.
    groups
        The config groups whose ``group=name`` choices are checked (``scenario``, ``policy``).
    lists
        ``(setting, group)``: settings that take a list of a group's names (``policies``), as :func:`help_text` names them.
        Each list a multirun's ``setting=`` gives (each of a sweep's, ``[none,a],[none,b]``) is checked as a single run's
        (:func:`unknown_policies`): the whole multirun is refused before it starts rather than each point failing as it runs.
        Names alone separated by commas (``policies=none,all_levers``: a sweep of single names, which no point takes) are one
        line saying how to write the list. A single run has them checked with its other settings (:func:`compare_check`).
    """
    if any("searchpath" in arg or arg.startswith(("-cd", "--config-path", "-cp")) for arg in argv):
        return []
    config_dir, refused = config_dir_of(argv)
    if refused or (config_dir is not None and not Path(config_dir).is_dir()):  # refused with a line of its own
        return []
    problems = []
    for arg in argv:
        key, sep, value = arg.partition("=")
        if sep and key in groups and _NAMES.fullmatch(value):
            known = available(key, config_dir)
            problems += [unknown_name(key, name, known) for name in value.split(",") if name not in known]
    settings = dict(lists) if guard.multirun_asked(argv) else {}
    parsed = parse([arg for arg in argv if split_override(arg)[0] in settings])[0]  # a line Hydra cannot read has its own problem line
    for override in parsed:
        key, group = override.key_or_group, settings[override.key_or_group]
        values = [one.value() for one in each_value(override)]
        if override.is_sweep_override() and not any(isinstance(value, list) for value in values):
            names = ",".join(str(value) for value in values)
            problems.append(
                f"{key} = {names}: a sweep of single names, one {group} per point, and each point takes a list:"
                f" write it in brackets, {key}=[{names}] (to sweep lists: {key}=[none,a],[none,b])"
            )
            continue
        known = available(group, config_dir)
        for listed in values:
            problems += [line for line in unknown_policies(listed if isinstance(listed, list) else [], known, key) if line not in problems]
    return problems


def quoting_problems(argv: Sequence[str]) -> list[str]:
    """Distributions given unquoted on the command line, which Hydra would take for functions of its own.

    (``choice(...)`` is left to Hydra: in a multirun it is a sweep.)
    """
    problems = []
    for arg in argv:
        key, sep, value = arg.partition("=")
        if sep and _UNQUOTED_DIST.fullmatch(value.strip()):
            problems.append(f"{key} = {value} must be quoted for Hydra: \"{key}='{value}'\"")
    return problems


def _values(cfg: DictConfig) -> dict[str, Any]:
    """The command's settings and model values as plain data (Hydra's own section left out)."""
    keys = [key for key in cfg.keys() if key != "hydra"]
    return OmegaConf.to_container(OmegaConf.masked_copy(cfg, keys), resolve=True)


def problems_of(cfg: DictConfig, settings_of: Callable[[dict[str, Any]], Any]) -> tuple[Any, ModelConfig | None, list[str]]:
    """The command's settings, model configuration and every problem found with them.

    Values read from the environment are refused and the rest still checked; a value Hydra
    cannot resolve is one line too. Settings or configuration that could not be made are None.
    """
    found = interpolated(cfg)
    problems = [line for _, line in found]
    if found:
        cfg = without(cfg, [path for path, _ in found])
    settings = config = None
    try:
        values = _values(cfg)
        for path, _ in found:
            if path in values and values[path] is None:
                del values[path]  # a setting: checked as not given
        settings = settings_of(values)
    except ConfigError as err:
        problems += err.problems
    except Exception as err:  # an interpolation or value Hydra could not resolve
        problems.append(f"{type(err).__name__}: {' '.join(str(err).split())}")
    try:
        config = model_sections(cfg)
    except ConfigError as err:
        problems += err.problems
    except Exception as err:
        problems.append(f"{type(err).__name__}: {' '.join(str(err).split())}")
    return settings, config, problems


#: Settings a design does not take (each point would need its own run): the message says what to do instead.
DESIGN_REFUSED = {
    "precision": "precision needs a run per point: use replications (or a multirun)",
    "attribution": "attribution=counterfactual reruns single points: use a multirun",
    "engine": "engine=mesa runs one replication at a time: designs run on the ensemble",
    "save_events": "save_events is not available with a design: rerun the points you need with sim-run",
    "save_trajectories": "save_trajectories is not available with a design: rerun the points you need with sim-run",
    "figures": "figures is not available with a design: draw them from sweep.parquet",
}


def design_refusals(settings: Any) -> list[str]:
    """One line for each setting of ``settings`` a design does not take (:data:`DESIGN_REFUSED`)."""
    defaults = {f.name: f.default for f in fields(RunSettings) if f.name in DESIGN_REFUSED}
    return [f"design: {DESIGN_REFUSED[name]}" for name, default in defaults.items() if getattr(settings, name) != default]


def design_file_problems(path: Any) -> list[str]:
    """Every problem with the design file ``path`` (relative to the working folder): missing, unreadable, malformed, a column naming no parameter."""
    from sim.frontends.design import DesignError, read_design

    try:
        read_design(Path(str(path)))
    except DesignError as err:
        return err.problems
    return []


def unknown_policies(listed: Sequence[Any], known: Sequence[str], setting: str = "policies") -> list[str]:
    """One line for each name of a ``setting`` list (``policies``) that ``known`` has not (``policies[1] = 'nope' is not known ...``)."""
    return [unknown_name(f"{setting}[{i}]", p, known) for i, p in enumerate(listed) if isinstance(p, str) and p not in known]


def compare_check(cfg: DictConfig, args: Any) -> list[str]:
    """Every problem with a ``sim-compare`` config: its settings, the policies' names and each policy's model configuration."""
    from sim.config.schema import run_schema

    settings, _, problems = problems_of(cfg, compare_settings)
    names = cfg.get("policies")  # read as given, so that unknown names are reported with the settings' own problems
    known = available("policy", args.config_dir)
    listed = list(names) if OmegaConf.is_list(names) else []
    unknown = unknown_policies(listed, known)
    if problems or settings is None or unknown:
        return problems + unknown
    problems += uncertainty_problems(settings, fixed_paths(args.overrides), chose_uncertainty(args.overrides))[1]
    scenario = OmegaConf.select(cfg, "hydra.runtime.choices.scenario", default=None) or "baseline"
    # a key that names nothing has its line already (sim-compare's, with the closest name): left out here, it gets no second one
    compare_schema = run_schema(CompareSettings, "CompareSchema")
    keys = [split_override(o)[0] for o in args.overrides]
    overrides = [
        o
        for o, key in zip(args.overrides, keys, strict=True)
        if key.split(".")[0] not in ("policies", "scenario", "hydra") and unknown_path(key, compare_schema) is None
    ]
    for policy in settings.policies:
        try:
            model_sections(compose_checked("config", [f"scenario={scenario}", f"policy={policy}", *overrides], args.config_dir))
        except ConfigError as err:
            problems += [line for line in err.problems if line not in problems]
    return problems


def _settings_and_config(cfg: DictConfig, settings_of: Callable[[dict[str, Any]], Any]) -> tuple[Any, ModelConfig | None]:
    settings, config, problems = problems_of(cfg, settings_of)
    return (None, None) if problems else (settings, config)


def run_need(cfg: DictConfig) -> int:
    """Bytes the results of a ``sim-run`` config will take (an estimate; 0 if the config has problems)."""
    settings, config = _settings_and_config(cfg, run_settings)
    if settings is None or config is None:
        return 0
    if settings.precision is None:
        replications = settings.replications
    else:  # the most a precision target can take: the Wilson half-width at p = 1/2, plus a block
        replications = int(1.96**2 * 0.25 / settings.precision**2) + settings.block_size
    return results_bytes(replications, config.n_councils, events=settings.save_events, figures=settings.figures)


def compare_need(cfg: DictConfig) -> int:
    """Bytes the results of a ``sim-compare`` config will take (one row per policy: small)."""
    return results_bytes(0, 0)


def argv_problems(argv: Sequence[str], groups: Sequence[str], lists: Sequence[tuple[str, str]] = ()) -> list[str]:
    """Problems with the raw arguments: unquoted distributions, unknown scenario or policy names (:func:`name_problems`)."""
    return quoting_problems(argv) + name_problems(argv, groups, lists)


def folder_argv_problems(argv: Sequence[str], groups: Sequence[str], lists: Sequence[tuple[str, str]] = ()) -> list[str]:
    """Problems with the raw arguments of a command whose ``out=`` is a run's folder or, with ``-m``, a sweep's (``sim-run``, ``sim-compare``, ``sim-search``).

    Parameters
    ----------
    argv
        The arguments as given (``out=D`` already given as the Hydra folder too: :func:`out_as_folder`).
    groups
        The config groups the command takes (``scenario``, ``policy``...), whose names are checked.
    lists
        ``(setting, group)``: settings that take a list of a group's names (``policies``), whose names a multirun's are checked.

    Returns
    -------
    list[str]
        One line per problem: those of :func:`argv_problems`, then those of ``out=`` (:func:`out_problems` with ``sweep_folder``).
    """
    return argv_problems(argv, groups, lists) + out_problems(argv, sweep_folder=True)


def given_settings(argv: Sequence[str]) -> dict[str, str]:
    """The ``key=value`` settings on a command line, by key (``+key`` as ``key``: see :func:`~sim.config.overrides.split_override`)."""
    return dict(split_override(arg) for arg in argv if "=" in arg)


def out_problems(argv: Sequence[str], sweep_folder: bool = False) -> list[str]:
    """Problems with ``out=`` on a command line, found before anything runs: a file on its path, a folder that cannot be written,
    and another folder named for the same results.

    ``out=`` names one folder: a single run's (as ``hydra.run.dir``); with ``sweep_folder``, a
    multirun's (as ``hydra.sweep.dir``: its points in ``out/0``, ``out/1``...), which is then one
    folder, not swept. Without ``sweep_folder`` a multirun is refused with it (``sim-calibrate``:
    each job would replace the one before in it).
    """
    given = given_settings(argv)
    out = given.get("out")
    if not out:
        return []
    multirun = guard.multirun_asked(argv)
    folder_key = guard.folder_option(multirun and sweep_folder)
    problems = []
    if why := guard.file_in_the_way(Path(out).expanduser().absolute(), "out=..."):
        problems.append(f"out = {out}: {why}")
    elif why := guard.unwritable(Path(out).expanduser().absolute(), "out=..."):
        problems.append(f"out = {out}: {why}")
    other = given.get(folder_key)
    if multirun and not sweep_folder:
        problems.append(f"out = {out} names one folder for every job of a multirun, each replacing the one before: leave out= unset (each job has its own)")
    elif multirun and _swept(f"out={out}"):
        problems.append(f"out = {out} names the sweep's one folder, which is not swept: give one folder (its points go in out/0, out/1...)")
    elif other and Path(out).expanduser().absolute() != Path(other).expanduser().absolute():
        keeps = "out= also keeps the run's log and .hydra with its results" if folder_key == "hydra.run.dir" else "out= is the sweep's folder"
        problems.append(f"out = {out} and {folder_key} = {other} name two folders: give one of them ({keeps})")
    return problems


def _swept(line: str) -> bool:
    """Whether a ``key=value`` line is a sweep for Hydra (``a,b``, ``range(...)``...); a line Hydra cannot parse is left to it."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        return OverridesParser.create().parse_overrides([line])[0].is_sweep_override()
    except Exception:
        return False


def out_as_folder(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """``argv`` with its ``out=D`` also given as the Hydra folder it names, and the setting a fault's line then names (``out``).

    ``hydra.run.dir=D`` (a multirun: ``hydra.sweep.dir=D``) is added unless given (then the two
    must name one folder: :func:`out_problems`), so the run's log and ``.hydra`` go with its
    results rather than to ``outputs/DATE/TIME``. Without ``out=``: ``argv`` and None.
    """
    argv = list(argv)
    given = given_settings(argv)
    folder_key = guard.folder_option(guard.multirun_asked(argv))
    if not given.get("out") or folder_key in given:
        return argv, None
    return [*argv, f"{folder_key}={given['out']}"], "out"


def model_command(
    name: str,
    app: Callable[[], Any],
    config_name: str,
    settings: type,
    check: Callable[[Any, Any], list[str]],
    need: Callable[[Any], int] = lambda cfg: 0,
    groups: Sequence[str] = ("scenario", "policy"),
    argv_check: Callable[[Sequence[str]], list[str]] | None = None,
    check_sweep: bool = False,
) -> guard.Command:
    """A command that takes the model's parameters: its settings class (``RunSettings`` -> schema ``RunSchema``) plus every parameter.

    Raw arguments are checked by :func:`folder_argv_problems` for ``groups`` (the config groups it takes) unless ``argv_check`` is given;
    ``check_sweep``: a multirun's jobs are each checked before the sweep starts (:attr:`guard.Command.check_sweep`).
    Hydra's stored schemas are brought up to the registry of mechanisms as it is now (a study may
    have registered its own, or ended one, since the command's module stored them on import).
    """
    from sim.config import schema

    schema.register()
    return guard.Command(
        name,
        app,
        config_name,
        schema.run_schema(settings, f"{settings.__name__.removesuffix('Settings')}Schema"),
        check,
        need,
        argv_check or (lambda args: folder_argv_problems(args, groups)),
        groups,
        settings,
        check_sweep,
    )


#: The lock tqdm's bars take to write. tqdm's own default also makes a multiprocessing lock, a named semaphore: a
#: joblib worker that ``sim-run`` ended on Ctrl-C left it behind, and the resource tracker printed "There appear to be
#: 2 leaked semaphore objects" under the stop's one line. Bars are drawn by one process's threads only.
BAR_LOCK = threading.RLock()
tqdm.set_lock(BAR_LOCK)


def progress_bar(total: int | None, what: str) -> tqdm:
    """A progress bar in replications on stderr, shown after two seconds and only on a terminal (``total`` None: not known yet)."""
    return tqdm(total=total, desc=what, unit="rep", unit_scale=True, delay=2, disable=None, file=sys.stderr, leave=False, dynamic_ncols=True)


def advance(bar: tqdm) -> Callable[[int, int], None]:
    """An ``on_block`` callback moving ``bar`` to the replications done, out of the expected total."""

    def update(done: int, expected: int) -> None:
        bar.total = expected
        bar.update(done - bar.n)

    return update


def versions_line(prov: dict[str, Any]) -> str:
    """Model and code version for the printed footer."""
    return f"model {prov['model_version']}, code {prov['code_version']}"


def threads(workers: int | None) -> int:
    """Threads for a run: ``workers`` if given; else every core this process may use.

    Inside a parallel Hydra launcher it is 1: the launcher's jobs already share the cores.
    """
    if workers is not None:
        return int(workers)
    try:
        launcher = str(HydraConfig.get().launcher.get("_target_", ""))
    except ValueError:
        launcher = ""
    if launcher and "BasicLauncher" not in launcher:
        return 1
    return available_cores()


def help_text(
    prog: str, doc: str, settings: type, groups: Sequence[str], lists: Sequence[tuple[str, str]] = (), notes: Sequence[str] = (), hydra: bool = True
) -> str:
    """``--help`` of a model command: what it does, its settings with their ranges and defaults, the groups and their options.

    Parameters
    ----------
    prog
        The command's name.
    doc
        The command module's docstring (its first paragraph and examples are shown).
    settings
        The settings dataclass whose declarations give names, ranges and meanings.
    groups
        Config groups the command takes (``scenario``, ``policy``), listed with their options.
    lists
        ``(setting, group)``: settings that take a list of a group's names (``policies``), listed with the options.
    notes
        Further lines of the command's own, after the groups (``sim-run``: multiruns and the launchers' settings).
    hydra
        Whether the command runs under Hydra (and so takes ``--hydra-help``); ``sim-analyse sensitivity`` does not.
    """
    from sim.cli.paramdocs import render_range

    intro = doc.strip().split("\n\n")
    lines = [f"usage: {prog} [key=value ...]", "", *intro[:2], "", "Settings (key=value):"]
    width = max(len(f.name) for f in fields(settings))
    for f in fields(settings):
        spec = f.metadata["spec"]
        default = f.default_factory() if f.default is MISSING else f.default
        shown = "unset" if default is None else (f"[{','.join(map(str, default))}]" if isinstance(default, list) else str(default).lower())
        lines.append(f"  {f.name:<{width}} {render_range(spec).replace('`', '')} (default {shown})")
        lines.append(f"  {'':<{width}} {spec.doc}")
    for group in groups:
        lines += ["", f"{group}= one of: {', '.join(available(group))}"]
    for setting, group in lists:
        lines += ["", f"{setting}=[...] each one of: {', '.join(available(group))}"]
    if notes:
        lines += ["", *notes]
    lines += [
        "",
        "Model parameters: any parameter by its path, e.g. councils.0.it_maturity=0.3, partnership.horizon_months=180,",
        "mechanisms.case04.enabled=false, levers.continuity_plan.enabled=true; a distribution in quotes: \"councils.0.pace='beta(2, 5)'\".",
        "Every parameter with its unit, range, default and sources: docs/parameters.md, or python -m sim.cli.paramdocs --output - prints it.",
        "--config-dir DIR adds scenario/ and policy/ files of your own" + ("; --hydra-help shows Hydra's own options." if hydra else "."),
        f"The docs/ pages named here are installed with the package, in {docs_folder()}",
    ]
    return "\n".join(lines)


def docs_folder() -> Path:
    """Where the pages of ``docs/`` are installed (the package's ``sim/docs``; ``docs/`` itself in an editable install).

    Returns
    -------
    Path
        The folder holding ``parameters.md``, ``sweeps.md`` and the other pages a message may name.
    """
    return Path(str(resources.files("sim.docs")))


def maybe_help(
    prog: str, doc: str, settings: type, groups: Sequence[str], argv: Sequence[str], lists: Sequence[tuple[str, str]] = (), notes: Sequence[str] = ()
) -> None:
    """Print :func:`help_text` and exit 0 when ``argv`` asks for help (``--help`` or ``-h``)."""
    if any(arg in ("--help", "-h") for arg in argv):
        with guard.stdout_reader_may_leave():  # sim-run --help | head
            print(help_text(prog, doc, settings, groups, lists, notes))
        sys.exit(0)


# --- parameter uncertainty (issue 15) --------------------------------------------------------------

#: The first part of a model parameter's path in an override (``decisions.memory=0.2``); council attributes are never drawn.
_PARAMETER_SECTIONS = ("partnership", "dynamics", "decisions", "exogenous", "mechanisms", "levers")


def _override_keys(overrides: Sequence[str] | None) -> list[str]:
    """The keys of command-line overrides (``overrides``; default: this Hydra job's)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    lines = list(HydraConfig.get().overrides.task) if overrides is None else list(overrides)
    return [o.key_or_group for o in OverridesParser.create().parse_overrides(lines)]


def fixed_paths(overrides: Sequence[str] | None = None) -> list[str]:
    """The model parameters the user set on the command line (``overrides``; default: this Hydra job's), which a run never draws.

    An override or a value swept by a multirun fixes its parameter: with ``uncertainty=prior``
    or ``posterior`` it wins over the drawn value.
    """
    return sorted({key for key in _override_keys(overrides) if key.split(".", 1)[0] in _PARAMETER_SECTIONS})


def chose_uncertainty(overrides: Sequence[str] | None = None) -> bool:
    """Whether the command line sets ``uncertainty`` (otherwise the default mode applies where the run can take parameter draws)."""
    return "uncertainty" in _override_keys(overrides)


def split_arguments(args: Sequence[str], settings: Sequence[str], command: str) -> tuple[dict[str, Any], str, str, list[str], list[str]]:
    """Hydra-style ``key=value`` arguments of a command that composes its own configuration (``sim-analyse``).

    Parameters
    ----------
    args : sequence of str
        The arguments as typed.
    settings : sequence of str
        The names of the command's own settings.
    command : str
        The command, as the problem lines name it.

    Returns
    -------
    tuple
        The command's settings (values read as YAML), the scenario, the policy, the model
        overrides, and one line per argument that is not ``key=value`` or names neither a
        setting of ``command`` nor a model parameter (another command's setting, such as
        ``precision`` or ``hydra.run.dir``, would otherwise be ignored without a word).
    """
    import yaml

    from sim.config.model import SECTIONS
    from sim.config.overrides import unknown_key

    raw: dict[str, Any] = {}
    scenario, policy, overrides, problems = "baseline", NO_POLICY, [], []
    args = list(args)
    while "--config-dir" in args:  # given as two arguments: read by config_dir_of
        at = args.index("--config-dir")
        del args[at : at + 2]
    for arg in args:
        if arg.startswith("--config-dir="):
            continue
        key, value = split_override(arg)
        if "=" not in arg or not key:
            problems.append(f"{arg!r} is not key=value (e.g. replications=100 or decisions.memory=0.2)")
        elif key == "scenario":
            scenario = value
        elif key == "policy":
            policy = value
        elif key in settings:
            raw[key] = yaml.safe_load(value) if value else None
        elif key.split(".", 1)[0] in SECTIONS:
            overrides.append(arg)
        else:
            head, dotted, _ = key.partition(".")
            problems.append(unknown_key(head, None, command, groups=[*settings, "scenario", "policy", *(SECTIONS if dotted else ())]))
    return raw, scenario, policy, overrides, problems


def config_dir_of(args: Sequence[str]) -> tuple[str | None, list[str]]:
    """The folder of one's own scenario/ and policy/ files a command that composes its own configuration was given
    (``--config-dir DIR`` or ``--config-dir=DIR``, as the Hydra commands take it), and one line per problem with it."""
    given = [arg.partition("=")[2] for arg in args if arg.startswith("--config-dir=")]
    given += [args[i + 1] if i + 1 < len(args) else "" for i, arg in enumerate(args) if arg == "--config-dir"]
    if not given:
        return None, []
    folder = given[-1]
    if not folder or folder.startswith("-"):
        return None, ["--config-dir needs a folder: --config-dir DIR, the folder holding your scenario/ and policy/ folders"]
    return folder, []


def compose_model(
    scenario: str, policy: str, overrides: Sequence[str], command: str, problems: Sequence[str] = (), config_dir: str | None = None
) -> ModelConfig:
    """The checked model configuration of a scenario, a policy and overrides for ``command`` (with ``config_dir``'s own files).

    Exits with one line per problem: the model's, after ``problems`` already found in the
    command's own arguments (so that every bad argument is named at once).
    """
    from sim.config.scenarios import compose_run

    unquoted = quoting_problems(overrides)
    if unquoted:
        fail([*problems, *unquoted])
    try:
        config = model_sections(compose_run(scenario, policy, overrides, config_dir, command=command))
    except ConfigError as err:
        fail([*problems, *err.problems])
    except Exception as err:  # Hydra's composition errors (a misspelt key): one line
        fail([*problems, str(err).strip().splitlines()[0]])
    if problems:
        fail(problems)
    return config

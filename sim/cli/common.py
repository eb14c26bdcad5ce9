"""What the commands share: bad input as one line per problem, the run folder, provenance lines and a progress bar.

The checks each command runs before Hydra starts (:func:`run_check`, :func:`compare_check`,
with the raw arguments' :func:`argv_problems`) and the space its results need
(:func:`run_need`) are here too; :mod:`sim.cli.guard` calls them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf
from tqdm import tqdm

from sim.config.checks import ConfigError
from sim.config.model import ModelConfig
from sim.config.overrides import compose_checked, interpolated, without
from sim.config.scenarios import available, model_sections
from sim.config.settings import available_cores, compare_settings, run_settings
from sim.core.declare import DISTRIBUTIONS
from sim.results.files import results_bytes

EXIT_BAD_INPUT = 2
_NAMES = re.compile(r"[\w.-]+(,[\w.-]+)*")
#: A distribution written unquoted, which Hydra would read as one of its own functions.
_UNQUOTED_DIST = re.compile(rf"({'|'.join(f for f in DISTRIBUTIONS if f != 'choice')})\(.*\)")


def fail(problems: Sequence[str]) -> NoReturn:
    """Print one ``error:`` line per problem on stderr and exit with :data:`EXIT_BAD_INPUT`."""
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


def name_problems(argv: Sequence[str], groups: Sequence[str]) -> list[str]:
    """Unknown ``group=name`` choices (also comma-separated sweeps), one line each.

    Hydra's own message lists its whole search path over many lines; this one names the
    choice and the names available. Skipped when the user adds config folders of their own.
    """
    if any("searchpath" in arg or arg.startswith(("--config-dir", "-cd", "--config-path", "-cp")) for arg in argv):
        return []
    problems = []
    for arg in argv:
        key, sep, value = arg.partition("=")
        if sep and key in groups and _NAMES.fullmatch(value):
            known = available(key)
            problems += [f"{key} = {name!r} is not known (available: {', '.join(known)})" for name in value.split(",") if name not in known]
    return problems


def check_names(argv: Sequence[str], groups: Sequence[str]) -> None:
    """Refuse unknown ``group=name`` choices before Hydra starts (see :func:`name_problems`)."""
    problems = name_problems(argv, groups)
    if problems:
        fail(problems)


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


def check_quoting(argv: Sequence[str]) -> None:
    """Refuse a distribution given unquoted on the command line (see :func:`quoting_problems`)."""
    problems = quoting_problems(argv)
    if problems:
        fail(problems)


def _values(cfg: DictConfig) -> dict[str, Any]:
    """The command's settings and model values as plain data (Hydra's own section left out)."""
    keys = [key for key in cfg.keys() if key != "hydra"]
    return OmegaConf.to_container(OmegaConf.masked_copy(cfg, keys), resolve=True)


def problems_of(cfg: DictConfig, settings_of: Callable[[dict[str, Any]], Any]) -> tuple[Any, ModelConfig | None, list[str]]:
    """The command's settings, model configuration and every problem found with them (values read from the environment refused, the rest still checked)."""
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
    try:
        config = model_sections(cfg)
    except ConfigError as err:
        problems += err.problems
    return (None, None, problems) if problems else (settings, config, problems)


def checked(cfg: DictConfig, settings_of: Callable[[dict[str, Any]], Any]) -> tuple[Any, ModelConfig]:
    """The command's checked settings and model configuration; exits with every problem found."""
    settings, config, problems = problems_of(cfg, settings_of)
    if problems:
        fail(problems)
    return settings, config


def run_check(cfg: DictConfig, args: Any) -> list[str]:
    """Every problem with a ``sim-run`` config (its settings and model values)."""
    return problems_of(cfg, run_settings)[2]


def compare_check(cfg: DictConfig, args: Any) -> list[str]:
    """Every problem with a ``sim-compare`` config: its settings, the policies' names and each policy's model configuration."""
    settings, _, problems = problems_of(cfg, compare_settings)
    if problems or settings is None:
        return problems
    known = available("policy", args.config_dir)
    unknown = [f"policies[{i}] = {p!r} is not known (available: {', '.join(known)})" for i, p in enumerate(settings.policies) if p not in known]
    if unknown:
        return unknown
    scenario = OmegaConf.select(cfg, "hydra.runtime.choices.scenario", default=None) or "baseline"
    overrides = [o for o in args.overrides if o.lstrip("+~").partition("=")[0].split(".")[0] not in ("policies", "scenario", "hydra")]
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


def argv_problems(argv: Sequence[str], groups: Sequence[str]) -> list[str]:
    """Problems with the raw arguments: unquoted distributions, unknown scenario or policy names."""
    return quoting_problems(argv) or name_problems(argv, groups)


def output_dir() -> Path:
    """The Hydra run directory of this job."""
    return Path(HydraConfig.get().runtime.output_dir)


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
    """Threads for a run: ``workers`` if given; else every core this process may use, or 1 inside a parallel Hydra launcher (its jobs already share the cores)."""
    if workers is not None:
        return int(workers)
    try:
        launcher = str(HydraConfig.get().launcher.get("_target_", ""))
    except ValueError:
        launcher = ""
    if launcher and "BasicLauncher" not in launcher:
        return 1
    return available_cores()

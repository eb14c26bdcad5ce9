"""The facade's own functions: a run summarised, and policies compared, in one call each.

:func:`run` is what ``sim-run`` does, in Python: a configuration run in blocks, by count or
to a precision, its summary returned. :func:`compare` is what ``sim-compare`` does: every
policy run on the same replications and seed, each compared with the first.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim.analysis.comparison import MEASURES, lever_lines, run_comparison
from sim.analysis.stats import draw_precision_plan, precision_plan
from sim.analysis.summary import Summary, Tally
from sim.config import assumptions as catalogue
from sim.config.checks import ConfigError, arguments_checked, plain
from sim.config.model import SECTIONS, ModelConfig, config_problems
from sim.config.overrides import did_you_mean, split_override
from sim.config.scenarios import changed, compose_run, load, override_lines, with_policy
from sim.config.settings import DEFAULT_REPLICATIONS_PER_DRAW, DEFAULT_UNCERTAINTY, NO_POLICY, RunSettings, available_cores, both_problems, compare_settings
from sim.config.settings import setting_problems as run_setting_problems
from sim.config.uncertainty import setting_problems, uncertainty_problems
from sim.frontends.ensemble import check_run
from sim.frontends.runner import Sinks, run_blocks
from sim.frontends.runner import fixed as fixed_plan


def _fixed_problems(fixed: Any) -> list[str]:
    """One line per name in ``fixed`` that is not the path of an assumption a run draws (one line for ``fixed`` given as one text).

    A council's or the partnership's attribute given as a path the assumptions do not have
    (``councils[0].it_maturity``) is stated with :func:`sim.council` or :func:`sim.partnership` instead.
    """
    if isinstance(fixed, str) or not isinstance(fixed, Collection):
        return [f"fixed = {fixed!r} must be a list of assumption paths, e.g. ['decisions.memory']"]
    known = list(catalogue.by_path())
    return [
        f"fixed = {name!r} is not the path of an assumption the run draws{did_you_mean(str(name), known)}"
        " (e.g. decisions.memory; sim.config.assumptions.by_path() lists them; a council's attributes are stated with sim.council)"
        for name in fixed
        if name not in known
    ]


def _override_change(overrides: Sequence[str], config_dir: str | Path | None) -> dict[str, Any]:
    """The model parameters ``overrides`` set (``key=value``, read as :func:`sim.load` reads them), nested as :meth:`ModelConfig.to_dict`.

    Raises
    ------
    ConfigError
        One line per override that sets a council (stated with :func:`sim.council` on a
        configuration made in Python) or is no model parameter, and every line :func:`sim.load` gives.
    """
    keys = [split_override(line)[0] for line in overrides]
    sections = ", ".join(SECTIONS[1:])
    problems = [
        f"overrides: {line!r} sets a council of a configuration made in Python: state it with sim.council(name, ...)"
        if key.startswith("councils")
        else f"overrides: {line!r} is not a model parameter (model parameters start with {sections}; seed and the rest are arguments of sim.compare)"
        for line, key in zip(overrides, keys, strict=True)
        if key.startswith("councils") or key.split(".")[0] not in SECTIONS
    ]
    if problems:
        raise ConfigError(problems)
    composed = OmegaConf.to_container(compose_run("baseline", NO_POLICY, overrides, config_dir), resolve=True)
    change: dict[str, Any] = {}
    for key in keys:
        *path, name = key.split(".")
        node, into = composed, change
        for part in path:
            node, into = node[part], into.setdefault(part, {})
        into[name] = node[name]
    return change


@arguments_checked("sim.run")
def run(
    config: ModelConfig,
    *,
    seed: int = 0,
    replications: int | None = None,
    precision: float | None = None,
    block_size: int = 10_000,
    workers: int | None = None,
    uncertainty: str | None = None,
    replications_per_draw: int = DEFAULT_REPLICATIONS_PER_DRAW,
    fixed: Collection[str] = (),
    posterior: str | Path | None = None,
) -> Summary:
    """Run ``config`` and return its summary (:func:`sim.analysis.summary.summarise`; ``print`` it to read it).

    Every argument but ``config`` is given by name: ``sim.run(config, 4000)`` is refused, where it would
    have read 4000 as the seed (:func:`sim.run_ensemble` takes ``replications`` before ``seed``).

    ``replications`` defaults to 4,000. Give ``precision`` (a target half-width of the
    collapse probability's 95% interval) instead of a count to add replications until it is
    reached; giving both is refused (:class:`~sim.config.checks.ConfigError`), as is a count,
    ``precision``, seed, block size or worker count ``sim-run`` refuses (``replications=0``,
    ``precision=5``, ``seed=-1``, text for a number), with the same line, and a name in ``fixed``
    that is not the path of an assumption (:func:`sim.config.assumptions.by_path`). A NumPy number is taken as the Python
    number it holds (``np.int64(4000)``, a count read from a DataFrame).

    With ``uncertainty="prior"`` (or ``"posterior"``), replication ``r`` runs parameter draw
    ``r // replications_per_draw``: the assumptions not set by ``config`` nor named in ``fixed``
    are drawn from their plausible ranges (or the posterior sample ``posterior``), every headline
    figure gets ``monte_carlo`` and ``total`` intervals, and ``precision`` targets how precisely
    the ends of the collapse probability's total interval are known. The default mode is
    :data:`sim.config.settings.DEFAULT_UNCERTAINTY`, except that a count of fewer than two
    parameter draws runs at the stated values (``none``) with a warning saying why, by ``sim-run``'s
    rule (:func:`sim.config.uncertainty.uncertainty_problems`); the summary's
    ``uncertainty.mode`` says which ran.
    """
    replications, precision, seed, block_size, workers = map(plain, (replications, precision, seed, block_size, workers))
    replications_per_draw = plain(replications_per_draw)
    given = {"replications": replications, "precision": precision, "seed": seed, "block_size": block_size, "workers": workers}
    problems = (
        both_problems(replications, precision)
        + [line for name, value in given.items() if value is not None for line in run_setting_problems(RunSettings, name, value)]
        + setting_problems(uncertainty, replications_per_draw)
        + _fixed_problems(fixed)
        + config_problems(config)
    )
    if problems:
        raise ConfigError(problems)
    if precision is None and replications is None:
        replications = 4000
    seed, block_size = int(seed), int(block_size)
    replications = None if replications is None else int(replications)
    check_run(1 if replications is None else replications, seed, block_size, 0, workers)
    mode = DEFAULT_UNCERTAINTY if uncertainty is None else uncertainty
    settings = RunSettings(replications=replications, precision=precision, uncertainty=mode, replications_per_draw=replications_per_draw, posterior=posterior)
    drawn, problems, note = uncertainty_problems(settings, sorted(fixed), chosen=uncertainty is not None)
    if problems:
        raise ConfigError(problems)
    if note:
        warnings.warn(note, stacklevel=3)
    tally = Tally(int(config.partnership.horizon_months))
    if precision is None:
        plan = fixed_plan(int(replications), block_size)
    elif drawn is not None:
        plan = draw_precision_plan(precision, block_size, drawn.replications_per_draw, tally.collapse_ends_error)
    else:
        plan = precision_plan(precision, block_size)
    run_blocks(config, seed, plan, Sinks(tables=(tally,)), workers=available_cores() if workers is None else workers, uncertainty=drawn)
    summary = tally.summary()
    summary["uncertainty"] = {"mode": "none"} if drawn is None else {**drawn.describe(config), **summary["uncertainty"]}
    return summary


@arguments_checked("sim.compare")
def compare(
    scenario: str | ModelConfig,
    policies: Sequence[str],
    replications: int = 4000,
    seed: int = 0,
    overrides: Sequence[str] = (),
    config_dir: str | Path | None = None,
    workers: int | None = None,
    *,
    uncertainty: str | None = None,
    replications_per_draw: int = DEFAULT_REPLICATIONS_PER_DRAW,
    fixed: Collection[str] = (),
    posterior: str | Path | None = None,
) -> Any:
    """Run every policy of ``policies`` on the same replications and seed; compare each with the first (a pandas DataFrame).

    ``print`` the frame to read it as ``sim-compare`` prints it (:class:`~sim.analysis.comparison_frame.Comparison`).

    ``scenario`` is a scenario's name or a configuration made in Python, such as
    :func:`sim.partnership`'s, to which each policy's lever settings are applied. ``overrides``
    (``key=value``, as :func:`sim.load` takes them) set model parameters after the policy, e.g.
    ``levers.continuity_plan.strength=0.5`` for a lever at half strength; on a configuration made
    in Python a council's attributes are stated with :func:`sim.council` instead. A policy list of fewer than two names, or naming one twice,
    or policies given in something without an order (a set: which would be the reference?) is refused
    (:class:`~sim.config.checks.ConfigError`), as is every setting ``sim-compare`` refuses (``replications``
    below 2, a bad seed or worker count), with the same line per problem, a name in ``fixed`` that is not
    the path of an assumption (:func:`sim.config.assumptions.by_path`), and a ``config_dir`` that is not a folder.
    A NumPy number is taken as the Python number it holds.

    With ``uncertainty="prior"`` (or ``"posterior"``) every policy runs the same parameter
    draws (the parameters named in ``overrides`` or ``fixed`` are never drawn): the frame gains
    each figure's total interval and each lever's effect across draws, and
    ``frame.attrs["ranking"]`` says how often the ranking of the levers changes (see
    :meth:`sim.analysis.comparison.PairedTally.ranking`). By ``sim-compare``'s rule
    (:func:`sim.config.uncertainty.uncertainty_problems`), a count of fewer than two parameter
    draws is refused for a mode given here, and makes the default mode give way to ``none`` with
    a warning saying why; ``frame.attrs["uncertainty"]`` says which mode ran.
    """
    replications, seed, workers, replications_per_draw = map(plain, (replications, seed, workers, replications_per_draw))
    settings = compare_settings(
        {
            # a list or tuple, kept in its order (the first is the reference); a set, which has no order, is refused as the command refuses it
            "policies": list(policies) if isinstance(policies, Sequence) and not isinstance(policies, str) else policies,
            "replications": replications,
            "seed": seed,
            "workers": workers,
            "uncertainty": DEFAULT_UNCERTAINTY if uncertainty is None else uncertainty,
            "replications_per_draw": replications_per_draw,
            "posterior": None if posterior is None else str(posterior),
        }
    )
    if problems := _fixed_problems(fixed):
        raise ConfigError(problems)
    overrides = override_lines(overrides)
    fixed = sorted({*fixed, *(key for key, _ in map(split_override, overrides) if not key.startswith("councils"))})
    drawn, problems, note = uncertainty_problems(settings, fixed, chosen=uncertainty is not None)
    if problems:
        raise ConfigError(problems)
    if note:
        warnings.warn(note, stacklevel=3)
    if isinstance(scenario, ModelConfig):
        change = _override_change(overrides, config_dir)
        configs = {policy: changed(with_policy(scenario, policy, config_dir), change) for policy in policies}
    else:
        configs = {policy: load(scenario, policy, overrides, config_dir) for policy in policies}
    from sim.analysis.comparison_frame import Comparison  # pandas, only when a comparison is made

    tally = run_comparison(configs, seed, replications, workers=available_cores() if workers is None else workers, uncertainty=drawn)
    frame = Comparison(tally.frame())
    frame.attrs["levers"] = lever_lines(configs, drawn)  # what each lever is and is assumed to do: printed after the sentences
    frame.attrs["uncertainty"] = "none" if drawn is None else drawn.mode
    if drawn is not None:
        frame.attrs["ranking"] = {measure: tally.ranking(measure) for measure in MEASURES}
    return frame

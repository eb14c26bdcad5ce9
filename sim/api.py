"""The facade's own functions: a run summarised, and policies compared, in one call each.

:func:`run` is what ``sim-run`` does, in Python: a configuration run in blocks, by count or
to a precision, its summary returned. :func:`compare` is what ``sim-compare`` does: every
policy run on the same replications and seed, each compared with the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.analysis.comparison import run_comparison
from sim.analysis.stats import precision_plan
from sim.analysis.summary import Tally
from sim.config.checks import ConfigError
from sim.config.model import ModelConfig
from sim.config.scenarios import load
from sim.config.settings import available_cores, both_problems, policy_list_problems
from sim.frontends.ensemble import check_run
from sim.frontends.runner import Sinks, fixed, run_blocks


def run(
    config: ModelConfig, seed: int = 0, *, replications: int | None = None, precision: float | None = None, block_size: int = 10_000, workers: int | None = None
) -> dict[str, Any]:
    """Run ``config`` and return its summary (:func:`sim.analysis.summary.summarise`).

    ``replications`` defaults to 4,000. Give ``precision`` (a target half-width of the
    collapse probability's 95% interval) instead of a count to add replications until it is
    reached; giving both is refused (:class:`~sim.config.checks.ConfigError`).
    """
    problems = both_problems(replications, precision)
    if problems:
        raise ConfigError(problems)
    if precision is None and replications is None:
        replications = 4000
    check_run(replications or 1, seed, block_size, 0, workers)
    plan = fixed(int(replications or 0), block_size) if precision is None else precision_plan(precision, block_size)
    tally = Tally(int(config.partnership.horizon_months))
    run_blocks(config, seed, plan, Sinks(tables=(tally,)), workers=available_cores() if workers is None else workers)
    return tally.summary()


def compare(
    scenario: str,
    policies: Sequence[str],
    replications: int = 4000,
    seed: int = 0,
    overrides: Sequence[str] = (),
    config_dir: str | Path | None = None,
    workers: int | None = None,
) -> Any:
    """Run every policy of ``policies`` on the same replications and seed; compare each with the first (a pandas DataFrame)."""
    problems = policy_list_problems("policies", list(policies) if not isinstance(policies, str) else policies)
    if problems:
        raise ConfigError(problems)
    check_run(replications, seed, 10_000, 0, workers)
    configs = {policy: load(scenario, policy, overrides, config_dir) for policy in policies}
    return run_comparison(configs, seed, replications, workers=available_cores() if workers is None else workers).frame()

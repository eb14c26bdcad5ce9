"""sim-compare: one scenario under several policies on common random numbers, compared pairwise.

sim-compare scenario=case01_key_person policies=[none,continuity_plan,all_levers] replications=20000 seed=7
python -m sim.cli.compare policies=[none,agreed_decision_process] partnership.horizon_months=60

Every policy runs the same replications with the same seed; each is compared with the
first. Writes ``comparison.parquet`` (one row per policy, see
:func:`sim.comparison.compare_policies`) and ``summary.json`` (the comparison, settings and
provenance) atomically into the Hydra run directory. Model overrides apply to every policy.
Bad input, faults and signals end as for ``sim-run`` (see :mod:`sim.cli.guard`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import hydra
from hydra import compose
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf

from sim.analysis.comparison import render, run_comparison
from sim.cli import guard
from sim.cli.common import argv_problems, checked, compare_check, compare_need, fail, output_dir, progress_bar, threads, versions_line
from sim.config import schema
from sim.config.checks import ConfigError
from sim.config.scenarios import available, model_sections
from sim.config.settings import CompareSettings, compare_settings
from sim.results import provenance
from sim.results.files import current_run_id, write_json, write_table

schema.register()


def _policy_configs(scenario: str, policies: list[str]) -> dict:
    """Each policy's checked model configuration: the run config with the command's overrides."""
    known = available("policy")
    unknown = [f"policies[{i}] = {p!r} is not known (available: {', '.join(known)})" for i, p in enumerate(policies) if p not in known]
    if unknown:
        fail(unknown)
    parsed = OverridesParser.create().parse_overrides(list(HydraConfig.get().overrides.task))
    overrides = [o.input_line for o in parsed if o.key_or_group not in ("policies", "scenario")]
    configs = {}
    for policy in policies:
        try:
            configs[policy] = model_sections(compose("config", overrides=[f"scenario={scenario}", f"policy={policy}", *overrides]))
        except ConfigError as err:
            fail(err.problems)
    return configs


@hydra.main(config_path="pkg://sim.configs", config_name="compare", version_base="1.3")
@guard.task(need=compare_need)
def app(cfg: DictConfig) -> None:
    """Check the configuration, run every policy on the same replications and compare them with the first."""
    started = time.perf_counter()
    settings, _ = checked(cfg, compare_settings)
    scenario = HydraConfig.get().runtime.choices["scenario"]
    configs = _policy_configs(scenario, settings.policies)
    out = output_dir()
    prov = provenance.collect()
    with progress_bar(settings.replications * len(configs), f"{scenario}: {len(configs)} policies") as bar:
        if settings.engine == "mesa":
            from sim.frontends.runner import simulate_mesa

            engine = simulate_mesa
        else:
            engine = None
        tally = run_comparison(
            configs,
            settings.seed,
            settings.replications,
            settings.block_size,
            threads(settings.workers),
            lambda done: bar.update(done * len(configs) - bar.n),
            engine,
        )
    comparison = tally.frame()
    stamp = {"scenario": scenario, "policies": settings.policies, "seed": settings.seed}
    stamp |= {key: prov[key] for key in ("model_version", "code_version")}
    write_table(out / "comparison.parquet", comparison, stamp)
    run = {**stamp, "engine": settings.engine, "replications": settings.replications, "block_size": settings.block_size}
    run["wall_time_s"] = time.perf_counter() - started
    run["run_id"] = current_run_id()
    write_json(
        out / "summary.json",
        {"run": run, "comparison": comparison.to_dict(orient="records"), "provenance": {**prov, "config": OmegaConf.to_container(cfg, resolve=True)}},
    )
    print(f"Scenario {scenario}: {settings.replications} replications per policy on common random numbers; reference {settings.policies[0]}")
    print(render(comparison))
    print(f"Seed {settings.seed}, engine {settings.engine}; {versions_line(prov)}")
    print(f"Results in {out}")


def _argv_problems(argv: Sequence[str]) -> list[str]:
    if any(arg.partition("=")[0] == "policy" for arg in argv):
        return ["policy is a sim-run setting: sim-compare takes a list, e.g. policies=[none,continuity_plan]"]
    return argv_problems(argv, ("scenario",))


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``sim-compare``: run on ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    command = guard.Command("sim-compare", app, "compare", schema.run_schema(CompareSettings, "CompareSchema"), compare_check, compare_need, _argv_problems)
    return guard.run_command(command, argv)


if __name__ == "__main__":
    sys.exit(main())

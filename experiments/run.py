"""sim-run: run a scenario under a policy, print the summary and write results with provenance.

sim-run                                                  # the baseline, no lever, defaults
sim-run scenario=case01_key_person policy=continuity_plan replications=20000 seed=7
sim-run precision=0.01                                   # replications until the collapse CI half-width <= 0.01
sim-run save_events=true save_trajectories=true councils.0.it_maturity=0.3
python -m experiments.run partnership.horizon_months=60

Writes into the Hydra run directory (``outputs/DATE/TIME`` unless ``hydra.run.dir=...``),
each file atomically: ``replications.parquet`` (one row per replication, streamed block by
block), ``survival.png``, ``causes.png``, on request ``events.parquet`` and
``trajectories.parquet``, and last ``summary.json`` (every printed figure, the run's
settings and provenance). Bad input exits with status 2 and one line per problem.
"""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from experiments.cli import advance, check_names, check_quoting, checked, output_dir, progress_bar, versions_line
from sim import provenance, schema
from sim.plots import causes_figure, survival_figure
from sim.results import ParquetStream, save_figure, write_json, write_table
from sim.runner import EVENT_SCHEMA, Sinks, half_width, run_study
from sim.settings import RunSettings, run_settings
from sim.summary import render, summarise
from sim.trajectories import TrajectoryRecorder

schema.register()

#: Results files and whether a run writes them.
FILES = {
    "replications.parquet": lambda s: True,
    "events.parquet": lambda s: s.save_events,
    "trajectories.parquet": lambda s: s.save_trajectories,
    "survival.png": lambda s: True,
    "causes.png": lambda s: True,
    "summary.json": lambda s: True,
}


def _run_line(settings: RunSettings, run: dict[str, Any]) -> str:
    line = f"Seed {settings.seed}, {run['replications']} replications"
    if settings.precision is not None:
        line += f" (precision {settings.precision}: collapse CI half-width {run['precision_reached']:.4f} after {run['blocks']} blocks)"
    return line + f", engine {settings.engine}"


@hydra.main(config_path="pkg://sim.configs", config_name="config", version_base="1.3")
def app(cfg: DictConfig) -> None:
    """Check the configuration, run the study in blocks, write the results and print the summary."""
    started = time.perf_counter()
    settings, config = checked(cfg, run_settings)
    choices = HydraConfig.get().runtime.choices
    scenario, policy = choices["scenario"], choices["policy"]
    out = output_dir()
    prov = provenance.collect()
    stamp = {"scenario": scenario, "policy": policy, "seed": settings.seed, "model_version": prov["model_version"], "code_version": prov["code_version"]}
    horizon = int(config.partnership.horizon_months)
    recorder = TrajectoryRecorder(horizon) if settings.save_trajectories else None
    with ExitStack() as stack:
        sinks = Sinks(
            replications=stack.enter_context(ParquetStream(out / "replications.parquet", metadata=stamp)),
            events=stack.enter_context(ParquetStream(out / "events.parquet", EVENT_SCHEMA, stamp)) if settings.save_events else None,
            trajectories=recorder,
        )
        bar = stack.enter_context(progress_bar(settings.replications if settings.precision is None else None, f"{scenario}/{policy}"))
        study = run_study(
            config,
            settings.seed,
            replications=None if settings.precision is not None else settings.replications,
            precision=settings.precision,
            block_size=settings.block_size,
            sinks=sinks,
            on_block=advance(bar),
            engine=settings.engine,
        )
    if recorder is not None:
        write_table(out / "trajectories.parquet", recorder.table(), stamp)
    summary = summarise(study.table, horizon)
    title = f"scenario {scenario}, policy {policy} ({len(study.table)} replications, seed {settings.seed})"
    save_figure(out / "survival.png", survival_figure(summary, title))
    save_figure(out / "causes.png", causes_figure(summary, title))
    run = {
        **stamp,
        "engine": settings.engine,
        "replications": len(study.table),
        "requested_replications": None if settings.precision is not None else settings.replications,
        "precision": settings.precision,
        "precision_reached": half_width(study.collapse),
        "blocks": len(study.block_sizes),
        "block_size": settings.block_size,
        "horizon_months": horizon,
        "files": [name for name, wanted in FILES.items() if wanted(settings)],
        "wall_time_s": time.perf_counter() - started,
    }
    write_json(out / "summary.json", {"run": run, **summary, "provenance": {**prov, "config": OmegaConf.to_container(cfg, resolve=True)}})
    print(f"Scenario {scenario}, policy {policy}")
    print(render(summary))
    print(f"{_run_line(settings, run)}; {versions_line(prov)}")
    print(f"Results in {out}")


def main() -> None:
    """Console entry point ``sim-run``."""
    check_quoting(sys.argv[1:])
    check_names(sys.argv[1:], ("scenario", "policy"))
    app()


if __name__ == "__main__":
    main()

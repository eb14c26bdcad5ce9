"""sim-run: run a scenario under a policy, print the summary and write results with provenance.

    sim-run                                                  # the baseline, no lever, defaults
    sim-run scenario=case01_key_person policy=continuity_plan replications=20000 seed=7
    sim-run precision=0.01                                   # replications until the collapse CI half-width <= 0.01
    sim-run save_events=true save_trajectories=true councils.0.it_maturity=0.3

Writes into the Hydra run directory (``outputs/DATE/TIME`` unless ``hydra.run.dir=...``),
each file atomically: ``replications.parquet`` (one row per replication, streamed block by
block), on request ``events.parquet``, ``trajectories.parquet``, ``survival.png`` and
``causes.png`` (``figures=true``), and last ``summary.json`` (every printed figure, the run's
settings and provenance). Bad input exits with status 2 and one line per problem, before
anything is written; a fault of the environment (a full disk, a read-only folder) with status
3 and one line; a signal with 128 + its number. The folder holds either no results or one
run's complete set (see :mod:`sim.cli.guard` and ``docs/faults.md``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.analysis.attribution import Attribution
from sim.analysis.attribution import render as render_attribution
from sim.analysis.stats import precision_plan
from sim.analysis.summary import Tally, render
from sim.cli import guard
from sim.cli.common import advance, argv_problems, checked, output_dir, progress_bar, run_check, run_need, threads, versions_line
from sim.config import schema
from sim.config.settings import RunSettings, run_settings
from sim.frontends.runner import Sinks, fixed, run_blocks
from sim.frontends.trajectories import TrajectoryRecorder
from sim.results import provenance
from sim.results.files import EVENT_SCHEMA, ParquetStream, current_run_id, save_figure, write_json, write_table

schema.register()

#: Results files and whether a run writes them.
FILES = {
    "replications.parquet": lambda s: True,
    "events.parquet": lambda s: s.save_events,
    "trajectories.parquet": lambda s: s.save_trajectories,
    "survival.png": lambda s: s.figures,
    "causes.png": lambda s: s.figures,
    "summary.json": lambda s: True,
}


def _run_line(settings: RunSettings, run: dict[str, Any]) -> str:
    line = f"Seed {settings.seed}, {run['replications']} replications"
    if settings.precision is not None:
        line += f" (precision {settings.precision}: collapse CI half-width {run['precision_reached']:.4f} after {run['blocks']} blocks)"
    return line + f", engine {settings.engine}"


@hydra.main(config_path="pkg://sim.configs", config_name="config", version_base="1.3")
@guard.task(need=run_need)
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
    tally = Tally(horizon)
    if settings.precision is None:
        plan = fixed(settings.replications, settings.block_size)
    else:
        plan = precision_plan(settings.precision, settings.block_size)
    workers = threads(settings.workers)
    attribution = Attribution(config, settings.seed, workers) if settings.attribution == "counterfactual" else None
    with ExitStack() as stack:
        stream = stack.enter_context(ParquetStream(out / "replications.parquet", metadata=stamp))
        sinks = Sinks(
            tables=(stream, tally),
            events=stack.enter_context(ParquetStream(out / "events.parquet", EVENT_SCHEMA, stamp)) if settings.save_events else None,
            trajectories=recorder,
            states=(attribution.add,) if attribution is not None else (),
        )
        bar = stack.enter_context(progress_bar(settings.replications if settings.precision is None else None, f"{scenario}/{policy}"))
        run = run_blocks(config, settings.seed, plan, sinks, workers=workers, engine=settings.engine, on_block=advance(bar))
    if recorder is not None:
        write_table(out / "trajectories.parquet", recorder.table(), stamp)
    summary = tally.summary()
    if attribution is not None:
        summary["attribution"] = attribution.report()
    if settings.figures:
        from sim.analysis.plots import causes_figure, survival_figure  # matplotlib, only when asked for

        title = f"scenario {scenario}, policy {policy} ({run.replications} replications, seed {settings.seed})"
        save_figure(out / "survival.png", survival_figure(summary, title))
        save_figure(out / "causes.png", causes_figure(summary, title))
    reached = summary["outcomes"]["collapsed"]
    info = {
        **stamp,
        "engine": settings.engine,
        "replications": run.replications,
        "requested_replications": None if settings.precision is not None else settings.replications,
        "precision": settings.precision,
        "precision_reached": (reached["high"] - reached["low"]) / 2,
        "blocks": len(run.block_sizes),
        "block_size": settings.block_size,
        "horizon_months": horizon,
        "files": [name for name, wanted in FILES.items() if wanted(settings)],
        "wall_time_s": time.perf_counter() - started,
        "run_id": current_run_id(),
    }
    write_json(out / "summary.json", {"run": info, **summary, "provenance": {**prov, "config": OmegaConf.to_container(cfg, resolve=True)}})
    print(f"Scenario {scenario}, policy {policy}")
    print(render(summary))
    if attribution is not None:
        print(render_attribution(summary["attribution"]))
    print(f"{_run_line(settings, info)}; {versions_line(prov)}")
    print(f"Results in {out}")


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``sim-run``: run on ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    return guard.run_command(
        guard.Command("sim-run", app, "config", schema.run_schema(), run_check, run_need, lambda args: argv_problems(args, ("scenario", "policy"))), argv
    )


if __name__ == "__main__":
    sys.exit(main())

"""sim-run: run a scenario under a policy, print the summary and write results with provenance.

    sim-run                                                  # the baseline, no lever, defaults
    sim-run scenario=case01_key_person policy=continuity_plan replications=20000 seed=7
    sim-run precision=0.01                                   # replications until the collapse CI half-width <= 0.01
    sim-run save_events=true save_trajectories=true councils.0.it_maturity=0.3
    sim-run uncertainty=prior replications=4000              # 160 parameter draws x 25 replications: two intervals per figure

Writes into the Hydra run directory (``outputs/DATE/TIME`` unless ``hydra.run.dir=...``),
each file atomically: ``replications.parquet`` (one row per replication, streamed block by
block), on request ``events.parquet``, ``trajectories.parquet``, ``survival.png`` and
``causes.png`` (``figures=true``), with ``uncertainty=prior`` or ``posterior`` ``draws.parquet``
(each parameter draw's drawn values), and last ``summary.json`` (every printed figure, the run's
settings and provenance). Bad input exits with status 2 and one line per problem.
"""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack
from typing import Any

import hydra
import numpy as np
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.analysis.attribution import Attribution
from sim.analysis.attribution import render as render_attribution
from sim.analysis.stats import draw_precision_plan, precision_plan
from sim.analysis.summary import Tally, render, render_uncertainty
from sim.cli.common import advance, check_names, check_quoting, checked, fixed_paths, output_dir, progress_bar, threads, uncertainty_of, versions_line
from sim.config import schema
from sim.config.settings import RunSettings, run_settings
from sim.frontends.runner import Sinks, fixed, run_blocks
from sim.frontends.table import Table
from sim.frontends.trajectories import TrajectoryRecorder
from sim.results import provenance
from sim.results.files import EVENT_SCHEMA, ParquetStream, save_figure, write_json, write_table

schema.register()

#: Results files and whether a run writes them.
FILES = {
    "replications.parquet": lambda s: True,
    "events.parquet": lambda s: s.save_events,
    "trajectories.parquet": lambda s: s.save_trajectories,
    "survival.png": lambda s: s.figures,
    "causes.png": lambda s: s.figures,
    "draws.parquet": lambda s: s.uncertainty != "none",
    "summary.json": lambda s: True,
}


def _run_line(settings: RunSettings, run: dict[str, Any]) -> str:
    line = f"Seed {settings.seed}, {run['replications']} replications"
    if settings.precision is not None:
        reached = "total interval's ends known to" if settings.uncertainty != "none" else "collapse CI half-width"
        line += f" (precision {settings.precision}: {reached} {run['precision_reached']:.4f} after {run['blocks']} blocks)"
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
    tally = Tally(horizon)
    drawn = uncertainty_of(settings, fixed_paths())
    if settings.precision is None:
        plan = fixed(settings.replications, settings.block_size)
    elif drawn is not None:
        plan = draw_precision_plan(settings.precision, settings.block_size, drawn.replications_per_draw, tally.collapse_ends_error)
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
        run = run_blocks(config, settings.seed, plan, sinks, workers=workers, engine=settings.engine, on_block=advance(bar), uncertainty=drawn)
    if recorder is not None:
        write_table(out / "trajectories.parquet", recorder.table(), stamp)
    summary = tally.summary()
    summary["uncertainty"] = {"mode": settings.uncertainty} if drawn is None else {**drawn.describe(config), **summary["uncertainty"]}
    if drawn is not None:
        draws = np.arange(-(-run.replications // drawn.replications_per_draw))
        write_table(out / "draws.parquet", Table(drawn.columns(config, settings.seed, draws)), stamp)
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
        "precision_reached": (reached["high"] - reached["low"]) / 2 if drawn is None else summary["uncertainty"]["collapse_ends_error"],
        "blocks": len(run.block_sizes),
        "block_size": settings.block_size,
        "horizon_months": horizon,
        "files": [name for name, wanted in FILES.items() if wanted(settings)],
        "wall_time_s": time.perf_counter() - started,
    }
    write_json(out / "summary.json", {"run": info, **summary, "provenance": {**prov, "config": OmegaConf.to_container(cfg, resolve=True)}})
    print(f"Scenario {scenario}, policy {policy}")
    print(render(summary))
    print(render_uncertainty(summary))
    if attribution is not None:
        print(render_attribution(summary["attribution"]))
    print(f"{_run_line(settings, info)}; {versions_line(prov)}")
    print(f"Results in {out}")


def main() -> None:
    """Console entry point ``sim-run``."""
    check_quoting(sys.argv[1:])
    check_names(sys.argv[1:], ("scenario", "policy"))
    app()


if __name__ == "__main__":
    main()

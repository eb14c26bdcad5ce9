"""sim-run: run a scenario under a policy, print the summary and write results with provenance.

    sim-run                                                  # the baseline, no lever, defaults
    sim-run scenario=case01_key_person policy=continuity_plan replications=20000 seed=7
    sim-run precision=0.01 uncertainty=none                  # replications until the collapse CI half-width <= 0.01
    sim-run precision=0.05                                   # parameter draws until the collapse total interval's ends are known to ±0.05
    sim-run save_events=true save_trajectories=true councils.0.it_maturity=0.3
    sim-run uncertainty=prior replications=4000              # 160 parameter draws x 25 replications: two intervals per figure
    sim-run -m policy=none,all_levers seed=1,2 out=sweeps/levers  # a sweep of 4 points into one folder: sweeps/levers/0 .. 3

Writes into ``out=`` (default: the Hydra run directory, ``outputs/DATE/TIME``; ``hydra.run.dir=...`` works too),
each file atomically: ``replications.parquet`` (one row per replication, streamed block by
block), on request ``events.parquet``, ``trajectories.parquet``, ``survival.png`` and
``causes.png`` (``figures=true``), with ``uncertainty=prior`` or ``posterior`` ``draws.parquet``
(each parameter draw's drawn values), and last ``summary.json`` (every printed figure, the run's
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
import numpy as np
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.analysis.attribution import Attribution
from sim.analysis.attribution import render as render_attribution
from sim.analysis.stats import draw_precision_plan, precision_plan
from sim.analysis.summary import Tally, plain_lines, render, what_was_run
from sim.cli import guard
from sim.cli.common import (
    advance,
    chose_uncertainty,
    design_file_problems,
    design_refusals,
    fail,
    fixed_paths,
    maybe_help,
    model_command,
    out_as_folder,
    problems_of,
    progress_bar,
    run_need,
    threads,
    versions_line,
)
from sim.cli.sweep import begin_point, fail_point, job_point, launchers_help, point_clock, run_sweepable
from sim.config import schema
from sim.config.overrides import split_override
from sim.config.settings import RunSettings, run_settings
from sim.config.uncertainty import design_uncertainty_problem, uncertainty_problems
from sim.frontends.runner import Sinks, fixed, run_blocks
from sim.frontends.table import Table
from sim.frontends.trajectories import TrajectoryRecorder
from sim.results import provenance
from sim.results import sweep as sweep_results
from sim.results.files import (
    CAUSES_FIGURE,
    DRAWS,
    EVENT_SCHEMA,
    EVENTS,
    REPLICATIONS,
    SUMMARY,
    SURVIVAL_FIGURE,
    TRAJECTORIES,
    ParquetStream,
    current_run_id,
    save_figure,
    when_committed,
    write_json,
    write_table,
)

schema.register()  # on import too: what composes this command's config without main() (a launcher's worker, Hydra's compose API) finds it

#: Results files and whether a run writes them.
FILES = {
    REPLICATIONS: lambda s: True,
    EVENTS: lambda s: s.save_events,
    TRAJECTORIES: lambda s: s.save_trajectories,
    SURVIVAL_FIGURE: lambda s: s.figures,
    CAUSES_FIGURE: lambda s: s.figures,
    DRAWS: lambda s: s.uncertainty != "none",
    SUMMARY: lambda s: True,
}


def run_check(cfg: DictConfig, args: Any) -> list[str]:
    """Every problem with a ``sim-run`` config: its settings, model values and parameter uncertainty (or design: its file,
    and its rows where none of them would run, :func:`sim.cli.design.doomed_rows`)."""
    settings, _, problems = problems_of(cfg, run_settings)
    chosen = (o for o in args.overrides if not o.startswith("~"))  # ~sweep: its own line
    presets = [value for key, value in map(split_override, chosen) if key == "sweep"]
    problems += [f"sweep = {name} is a preset of swept values, which only a multirun sweeps: sim-run -m sweep={name}" for name in presets[-1:]]
    design = settings.design if settings is not None else cfg.get("design")
    if isinstance(design, str):
        problems += design_file_problems(design) + (design_refusals(settings) if settings is not None else [])
    elif settings is not None and settings.design_chunk is not None:
        chunk = settings.design_chunk
        problems.append(f"design_chunk = {chunk} runs a chunk of a design's points, and no design= is given: add design=FILE or leave design_chunk out")
    if problems or settings is None:
        return problems
    problems = uncertainty_problems(settings, fixed_paths(args.overrides), chose_uncertainty(args.overrides))[1]
    if not problems and isinstance(design, str):
        from sim.cli.design import doomed_rows  # imported when a design is given: most runs do not need it

        problems = doomed_rows(cfg, settings, args.config_dir)
    return problems


def _run_line(settings: RunSettings, run: dict[str, Any]) -> str:
    line = f"Seed {run['seed']}, {run['replications']:,} replications"
    if settings.precision is not None:
        reached = "total interval's ends known to" if settings.uncertainty != "none" else "collapse CI half-width"
        line += f" (precision {settings.precision}: {reached} {run['precision_reached']:.4f} after {run['blocks']:,} blocks)"
    return line + f", engine {settings.engine}"


@hydra.main(config_path="pkg://sim.configs", config_name="config", version_base="1.3")
@guard.task(need=run_need)
def app(cfg: DictConfig) -> None:
    """Check the configuration, run the study in blocks, write the results and print the summary.

    In a multirun a job with bad input records its point as failed and returns (the sweep goes
    on); alone, it exits with status 2. With ``resume=true`` a point whose results are complete
    and made with the same configuration is skipped. ``design=FILE`` runs a design's points instead.
    """
    began = time.time()
    hc = HydraConfig.get()
    multirun = hc.mode == RunMode.MULTIRUN
    if cfg.get("design") is not None:
        if chose_uncertainty() and cfg.get("uncertainty") != "none":
            fail([design_uncertainty_problem(cfg.get("design"))])
        from sim.cli.design import run_design

        run_design(cfg, multirun)
        return
    settings, config, problems = problems_of(cfg, run_settings)
    drawn, note = None, None
    if not problems:
        drawn, problems, note = uncertainty_problems(settings, fixed_paths(), chose_uncertainty())
    choices = hc.runtime.choices
    scenario, policy = choices["scenario"], choices["policy"]
    out = guard.output_dir()
    point = job_point("scenario", "policy")
    if problems:
        if not multirun:
            fail(problems)
        fail_point(problems, point, began)
        return
    seed = sweep_results.point_seed(settings.seed, config, settings.crn)
    key = sweep_results.point_key(config, settings, seed, drawn)
    wanted = [name for name, want in FILES.items() if want(settings)]
    record = begin_point(out, key, wanted, settings, point=point, began=began, multirun=multirun, seed=seed, record_single=True, clear=list(FILES))
    if record is None:
        return
    started = point_clock(record)
    if note:  # (said of a point that runs: one skipped as done with resume=true draws nothing)
        print(note, file=sys.stderr)
    prov = provenance.collect()
    stamp = {"scenario": scenario, "policy": policy, "seed": seed, "model_version": prov["model_version"], "code_version": prov["code_version"]}
    horizon = int(config.partnership.horizon_months)
    recorder = TrajectoryRecorder(horizon) if settings.save_trajectories else None
    tally = Tally(horizon)
    if settings.precision is None:
        plan = fixed(settings.replications, settings.block_size)
    elif drawn is not None:
        plan = draw_precision_plan(settings.precision, settings.block_size, drawn.replications_per_draw, tally.collapse_ends_error)
    else:
        plan = precision_plan(settings.precision, settings.block_size)
    workers = threads(settings.workers)
    attribution = Attribution(config, seed, workers) if settings.attribution == "counterfactual" else None
    with ExitStack() as stack:
        stream = stack.enter_context(ParquetStream(out / REPLICATIONS, metadata={**stamp, "point": point}))
        sinks = Sinks(
            tables=(sweep_results.PointColumns(stream, point), tally),
            events=stack.enter_context(ParquetStream(out / EVENTS, EVENT_SCHEMA, stamp)) if settings.save_events else None,
            trajectories=recorder,
            states=(attribution.add,) if attribution is not None else (),
        )
        bar = stack.enter_context(progress_bar(settings.replications if settings.precision is None else None, f"{scenario}/{policy}"))
        run = run_blocks(config, seed, plan, sinks, workers=workers, engine=settings.engine, on_block=advance(bar), uncertainty=drawn)
    if recorder is not None:
        write_table(out / TRAJECTORIES, recorder.table(), stamp)
    summary = tally.summary()
    summary["uncertainty"] = {"mode": settings.uncertainty} if drawn is None else {**drawn.describe(config), **summary["uncertainty"]}
    if drawn is not None:
        draws = np.arange(drawn.draws_for(run.replications))
        write_table(out / DRAWS, Table(drawn.columns(config, seed, draws)), stamp)
    if attribution is not None:
        summary["attribution"] = attribution.report()
    if settings.figures:
        from sim.analysis.plots import causes_figure, run_title, survival_figure  # matplotlib, only when asked for

        title = run_title(scenario, policy, run.replications, seed)
        save_figure(out / SURVIVAL_FIGURE, survival_figure(summary, title))
        save_figure(out / CAUSES_FIGURE, causes_figure(summary, title))
    reached = summary["outcomes"]["collapsed"]
    info = {
        **stamp,
        "point": record.point,
        "overrides": point,
        "key": key,
        "engine": settings.engine,
        "replications": run.replications,
        "requested_replications": None if settings.precision is not None else settings.replications,
        "precision": settings.precision,
        "precision_reached": (reached["high"] - reached["low"]) / 2 if drawn is None else summary["uncertainty"]["collapse_ends_error"],
        "blocks": len(run.block_sizes),
        "block_size": settings.block_size,
        "horizon_months": horizon,
        "uncertainty": getattr(settings, "uncertainty", "none"),
        "held": [] if drawn is None else drawn.held(),
        "files": wanted,
        "wall_time_s": time.perf_counter() - started,
        "run_id": current_run_id(),
    }
    write_json(out / SUMMARY, {"run": info, **summary, "provenance": {**prov, "config": provenance.run_config(cfg, uncertainty=settings.uncertainty)}})
    record.status, record.replications, record.finished, record.wall_time_s = "ok", run.replications, time.time(), info["wall_time_s"]
    when_committed(lambda: record.write(out))  # "ok" once the results are in place: a stop before then leaves the point "running"
    print(what_was_run(info))
    if multirun:  # a point of a sweep: its headline; the whole summary is in its summary.json (sim-report on its folder)
        print(plain_lines(summary)[0])
    else:
        print(render(summary, detail=settings.detail))
        if attribution is not None:
            print(render_attribution(summary["attribution"]))
        print(f"{_run_line(settings, {**info, 'seed': seed})}; {versions_line(prov)}")
    when_committed(lambda: print(f"Results in {out}"))  # said once the results are in place: a stop before then removes them


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``sim-run``: run on ``argv`` (default ``sys.argv[1:]``) and return the exit status.

    After a multirun the sweep's table is collected (also when a job crashed, not after a stop
    signal); a sweep or design with failed points exits with status 3.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    maybe_help("sim-run", __doc__ or "", RunSettings, ("scenario", "policy", "sweep"), argv, notes=launchers_help())
    command = model_command("sim-run", app, "config", RunSettings, run_check, run_need, groups=("scenario", "policy", "sweep"))
    argv, setting = out_as_folder(argv)  # out=D: the run's folder, or with -m the sweep's
    return run_sweepable(command, argv, setting)


if __name__ == "__main__":
    sys.exit(main())

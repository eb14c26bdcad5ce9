"""sim-calibrate: fit assumed parameters to target statistics (history matching), write the posterior and a report.

    sim-calibrate                                                   # the shipped UK break-up record (uk_breakups)
    sim-calibrate targets=my_region.yaml out=calibration/           # your own targets, in the same YAML format
    sim-calibrate targets=my_record.csv out=calibration/            # your own record of endings, as data/uk_breakups.csv
    sim-calibrate points=300 waves=2 replications=200 'parameters=[decisions.memory,decisions.outside_option]'
    sim-calibrate -m seed=1,2,3 points=300 waves=2 replications=200 out=seeds/   # a sweep: one row per calibration in seeds/sweep.parquet

Writes into ``out`` (default: the Hydra run folder, ``outputs/DATE/TIME``; with ``-m`` the sweep's one
folder, each calibration in ``out/0``, ``out/1``...), each file atomically: ``posterior.parquet``
(one column per calibrated parameter and ``weight``, the format ``uncertainty=posterior`` reads),
``posterior.json`` (targets, method, seed, runtime, model version), ``design.parquet`` (every
simulated point with its statistics) and ``calibration.md`` with its figures. A folder holding an
earlier run's results is taken over as ``sim-run`` does it (a ``notice:`` line; the earlier results
replaced once this run has succeeded). Bad input exits with status 2 and one line per problem; so
do targets the model cannot reach (no parameter point plausible: each statistic out of reach is
named, and nothing is written). The last lines say whether the observed values lie inside their
posterior predictive intervals. A sweep (``-m``) records each point (``point.json``; a point whose
targets are out of reach fails alone, exit 3), skips the points done with ``resume=true``, and writes
``sweep.parquet``: one row per calibration (``docs/sweeps.md``).
``docs/calibration.md`` explains the method.
"""

from __future__ import annotations

import dataclasses
import shlex
import sys
import time
from collections.abc import Sequence
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.analysis.calibration import Refused, calibrate_checked, point_figures, predictive_verdict, prepare, too_few_points, understated_totals
from sim.cli import guard
from sim.cli.common import (
    fail,
    fixed_paths,
    maybe_help,
    model_command,
    out_as_folder,
    problems_of,
    progress_bar,
    threads,
    versions_line,
)
from sim.cli.sweep import begin_point, fail_point, job_point, point_clock, run_sweepable
from sim.config import schema
from sim.config.calibration import CalibrateSettings, calibrate_settings
from sim.results import provenance
from sim.results import sweep as sweep_results
from sim.results.calibration import FILES, write_all
from sim.results.files import POSTERIOR_SAMPLE, when_committed

SCHEMA_NAME = "calibrate_schema"


def register() -> None:
    """Store the schemas in Hydra's ConfigStore (``calibrate_schema`` with every model parameter)."""
    schema.register()
    schema.store(SCHEMA_NAME, schema.run_schema(CalibrateSettings, "CalibrateSchema"))


def _prepared(cfg: DictConfig, fixed: Sequence[str]) -> tuple[Any, Any, Any, Any, list[str]]:
    """The settings, model configuration, targets and calibrated items of a config, and every problem found with them.

    ``fixed`` are the parameters set on the command line (:func:`~sim.cli.common.fixed_paths`): one that is also
    calibrated is refused, since the calibration draws it from its prior and the value given would be ignored.
    """
    settings, config, problems = problems_of(cfg, calibrate_settings)
    targets = items = None
    if isinstance(cfg.get("targets"), str):
        targets, items, found = prepare(config, cfg.targets, settings.parameters if settings else None, settings.points if settings else None)
        problems += found
    problems += [
        f"{a.path} is set on the command line and also calibrated (drawn from its prior, so the value given would be ignored): "
        "leave it unset, or hold it at that value by calibrating the others with parameters=[...]"
        for a in items or ()
        if a.path in fixed
    ]
    return settings, config, targets, items, problems


def calibrate_check(cfg: DictConfig, args: Any) -> list[str]:
    """Every problem with a ``sim-calibrate`` config (checked before Hydra makes the run folder)."""
    return _prepared(cfg, fixed_paths(args.overrides))[-1]


@hydra.main(config_path="pkg://sim.configs", config_name="calibrate", version_base="1.3")
@guard.task()
def app(cfg: DictConfig) -> None:
    """Check the settings and the targets, calibrate, and write the results.

    Its ``posterior.json`` also holds its ``run`` (with the ``key`` that ``resume=true`` matches) and the
    figures a sweep's table compares (:func:`~sim.analysis.calibration.point_figures`). In a multirun the
    job is a point of the sweep (:mod:`sim.cli.sweep`): its ``point.json`` records it, and a point
    refused (targets out of the model's reach there) is recorded as failed while the sweep goes on.
    """
    began = time.time()
    hc = HydraConfig.get()
    multirun = hc.mode == RunMode.MULTIRUN
    scenario = hc.runtime.choices["scenario"]
    point = job_point("scenario")
    settings, config, targets, items, problems = _prepared(cfg, fixed_paths())
    if problems:
        if not multirun:
            fail(problems)
        fail_point(problems, point, began)
        return
    out = guard.output_dir()  # out=D is this run's folder, or with -m the sweep's, its job here in D/0, D/1... (out_as_folder)
    # the targets' content too: a targets file edited between two runs is another calibration
    key = sweep_results.digest({"point": sweep_results.point_key(config, settings, settings.seed), "targets": dataclasses.asdict(targets)}, 24)
    record = begin_point(out, key, FILES, settings, point=point, began=began, multirun=multirun)
    if record is None:
        return
    started = point_clock(record)
    total = settings.points * settings.waves * settings.replications
    refused: list[str] = []
    with progress_bar(total, f"calibrating {len(items)} parameters") as bar:
        try:
            result = calibrate_checked(
                config,
                targets,
                items,
                seed=settings.seed,
                replications=settings.replications,
                points=settings.points,
                waves=settings.waves,
                cutoff=settings.cutoff,
                workers=threads(settings.workers),
                batch_points=settings.batch_points,
                progress=bar.update,
                report=lambda line: bar.write(line, file=sys.stderr),
            )
        except Refused as err:
            if not multirun:
                fail(err.problems)
            refused = err.problems
    if refused:
        fail_point(refused, point, began)
        return
    result.info["scenario"] = scenario
    run = {"key": key, "replications": settings.replications, "overrides": point, "wall_time_s": time.perf_counter() - started}
    files = write_all(result, out, extra={"run": run, **point_figures(result)})
    info = result.info
    stats, waves = len(targets.statistics), len(result.waves)
    calibrated = f"{len(items)} parameter{'s' if len(items) != 1 else ''}"
    print(f"Calibrated {calibrated} of scenario {scenario} to targets {targets.name} ({stats} statistic{'s' if stats != 1 else ''})")
    print(
        f"{info['points_simulated']} points x {info['replications_per_point']} replications in {waves} wave{'s' if waves != 1 else ''}; "
        f"{info['plausible_points']} plausible, effective sample size {info['effective_sample_size']:.0f}; {info['runtime_s']:.0f} s"
    )
    if warning := too_few_points(result):
        print(f"warning: {warning}")
    if understated := understated_totals(result, f"uncertainty=posterior {shlex.quote(f'posterior={out / POSTERIOR_SAMPLE}')}"):
        print(f"note: {understated}", file=sys.stderr)
    print(f"Posterior predictive check: {predictive_verdict(result)}")
    print(f"Seed {settings.seed}; {versions_line(provenance.collect())}")
    when_committed(lambda: print(f"Results in {out}: {', '.join(files)}"))  # once they are in place
    if multirun:  # "ok" once the results are in place: a stop before then leaves the point "running"
        record.status, record.finished, record.wall_time_s = "ok", time.time(), time.perf_counter() - started
        record.ran = int(info["replications_simulated"])  # every parameter point of every wave
        when_committed(lambda: record.write(out))


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``sim-calibrate``: run on ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    maybe_help("sim-calibrate", __doc__ or "", CalibrateSettings, ("scenario", "policy"), argv)
    register()
    command = model_command("sim-calibrate", app, "calibrate", CalibrateSettings, calibrate_check, check_sweep=True)
    argv, setting = out_as_folder(argv)  # out=D: the run's folder, or with -m the sweep's
    return run_sweepable(command, argv, setting=setting)


if __name__ == "__main__":
    sys.exit(main())

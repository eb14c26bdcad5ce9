"""sim-compare: one scenario under several policies on common random numbers, compared pairwise.

sim-compare scenario=case01_key_person 'policies=[none,continuity_plan,all_levers]' replications=20000 seed=7
sim-compare 'policies=[none,agreed_decision_process]' precision=0.005     # replications until each paired half-width <= 0.005
python -m sim.cli.compare 'policies=[none,agreed_decision_process]' partnership.horizon_months=60 save_events=true
sim-compare 'policies=[none,continuity_plan,open_motivations]' uncertainty=prior replications_per_draw=200 replications=20000
sim-compare -m scenario=baseline,case01_key_person out=sweeps/compared   # a sweep of 2 points into one folder: sweeps/compared/0, 1

Every policy runs the same replications with the same seed; each is compared with the
first. Prints a sentence per policy made from the numbers, the chances of each outcome and
their paired differences, and money (``detail=true`` adds the tests). Writes atomically into
``out=`` (default: the Hydra run directory, ``outputs/DATE/TIME``; with ``-m`` the sweep's folder, as for ``sim-run``)
``comparison.parquet`` (one row per policy, see
:func:`sim.analysis.comparison.compare_policies`), ``comparison.png`` (the forest plot against
cost), on request ``events.parquet`` (with a ``policy`` column), and last ``summary.json``
(the comparison, each policy's full summary, the sentences, attribution if asked for,
settings and provenance). Model overrides apply to every policy. With ``uncertainty=prior`` or
``posterior`` every policy runs the same parameter draws: each figure gets a total interval, each
lever the distribution of its effect across draws, and ``summary.json`` says how often the
ranking of the levers changes from draw to draw. Bad input, faults and signals end as for
``sim-run`` (see :mod:`sim.cli.guard`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import hydra
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from hydra import compose
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.analysis.attribution import Attribution
from sim.analysis.attribution import render as render_attribution
from sim.analysis.comparison import MEASURES, lever_lines, render, render_uncertainty, run_comparison, sentence
from sim.analysis.summary import Tally, what_was_run
from sim.cli import guard
from sim.cli.common import (
    chose_uncertainty,
    compare_check,
    compare_need,
    fail,
    fixed_paths,
    folder_argv_problems,
    maybe_help,
    model_command,
    out_as_folder,
    problems_of,
    progress_bar,
    threads,
    unknown_policies,
    versions_line,
)
from sim.cli.sweep import begin_point, fail_point, job_point, point_clock, run_sweepable
from sim.config import schema
from sim.config.checks import ConfigError
from sim.config.scenarios import model_sections
from sim.config.settings import CompareSettings, compare_settings
from sim.config.uncertainty import uncertainty_problems
from sim.frontends.runner import Sinks
from sim.frontends.table import Table
from sim.results import provenance
from sim.results import sweep as sweep_results
from sim.results.files import (
    COMPARISON,
    COMPARISON_FIGURE,
    EVENT_SCHEMA,
    EVENTS,
    SUMMARY,
    ParquetStream,
    current_run_id,
    remove,
    save_figure,
    temporary_name,
    to_arrow,
    when_committed,
    write_json,
    write_table,
)

schema.register()  # on import too: what composes this command's config without main() (a launcher's worker, Hydra's compose API) finds it


class PolicyEvents:
    """A sink keeping one policy's blocks of events, with a ``policy`` column, in a hidden file of its own.

    Each block runs every policy in turn, so the policies' blocks alternate; :meth:`pass_on`
    gives them to the shared ``events.parquet`` once every block has run, policy by policy,
    so that file is the same whatever the block size.

    Parameters
    ----------
    folder
        The run's folder (the file is ``.events.<policy>.parquet.PID.HEX.tmp``, removed by :meth:`close`).
    policy
        The policy's name.
    """

    def __init__(self, folder: Path, policy: str) -> None:
        self.policy = policy
        self.path = temporary_name(folder / f"events.{policy}.parquet")
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: Table) -> None:
        """Keep one block of events with the policy's name."""
        arrow = to_arrow(Table({**table.columns, "policy": np.full(len(table), self.policy, dtype=object)}))
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, arrow.schema)
        self._writer.write_table(arrow)

    def pass_on(self, stream: ParquetStream) -> None:
        """Write the blocks kept, in order, to ``stream``."""
        if self._writer is None:
            return
        self._writer.close()
        self._writer = None
        kept = pq.ParquetFile(self.path)
        for group in range(kept.num_row_groups):
            stream.write(kept.read_row_group(group))

    def close(self) -> None:
        """Remove the file kept."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        remove(self.path)


def _policy_configs(scenario: str, policies: list[str]) -> tuple[dict, list[str]]:
    """Each policy's checked model configuration (the run config with the command's overrides), and the problems found.

    The policies known are those of the job's config search path, the package's and a ``--config-dir``'s
    ``policy/`` files alike (as :func:`sim.cli.common.compare_check` found them before the job).
    """
    known = sorted(GlobalHydra.instance().config_loader().get_group_options("policy"))
    unknown = unknown_policies(policies, known)
    if unknown:
        return {}, unknown
    parsed = OverridesParser.create().parse_overrides(list(HydraConfig.get().overrides.task))
    overrides = [o.input_line for o in parsed if o.key_or_group not in ("policies", "scenario")]
    configs, problems = {}, []
    for policy in policies:
        try:
            configs[policy] = model_sections(compose("config", overrides=[f"scenario={scenario}", f"policy={policy}", *overrides]))
        except ConfigError as err:
            problems += [line for line in err.problems if line not in problems]
    return configs, problems


@hydra.main(config_path="pkg://sim.configs", config_name="compare", version_base="1.3")
@guard.task(need=compare_need)
def app(cfg: DictConfig) -> None:
    """Check the configuration, run every policy on the same replications and compare them with the first.

    In a multirun the job is a point of the sweep (:mod:`sim.cli.sweep`): its ``point.json``
    records it, and a point with bad input is recorded as failed while the sweep goes on.
    """
    began = time.time()
    hc = HydraConfig.get()
    multirun = hc.mode == RunMode.MULTIRUN
    scenario = hc.runtime.choices["scenario"]
    point = job_point("scenario")
    settings, _, problems = problems_of(cfg, compare_settings)
    configs: dict = {}
    drawn, note = None, None
    if not problems:
        configs, problems = _policy_configs(scenario, settings.policies)
    if not problems:
        drawn, problems, note = uncertainty_problems(settings, fixed_paths(), chose_uncertainty())
    if problems:
        if not multirun:
            fail(problems)
        fail_point(problems, point, began)
        return
    out = guard.output_dir()
    key = sweep_results.point_key(configs[settings.policies[0]], settings, settings.seed, drawn)
    files = [COMPARISON, COMPARISON_FIGURE, *([EVENTS] if settings.save_events else []), SUMMARY]
    record = begin_point(out, key, files, settings, point=point, began=began, multirun=multirun)
    if record is None:
        return
    started = point_clock(record)
    if note:  # (said of a point that runs: one skipped as done with resume=true draws nothing)
        print(note, file=sys.stderr)
    prov = provenance.collect()
    stamp: dict[str, Any] = {"scenario": scenario, "policies": settings.policies, "seed": settings.seed}
    stamp |= {key: prov[key] for key in ("model_version", "code_version")}
    workers = threads(settings.workers)
    engine = None
    if settings.engine == "mesa":
        from sim.frontends.runner import simulate_mesa

        engine = simulate_mesa
    horizon = {name: int(config.partnership.horizon_months) for name, config in configs.items()}
    tallies = {name: Tally(horizon[name]) for name in configs}
    attributions = {name: Attribution(config, settings.seed, workers) for name, config in configs.items()} if settings.attribution == "counterfactual" else {}
    with ExitStack() as stack:
        events = stack.enter_context(ParquetStream(out / EVENTS, EVENT_SCHEMA.append(pa.field("policy", pa.string())), stamp)) if settings.save_events else None
        kept = {name: PolicyEvents(out, name) for name in configs} if events is not None else {}
        for policy_events in kept.values():
            stack.callback(policy_events.close)
        sinks = {
            name: Sinks(tables=(tallies[name],), events=kept.get(name), states=(attributions[name].add,) if name in attributions else ()) for name in configs
        }
        total = None if settings.precision is not None else settings.replications * len(configs)
        bar = stack.enter_context(progress_bar(total, f"{scenario}: {len(configs)} policies"))
        tally = run_comparison(
            configs,
            settings.seed,
            settings.replications,
            settings.block_size,
            workers,
            lambda done: bar.update(done * len(configs) - bar.n),
            engine,
            precision=settings.precision,
            sinks=sinks,
            uncertainty=drawn,
        )
        if events is not None:
            for policy_events in kept.values():
                policy_events.pass_on(events)
    comparison = tally.frame()
    levers = lever_lines(configs, drawn)
    comparison.attrs["levers"] = levers  # render prints them after the sentences
    comparison.attrs["horizon_months"] = horizon[settings.policies[0]]  # the period its money table counts over
    rankings = {measure: tally.ranking(measure) for measure in MEASURES} if drawn is not None else {}
    uncertainty = {"mode": settings.uncertainty} if drawn is None else {**drawn.describe(configs[settings.policies[0]]), "ranking": rankings}
    write_table(out / COMPARISON, comparison, stamp)
    from sim.analysis.plots import comparison_title, forest_figure  # matplotlib, only once the runs are done

    save_figure(out / COMPARISON_FIGURE, forest_figure(comparison, title=comparison_title(scenario, settings.policies[0])))
    run = {
        **stamp,
        "engine": settings.engine,
        "replications": tally.n,
        "requested_replications": None if settings.precision is not None else settings.replications,
        "precision": settings.precision,
        "precision_reached": tally.planning_half_width(),
        "block_size": settings.block_size,
        "horizon_months": horizon[settings.policies[0]],
        "uncertainty": getattr(settings, "uncertainty", "none"),
        "held": [] if drawn is None else drawn.held(),
        "overrides": {name: value for name, value in point.items() if name not in ("scenario", "policies")},
        "key": key,
        "files": files,
    }
    policies = {name: t.summary() for name, t in tallies.items()}
    for name, a in attributions.items():
        policies[name]["attribution"] = a.report()
    sentences = {p: sentence(comparison, p) for p in settings.policies[1:]}
    run["wall_time_s"] = time.perf_counter() - started
    run["run_id"] = current_run_id()
    write_json(
        out / SUMMARY,
        {
            "run": run,
            "comparison": comparison.to_dict(orient="records"),
            "sentences": sentences,
            "levers": levers,
            "policies": policies,
            "uncertainty": uncertainty,
            "provenance": {**prov, "config": provenance.run_config(cfg, uncertainty=settings.uncertainty)},
        },
    )
    print(what_was_run(run))
    if settings.precision is not None:
        print(f"Precision {settings.precision}: every paired half-width at most {run['precision_reached']:.4f} after {tally.n:,} replications per policy")
    print(render(comparison, detail=settings.detail))
    print(render_uncertainty(comparison, rankings, settings.uncertainty))
    for name in attributions:
        print(f"Policy {name}: " + render_attribution(policies[name]["attribution"]))
    print(f"Seed {settings.seed}, engine {settings.engine}; {versions_line(prov)}")
    if multirun:  # "ok" once the results are in place: a stop before then leaves the point "running"
        record.status, record.replications, record.finished, record.wall_time_s = "ok", tally.n, time.time(), run["wall_time_s"]
        record.ran = tally.n * len(configs)  # every policy ran them
        when_committed(lambda: record.write(out))
    when_committed(lambda: print(f"Results in {out}"))  # once they are in place


#: ``(setting, group)``: the settings that take a list of a group's names, as ``--help`` and the raw arguments' check name them.
LISTS = (("policies", "policy"),)


def _argv_problems(argv: Sequence[str]) -> list[str]:
    if any(arg.partition("=")[0] == "policy" for arg in argv):
        return ["policy is a sim-run setting: sim-compare takes a list, e.g. policies=[none,continuity_plan]"]
    return folder_argv_problems(argv, ("scenario",), LISTS)


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``sim-compare``: run on ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    maybe_help("sim-compare", __doc__ or "", CompareSettings, ("scenario",), argv, lists=LISTS)
    command = model_command("sim-compare", app, "compare", CompareSettings, compare_check, compare_need, ("scenario",), _argv_problems)
    argv, setting = out_as_folder(argv)  # out=D: the run's folder, or with -m the sweep's
    return run_sweepable(command, argv, setting)


if __name__ == "__main__":
    sys.exit(main())

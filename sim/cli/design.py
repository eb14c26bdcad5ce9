"""``sim-run design=points.csv``: every point of a design file run as batches, one folder per point, one sweep table.

Writes into the run folder ``points/<row>/`` (``replications.parquet`` with the point's columns,
``summary.json``, ``point.json``) for each row of the design, then ``sweep.parquet``,
``sweep.csv`` and, if any point failed, ``failures.csv``: the same table as a multirun's. Where
every row to run (of the chunk, with ``design_chunk``) has bad values, the design is refused before
its folder is made (:func:`doomed_rows`, the command's own check): exit status 2, one line per
distinct problem. Otherwise a row with bad values fails before anything runs for it and the others
go on; the command then exits with status 3. ``resume=true`` skips the points already complete (same key);
``design_chunk=i/n`` runs only chunk ``i`` of ``n`` (a multirun over the chunks shares the
work out: ``sim-run -m design=points.csv design_chunk=0/4,1/4,2/4,3/4``; the multirun's table
gathers every chunk's points).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.analysis.summary import Tally
from sim.cli import guard
from sim.cli.common import design_refusals, fail, problems_of, progress_bar, threads
from sim.cli.sweep import COMPILE_TIME, EXIT_POINTS_FAILED, exit_status, fail_point, host, job_overrides, point_named, run_again_line, sweep_command
from sim.config.checks import ConfigError
from sim.config.model import SECTIONS, ModelConfig
from sim.config.overrides import composition_problems, split_override
from sim.config.scenarios import available, config_root
from sim.config.settings import MAX_SEED, parse_chunk, run_settings
from sim.config.uncertainty import design_uncertainty_problem, giving_way_note
from sim.frontends import design
from sim.results import provenance
from sim.results import sweep as results
from sim.results.files import REPLICATIONS, SUMMARY, ParquetStream, current_run_id, write_json
from sim.results.sweep import POINTS

DESIGN = "design.json"
#: How a design's rows compose the model sections of a scenario and policy: from overrides (``scenario=...``, ``policy=...``, the
#: command line's), raising where Hydra cannot.
Composer = Callable[[list[str]], dict[str, Any]]


def _sections(cfg: DictConfig) -> dict[str, Any]:
    return {key: OmegaConf.to_container(cfg[key], resolve=True) if OmegaConf.is_config(cfg[key]) else cfg[key] for key in SECTIONS}


def _fingerprint(sha256: str, chunk: str | None) -> dict[str, Any]:
    task = [line for line in HydraConfig.get().overrides.task if split_override(line)[0] not in ("resume", "design", "hydra.run.dir")]
    return {"design_sha256": sha256, "chunk": chunk, "overrides": sorted(task)}


class _Progress:
    """Points done, replications per second and time left, printed at most every ``every`` seconds while points are left.

    Once every point is done it prints nothing: the design's closing line (``Design FILE: N of N
    points done ...``) says it, and a progress line beside it said the same twice.
    """

    def __init__(self, total_points: int, replications: int, every: float = 10.0) -> None:
        self.total, self.replications, self.every = total_points, replications, every
        self.started = self.last = time.monotonic()
        self.done = self.ran = 0

    def update(self, done: int, ran: int) -> None:
        """Note ``done`` points done, ``ran`` of them run here (not skipped); print a line if one is due and points are left."""
        self.done, self.ran = done, ran
        now = time.monotonic()
        if done >= self.total or now - self.last < self.every:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-9)
        line = f"design: {done}/{self.total} points done"
        if ran:
            line += f", {ran * self.replications / elapsed:,.0f} replications/s"
            line += f", about {results.duration((self.total - done) * elapsed / ran)} left"
        guard.say(line)


def run_design(cfg: DictConfig, multirun: bool) -> None:
    """Run the design named by ``cfg.design`` (see the module's description)."""
    began = time.time()
    hc = HydraConfig.get()
    out = guard.output_dir()
    settings, _, problems = problems_of(cfg, run_settings)
    if settings is not None:
        problems += design_refusals(settings)
        default = settings.uncertainty  # gives way to none: each point is one parameter point (a chosen mode was refused before)
        settings.uncertainty = "none"
    if problems:
        _stop(problems, multirun, began)
        return
    path = Path(str(settings.design))
    if not path.is_absolute():
        path = Path(hc.runtime.cwd) / path
    try:
        read = design.read_design(path)
    except design.DesignError as err:
        _stop(err.problems, multirun, began)
        return
    df = read.frame
    indices = _chunk_of(settings, len(df))
    mark = _fingerprint(read.sha256, settings.design_chunk)
    points_dir = out / POINTS
    if results.holds_results(out):
        if not settings.resume:
            problem = f"{out} already holds results: add resume=true to skip the points already done, or choose another {guard.folder_option(multirun)}"
            _stop([problem], multirun, began)
            return
        try:
            import json

            before = json.loads((points_dir / DESIGN).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = None
        if before != mark:
            problem = f"resume=true must repeat the same design: {out} was made from another design file, chunk or overrides, or not by a design"
            _stop([problem], multirun, began)
            return
    if default != "none":
        print(giving_way_note(default, design_uncertainty_problem(settings.design)), file=sys.stderr)
    points_dir.mkdir(parents=True, exist_ok=True)
    write_json(points_dir / DESIGN, mark)  # beside the points, written at once: a stopped run's points keep the design they belong to
    run_design_points(cfg, settings, df, indices, out, multirun)


def _stop(problems: list[str], multirun: bool, began: float) -> None:
    """Refuse the design: alone, exit with one line per problem; as a chunk of a multirun, fail this job's point only (the sweep goes on)."""
    if not multirun:
        fail(problems)
    fail_point(problems, job_overrides(), began)


def _point(scenario: str, policy: str, shared: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """A design point's values: scenario, policy, the command line's overrides, then the row's cells."""
    return {"scenario": scenario, "policy": policy, **shared, **{k: v for k, v in row.items() if k not in ("scenario", "policy")}}


def _reasons(err: Exception) -> list[str]:
    """The lines of a row's failed check: a :class:`ConfigError`'s problems, or another error's message as one line."""
    return err.problems if isinstance(err, ConfigError) else [" ".join(str(err).split())]


class _Rows:
    """A design's rows made into checked point configurations, each scenario and policy a row names composed once.

    Parameters
    ----------
    sections
        The model sections of the command's own scenario and policy (with the command line's overrides).
    choices
        The command's scenario and policy (Hydra's runtime choices).
    task
        The command line's overrides other than the scenario, the policy and Hydra's own, given to each row's composition.
    names
        The design's columns.
    seed
        The command's seed, a row's where it has none.
    compose
        The model sections the config composes from a list of overrides (raises where it cannot).
    """

    def __init__(self, sections: dict[str, Any], choices: Any, task: list[str], names: list[str], seed: int, compose: Composer) -> None:
        self.choices = (str(choices["scenario"]), str(choices["policy"]))
        self.task, self.names, self.seed, self.compose = task, names, seed, compose
        self.bases: dict[tuple[str, str], tuple[dict[str, Any] | None, list[str]]] = {self.choices: (sections, [])}

    def names_of(self, row: dict[str, Any]) -> tuple[str, str]:
        """The scenario and policy a row starts from: its own, else the command's."""
        return str(row.get("scenario", self.choices[0])), str(row.get("policy", self.choices[1]))

    def _base(self, scenario: str, policy: str) -> tuple[dict[str, Any] | None, list[str]]:
        """The model sections of ``scenario`` and ``policy`` (None where they cannot be composed) and the lines saying why not.

        Hydra's own message ("In 'config': Could not find 'policy/all_lever' ...") becomes the line a single run gives.
        """
        if (scenario, policy) not in self.bases:
            overrides = [f"scenario={scenario}", f"policy={policy}", *self.task]
            try:
                self.bases[scenario, policy] = (self.compose(overrides), [])
            except Exception as err:
                self.bases[scenario, policy] = (None, composition_problems(err, overrides, [config_root()]))
        return self.bases[scenario, policy]

    def check(self, row: dict[str, Any]) -> tuple[dict[str, Any], ModelConfig]:
        """A row with its empty cells filled from its base, and its point's checked configuration.

        Raises :class:`ConfigError` (or ``ValueError``, a path that does not exist). Where the row's scenario or policy is
        unknown, its cells are checked against the base of the names that are known (the command's where not), so that a
        row with several problems reports them all.
        """
        scenario, policy = self.names_of(row)
        base, problems = self._base(scenario, policy)
        if base is None:
            known = tuple(name if name in available(group) else self.choices[i] for i, (group, name) in enumerate((("scenario", scenario), ("policy", policy))))
            other = self._base(*known)[0] if known != (scenario, policy) else None
            if other is not None:
                try:
                    design.point_config(other, design.filled(other, row, self.names))
                except ConfigError as err:
                    problems = problems + err.problems
            raise ConfigError(problems)
        row = design.filled(base, row, self.names)  # an empty cell: the table records the base value the point keeps
        config = design.point_config(base, row)
        if len(row) < len(self.names):  # a base value the scenario leaves to the model (min_partners): as resolved
            row = design.filled(config.to_dict(), row, self.names)
        return row, config

    def seed_of(self, row: dict[str, Any]) -> int:
        """The seed a checked row runs with: its own, else the command's; raises :class:`ConfigError` for one out of range."""
        seed = row.get("seed", self.seed)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise ConfigError([f"seed = {seed!r} must be a whole number in [0, 2**63)"])
        return seed


def _rows_of(cfg: DictConfig, hydra: Any, settings: Any, df: Any, compose: Composer) -> _Rows:
    """The :class:`_Rows` of design ``df`` run by a command of config ``cfg``, Hydra's settings ``hydra`` (its choices and
    the command line's overrides) and settings ``settings``."""
    task = [line for line in hydra.overrides.task if split_override(line)[0].split(".")[0] not in ("scenario", "policy", "hydra")]
    return _Rows(_sections(cfg), hydra.runtime.choices, task, [str(c) for c in df.columns], settings.seed, compose)


def _chunk_of(settings: Any, count: int) -> list[int]:
    """The indices of the rows of a design of ``count`` rows that the command runs: all, or chunk ``design_chunk``'s."""
    indices = list(range(count))
    if settings.design_chunk is not None:
        i, n = parse_chunk(settings.design_chunk)
        indices = design.chunk(indices, i, n)
    return indices


def doomed_rows(cfg: DictConfig, settings: Any, config_dir: str | None = None) -> list[str]:
    """The lines refusing a design every row of which (of its chunk) would fail its check; none where a row passes.

    ``sim-run``'s check, before anything is made: the rows are checked in order (as their run checks them) until one passes,
    so that a design that runs has at most the rows before its first good one checked twice. A line every row gives is said
    once (``all 3 points: ...``), another after the first row that gives it (``point 1: ...``), as the run's lines name them.

    Parameters
    ----------
    cfg
        The command's composed config, with Hydra's section (its runtime choices and the command line's overrides).
    settings
        The command's checked settings (``design``, ``design_chunk``, ``seed``); the design file is readable.
    config_dir
        A config folder of one's own (``--config-dir``), searched for a row's scenario and policy.

    Returns
    -------
    list of str
        One line per distinct problem, or none.
    """
    df = design.read_design(Path(str(settings.design))).frame
    extra = [f"hydra.searchpath=[file://{Path(config_dir).resolve()}]"] if config_dir else []
    rows = _rows_of(cfg, cfg.hydra, settings, df, lambda overrides: _sections(compose("config", overrides=[*overrides, *extra])))
    table = design.rows(df)
    failed: list[tuple[str, list[str]]] = []
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_root()), version_base="1.3"):
            for index in _chunk_of(settings, len(df)):
                try:
                    rows.seed_of(rows.check(table[index])[0])
                    return []
                except Exception as err:
                    failed.append((f"point {index}", _reasons(err)))
    finally:
        GlobalHydra.instance().clear()
    if not failed:
        return []
    return guard.distinct_lines(failed, failed[0][0] if len(failed) == 1 else f"all {len(failed)} points")


def run_design_points(cfg: DictConfig, settings: Any, df: Any, indices: list[int], out: Path, multirun: bool) -> None:
    """Build, check, run and record the points ``indices`` of design ``df``, then write the table."""
    began = time.perf_counter()
    standing = {"points": len(indices), "started": time.time(), "design": str(settings.design), "chunk": settings.design_chunk}
    if not multirun:  # a chunk of a multirun is run again by the multirun's command (its own sweep.json)
        standing |= {"command": sweep_command(out, "hydra.run.dir"), "cwd": str(HydraConfig.get().runtime.cwd)}
    write_json(out / POINTS / results.SWEEP, standing)  # written at once (not held back with the results): sim-collect --report reads it
    shared = {k: v for k, v in job_overrides().items() if k not in ("scenario", "policy")}
    checker = _rows_of(cfg, HydraConfig.get(), settings, df, lambda overrides: _sections(compose("config", overrides=overrides)))
    rows = design.rows(df)
    prov = provenance.collect()
    points: dict[int, dict[str, Any]] = {}
    failed = skipped = 0
    for index in indices:
        row = rows[index]
        scenario, policy = checker.names_of(row)
        point = _point(scenario, policy, shared, row)
        folder = out / POINTS / str(index)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            row, config = checker.check(row)
            point = _point(scenario, policy, shared, row)
            seed_given = checker.seed_of(row)
        except Exception as err:
            if guard.stop_received() is not None:  # the stop's interrupt come out of a library as another error
                raise
            reason = "; ".join(_reasons(err))
            print(f"error: point {index}: {reason}", file=sys.stderr)
            results.clear_results(folder, (REPLICATIONS,))
            results.PointRecord(index, "failed", point, error=reason, finished=time.time(), host=host()).write(folder)
            failed += 1
            continue
        seed = results.point_seed(seed_given, config, settings.crn)
        key = results.point_key(config, settings, seed)
        summary, stale = results.earlier(folder, key, (REPLICATIONS,)) if settings.resume else (None, None)
        if summary is not None:
            results.PointRecord(
                index,
                "ok",
                point,
                key,
                seed,
                settings.replications,
                finished=time.time(),
                host=host(),
                resumed=True,
                compile_time_s=results.compiled_before(folder),
            ).write(folder)
            skipped += 1
            continue
        if stale is not None:
            print(run_again_line(point_named(index, point), stale, folder, staged=False), file=sys.stderr)
        results.clear_results(folder, (REPLICATIONS,))
        points[index] = {"config": config, "seed": seed, "key": key, "point": point, "folder": folder}
    total = len(indices)
    progress = _Progress(total, settings.replications)
    done = failed + skipped
    if skipped:
        print(f"design: {skipped} points already done with the same configuration (resume=true): skipped", file=sys.stderr)
    workers = threads(settings.workers)
    groups: dict[tuple[int, int], list[int]] = {}
    for index, p in points.items():
        groups.setdefault((p["seed"], p["config"].n_councils), []).append(index)
    ran = 0
    # the seconds this process spent compiling the model before the design's points began: the first point run records them, as a sweep's job does
    compiled = COMPILE_TIME.get()
    with _no_point_left_without_summary(points), progress_bar(len(points) * settings.replications, f"design: {len(points)} points") as bar:
        for (seed, _), members in groups.items():
            for group, rep_blocks in design.batches(members, settings.replications, settings.block_size):
                started = time.perf_counter()
                with ExitStack() as stack:
                    streams, tallies = {}, {}
                    for index in group:
                        p = points[index]
                        stamp = {**p["point"], "seed": p["seed"], "model_version": prov["model_version"], "code_version": prov["code_version"]}
                        record = results.PointRecord(
                            index, "running", p["point"], p["key"], p["seed"], settings.replications, started=time.time(), host=host(), compile_time_s=compiled
                        )
                        compiled = None if compiled is None else 0.0
                        record.write(p["folder"])
                        p["record"] = record
                        stream = stack.enter_context(ParquetStream(p["folder"] / REPLICATIONS, metadata={"point": p["point"], **stamp}))
                        streams[index] = results.PointColumns(stream, p["point"])
                        tallies[index] = Tally(int(p["config"].partnership.horizon_months))
                    for reps in rep_blocks:
                        tables = design.simulate_points([points[i]["config"] for i in group], reps, seed, workers)
                        for index, table in zip(group, tables, strict=True):
                            streams[index].write(table)
                            tallies[index].write(table)
                        bar.update(len(reps) * len(group))
                seconds = (time.perf_counter() - started) / len(group)
                for index in group:
                    _finish_point(points[index], tallies[index], settings, prov, seconds, len(rep_blocks))
                ran += len(group)
                done += len(group)
                progress.update(done, ran)
    collected = results.collect(out)
    print(f"Design {settings.design}: {collected.report(ended=True)}", file=sys.stderr)
    table = f"{out / results.TABLE} ({results.rows_words(len(collected.rows))}; also {results.TABLE_CSV})"
    print(f"Sweep table: {table}; wall time {time.perf_counter() - began:.1f} s")
    for line in collected.failure_lines():
        print(line, file=sys.stderr)
    if not multirun and exit_status(collected):
        guard.end_with(EXIT_POINTS_FAILED)  # not an exit: the design's table is committed with the points' results


@contextmanager
def _no_point_left_without_summary(points: dict[int, dict[str, Any]]) -> Iterator[None]:
    """A run stopped (or failed) before a point's ``summary.json`` removes the point's ``replications.parquet`` (put in place as its batch ended).

    A point is complete once its summary is there; without it, its replications would be
    results of no complete run (``resume=true`` runs the point again).
    """
    try:
        yield
    except BaseException:
        for p in points.values():
            if not (p["folder"] / SUMMARY).is_file():
                results.clear_results(p["folder"], (REPLICATIONS,))
        raise


def _finish_point(p: dict[str, Any], tally: Tally, settings: Any, prov: dict[str, Any], seconds: float, blocks: int) -> None:
    summary = tally.summary()
    summary["uncertainty"] = {"mode": settings.uncertainty}
    collapsed = summary["outcomes"]["collapsed"]
    config = p["config"]
    info = {
        "scenario": p["point"]["scenario"],
        "policy": p["point"]["policy"],
        "seed": p["seed"],
        "model_version": prov["model_version"],
        "code_version": prov["code_version"],
        "point": p["record"].point,
        "overrides": p["point"],
        "key": p["key"],
        "engine": "ensemble",
        "replications": tally.n,
        "requested_replications": settings.replications,
        "precision": None,
        "precision_reached": (collapsed["high"] - collapsed["low"]) / 2,
        "blocks": blocks,
        "block_size": settings.block_size,
        "horizon_months": int(config.partnership.horizon_months),
        "files": [REPLICATIONS, SUMMARY],
        "design": str(settings.design),
        "uncertainty": settings.uncertainty,
        "wall_time_s": seconds,
        "run_id": current_run_id(),
    }
    write_json(p["folder"] / SUMMARY, {"run": info, **summary, "provenance": {**prov, "model_config": config.to_dict()}})
    record = p["record"]
    record.status, record.replications, record.finished, record.wall_time_s = "ok", tally.n, time.time(), seconds
    record.write(p["folder"])

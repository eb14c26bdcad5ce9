"""sim-analyse sensitivity: Morris screening of every free assumption, then Sobol indices of the top ones, with each output's Monte Carlo noise.

    sim-analyse sensitivity                                           # the baseline, default settings
    sim-analyse sensitivity scenario=case03_misaligned_aspirations replications=400 trajectories=20 top=10
    sim-analyse sensitivity decisions.memory=0.2 out=results/sens     # decisions.memory fixed, not analysed
    sim-analyse sensitivity --config-dir mine policy=ours             # a policy (or scenario) file of your own, mine/policy/ours.yaml
    # every free assumption varies over its prior (its plausible range), not the calibrated posterior sim-run uses by default

Writes into ``out`` (default ``outputs/sensitivity/DATE_TIME``), the files renamed into place together
once all are written (an earlier analysis's files there are replaced, none left beside them; a folder holding another
command's results is refused):
``morris.csv``/``.parquet`` (``mu``, ``mu_star`` with its interval, ``sigma``, the noise floor
``mu_star_noise`` and ``above_noise`` per factor and output: true where ``mu_star - mu_star_conf``
exceeds ``mu_star_noise``), ``sobol.csv``/``.parquet`` (``S1``, ``ST`` with intervals, the output's
``noise_share`` and ``above_noise``: true where ``ST - ST_conf`` exceeds ``noise_share``; a row
whose ``above_noise`` is false is the one the printout marks "within noise", not distinguishable
from no effect), ``noise.csv`` (each output's Monte Carlo noise at one design point),
``points.parquet`` (every design point's factor values and outputs with their standard errors),
``sensitivity.json`` (settings, factors, tables, timings, provenance) and, with
``figures=true``, ``morris.png`` and ``sobol.png``. See :mod:`sim.analysis.sensitivity`.

The assumptions vary over their prior (their whole plausible ranges, as uncertainty=prior draws
them), not the calibrated posterior that sim-run and sim-compare use by default; no setting here
changes that. The printout, ``sensitivity.json`` and the tables' metadata say so
(:data:`sim.analysis.sensitivity.VARIED`, the wording docs/sensitivity.md has too).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path

from sim.cli.common import compose_model, config_dir_of, fail, help_text, out_problems, progress_bar, split_arguments, versions_line
from sim.cli.guard import Commit
from sim.config.checks import ConfigError
from sim.config.settings import SensitivitySettings, available_cores, sensitivity_settings
from sim.results.files import MORRIS_FIGURE, SENSITIVITY, SENSITIVITY_POINTS, SENSITIVITY_TABLES, SOBOL_FIGURE
from sim.results.sweep import SUMMARIES, SWEEP, TABLE

#: Every file an analysis may write into its folder: an earlier analysis's files that this one does not write are removed.
RESULTS = (
    *(f"{name}.{kind}" for name in SENSITIVITY_TABLES for kind in ("parquet", "csv")),
    SENSITIVITY_POINTS,
    MORRIS_FIGURE,
    SOBOL_FIGURE,
    SENSITIVITY,
)


def _write(out: Path, result: object, record: dict, figures: bool) -> list[str]:
    """Write the results folder, its files renamed into place together once all are written (replacing an earlier analysis's); returns their names."""
    from sim.analysis.sensitivity import VARIED, morris_figure, sobol_figure
    from sim.results.files import atomic_path, save_figure, write_json, write_table

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with Commit(out, RESULTS, records=(), subfolders=(), final=True):
        for name in SENSITIVITY_TABLES:
            frame = getattr(result, name)
            write_table(out / f"{name}.parquet", frame, {"varied": VARIED})
            with atomic_path(out / f"{name}.csv") as tmp:
                frame.to_csv(tmp, index=False)
            written += [f"{name}.parquet", f"{name}.csv"]
        write_table(out / SENSITIVITY_POINTS, result.points, {"varied": VARIED})
        written.append(SENSITIVITY_POINTS)
        if figures:
            save_figure(out / MORRIS_FIGURE, morris_figure(result.morris, result.noise))
            save_figure(out / SOBOL_FIGURE, sobol_figure(result.sobol))
            written += [MORRIS_FIGURE, SOBOL_FIGURE]
        write_json(out / SENSITIVITY, {**record, "files": [*written, SENSITIVITY]})
    return [*written, SENSITIVITY]


def _other_results(out: object) -> list[str]:
    """Another command's results in the folder ``out`` (of ``sim-run``, ``sim-compare``, ``sim-search``, ``sim-calibrate``, a sweep),
    which the analysis's files would sit beside: one line, or none."""
    if not isinstance(out, str) or not out:
        return []
    found = [name for name in (*SUMMARIES, SWEEP, TABLE) if (Path(out).expanduser() / name).is_file()]
    return [f"out = {out} holds another command's results ({', '.join(found)}): an analysis does not mix with them; choose another folder"] if found else []


def main(argv: Sequence[str]) -> int:
    """Run the analysis and write its results folder; exit status 2 with one line per bad argument."""
    if any(a in ("-h", "--help") for a in argv):
        print(help_text("sim-analyse sensitivity", __doc__, SensitivitySettings, ("scenario", "policy"), hydra=False))
        return 0
    names = [f.name for f in fields(SensitivitySettings)]
    config_dir, problems = config_dir_of(argv)
    raw, scenario, policy, overrides, found = split_arguments(argv, names, "sim-analyse sensitivity")
    problems += found
    try:
        settings = sensitivity_settings(raw)
    except ConfigError as err:
        problems += err.problems
    problems += out_problems(argv)  # a file on its path, or a folder no file can be made in: before the analysis runs, not after
    problems += _other_results(raw.get("out"))
    if importlib.util.find_spec("SALib") is None:
        problems.append("sim-analyse sensitivity needs SALib, which is not installed: pip install 'partnership-sim[analysis]'")
    config = compose_model(scenario, policy, overrides, "sim-analyse sensitivity", problems, config_dir)
    from sim.analysis.sensitivity import VARIED, TooManyMissing, analyse, render
    from sim.cli.common import fixed_paths
    from sim.results import provenance

    started = time.perf_counter()
    out = Path(settings.out) if settings.out else Path("outputs") / "sensitivity" / datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    workers = available_cores() if settings.workers is None else settings.workers
    fixed = fixed_paths(overrides)
    bar = progress_bar(None, "sensitivity")

    def progress(stage: str, done: int, total: int) -> None:
        bar.set_description_str(f"sensitivity: {stage} {done}/{total} points")
        bar.update(settings.replications * done - bar.n if bar.n < settings.replications * done else 0)

    try:
        with bar:
            result = analyse(
                config,
                fixed=fixed,
                seed=settings.seed,
                replications=settings.replications,
                trajectories=settings.trajectories,
                top=settings.top,
                sobol_n=settings.sobol_n,
                noise_points=settings.noise_points,
                block_size=settings.block_size,
                workers=workers,
                progress=progress,
            )
    except TooManyMissing as err:  # too few replications to give every point its outputs: nothing is written
        fail([str(err)])
    prov = provenance.collect()
    record = {
        "run": {
            "scenario": scenario,
            "policy": policy,
            "overrides": list(overrides),
            "fixed": fixed,
            **asdict(settings),
            "out": str(out),
            "varied": VARIED,
            "factors": len(result.factors),
            "design_points": len(result.points),
            "seconds": result.seconds,
            "wall_time_s": time.perf_counter() - started,
        },
        "factors": result.factors,
        "top": result.top,
        "filled": result.filled,
        "noise": result.noise.to_dict(orient="records"),
        "sobol": result.sobol.to_dict(orient="records"),
        "morris": result.morris.to_dict(orient="records"),
        "provenance": prov,
    }
    _write(out, result, record, settings.figures)
    points = f"{len(result.points):,} design points x {settings.replications} replications"
    print(f"Scenario {scenario}, policy {policy}: {len(result.factors)} free assumptions, {points}")
    print(
        f"Method: Morris screening ({settings.trajectories} trajectories, every factor), then Sobol indices of the top {len(result.top)}"
        f" over all the outputs (Saltelli base sample {settings.sobol_n}): S1 and ST are shares of an output's variance when only those"
        f" {len(result.top)} vary, the other {len(result.factors) - len(result.top)} held at their stated values, so a factor left out"
        " of them (though high in an output's Morris list) has no share; Monte Carlo noise from"
        f" {settings.noise_points} points run again on independent random numbers; ± 95%: half-width of a bootstrap 95% interval"
    )
    print(VARIED)
    print(render(result))
    print(f"Seed {settings.seed}, {time.perf_counter() - started:.0f} s on {workers} thread{'s' if workers != 1 else ''}; {versions_line(prov)}")
    print(f"Results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The calibration study: fit the shipped targets, regenerate the shipped posterior and docs/calibration.md.

    python experiments/calibration.py                          # 3 waves x 1,000 points x 500 replications (9-17 minutes on 2 shared cores)
    python experiments/calibration.py --points 200 --waves 2 --replications 100 --out /tmp/calibration   # a quick look

Writes (each file atomically) ``sim/config/posterior/<model version>.parquet`` and ``.json`` (the
posterior sample ``uncertainty=posterior`` draws from, with its provenance) and ``docs/calibration.md``
with its figures in ``docs/calibration/``. With ``--out DIR`` everything goes to DIR instead, with
``design.parquet`` (every simulated point), and the package is left alone. Run it
whenever the model version changes: a test fails while the shipped posterior is for another version.
The shipped posterior is the fit of the shipped targets (uk_breakups) on scenario baseline, so other
``--targets`` (your own file, YAML or a records CSV) or another ``--scenario`` need ``--out DIR``: without it they are refused.
Bad settings, a bad targets file and targets the model cannot reach are refused as ``sim-calibrate``
refuses them (the same checks): one ``error:`` line per problem, exit status 2, nothing written; so is
a folder it cannot write into (``--out``, or without it the package's posterior folder and docs/), before anything runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.cli.guard import first_file_on, unwritable
from sim.config.calibration import SHIPPED, CalibrateSettings, calibrate_settings, shipped_path
from sim.config.checks import ConfigError
from sim.config.distributions import render_range
from sim.core.declare import spec_of
from sim.core.version import __version__
from sim.results.files import CALIBRATION_DESIGN, CALIBRATION_FIGURES, CALIBRATION_REPORT, POSTERIOR_SAMPLE

ROOT = Path(__file__).resolve().parents[1]
#: The settings of sim-calibrate the study takes as --options (checked as sim-calibrate checks them), with their defaults here.
SETTINGS = {"points": 1000, "waves": 3, "replications": 500, "seed": 2026, "workers": None}
#: What the shipped posterior is fitted to: the study writes over it (without --out) only with these.
SHIPPED_FIT = {"targets": SHIPPED, "scenario": "baseline"}


def replaces_shipped_fit(targets: str, scenario: str) -> str | None:
    """Why a study without ``--out`` is refused: a fit to other targets or another scenario would replace the shipped posterior (None: it may)."""
    own = targets != SHIPPED_FIT["targets"] and Path(targets).expanduser().resolve() != shipped_path(SHIPPED_FIT["targets"]).resolve()
    other = {"targets": own, "scenario": scenario != SHIPPED_FIT["scenario"]}
    given = " and ".join(f"--{name} {value}" for name, value in (("targets", targets), ("scenario", scenario)) if other[name])
    if not given:
        return None
    allowed = " ".join(f"--{name} {value}" for name, value in SHIPPED_FIT.items())
    return (
        f"{given} without --out would replace the shipped posterior (sim/config/posterior/{__version__}.parquet, .json) and docs/calibration.md "
        f"with its fit: give --out DIR to fit your own (without --out only the shipped fit, {allowed}, is allowed)"
    )


def as_typed(line: str) -> str:
    """A problem line as the study's options spell it: ``targets = ...`` (as ``sim-calibrate``'s checks name it) becomes ``--targets = ...``, and so on."""
    return f"--{line}" if line.startswith(tuple(f"{name} = " for name in (*SHIPPED_FIT, *SETTINGS))) else line


def main(argv: list[str] | None = None) -> int:
    """Run the study; returns the exit status."""
    parser = argparse.ArgumentParser(prog="experiments/calibration.py", description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default=SHIPPED_FIT["targets"], help=f"shipped targets name, YAML or records CSV (default {SHIPPED_FIT['targets']})")
    parser.add_argument("--scenario", default=SHIPPED_FIT["scenario"], help=f"scenario calibrated on (default {SHIPPED_FIT['scenario']})")
    for name, default in SETTINGS.items():
        spec = spec_of(CalibrateSettings, name)
        shown = "" if default is None else f" (default {default})"
        parser.add_argument(f"--{name}", type=int, default=default, help=f"{spec.doc}, {render_range(spec)}{shown}")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write everything into this folder instead of the package and docs/ (needed with --targets or --scenario other than the defaults)",
    )
    args = parser.parse_args(argv)
    problems = []
    try:
        calibrate_settings({name: getattr(args, name) for name in SETTINGS})
    except ConfigError as err:
        problems += err.problems
    blocker = first_file_on(args.out.expanduser().absolute()) if args.out else None
    if blocker is not None:
        problems.append(f"--out = {args.out}: {blocker} is a file, not a folder; choose another folder")
    if args.out is None and (line := replaces_shipped_fit(args.targets, args.scenario)):
        problems.append(line)
    from sim.config.posterior import shipped_path as shipped_posterior

    if blocker is None:
        folders = [args.out.expanduser().absolute()] if args.out else [shipped_posterior().parent, ROOT / "docs" / CALIBRATION_FIGURES]
        problems += [f"--out = {args.out}: {why}" if args.out else why for folder in folders if (why := unwritable(folder, "--out DIR"))]
    if problems:
        print("\n".join(f"error: {as_typed(p)}" for p in problems), file=sys.stderr)
        return 2
    from sim.analysis.calibration import Refused, calibrate_checked, prepare
    from sim.config.scenarios import load
    from sim.config.settings import available_cores
    from sim.results.calibration import write_posterior, write_report
    from sim.results.files import write_table

    started = time.perf_counter()
    try:
        cfg = load(args.scenario, "none")
    except ConfigError as err:
        cfg, problems = None, err.problems
    targets, items, found = prepare(cfg, args.targets, None, args.points, points_option="--points")
    problems += found
    if not problems:
        try:
            result = calibrate_checked(
                cfg,
                targets,
                items,
                seed=args.seed,
                replications=args.replications,
                points=args.points,
                points_option="--points",
                waves=args.waves,
                workers=args.workers or available_cores(),
                report=print,
            )
        except Refused as err:
            problems = err.problems
    if problems:
        print("\n".join(f"error: {as_typed(p)}" for p in problems), file=sys.stderr)
        return 2
    result.info["scenario"] = args.scenario
    docs = args.out or ROOT / "docs"
    posterior = (args.out / POSTERIOR_SAMPLE) if args.out else shipped_posterior()
    write_posterior(result, posterior, {"study": "experiments/calibration.py"})
    if args.out:
        write_table(args.out / CALIBRATION_DESIGN, result.design, result.info)
    write_report(result, docs / CALIBRATION_REPORT, docs / CALIBRATION_FIGURES, command="python experiments/calibration.py")
    print(f"posterior: {posterior} ({len(result.posterior)} points, effective sample size {result.info['effective_sample_size']:.0f})")
    print(f"report: {docs / CALIBRATION_REPORT}; study took {(time.perf_counter() - started) / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

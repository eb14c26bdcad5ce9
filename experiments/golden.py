"""Golden numbers: key figures of every named scenario for fixed seeds, kept in ``tests/baseline.json``.

python experiments/golden.py            # regenerate after an intended change of results
python experiments/golden.py --check    # compare with the file; exit 1 listing what changed
python experiments/golden.py --force    # regenerate although the model version is unchanged

``tests/test_golden.py`` fails when any figure changes. When a change of results is
intended: bump the model version (``sim/core/version.py``), note it in ``CHANGELOG.md`` and regenerate.
Regenerating refuses to overwrite changed figures under an unchanged model version
unless ``--force`` is given (for calibration before a release); adding a scenario
is not a change.

Each case records its outcome counts, probabilities of collapse within 2, 5 and 10
years, the median months to collapse, the counts of the leading causes of failure, mean
money figures and a fingerprint (SHA-256) of every replication's outcome, end month,
cause and exits; the paired case records the discordant counts of a comparison.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim import __version__
from sim.analysis.comparison import compare_policies
from sim.analysis.summary import summarise
from sim.config.checks import ConfigError
from sim.config.scenarios import available, load
from sim.frontends.ensemble import run_ensemble
from sim.results.files import write_json

BASELINE = Path(__file__).resolve().parent.parent / "tests" / "baseline.json"
SEED = 20261122
REPLICATIONS = 300
REL_TOL = 1e-9
MONEY = ("business_case", "realised_savings", "lever_cost", "net_savings")
FINGERPRINT = ("outcome", "end_month", "cause", "exits")


def default_cases() -> list[dict[str, Any]]:
    """Every named scenario with no lever, the baseline with every lever, and one paired comparison."""
    cases = [{"scenario": s, "policy": "none", "seed": SEED, "replications": REPLICATIONS} for s in available("scenario")]
    cases.append({"scenario": "baseline", "policy": "all_levers", "seed": SEED, "replications": REPLICATIONS})
    cases.append({"scenario": "baseline", "policies": ["none", "continuity_plan"], "seed": SEED, "replications": REPLICATIONS})
    return cases


def case_name(case: dict[str, Any]) -> str:
    """A readable key, e.g. ``baseline/none`` or ``baseline/none-vs-continuity_plan``."""
    return f"{case['scenario']}/{case.get('policy') or '-vs-'.join(case['policies'])}"


def fingerprint(table: pd.DataFrame) -> str:
    """SHA-256 of the whole-number and text columns of every replication."""
    digest = hashlib.sha256()
    for column in FINGERPRINT:
        digest.update(column.encode())
        digest.update("\x1f".join(map(str, table[column])).encode())
    return digest.hexdigest()


def figures(case: dict[str, Any]) -> dict[str, Any]:
    """The key figures of one case."""
    if "policies" in case:
        tables = {p: run_ensemble(load(case["scenario"], p), case["replications"], case["seed"], uncertainty="none") for p in case["policies"]}
        row = compare_policies(tables).iloc[-1]
        return {m: {"only_reference": int(row[f"{m}_only_reference"]), "only_policy": int(row[f"{m}_only_policy"])} for m in ("collapse", "failure")}
    config = load(case["scenario"], case["policy"])
    table = run_ensemble(config, case["replications"], case["seed"], uncertainty="none")
    summary = summarise(table, int(config.partnership.horizon_months))
    return {
        "outcomes": {o: d["count"] for o, d in summary["outcomes"].items()},
        "collapse_within": {k: None if d is None else d["value"] for k, d in summary["collapse_within"].items()},
        "median_months_to_collapse": summary["median_months_to_collapse"]["value"],
        "causes_of_failure": {c["cause"]: c["count"] for c in summary["causes_of_failure"][:5]},
        "mean": {name: float(table[name].mean()) for name in MONEY},
        "fingerprint": fingerprint(table),
    }


def generate(cases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The baseline document: model version, how to regenerate, and each case with its figures."""
    return {
        "model_version": __version__,
        "regenerate": "python experiments/golden.py (bump sim/core/version.py and note it in CHANGELOG.md first)",
        "cases": [{"case": dict(case), "figures": figures(case)} for case in cases],
    }


def differences(path: str, old: Any, new: Any) -> list[str]:
    """Lines naming every figure that differs between ``old`` and ``new`` (floats within :data:`REL_TOL`)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [line for key in sorted(set(old) | set(new)) for line in differences(f"{path}.{key}", old.get(key), new.get(key))]
    if isinstance(old, float) and isinstance(new, float) and math.isclose(old, new, rel_tol=REL_TOL, abs_tol=1e-12):
        return []
    return [] if old == new else [f"{path}: {old!r} -> {new!r}"]


def check(path: Path = BASELINE) -> list[str]:
    """What differs between the recorded figures and a fresh computation of the same cases (empty if nothing)."""
    recorded = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for entry in recorded["cases"]:
        case = entry["case"]
        if case["scenario"] not in available("scenario"):
            problems.append(f"{case_name(case)}: scenario {case['scenario']!r} no longer exists")
            continue
        problems += differences(case_name(case), entry["figures"], figures(case))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate or check the golden numbers; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m experiments.golden", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    parser.add_argument("--force", action="store_true", help="overwrite changed figures although the model version is unchanged")
    parser.add_argument("--file", type=Path, default=BASELINE, help=f"baseline file (default {BASELINE})")
    args = parser.parse_args(argv)
    if args.check:
        problems = check(args.file)
        print("\n".join(problems) if problems else f"{args.file}: all figures unchanged")
        return 1 if problems else 0
    try:
        fresh = generate(default_cases())
    except ConfigError as err:
        print("\n".join(f"error: {problem}" for problem in err.problems), file=sys.stderr)
        return 1
    if args.file.exists() and not args.force:
        recorded = json.loads(args.file.read_text(encoding="utf-8"))
        kept = {case_name(e["case"]): e["figures"] for e in fresh["cases"]}
        changed = [line for e in recorded["cases"] for line in differences(case_name(e["case"]), e["figures"], kept.get(case_name(e["case"])))]
        if changed and recorded["model_version"] == fresh["model_version"]:
            print("\n".join(changed), file=sys.stderr)
            print(f"error: figures changed but the model version is still {__version__}: bump sim/core/version.py, note it in CHANGELOG.md", file=sys.stderr)
            print("       and run again (or pass --force while calibrating before a release)", file=sys.stderr)
            return 1
    write_json(args.file, fresh)
    print(f"wrote {args.file}: {len(fresh['cases'])} cases, model version {__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

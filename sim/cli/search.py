"""sim-search: the cheapest lever package (which levers, when they start, how strong) keeping a risk under a target in a scenario,
or the package of lowest risk within a budget.

    sim-search scenario=case04_trading_company target=0.22
    sim-search scenario=case01_key_person risk=collapse target=0.1 'pool=[continuity_plan,open_motivations,staged_scope]' max_levers=2
    sim-search scenario=case04_trading_company target=0.22 councils.1.it_maturity=0.3   # model overrides as in sim-run
    sim-search scenario=case04_trading_company budget=1.5   # the lowest risk costing at most GBP 1.5 m per partnership
    sim-search scenario=case04_trading_company target=0.22 out=searches/case04   # the results into searches/case04

``risk=failure`` (default) is any failure (shelved, collapsed, underperforming) among all
partnerships; ``risk=collapse`` is collapse among launched partnerships. They differ: see
:mod:`sim.analysis.search` and ``docs/sweeps.md``. Every lever combination of ``pool`` up to
``max_levers`` is screened in one batch; Optuna (the ``[search]`` extra) tunes start months and
strengths; the winner and runners-up are confirmed on a fresh seed. Give ``target=`` (the
cheapest package keeping the risk at most it; 0.2 if neither is given) or ``budget=`` (the lowest
risk costing at most it, GBP m per partnership over the horizon, the cost the search reports),
not both. Prints the answer with its interval and cost; writes ``search.json`` and ``candidates.parquet`` into ``out=`` (default:
the Hydra run folder, ``outputs/DATE/TIME``; with ``-m`` the sweep's folder, as for ``sim-run``),
and each confirmed package as a policy file ``policy/search_N.yaml`` there, so that
``sim-compare --config-dir FOLDER policies=[none,search_1,...]`` (the command it prints) runs
them across the model's assumptions.
Exits 0 when a package meets the target (or, with a budget, when one within it lowers the risk
below no lever's), 1 when none does (what was found is shown, and the results are written all
the same); bad input exits 2 with one line per problem, before
anything is written.
"""

from __future__ import annotations

import importlib.util
import shlex
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import hydra
import yaml
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.analysis.search import DIFFERENCES, RISKS, Evaluation, Package, Result, configure, measurably_lower, risk_difference, search
from sim.cli import guard
from sim.cli.common import fail, fixed_paths, maybe_help, model_command, out_as_folder, problems_of, progress_bar, threads, versions_line
from sim.cli.sweep import begin_point, fail_point, job_point, point_clock, run_sweepable
from sim.config import schema
from sim.config.model import ModelConfig
from sim.config.overrides import split_override
from sim.config.settings import SearchSettings, search_settings
from sim.results import provenance
from sim.results import sweep as sweep_results
from sim.results.files import CANDIDATES, SEARCH, SEARCH_POLICIES, atomic_path, when_committed, write_json, write_table

schema.register()  # on import too: what composes this command's config without main() (a launcher's worker, Hydra's compose API) finds it

#: Exit status when nothing answered: no package met the target, or none within the budget lowered the risk below no lever's.
EXIT_NOT_FOUND = 1


def _row(e: Evaluation) -> dict:
    return {
        "package": str(e.package),
        "levers": ",".join(e.package.names),
        "stage": e.stage,
        "seed": e.seed,
        "replications": e.replications,
        "launched": e.launched,
        "risk": e.risk.value,
        "risk_low": e.risk.low,
        "risk_high": e.risk.high,
        "cost": e.cost.value,
        "cost_low": e.cost.low,
        "cost_high": e.cost.high,
        **{f"{name}.start_month": start for name, start, _ in e.package.levers},
        **{f"{name}.strength": strength for name, _, strength in e.package.levers},
    }


def share(value: float, target: float) -> str:
    """``value`` as a percentage with one decimal, or with as many more as tell it apart from ``target`` (``7.01%``, not ``7.0%``,
    for a risk that misses a target of 7.0%), up to four."""
    for places in range(1, 5):
        text = f"{value:.{places}%}"
        if value == target or text != f"{target:.{places}%}":
            break
    return text


def _risk(value: float, target: float | None) -> str:
    return f"{value:.1%}" if target is None else share(value, target)


def _line(e: Evaluation, target: float | None, mark: str = "", name: str = "") -> str:
    risk = f"{_risk(e.risk.value, target):>6} [{e.risk.low:6.1%}, {e.risk.high:6.1%}]"
    cost = f"{e.cost.value:6.3f} [{e.cost.low:6.3f}, {e.cost.high:6.3f}]"
    return f"  {risk}   {cost}   {f'{name}: ' if name else ''}{e.package}{mark}"


#: What the answer's line says when its 95% interval holds the target (``{target}``): it answers by its estimate, and its replications
#: cannot tell on which side its risk is.
UNDECIDED = (
    "but its 95% interval holds the target: these replications cannot tell whether it keeps the risk at most {target} or misses it;"
    " more confirm_replications narrow the interval"
)


def _risk_interval(e: Evaluation, target: float, label: str = "") -> str:
    """``e``'s risk and its 95% interval, each end with the decimals that tell it from ``target`` (:func:`share`)."""
    return f"{share(e.risk.value, target)} [{label}{share(e.risk.low, target)}, {share(e.risk.high, target)}]"


def _mark(e: Evaluation, result: Result) -> str:
    """What a confirmed package's line ends with: ``<- answer``; whether it misses the target (or is over the budget); and, where its
    95% interval holds the limit (:meth:`~sim.analysis.search.Goal.undecided`), that its estimate alone puts it on its side."""
    goal = result.goal
    if e is result.winner:
        return "   <- answer"
    words = ("target", "misses the target", "meets the target") if goal.target is not None else ("budget", "over the budget", "within the budget")
    limit, missed, within = words
    if goal.undecided(e):
        return f"   ({within if goal.fits(e) else missed} by its estimate; its 95% interval holds the {limit})"
    return "" if goal.fits(e) else f"   ({missed})"


def policy_names(result: Result) -> dict[Package, str]:
    """The policy name of each confirmed package with levers, ``search_1``, ``search_2``... in the order they are listed (best first)."""
    packages = list(dict.fromkeys(e.package for e in result.confirmed if e.package.levers))
    return {package: f"search_{i}" for i, package in enumerate(packages, 1)}


def policy_text(base: ModelConfig, package: Package, scale_cost: bool, title: str) -> str:
    """A policy file (``policy/NAME.yaml``) that runs ``package`` as the search ran it: its levers at their start months,
    strengths and costs (scaled with strength as the search scaled them), any other lever the configuration switched on
    switched off."""
    cfg = configure(base, package, scale_cost)
    levers: dict[str, dict[str, Any]] = {}
    for name, lever in cfg.levers.items():
        if lever.enabled:
            levers[name] = {
                "enabled": True,
                "start_month": int(lever.start_month),
                "strength": float(lever.strength),
                "cost_upfront": float(lever.cost_upfront),
                "cost_per_year": float(lever.cost_per_year),
            }
        elif base.levers[name].enabled:
            levers[name] = {"enabled": False}
    return f"# @package _global_\n# {title}\n" + yaml.safe_dump({"levers": levers}, sort_keys=False)


#: What sim-compare's chances for the same package differ by from the search's risk, by ``risk``: the
#: parameter values always, and for ``collapse`` the partnerships the share is among too.
COMPARE_DIFFERS = {
    "collapse": "sim-compare's chances will differ from this risk for the same package: it draws the assumptions from the calibrated"
    " posterior (uncertainty=posterior) rather than holding them at their stated values, and its 'collapse' is among all partnerships"
    " (a shelved proposal counts as not collapsed), not among launched ones as here; with uncertainty=none it runs at the stated values,"
    " its collapse still among all partnerships.",
    "failure": "sim-compare's chances will differ from this risk for the same package: it draws the assumptions from the calibrated"
    " posterior (uncertainty=posterior) rather than holding them at their stated values; its 'failure' is this risk, among all"
    " partnerships, and with uncertainty=none it runs at the stated values, as here.",
}


def compare_command(out: Path, scenario: str, overrides: Sequence[str], names: Sequence[str]) -> str:
    """The ``sim-compare`` command that runs the confirmed packages (policy files in ``out``) against no lever, with parameter draws."""
    parts = ["sim-compare", "--config-dir", str(out), f"scenario={scenario}", *overrides, f"policies=[{','.join(['none', *names])}]"]
    return " ".join(shlex.quote(part) for part in parts)


def render(result: Result, scenario: str, names: Mapping[Package, str] | None = None, compare: str = "") -> str:
    """The answer as text: the winner with its interval and cost, the runners-up and no lever, on the fresh seed.

    ``names``: each confirmed package's policy file (:func:`policy_names`); ``compare``: the command comparing them
    across the model's assumptions (:func:`compare_command`).
    """
    names = names or {}
    goal = result.goal
    lines = [f"Scenario {scenario}: {goal.describe(result.risk)}, the model's assumptions at their stated values"]
    w = result.winner
    if goal.target is None:
        lines += _budget_answer(result, names)
    elif w is None:
        best = min([*result.confirmed, result.reference], key=lambda e: e.risk.value)
        lines.append(
            f"No package found meets the target; the lowest risk confirmed: {_risk_interval(best, goal.target)} with {best.package}"
            + (f" ({UNDECIDED.format(target=share(goal.target, goal.target))})" if goal.undecided(best) else "")
        )
    else:
        sure = "its whole interval is at or below the target" if goal.surely_fits(w) else UNDECIDED.format(target=share(goal.target, goal.target))
        lines.append(f"Answer: {w.package}")
        lines.append(
            f"  risk {_risk_interval(w, goal.target, '95% CI ')} ({sure}); cost GBP {w.cost.value:.3f} m per partnership"
            f" [{w.cost.low:.3f}, {w.cost.high:.3f}] over the horizon"
        )
    lines.append(
        f"Confirmed on {result.reference.replications:,} fresh replications (seed {result.reference.seed}); risk [95% CI]   cost GBP m [95% CI]   package:"
    )
    for e in result.confirmed:
        lines.append(_line(e, goal.target, _mark(e, result), names.get(e.package, "")))
    reference = result.reference
    lines.append(_line(reference, goal.target, "   (reference)" + (_mark(reference, result) if reference is w or goal.undecided(reference) else "")))
    lines.append(
        "Every interval is Monte Carlo only: the search holds the model's assumptions at their stated values (uncertainty=none),"
        " so a risk says nothing of the doubt about them; sim-compare of the package against none (default uncertainty=posterior)"
        " gives the total intervals"
        + (f". Each package named above is a policy file in the results folder's policy/; across the assumptions: {compare}" if compare else ".")
    )
    lines.append(COMPARE_DIFFERS[result.risk])
    lines.append(
        f"Searched {len(result.screened)} lever combinations and {len(result.tuned)} Optuna trials on {result.screened[0].replications:,} paired replications"
        f" (seed {result.screened[0].seed}) in {result.seconds:.0f} s"
    )
    return "\n".join(lines)


def _budget_answer(result: Result, names: Mapping[Package, str]) -> list[str]:
    """The answer within a budget: the package of lowest confirmed risk within it, those it cannot be told apart from, or what no lever gives."""
    budget, w, reference = result.goal.budget, result.winner, result.reference
    assert budget is not None and w is not None  # within a budget no lever always fits, so there is a winner
    within = f"the budget of GBP {budget:.3f} m per partnership"
    ref = f"{reference.risk.value:.1%} [95% CI {reference.risk.low:.1%}, {reference.risk.high:.1%}]"
    if w is reference:
        fitting = [e for e in result.confirmed if result.goal.fits(e)]
        if fitting:
            return [
                f"No package with levers within {within} lowered the risk below no lever's on confirmation: the answer is no lever,"
                f" which costs nothing, at {ref}"
            ]
        cheapest = min(result.confirmed, key=lambda e: e.cost.value, default=None)
        over = f" (the cheapest confirmed costs GBP {cheapest.cost.value:.3f} m)" if cheapest is not None else ""
        return [f"No package with levers fits {within}{over}: no lever, which costs nothing and always fits, gives {ref}"]
    sure = "its whole interval is within it" if w.cost.high <= budget else "its interval still reaches above it: confirm with more replications"
    lines = [
        f"Answer: {w.package}",
        f"  risk {w.risk.value:.1%} [95% CI {w.risk.low:.1%}, {w.risk.high:.1%}]; cost GBP {w.cost.value:.3f} m per partnership"
        f" [{w.cost.low:.3f}, {w.cost.high:.3f}] over the horizon, within {within} ({sure})",
    ]
    alike = [e for e in result.confirmed if e is not w and result.goal.fits(e) and not measurably_lower(w, e)]
    if alike:
        cheapest = min([w, *alike], key=lambda e: e.cost.value)
        which = "the answer itself" if cheapest is w else f"{names.get(cheapest.package) or cheapest.package}, at GBP {cheapest.cost.value:.3f} m"
        whose = "its" if len(alike) == 1 else "their"
        lines.append(
            f"  Not measurably lower than {', '.join(names.get(e.package) or str(e.package) for e in alike)} ({_apart_words(w, alike, whose)}):"
            f" these cannot be told apart on these replications; the cheapest of them is {which}"
        )
    if not measurably_lower(w, reference):
        apart = _apart_words(w, [reference], "no lever's")
        lines.append(f"  Its risk is not measurably lower than no lever's, {ref} ({apart})")
    return lines


def _apart_words(w: Evaluation, others: Sequence[Evaluation], whose: str) -> str:
    """Which rule found ``w`` not measurably lower than ``others``: the paired interval of the difference, with each difference
    (``whose`` risk minus the answer's, percentage points), or the intervals overlapping."""
    paired = [risk_difference(w, other) for other in others]
    if any(d is None for d in paired):
        return "95% intervals overlapping"
    values = ", ".join(f"{100 * d.value:+.2f} [{100 * d.low:+.2f}, {100 * d.high:+.2f}]" for d in paired if d is not None)
    rule = "the paired 95% interval of the difference in risk on the same replications holds zero"
    return f"{rule}; {whose} risk minus the answer's, percentage points: {values}"


def differences(e: Evaluation, result: Result) -> dict[str, float | None]:
    """``e``'s risk minus the answer's and minus no lever's, each with its paired 95% interval (:func:`~sim.analysis.search.risk_difference`),
    as search.json records them: ``risk_minus_answer``, ``_low``, ``_high`` and ``risk_minus_no_lever``, ``_low``, ``_high``; null
    against itself, with no answer, or where the two are not paired."""
    out: dict[str, float | None] = {}
    for name, other in (("answer", result.winner), ("no_lever", result.reference)):
        d = None if other is None or other is e else risk_difference(other, e)
        out |= {
            f"risk_minus_{name}": None if d is None else d.value,
            f"risk_minus_{name}_low": None if d is None else d.low,
            f"risk_minus_{name}_high": None if d is None else d.high,
        }
    return out


def _model_overrides() -> list[str]:
    """The model parameters this job's command line set (``councils.1.it_maturity=0.3``), as typed: a comparison of the packages needs them too."""
    lines = list(HydraConfig.get().overrides.task)
    keys = set(fixed_paths(lines))
    return [line for line in lines if split_override(line)[0] in keys]


def search_check(cfg: DictConfig, args: Any) -> list[str]:
    """Every problem with a ``sim-search`` config: its settings, the model values, and Optuna where tuning is asked for."""
    settings, _, problems = problems_of(cfg, search_settings)
    if settings is not None and settings.tune and importlib.util.find_spec("optuna") is None:
        problems.append(
            f"tune = {settings.tune} needs Optuna, which is not installed: pip install 'partnership-sim[search]' (or tune=0: on/off combinations only)"
        )
    return problems


@hydra.main(config_path="pkg://sim.configs", config_name="search", version_base="1.3")
@guard.task()
def app(cfg: DictConfig) -> None:
    """Check the configuration, search, confirm, print and write the answer.

    In a multirun the job is a point of the sweep (:mod:`sim.cli.sweep`): its ``point.json``
    records it, and a point with bad input is recorded as failed while the sweep goes on.
    """
    began = time.time()
    hc = HydraConfig.get()
    multirun = hc.mode == RunMode.MULTIRUN
    scenario = hc.runtime.choices["scenario"]
    point = job_point("scenario")
    settings, config, problems = problems_of(cfg, search_settings)
    if problems:
        if not multirun:
            fail(problems)
        fail_point(problems, point, began)
        return
    out = guard.output_dir()
    key = sweep_results.point_key(config, settings, settings.seed)
    files = [CANDIDATES, SEARCH]
    record = begin_point(out, key, files, settings, point=point, began=began, multirun=multirun)
    if record is None:
        return
    started = point_clock(record)
    workers = threads(settings.workers)
    with progress_bar(None, f"search {scenario}") as bar:
        result = search(
            config,
            pool=settings.pool,
            risk=settings.risk,
            target=settings.target,
            budget=settings.budget,
            seed=settings.seed,
            replications=settings.replications,
            confirm_replications=settings.confirm_replications,
            max_levers=settings.max_levers,
            tune_packages=settings.tune,
            trials=settings.trials,
            latest_start=settings.latest_start,
            runners_up=settings.runners_up,
            scale_cost=settings.cost_scales_with_strength,
            block_size=settings.block_size,
            workers=workers,
            on_batch=bar.update,
            say=lambda line: print(line, file=sys.stderr, flush=True),
        )
    import pandas as pd

    names = policy_names(result)
    for package, name in names.items():
        title = f"sim-search's package {name} ({scenario}, {result.goal.describe(settings.risk)}): {package}"
        with atomic_path(out / SEARCH_POLICIES / f"{name}.yaml") as tmp:
            tmp.write_text(policy_text(config, package, settings.cost_scales_with_strength, title), encoding="utf-8")
    compare = compare_command(out, scenario, _model_overrides(), list(names.values())) if names else ""
    rows = [_row(e) for e in [*result.screened, *result.tuned, *result.confirmed, result.reference]]
    prov = provenance.collect()
    write_table(
        out / CANDIDATES,
        pd.DataFrame(rows),
        {"scenario": scenario, "risk": settings.risk, "target": result.goal.target, "budget": result.goal.budget},
    )
    answer = None if result.winner is None else {**_row(result.winner), **differences(result.winner, result)}
    write_json(
        out / SEARCH,
        {
            "scenario": scenario,
            "risk": settings.risk,
            "risk_means": RISKS[settings.risk],
            "target": result.goal.target,
            "budget": result.goal.budget,
            "answer": answer,
            "differences_means": DIFFERENCES[settings.risk],
            "confirmed": [{**_row(e), **differences(e, result), "policy": names.get(e.package)} for e in result.confirmed],
            "compare": compare or None,
            "reference": {**_row(result.reference), **differences(result.reference, result)},
            "seconds": result.seconds,
            "run": {"key": key, "replications": settings.replications, "overrides": point, "wall_time_s": time.perf_counter() - started},
            "provenance": {**prov, "config": OmegaConf.to_container(cfg, resolve=True)},
        },
    )
    print(render(result, scenario, names, compare))
    print(f"{versions_line(prov)}; results in {out}")
    if multirun:  # "ok" once the results are in place: a stop before then leaves the point "running"
        record.status, record.finished, record.wall_time_s = "ok", time.time(), time.perf_counter() - started
        record.ran = result.replications_ran
        when_committed(lambda: record.write(out))
    if not result.found:
        guard.end_with(EXIT_NOT_FOUND)  # an answer, not a failure: the results are kept


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``sim-search``: run on ``argv`` (default ``sys.argv[1:]``) and return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    maybe_help("sim-search", __doc__ or "", SearchSettings, ("scenario", "policy"), argv)
    command = model_command("sim-search", app, "search", SearchSettings, search_check)
    argv, setting = out_as_folder(argv)  # out=D: the run's folder, or with -m the sweep's
    return run_sweepable(command, argv, setting)


if __name__ == "__main__":
    sys.exit(main())

"""Generate ``docs/parameters.md`` from the parameter declarations.

Every parameter is declared once, with a :class:`~sim.core.declare.Spec` in its field's
metadata; this module turns those declarations (councils, partnership, dynamics,
exogenous change, every registered mechanism, every lever, and the commands' settings) into one
Markdown reference. Run ``python -m sim.cli.paramdocs`` to write the file, or
``python -m sim.cli.paramdocs --check`` to fail when it is out of date.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import MISSING, Field, dataclass, fields
from pathlib import Path
from typing import Any

from sim.config.checks import ArgumentParser
from sim.config.distributions import describe, is_dist, number_words, render_range
from sim.config.settings import CompareSettings, RunSettings
from sim.core import levers as lever_table
from sim.core.declare import CITATIONS, DISTRIBUTIONS, Spec, specs
from sim.core.mechanisms import mechanisms
from sim.core.params import CouncilParams, DecisionParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "parameters.md"


@dataclass(frozen=True)
class Section:
    """One table of parameters: a dataclass and how its fields are addressed in a config."""

    title: str
    prefix: str
    cls: type
    intro: str


def sections() -> list[Section]:
    """The parameter sections in document order, mechanisms taken from the registry."""
    out = [
        Section("Councils", "councils[k].", CouncilParams, "One entry per council (K = 2 to 8) under `councils:`; `k` counts from 0."),
        Section("Partnership", "partnership.", PartnershipParams, "The partnership as a whole: governance, business case, plans and horizon."),
        Section("Dynamics", "dynamics.", DynamicsParams, "How trust, IT harmonisation, maturity and savings evolve between events."),
        Section(
            "Decisions", "decisions.", DecisionParams, "How councils weigh the partnership against going alone, and when they decide (`sim/core/decisions.py`)."
        ),
        Section("Exogenous change", "exogenous.", ExogenousParams, "Elections, chief executives, budget shocks and reorganisation (`sim/core/exogenous.py`)."),
    ]
    for m in mechanisms():
        source = f"Guide 08 case {m.case}" if m.case.isdigit() else m.case
        intro = f"{source}; module `{m.module}`; losses booked to cause `{m.cause}`."
        out.append(Section(f"Mechanism `{m.name}`: {m.title}", f"mechanisms.{m.name}.", m.params, intro))
    out.append(
        Section(
            "Levers",
            "levers.<name>.",
            LeverParams,
            "Every lever has these five parameters; `<name>` is one of the levers listed below, whose default costs differ per lever.",
        )
    )
    out += [
        Section("Settings of `sim-run`", "", RunSettings, "Top-level settings of the main job (`sim-run`, `python -m sim.cli.run`); not model parameters."),
        Section("Settings of `sim-compare`", "", CompareSettings, "Top-level settings of the paired comparison of policies on common random numbers."),
    ]
    return out


def _default(f: Field) -> Any:
    return f.default_factory() if f.default is MISSING else f.default


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_prior(spec: Spec, default: Any = None) -> str:
    """The plausible range of an assumption, with its reason; for a default that is a distribution, that it describes the population."""
    if spec.prior is None:
        if not spec.is_assumption:
            return ""
        if is_dist(default):
            return "its default distribution: a population of partnerships, each replication drawing its own (not drawn again by uncertainty=prior)"
        return "not yet given"
    prior = {key: value for key, value in spec.prior.items() if key != "times"}
    scale = " times the default" if spec.prior.get("times") == "default" else ""
    return describe(prior) + scale + (f" ({spec.reason})" if spec.reason else "")


def _table(section: Section) -> Iterator[str]:
    yield "| parameter | meaning | unit | range | default | may be a distribution | concept from | value from | plausible range |"
    yield "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for f in fields(section.cls):
        spec: Spec = f.metadata["spec"]
        default = "per lever (below)" if section.cls is LeverParams and f.name.startswith("cost_") else describe(_default(f))
        row = (
            f"`{section.prefix}{f.name}`",
            spec.doc + (f". In practice: {spec.practice}" if spec.practice else ""),
            spec.unit,
            render_range(spec),
            default,
            "yes" if spec.distributable else "no",
            spec.concept or "-",
            spec.value or "-",
            render_prior(spec, _default(f)) or "-",
        )
        yield "| " + " | ".join(_cell(c) for c in row) + " |"


def _lever_table() -> Iterator[str]:
    yield "| lever | from | key learning | state it acts on | `cost_upfront` default (GBP m) | `cost_per_year` default (GBP m per year) |"
    yield "| --- | --- | --- | --- | --- | --- |"
    for lv in lever_table.LEVERS:
        row = (f"`{lv.name}`", lv.source, lv.learning, lv.targets, number_words(lv.cost_upfront), number_words(lv.cost_per_year))
        yield "| " + " | ".join(_cell(c) for c in row) + " |"


#: An example node and the rules of each distribution family.
DIST_NOTES: dict[str, tuple[str, str]] = {
    "beta": ("{dist: beta, a: 2, b: 5}", "shapes `a`, `b` > 0; only for parameters whose range is [0, 1]"),
    "uniform": ("{dist: uniform, low: 0.6, high: 1.4}", "`low <= high`, both inside the range"),
    "loguniform": ("{dist: loguniform, low: 0.001, high: 0.01}", "`0 < low <= high`, both inside the range; uniform in the logarithm"),
    "triangular": ("{dist: triangular, low: 0.6, mode: 1.0, high: 6.0}", "`low <= mode <= high`, all inside the range"),
    "normal": ("{dist: normal, mean: 0.5, sd: 0.1}", "clipped to the parameter's range; `sd >= 0`"),
    "randint": ("{dist: randint, low: 0, high: 36}", "a whole number; both ends included"),
    "sometimes": (
        "{dist: sometimes, p: 0.5, value: {dist: randint, low: 18, high: 72}, otherwise: -1}",
        "`value` (a number or a distribution) with probability `p`, else `otherwise`; no string form",
    ),
    "choice": ("{dist: choice, values: [all_out, thirds], p: [0.6, 0.4]}", "one of `values` (categories or numbers); `p` optional (default equal), sums to 1"),
}


def _dist_table() -> Iterator[str]:
    yield "| family | node | string | rules |"
    yield "| --- | --- | --- | --- |"
    for family, keys in DISTRIBUTIONS.items():
        node, rules = DIST_NOTES[family]
        string = f"{family}(v1, v2, ...)" if family == "choice" else f"{family}({', '.join(keys)})"
        yield "| " + " | ".join(_cell(c) for c in (family, f"`{node}`", f"`{string}`", rules)) + " |"


HEADER = """\
# Parameters

<!-- Generated by `python -m sim.cli.paramdocs` from the declarations in `sim/core/params.py`,
`sim/core/mechanisms/*.py` and `sim/core/levers.py`. Do not edit by hand: change the
declaration and regenerate (`make docs`); `tests/cli/test_paramdocs.py` keeps the two in step. -->

Every parameter of the model, with its meaning, unit, allowed range and default, and two
kinds of provenance kept apart: the **concept** (what it stands for and the passage of the two
source documents it represents: {sources}) and the
**value** (a published figure with its citation, or "assumption"). For an assumption, the
**plausible range** is the range of values the evidence cannot rule out. How each parameter
is used is described in [ODD.md](ODD.md).

Parameters are addressed as in a config file: `councils[k].it_maturity` is the
`it_maturity` of council `k` (from 0) in the `councils:` list; `mechanisms.case01.specialist_hazard`
and `levers.<name>.strength` sit under `mechanisms:` and `levers:`. Bad values are refused
before any run, all at once, one line per problem naming the field, the value and the allowed
range (`sim/config/model.py`).

## Fixed values and distributions

A parameter marked "may be a distribution" takes either a fixed value or a distribution;
each replication then draws its own value (council attributes: one draw per council) from
counter-based uniforms, so a replication draws the same partnership alone or in any batch.
A distribution is written as a node (in YAML files) or as a string whose arguments come in
the order shown (handy on the command line; a `choice` string gives equal chances).
"""

OVERRIDES = """## Command-line overrides

Any parameter can be overridden on the command line of the main job (`sim-run` or
`python -m sim.cli.run`) or in `sim.load(..., overrides=[...])`, with a dot in
place of the brackets. A plain number means a fixed value; a node or a string (quoted for the
shell, and a string quoted again for Hydra) means a distribution.

```
sim-run councils.0.it_maturity=0.3
sim-run 'councils.0.it_maturity={dist: beta, a: 2, b: 5}'
sim-run "councils.0.it_maturity='beta(2, 5)'"
sim-run mechanisms.case04.enabled=false levers.continuity_plan.enabled=true levers.continuity_plan.start_month=12
```

The settings of the commands themselves (`seed`, `replications`, ...) are listed at the end.
"""


def render() -> str:
    """The whole of ``docs/parameters.md``."""
    assumptions = [
        spec
        for section in sections()
        if section.cls not in (RunSettings, CompareSettings)
        for spec in specs(section.cls).values()
        if spec.unit not in ("text", "flag")
    ]
    count = (
        f"Of the {len(assumptions)} numeric and categorical model parameters, {sum(s.is_assumption for s in assumptions)} take their value from an assumption."
    )
    sources = "; ".join(f"*{name}*: {citation}" for name, citation in CITATIONS.items())
    lines = [HEADER.format(sources=sources), count, "", *_dist_table(), "", OVERRIDES]
    for section in sections():
        lines += [f"## {section.title}", "", section.intro, "", *_table(section), ""]
        if section.cls is LeverParams:
            lines += ["### The levers and their default costs", "", *_lever_table(), ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the file (``--output -``: print it), or with ``--check`` report whether it is up to date (exit status 1 if not)."""
    parser = ArgumentParser(prog="python -m sim.cli.paramdocs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit non-zero if the file differs from what would be generated")
    parser.add_argument("--output", default=str(OUTPUT), help=f"file to write or check, or - to print the reference (default: {OUTPUT})")
    args = parser.parse_args(argv)
    text = render()
    if args.output == "-":
        if args.check:
            parser.error("--check needs a file to compare with, not --output -")
        print(text)
        return 0
    args.output = Path(args.output)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != text:
            again = "" if args.output == OUTPUT else f" --output {args.output}"
            print(f"{args.output} is out of date: run `python -m sim.cli.paramdocs{again}`", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

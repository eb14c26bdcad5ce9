"""Describe "our partnership" in plain Python: what you state is fixed, the rest comes from a scenario and is listed.

    import sim

    ours = sim.partnership(
        councils=[
            sim.council("Our District", tier="district", it_maturity=0.8, pace=0.6),
            sim.council("Their County", tier="county", size=5.0, it_maturity=0.4),
        ],
        governance="joint_committee",
        promised_savings=1.5,
    )
    print(ours.describe())          # what is fixed, and what is still drawn, in plain words (exact=True: the distributions)
    sim.run_ensemble(ours, replications=4000, seed=1)
    sim.compare(ours, ["none", "continuity_plan"])
    ours.save("my_scenarios/scenario/ours.yaml")   # sim-run --config-dir my_scenarios scenario=ours

Every value you state is fixed. Every value you do not state comes from a named scenario
(``baseline`` unless you say otherwise) and may be a distribution: each replication then draws
its own, so the result describes partnerships *like* yours. ``fixed=True`` fixes those too, at
the scenario's central values (the median of a number's distribution, to three significant
figures; the most likely of a category), to describe one partnership. What each 0..1 attribute means in practice is in
``sim.council``'s help and in ``docs/parameters.md``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.config.checks import ConfigError, arguments_checked, plain
from sim.config.distributions import describe, is_dist, plain_words, render_range, sample
from sim.config.model import MAX_COUNCILS, MIN_COUNCILS, ModelConfig, model_config
from sim.config.overrides import did_you_mean, literal, setting_words, unit_words
from sim.config.scenarios import load
from sim.core.declare import Spec, specs
from sim.core.params import CouncilParams, PartnershipParams

_COUNCIL = specs(CouncilParams)
_PARTNERSHIP = specs(PartnershipParams)
#: Where an attribute given in the wrong place belongs.
_TO_PARTNERSHIP = "it is a partnership attribute: give it to sim.partnership(...)"
_TO_COUNCIL = "it is a council attribute: give it to each council, sim.council(name, ...)"


def _practice_lines(specs: Mapping[str, Spec]) -> str:
    lines = []
    for name, spec in specs.items():
        lines.append(f"    {name}: {spec.doc} ({render_range(spec).replace('`', '')})")
        if spec.practice:
            lines.append(f"        in practice: {spec.practice}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Council:
    """One council as stated by the user: its name and the attributes given (see :func:`council`)."""

    name: str
    values: Mapping[str, Any]


@arguments_checked("sim.council")
def council(name: str, **values: Any) -> Council:
    """One council of your partnership: its name and any attributes you know (the rest come from the scenario).

    An unknown attribute or a value outside its range is reported by :func:`partnership`, with
    every other problem of the partnership, one line each. An attribute given as ``None`` is not
    stated: it comes from the scenario, as if left out. A NumPy number is taken as the Python
    number it holds (:func:`~sim.config.checks.plain`).
    """
    return Council(name, {key: plain(value) for key, value in values.items() if value is not None})


def _known(c: Council) -> dict[str, Any]:
    """The attributes of ``c`` that are council attributes."""
    return {key: value for key, value in c.values.items() if key in _COUNCIL and key != "name"}


def _unknown(c: Council) -> list[str]:
    """One line per attribute of ``c`` that is not a council attribute."""
    names = [k for k in _COUNCIL if k != "name"]
    return [
        f"council {c.name!r}: {key} is not a council attribute{_hint(key, names, _PARTNERSHIP, _TO_PARTNERSHIP)} (known: {', '.join(names)})"
        for key in c.values
        if key not in _known(c)
    ]


def _hint(key: str, known: Sequence[str], elsewhere: Collection[str], where: str) -> str:
    """`` (it is ... : give it to ...)`` for an attribute given in the wrong place (``where`` says the right one), else the closest of ``known``."""
    return f" ({where})" if key in elsewhere else did_you_mean(key, known)


council.__doc__ = (
    (council.__doc__ or "")
    + "\n\nAttributes (a number, or a distribution such as 'beta(2, 5)'):\n\n"
    + _practice_lines({k: v for k, v in _COUNCIL.items() if k != "name"})
)


def central(value: Any, spec: Spec) -> Any:
    """A distribution's central value: a number's median (three significant figures, as one would state it), the likeliest category; a fixed value unchanged."""
    if not is_dist(value):
        return value
    if value["dist"] == "choice":
        values = list(value["values"])
        p = list(value.get("p", [1.0] * len(values)))
        return values[int(np.argmax(p))]
    x = float(sample(value, np.array([0.5]), spec)[0])
    if spec.choices:
        return spec.choices[round(x)]
    return round(x) if spec.integer else float(f"{x:.3g}")


#: Attributes only a commercial venture uses (case 05: the councils' guarantees of business and the outside business it
#: wins), left out of :meth:`Partnership.describe` where the governance cannot be one.
VENTURE_ONLY = ("guarantee", "guarantee_months", "market_volume")
VENTURE = "commercial_venture"


def may_be_venture(governance: Any) -> bool:
    """Whether a partnership with this ``governance`` (a label, or a distribution of labels) can be a commercial venture."""
    if not is_dist(governance):
        return governance == VENTURE
    values = list(governance.get("values", []))
    p = list(governance.get("p", [1.0] * len(values)))
    return any(value == VENTURE and share > 0 for value, share in zip(values, p, strict=False))


class Partnership(ModelConfig):
    """A model configuration made by :func:`partnership`, which remembers what was stated and where the rest came from.

    It runs wherever a :class:`~sim.config.model.ModelConfig` does (``sim.run_ensemble``,
    ``sim.compare``, ``sim.PartnershipModel(config=...)``); :meth:`describe` lists what is
    fixed and what is drawn, :meth:`save` writes it as a scenario file.
    """

    scenario: str
    stated: tuple[str, ...]
    fixed_from_scenario: tuple[str, ...]

    def drawn(self) -> dict[str, Any]:
        """Every attribute still drawn per replication, by path, with its distribution."""
        out: dict[str, Any] = {}
        for k, c in enumerate(self.councils):
            for name in _COUNCIL:
                if is_dist(getattr(c, name)):
                    out[f"councils[{k}].{name}"] = getattr(c, name)
        for name in _PARTNERSHIP:
            if is_dist(getattr(self.partnership, name)):
                out[f"partnership.{name}"] = getattr(self.partnership, name)
        return out

    def describe(self, exact: bool = False) -> str:
        """What is fixed (stated by you, or fixed at the scenario's central values) and what is drawn, and from which distribution.

        Parameters
        ----------
        exact
            Give each setting by its path and each value as a scenario file writes it
            (``councils[1].it_maturity ~ beta(a=2, b=5), mean 0.29``), for a researcher who reproduces it; by
            default each setting by its council's name and its meaning, the value in plain words, as notebook 03 says a
            case's scenario (:func:`~sim.config.overrides.setting_words`: "Neighbour District: appetite for risk [0 averse
            .. 1 seeking]: varies between simulated partnerships: usually 0.14 to 0.86 (the middle 90%), on average 0.50").

        Raises
        ------
        ConfigError
            When ``exact`` is not True or False (``exact="no"`` read as true gave the researcher's form).
        """
        if not isinstance(exact, bool):
            raise ConfigError([f"exact = {exact!r} must be True or False"])
        names = [c.name for c in self.councils]

        def shown(path: str, value: Any) -> str:
            if not exact:
                return setting_words(path, value, names)
            unit = unit_words(_spec(path), gap="  ")
            return f"{path} = {describe(value).strip('`')}{unit}" if not is_dist(value) else f"{path} ~ {describe(value)}{unit}"

        lines = [f"A partnership of {self.n_councils} councils ({', '.join(c.name for c in self.councils)}); unstated values from scenario {self.scenario!r}."]
        lines.append("Fixed because you stated them:")
        lines += [f"  {shown(path, _at(self, path))}" for path in self.stated] or ["  (nothing)"]
        venture = may_be_venture(self.partnership.governance)

        def applies(path: str) -> bool:
            return venture or path.rpartition(".")[2] not in VENTURE_ONLY

        every_drawn = self.drawn()
        pinned = [path for path in self.fixed_from_scenario if applies(path)]
        if pinned:
            lines.append("Fixed at the scenario's central values (fixed=True):")
            lines += [f"  {shown(path, _at(self, path))}" for path in pinned]
        drawn = {path: node for path, node in every_drawn.items() if applies(path)}
        if drawn:
            lines.append("Still drawn for each replication (so results describe partnerships like this one), from the scenario:")
            lines += [f"  {shown(path, node)}" for path, node in drawn.items()]
        else:
            lines.append(
                "No attribute of the councils or the partnership is drawn: every replication is this one partnership (events from outside"
                " and chance differ, and, with uncertainty prior or posterior, the default, so do the model's assumptions)."
            )
        hidden = {path.rpartition(".")[2]: path for path in [*self.fixed_from_scenario, *every_drawn] if not applies(path)}
        left_out = [hidden[name] for name in VENTURE_ONLY if name in hidden]
        if left_out:
            form = self.partnership.governance
            if exact:
                keys = ", ".join(path.rpartition(".")[2] for path in left_out)
                lines.append(f"Not listed: {keys}, which only a commercial venture uses (the governance is {describe(form).strip('`')}).")
            else:
                governance = plain_words(form, _spec("partnership.governance"))
                meanings = "; ".join(_spec(path).doc for path in left_out)
                lines.append(f"Not listed, as only a commercial venture uses them (the governance is {governance}): {meanings}.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()

    def _repr_markdown_(self) -> str:
        return "```\n" + self.describe() + "\n```"

    def save(self, path: str | Path) -> Path:
        """Write this partnership as a scenario file (``DIR/scenario/NAME.yaml``) that ``sim-run --config-dir DIR scenario=NAME`` runs.

        The file states every section in full, so it does not depend on the scenario it
        came from; it is written atomically.

        Raises
        ------
        ConfigError
            For a path that is not ``.../scenario/NAME.yaml`` (``ours.yml``, ``ours.yaml``): no
            command would find the file there, so none is written.
        """
        path = Path(path)
        if path.suffix != ".yaml" or path.parent.name != "scenario":
            right = (path.parent if path.parent.name == "scenario" else path.parent / "scenario") / f"{path.stem}.yaml"
            raise ConfigError(
                [f"path = {str(path)!r} must be DIR/scenario/NAME.yaml, e.g. {str(right)!r}, for sim-run --config-dir DIR scenario=NAME to find it"]
            )
        header = (
            "# @package _global_\n"
            f"# A partnership described with sim.partnership (unstated values from scenario {self.scenario!r}).\n"
            f"# Stated: {', '.join(self.stated) or 'nothing'}.\n"
        )
        body = yaml.safe_dump(_plain_data(self.to_dict()), sort_keys=False, allow_unicode=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8") as handle:
            handle.write(header + body)
        os.replace(handle.name, path)
        return path


def _plain_data(value: Any) -> Any:
    """``value`` as plain YAML data, each text escaped to read as itself (a council called ``Mid ${x} DC``: :func:`literal`)."""
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, Mapping):
        return {key: _plain_data(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_data(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _names(councils: Sequence[Council]) -> list[str]:
    """One line per council whose name is empty or another council's (a name that is not text is left to the config's check)."""
    problems, first = [], {}
    for k, c in enumerate(councils):
        if not isinstance(c.name, str):
            continue
        if not c.name.strip():
            problems.append(f"councils[{k}].name = {c.name!r} is empty; give each council a name")
        elif c.name in first:
            problems.append(f"councils[{k}].name = {c.name!r} is also the name of councils[{first[c.name]}]; give each council its own name")
        else:
            first[c.name] = k
    return problems


#: A problem's opening path to a council's attribute (not its name, whose problems need the index) or the partnership's.
_GIVEN_PATH = re.compile(r"^councils\[(\d+)\]\.(?!name\b)|^partnership\.")


def _as_given(line: str, councils: Sequence[Council]) -> str:
    """``line`` naming the setting as it was given to :func:`council` or :func:`partnership`.

    Parameters
    ----------
    line
        A problem of the configuration, opening with its path (``councils[1].it_maturity = 1.5 ...``).
    councils
        The councils given, in order.

    Returns
    -------
    str
        ``council 'Neighbour District': it_maturity = 1.5 ...`` (as a problem with an unknown attribute opens), or
        ``promised_savings = -1 ...`` for the partnership's own; any other line unchanged.
    """
    return _GIVEN_PATH.sub(lambda m: f"council {councils[int(m[1])].name!r}: " if m[1] is not None else "", line, count=1)


def _spec(path: str) -> Spec:
    """What the attribute at ``path`` (``councils[1].it_maturity``, ``partnership.governance``) admits."""
    return (_COUNCIL if path.startswith("councils") else _PARTNERSHIP)[path.rpartition(".")[2]]


def _at(cfg: ModelConfig, path: str) -> Any:
    head, _, name = path.partition(".")
    if head.startswith("councils["):
        return getattr(cfg.councils[int(head[9:-1])], name)
    return getattr(getattr(cfg, head), name)


@arguments_checked("sim.partnership")
def partnership(
    councils: Sequence[Council],
    *,
    scenario: str = "baseline",
    fixed: bool = False,
    config_dir: str | Path | None = None,
    **values: Any,
) -> Partnership:
    """Your partnership: the councils and partnership attributes you state are fixed; the rest come from ``scenario``.

    Parameters
    ----------
    councils
        Two to eight councils made with :func:`council`. Attributes not given come from the
        scenario's council in the same position (or its last council, for extra ones).
    scenario
        The scenario the unstated values come from (a name in ``configs/scenario/`` or ``config_dir``).
    fixed
        Fix the unstated values too, at the scenario's central values (one partnership rather than a population).
    config_dir
        A folder of your own scenarios (laid out like ``configs/``).
    **values
        Partnership attributes (``governance``, ``promised_savings``, ``business_case_clarity``, ...);
        one given as ``None`` is not stated (it comes from the scenario).

    Raises
    ------
    ConfigError
        Listing every unknown attribute, every value outside its range, a council without a name
        or with another's, and a ``fixed`` that is not True or False, one line each.
    """
    values = {key: plain(value) for key, value in values.items() if value is not None}
    problems = [
        f"{key} is not a partnership attribute{_hint(key, list(_PARTNERSHIP), _COUNCIL, _TO_COUNCIL)} (known: {', '.join(_PARTNERSHIP)})"
        for key in values
        if key not in _PARTNERSHIP
    ]
    if not isinstance(councils, (list, tuple)) or not all(isinstance(c, Council) for c in councils):
        given = f"councils = {councils!r}: " if not isinstance(councils, (list, tuple)) else ""
        raise ConfigError([*problems, f"{given}give a list of {MIN_COUNCILS} to {MAX_COUNCILS} councils, each made with sim.council(name, ...)"])
    problems += [line for c in councils for line in _unknown(c)] + _names(councils)
    if not isinstance(fixed, bool):
        problems.append(f"fixed = {fixed!r} must be True or False")
    base = load(scenario, config_dir=config_dir)
    raw = base.to_dict()
    template = raw["councils"]
    raw["councils"] = [{**dict(template[min(k, len(template) - 1)]), "name": c.name, **_known(c)} for k, c in enumerate(councils)]
    raw["partnership"] = {**raw["partnership"], **{key: value for key, value in values.items() if key in _PARTNERSHIP}}
    stated = [f"councils[{k}].{name}" for k, c in enumerate(councils) for name in c.values] + [f"partnership.{name}" for name in values]
    pinned: list[str] = []
    if fixed:
        for k, c in enumerate(raw["councils"]):
            for name, spec in _COUNCIL.items():
                if name not in councils[k].values and is_dist(c[name]):
                    c[name] = central(c[name], spec)
                    pinned.append(f"councils[{k}].{name}")
        for name, spec in _PARTNERSHIP.items():
            if name not in values and is_dist(raw["partnership"][name]):
                raw["partnership"][name] = central(raw["partnership"][name], spec)
                pinned.append(f"partnership.{name}")
    try:
        cfg = model_config(raw)
    except ConfigError as err:
        problems += [_as_given(line, councils) for line in err.problems]
    if problems:
        raise ConfigError(problems)
    out = Partnership(**{f.name: getattr(cfg, f.name) for f in fields(ModelConfig)})
    out.scenario, out.stated, out.fixed_from_scenario = scenario, tuple(stated), tuple(pinned)
    return out

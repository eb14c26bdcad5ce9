"""Distribution nodes (``{dist: beta, a: 2, b: 5}``): checking them and drawing from them.

Draws use the inverse CDF of counter-based uniforms (:mod:`sim.core.quantiles`), so a
council's attributes depend only on ``(seed, replication)``. ``randint`` includes both ends; ``normal`` is clipped
to the parameter's range; ``choice`` takes ``values`` and optional ``p``.

A distribution may also be written as a string, handy on the command line:
``beta(2, 5)``, ``uniform(0.2, 0.6)``, ``triangular(0.5, 1, 6)``, ``normal(0.5, 0.1)``,
``randint(0, 36)`` (arguments in the order of :data:`sim.core.declare.DISTRIBUTIONS`) or
``choice(district, county)`` (equal chances). ``{dist: sometimes, p: 0.5, value: ...,
otherwise: -1}`` takes ``value`` (a number or a distribution) in a share ``p`` of the
replications and ``otherwise`` in the rest, from the same single uniform (so one draw
decides both); it has no string form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.config.checks import allowed, check_number, fmt
from sim.core import quantiles
from sim.core.declare import DISTRIBUTIONS, Spec, label_words

_CALL = re.compile(r"^\s*([a-z_]+)\s*\((.*)\)\s*$")
#: Key of a node written as a string with the wrong number of arguments (reported by :func:`check_dist`).
ARGUMENTS = "arguments"
#: Shape parameters of a beta distribution whose quantiles :mod:`sim.core.quantiles` computes reliably
#: (within 4e-4 of scipy's on a grid over this square; outside it they can leave [0, 1] or fail).
BETA_LO, BETA_HI = 0.1, 1000.0


def is_dist(value: Any) -> bool:
    """True if ``value`` is a distribution node."""
    return isinstance(value, Mapping) and "dist" in value


def _scalar(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def as_node(value: Any) -> Any:
    """A distribution written as a string (``"beta(2, 5)"``) as a node; anything else unchanged."""
    match = _CALL.match(value) if isinstance(value, str) else None
    if match is None or match.group(1) not in DISTRIBUTIONS or match.group(1) == "sometimes":
        return value
    args = [_scalar(a.strip()) for a in match.group(2).split(",") if a.strip()]
    if match.group(1) == "choice":
        return {"dist": "choice", "values": args}
    keys = DISTRIBUTIONS[match.group(1)]
    if len(args) != len(keys):
        return {"dist": match.group(1), ARGUMENTS: args}
    return {"dist": match.group(1), **dict(zip(keys, args, strict=True))}


def unknown_family(value: Any) -> str | None:
    """The name of a distribution written as a string (``"gamma(1, 2)"``) that is not one of ours; None for anything else."""
    match = _CALL.match(value) if isinstance(value, str) else None
    return match.group(1) if match is not None and (match.group(1) not in DISTRIBUTIONS or match.group(1) == "sometimes") else None


#: The distributions a value may be written as on the command line or in a file, as ``name(arguments)``.
WRITTEN = tuple(family for family in DISTRIBUTIONS if family != "sometimes")


def check_dist(path: str, node: Mapping, spec: Spec) -> list[str]:
    """Problems with a distribution node for ``spec`` (empty if fine)."""
    family = node.get("dist")
    if family not in DISTRIBUTIONS:
        return [f"{path}.dist = {family!r} is not a distribution (allowed: {', '.join(DISTRIBUTIONS)})"]
    if ARGUMENTS in node:
        given = node[ARGUMENTS]
        return [
            f"{path} = {family}({', '.join(map(fmt, given))}) takes {len(DISTRIBUTIONS[family])} arguments "
            f"({', '.join(DISTRIBUTIONS[family])}), got {len(given)}"
        ]
    needed = set(DISTRIBUTIONS[family])
    keys = needed | ({"p"} if family == "choice" else set()) | {"dist"}
    problems = [f"{path}.{key} is not a parameter of {family} (allowed: {', '.join(sorted(keys - {'dist'}))})" for key in node if key not in keys]
    problems += [f"{path}.{key} is missing ({family} needs {', '.join(DISTRIBUTIONS[family])})" for key in sorted(needed) if key not in node]
    if problems:
        return problems
    if family == "choice":
        return _check_choice(path, node, spec)
    if family == "sometimes":
        return _check_sometimes(path, node, spec)
    if spec.choices:
        return [f"{path}.dist = {family} cannot draw a category (use choice with values from {', '.join(spec.choices)})"]
    for key in DISTRIBUTIONS[family]:
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{path}.{key} = {value!r} is not a number")
        elif not math.isfinite(value):
            problems.append(f"{path}.{key} = {fmt(value)} is not a finite number")
    if problems:
        return problems
    if family == "beta":
        problems += [f"{path}.{k} = {fmt(node[k])} must be > 0" for k in ("a", "b") if node[k] <= 0]
        problems += [
            f"{path}.{k} = {fmt(node[k])} is outside [{fmt(BETA_LO)}, {fmt(BETA_HI)}] (the shapes whose quantiles are computed reliably)"
            for k in ("a", "b")
            if node[k] > 0 and not BETA_LO <= node[k] <= BETA_HI
        ]
        if (spec.lo, spec.hi) != (0, 1):
            problems.append(f"{path}: beta draws lie in [0, 1] but the allowed range is {allowed(spec)}")
    elif family == "loguniform":
        problems += [f"{path}.{k} = {fmt(node[k])} must be > 0" for k in ("low", "high") if node[k] <= 0]
        problems += [p for k in ("low", "high") for p in check_number(f"{path}.{k}", node[k], spec)]
        if not problems and node["low"] > node["high"]:
            problems.append(f"{path}: needs low <= high, got {fmt(node['low'])}, {fmt(node['high'])}")
    elif family == "normal":
        problems += check_number(f"{path}.mean", node["mean"], Spec(spec.unit, spec.lo, spec.hi, "", ""))
        if node["sd"] < 0:
            problems.append(f"{path}.sd = {fmt(node['sd'])} must be >= 0")
    else:
        ends = [k for k in ("low", "mode", "high") if k in node]
        for key in ends:
            problems += check_number(f"{path}.{key}", node[key], spec)
        values = [node[k] for k in ends]
        if not problems and values != sorted(values):
            problems.append(f"{path}: needs {' <= '.join(ends)}, got {', '.join(fmt(v) for v in values)}")
    return problems


def _check_sometimes(path: str, node: Mapping, spec: Spec) -> list[str]:
    p = node["p"]
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        return [f"{path}.p = {p!r} must be a probability in [0, 1]"]
    value = as_node(node["value"])
    found = check_dist(f"{path}.value", value, spec) if is_dist(value) else check_number(f"{path}.value", value, spec)
    if is_dist(value) and value.get("dist") == "sometimes":
        found.append(f"{path}.value cannot itself be sometimes(...)")
    return found + check_number(f"{path}.otherwise", node["otherwise"], spec)


def _check_choice(path: str, node: Mapping, spec: Spec) -> list[str]:
    problems = [f"{path}.{key} = {node[key]!r} must be a list" for key in ("values", "p") if key in node and not isinstance(node[key], (list, tuple))]
    if problems:
        return problems
    values = list(node["values"])
    if not values:
        return [f"{path}.values is empty"]
    for i, value in enumerate(values):
        if spec.choices:
            if value not in spec.choices:
                problems.append(f"{path}.values[{i}] = {value!r} is not one of {', '.join(spec.choices)}")
        else:
            problems += check_number(f"{path}.values[{i}]", value, spec)
    if "p" in node:
        p = list(node["p"])
        if len(p) != len(values):
            problems.append(f"{path}.p has {len(p)} entries for {len(values)} values")
        elif any(isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0 for x in p) or abs(sum(p) - 1.0) > 1e-6:
            problems.append(f"{path}.p = {p} must be non-negative and sum to 1")
    return problems


def sample(node: Mapping, u: np.ndarray, spec: Spec) -> np.ndarray:
    """Values of a checked distribution node at uniforms ``u`` (codes for categories)."""
    family = node["dist"]
    if family == "sometimes":
        p = float(node["p"])
        value = as_node(node["value"])
        inner = np.clip(u / p, 0.0, np.nextafter(1.0, 0.0)) if p > 0 else u
        drawn = sample(value, inner, spec) if is_dist(value) else np.full(u.shape, float(value))
        return np.where(u < p, drawn, float(node["otherwise"]))
    if family == "choice":
        values = list(node["values"])
        p = np.asarray(node.get("p", [1.0 / len(values)] * len(values)), float)
        index = np.minimum(np.searchsorted(np.cumsum(p) / p.sum(), u, side="right"), len(values) - 1)
        table = np.array([spec.choices.index(v) for v in values] if spec.choices else values, float)
        return table[index]
    if family == "beta":
        return quantiles.beta_quantile(u, node["a"], node["b"])
    if family == "uniform":
        return node["low"] + u * (node["high"] - node["low"])
    if family == "loguniform":
        return np.exp(np.log(node["low"]) + u * (np.log(node["high"]) - np.log(node["low"])))
    if family == "randint":
        return np.minimum(np.floor(node["low"] + u * (node["high"] - node["low"] + 1)), node["high"])
    if family == "triangular":
        return quantiles.triangular_quantile(u, node["low"], node["mode"], node["high"])
    drawn = node["mean"] + node["sd"] * quantiles.normal_quantile(u) if node["sd"] > 0 else np.full(u.shape, float(node["mean"]))
    return np.clip(drawn, spec.lo, spec.hi)


def number_words(x: Any) -> str:
    """A number written compactly; ``1/n`` for reciprocals of whole numbers."""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, float) and 0 < x < 1 and abs(x - round(x, 4)) > 1e-12:
        n = round(1 / x)
        if abs(1 / x - n) < 1e-9:
            return f"1/{n} (≈ {x:.3g})"
    return f"{x:g}" if isinstance(x, float) else str(x)


def describe(value: Any) -> str:
    """A default value, fixed or a distribution node, in words."""
    if value is None:
        return "none"
    if isinstance(value, list):
        return ", ".join(describe(v) for v in value)
    if not (isinstance(value, Mapping) and "dist" in value):
        if isinstance(value, str):
            return f"`{value}`"
        return number_words(value)
    family = value["dist"]
    if family == "beta":
        a, b = value["a"], value["b"]
        return f"beta(a={number_words(a)}, b={number_words(b)}), mean {a / (a + b):.2g}"
    if family == "uniform":
        return f"uniform on [{number_words(value['low'])}, {number_words(value['high'])}]"
    if family == "loguniform":
        return f"log-uniform on [{number_words(value['low'])}, {number_words(value['high'])}]"
    if family == "triangular":
        return f"triangular: low {number_words(value['low'])}, mode {number_words(value['mode'])}, high {number_words(value['high'])}"
    if family == "normal":
        return f"normal(mean {number_words(value['mean'])}, sd {number_words(value['sd'])}), clipped to the range"
    if family == "randint":
        return f"randint from {number_words(value['low'])} to {number_words(value['high'])}, both included"
    if family == "sometimes":
        return f"with probability {number_words(value['p'])}: {describe(value['value'])}; otherwise {describe(value['otherwise'])}"
    values = list(value["values"])
    p = list(value.get("p", [1 / len(values)] * len(values)))
    return "choice of " + ", ".join(f"{describe(v)} (p {number_words(q)})" for v, q in zip(values, p, strict=True))


#: The share of simulated partnerships a plain description's "usually" covers: the middle 90% (5% of draws below it, 5% above).
USUALLY = (0.05, 0.95)


def _rounded(x: float) -> str:
    """A number as a reader would say it: a whole number from 10 up, else two significant figures (``0.90``, ``2.5``)."""
    if abs(x) >= 10:
        return f"{x:,.0f}"
    return f"{x:#.2g}".rstrip(".")


def _mean(node: Mapping, spec: Spec) -> float:
    """The mean of a checked continuous distribution node as the model draws it (a normal clipped to ``spec``'s range)."""
    family = node["dist"]
    if family == "beta":
        return node["a"] / (node["a"] + node["b"])
    if family == "uniform":
        return (node["low"] + node["high"]) / 2
    if family == "loguniform":
        low, high = node["low"], node["high"]
        return low if low == high else (high - low) / math.log(high / low)
    if family == "triangular":
        return (node["low"] + node["mode"] + node["high"]) / 3
    mu, sd = node["mean"], node["sd"]
    lo = -math.inf if spec.lo is None else spec.lo
    hi = math.inf if spec.hi is None else spec.hi
    if sd == 0:
        return min(max(mu, lo), hi)

    def cdf(z: float) -> float:
        return 0.5 * (1 + math.erf(z / math.sqrt(2)))

    def pdf(z: float) -> float:
        return 0.0 if math.isinf(z) else math.exp(-z * z / 2) / math.sqrt(2 * math.pi)

    alpha, beta = (lo - mu) / sd, (hi - mu) / sd
    ends = (lo * cdf(alpha) if lo > -math.inf else 0.0) + (hi * (1 - cdf(beta)) if hi < math.inf else 0.0)
    return ends + mu * (cdf(beta) - cdf(alpha)) + sd * (pdf(alpha) - pdf(beta))


def _varies(value: Any, spec: Spec) -> str:
    """What a value is in a simulated partnership, in plain words, without the lead-in of :func:`plain_words`."""
    if not is_dist(value):
        return plain_words(value, spec)
    family = value["dist"]
    if family == "sometimes":
        share = float(value["p"])
        rest = plain_words(value["otherwise"], spec)
        return f"in {share:.0%} of them {_varies(as_node(value['value']), spec)}; in the rest{',' if rest == 'none' else ''} {rest}"
    if family == "choice":
        values = [plain_words(v, spec) for v in value["values"]]
        if "p" not in value or len(set(value["p"])) == 1:
            return f"{', '.join(values[:-1])} or {values[-1]}, equally likely" if len(values) > 1 else values[0]
        return ", ".join(f"{v} in {q:.0%}" for v, q in zip(values, value["p"], strict=True))
    if family == "randint":
        return f"a whole number from {number_words(value['low'])} to {number_words(value['high'])}, each equally likely"
    if family == "uniform":
        return f"anywhere from {number_words(value['low'])} to {number_words(value['high'])}, all equally likely (on average {_rounded(_mean(value, spec))})"
    low, high = (_rounded(x) for x in sample(value, np.array(USUALLY), spec))
    return f"usually {low} to {high} (the middle 90%), on average {_rounded(_mean(value, spec))}"


def plain_words(value: Any, spec: Spec) -> str:
    """A fixed value or a distribution node for ``spec`` in plain words, for a policy reader (:func:`describe` gives the exact form).

    A fixed value reads as itself (``0.8``; a category's name with spaces, ``joint committee``, acronyms in capitals,
    ``MOU``: :func:`~sim.core.declare.label_words`; the value the parameter declares as none, ``spec.none``, as
    ``none``, also after "in the rest," of ``sometimes``); a distribution as the values a simulated partnership draws,
    computed from the distribution as the model draws it: for a continuous one
    the middle 90% (its 5% and 95% quantiles) and the mean ("varies between simulated partnerships:
    usually 0.34 to 0.92 (the middle 90%), on average 0.67"), a whole number from its ends for
    ``randint``, each category's share for ``choice``, and the share of partnerships for
    ``sometimes``. A distribution that can take one value only reads as that value.
    """
    if value is None:
        return "none"
    if isinstance(value, list):
        return ", ".join(plain_words(v, spec) for v in value)
    if not is_dist(value):
        if isinstance(value, str):
            return label_words(value)
        return "none" if spec.none is not None and value == spec.none else number_words(value)
    family = value["dist"]
    if family == "choice" and len(set(value["values"])) == 1:
        return plain_words(value["values"][0], spec)
    if family not in ("choice", "sometimes"):
        ends = sample(value, np.array([0.0, 1.0 - 1e-12]), spec)
        if ends[0] == ends[1]:
            return number_words(value["low"] if family == "randint" else float(ends[0]))
    return f"varies between simulated partnerships: {_varies(value, spec)}"


#: What a setting of each kind without a numeric range admits, by its unit.
LISTS = {
    "policies": "a list of policy names, [a,b,...]",
    "lever names": "a list of lever names, [a,b,...]",
    "paths": "a list of parameter paths, [a,b,...]",
    "chunk": "i/n with 0 <= i < n",
}


def render_range(spec: Spec) -> str:
    """The values a parameter admits."""
    if spec.unit == "flag":
        return "true / false"
    if spec.unit == "text":
        return "text"
    if spec.choices:
        return ", ".join(f"`{c}`" for c in spec.choices)
    if spec.unit in LISTS:
        return LISTS[spec.unit]
    if spec.lo is None or spec.hi is None:
        return "see meaning"
    kind = "whole number in " if spec.integer else ""
    return f"{kind}[{number_words(spec.lo)}, {number_words(spec.hi)}]"

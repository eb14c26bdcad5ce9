"""The soundness of parameter declarations, for the tests and the mechanism contract checks.

:func:`declaration_problems` names, one line each, a default or a plausible range a parameter's
own declaration refuses, and an assumption declared without a plausible range.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from sim.config.assumptions import absolute
from sim.config.distributions import as_node, is_dist
from sim.config.model import check_value
from sim.core.declare import DECLARE_WITH, Spec, default_of, undeclared


def declaration_problems(cls: type, path: str, defaults: Any = None) -> list[str]:
    """Problems with the declarations of parameter dataclass ``cls`` (its fields at ``path.<name>``), one line each.

    Every field is declared (:func:`~sim.core.declare.param`, ``choice``, ``flag`` or ``text``);
    its default is a value its own declaration admits; an assumption's plausible range (``prior``)
    is a distribution its declaration admits; and an assumption has one unless its default is a
    distribution (a population, drawn per replication): without it ``uncertainty=prior``,
    sensitivity analysis and calibration would leave it out without a word. Nothing checks a
    declaration when a run starts, so the tests and the mechanism contract checks
    (``tests/core/mechanism_checks.py``) call this.

    Parameters
    ----------
    cls
        A parameter dataclass (a shared section, :class:`~sim.core.params.LeverParams` or a mechanism's ``Params``).
    path
        Where its fields sit in a config, e.g. ``mechanisms.case01``.
    defaults
        An instance holding the defaults, where they differ from the declared ones (each lever's costs).
    """
    problems = []
    for f in fields(cls):
        where = f"{path}.{f.name}"
        spec: Spec | None = f.metadata.get("spec")
        if spec is None:
            continue
        default = default_of(cls, f.name) if defaults is None else getattr(defaults, f.name)
        problems += [f"{line} (its declared default)" for line in check_value(where, default, spec)]
        if spec.prior is not None:
            prior = absolute(spec.prior, default)
            problems += [f"{line} (its declared plausible range)" for line in check_value(f"{where}.prior", prior, replace(spec, distributable=True))]
        elif spec.is_assumption and not is_dist(as_node(default)):
            problems.append(f"{where} is an assumption without a plausible range: declare its prior (or cite its value with value=)")
    return problems + [f"{path}.{name} is not declared: make it with {DECLARE_WITH}" for name in undeclared(cls)]

"""How a parameter is declared: once, with its unit, range, meaning and where it comes from.

A parameter is a dataclass field made with :func:`param` (numbers), :func:`choice`
(categories) or :func:`flag` (switches). Its :class:`Spec` is the single source for
checking values (:mod:`sim.config`), the Hydra schema, the compiled record layouts
(:mod:`sim.core.records`), the Mesa model, the generated ``docs/parameters.md`` and the
notebooks. Provenance has two parts, kept apart on purpose:

- the **concept**: what the parameter stands for and the passage of a seed document
  (Guide 08, *Getting IT right*) or publication it represents;
- the **value**: where the default number comes from: a published figure with its
  citation, or :data:`ASSUMPTION`. For an assumption, ``prior`` gives the plausible range
  (a distribution node such as ``{"dist": "uniform", "low": 0.05, "high": 0.2}``) and
  ``reason`` a one-line reason for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

#: Distribution families accepted in a ``{dist: ...}`` node and the keys each needs.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "beta": ("a", "b"),
    "uniform": ("low", "high"),
    "loguniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "randint": ("low", "high"),
    "choice": ("values",),
    "sometimes": ("p", "value", "otherwise"),
}


def uniform(low: float, high: float) -> dict[str, Any]:
    """A uniform distribution node on ``[low, high]``: the plausible range an assumption's ``prior`` is drawn from.

    Parameters
    ----------
    low, high
        The ends of the range.

    Returns
    -------
    dict
        ``{"dist": "uniform", "low": low, "high": high}``.
    """
    return {"dist": "uniform", "low": low, "high": high}


ASSUMPTION = "assumption"
G08 = "Guide 08"
GIR = "Getting IT right"
#: The two source documents, cited in full under the short names a declaration's ``concept`` uses (docs/ODD.md's sources).
CITATIONS = {
    G08: "Socitm, ICT shared services: learning from success and failure. Guide 08: reasons why shared services fail",
    GIR: "Eduserv, Shared services: getting IT right",
}
SETTING = "run setting"


@dataclass(frozen=True)
class Spec:
    """What a parameter means, which values it admits and where it comes from.

    Attributes
    ----------
    unit
        Unit of a number; ``"category"``, ``"flag"`` or ``"text"`` otherwise.
    lo, hi
        Allowed range of a number (inclusive).
    doc
        What it is, in a line.
    concept
        What it represents and the passage it comes from (empty for settings).
    value
        Where the default value comes from: a citation, or :data:`ASSUMPTION` (with a reason in brackets).
    integer
        Whole numbers only.
    choices
        Allowed labels of a category.
    distributable
        May be a distribution node, drawn per replication.
    prior
        For an assumption: its plausible range as a distribution node (None only for an assumption
        whose default is a distribution; the declaration checks of the tests and of the mechanism
        contract, ``tests/support/declarations.py``, refuse any other assumption without one).
    reason
        One line on why that range.
    practice
        What low and high values look like in practice, in words a policy officer uses (for 0..1 scales).
    none
        The value that stands for "none" rather than an amount (``-1``: an event that never comes); plain words say "none".
    """

    unit: str
    lo: float | None
    hi: float | None
    doc: str
    concept: str = ""
    value: str = ASSUMPTION
    integer: bool = False
    choices: tuple[str, ...] = ()
    distributable: bool = False
    prior: Mapping[str, Any] | None = None
    reason: str = ""
    practice: str = ""
    none: float | None = None

    @property
    def is_assumption(self) -> bool:
        """The default value is an assumption rather than a published figure."""
        return self.value.startswith(ASSUMPTION)


def _field(default: Any, spec: Spec) -> Any:
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata={"spec": spec})
    return field(default=default, metadata={"spec": spec})


def param(
    default: Any,
    lo: float,
    hi: float,
    unit: str,
    doc: str,
    *,
    concept: str = "",
    value: str = ASSUMPTION,
    integer: bool = False,
    distributable: bool = False,
    prior: Mapping[str, Any] | None = None,
    reason: str = "",
    practice: str = "",
    none: float | None = None,
) -> Any:
    """Declare a numeric parameter with range ``[lo, hi]``.

    Parameters
    ----------
    default
        Its default value (a number, or a distribution node for a ``distributable`` one).
    lo, hi, unit, doc, concept, value, integer, distributable, prior, reason, practice, none
        As the :class:`Spec` fields of the same names.

    Returns
    -------
    dataclasses.Field
        The dataclass field, its :class:`Spec` under ``metadata["spec"]``.
    """
    return _field(default, Spec(unit, lo, hi, doc, concept, value, integer, (), distributable, prior, reason, practice, none))


#: Words of a label written in capitals in text: ``mou`` reads ``MOU``, ``it_harmonisation_first`` ``IT harmonisation first``.
ACRONYMS = {"it": "IT", "mou": "MOU"}


def label_words(label: str) -> str:
    """A category's or a policy's label inside a sentence: underscores as spaces, :data:`ACRONYMS` in capitals (``joint committee``, ``MOU``)."""
    return " ".join(ACRONYMS.get(word, word) for word in label.split("_"))


def choice(default: Any, choices: tuple[str, ...], doc: str, *, concept: str = "", value: str = ASSUMPTION, distributable: bool = False) -> Any:
    """Declare a categorical parameter taking one of ``choices`` (the other arguments: as for :func:`param`)."""
    return _field(default, Spec("category", None, None, doc, concept, value, choices=choices, distributable=distributable))


def flag(default: bool, doc: str, *, concept: str = "", value: str = ASSUMPTION) -> Any:
    """Declare a switch, true or false (the other arguments: as for :func:`param`)."""
    return field(default=default, metadata={"spec": Spec("flag", None, None, doc, concept, value)})


def text(default: str, doc: str) -> Any:
    """Declare free text (a display name)."""
    return field(default=default, metadata={"spec": Spec("text", None, None, doc, value="")})


#: How a parameter is declared: said by every check that finds a field made without one.
DECLARE_WITH = "param, choice, flag or text (sim.core.declare)"


def undeclared(cls: type) -> list[str]:
    """The fields of a parameter dataclass ``cls`` made without a declaration (:data:`DECLARE_WITH`), in order."""
    return [f.name for f in fields(cls) if "spec" not in f.metadata]


def spec_of(cls: type, name: str) -> Spec:
    """The :class:`Spec` of field ``name`` of dataclass ``cls``."""
    for f in fields(cls):
        if f.name == name:
            return f.metadata["spec"]
    raise KeyError(name)


def default_of(cls: type, name: str) -> Any:
    """The default value of field ``name`` of dataclass ``cls``."""
    for f in fields(cls):
        if f.name == name:
            return f.default_factory() if f.default is MISSING else f.default
    raise KeyError(name)


def specs(cls: type) -> dict[str, Spec]:
    """Every field of a parameter dataclass with its :class:`Spec`, in declaration order."""
    return {f.name: f.metadata["spec"] for f in fields(cls)}

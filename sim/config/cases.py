"""The seven cases of Guide 08 as one table that the CLI, configs, tests, notebooks and reports read."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.checks import ConfigError
from sim.core.mechanisms import by_name


@dataclass(frozen=True)
class Case:
    """One anonymised case of Guide 08 with the parts of the model that carry it.

    Attributes
    ----------
    id
        Case number, ``"01"`` .. ``"07"``.
    title
        Short title.
    mechanism
        Key of its mechanism under ``mechanisms:`` (and module in :mod:`sim.core.mechanisms`).
    scenario
        Name of its scenario in ``configs/scenario/``.
    levers
        The lever(s) that carry its key learning.
    failure
        How the case ended: the outcomes that count as its failure.
    learning
        The key learning, paraphrased.
    source
        The passage it cites.
    """

    id: str
    title: str
    mechanism: str
    scenario: str
    levers: tuple[str, ...]
    failure: tuple[str, ...]
    learning: str
    source: str

    @property
    def cause(self) -> str:
        """The cause label its mechanism books losses to."""
        return by_name()[self.mechanism].cause


CASES: tuple[Case, ...] = (
    Case(
        "01",
        "Over-dependency on key personnel",
        "case01",
        "case01_key_person",
        ("continuity_plan",),
        ("collapsed",),
        "a champion is valuable, but assess the risk of depending on key people and keep a continuity plan for their loss",
        "Guide 08, case 01",
    ),
    Case(
        "02",
        "Two neighbouring district councils",
        "case02",
        "case02_decision_slippage",
        ("agreed_decision_process",),
        ("shelved",),
        "a compelling business case is not enough: agree the decision process (timescale, approval level) in advance"
        " and watch for a change of decision-maker or repeated slippage",
        "Guide 08, case 02",
    ),
    Case(
        "03",
        "Misaligned aspirations",
        "case03",
        "case03_misaligned_aspirations",
        ("open_motivations",),
        ("collapsed", "underperforming"),
        "be open about motivations, drivers and no-go areas; a large mismatch calls for a more cautious approach",
        "Guide 08, case 03",
    ),
    Case(
        "04",
        "Local authority trading company",
        "case04",
        "case04_trading_company",
        ("commercial_capability", "it_harmonisation_first"),
        ("collapsed", "underperforming"),
        "a trading company has to trade: a sustainable commercial model, leadership and business capability; harmonise IT first",
        "Guide 08, case 04; Getting IT right, where to start",
    ),
    Case(
        "05",
        "A commercial experiment",
        "case05",
        "case05_commercial_venture",
        ("market_testing",),
        ("collapsed",),
        "do not rush into a commercial model without market testing, due diligence of the model and its business risk",
        "Guide 08, case 05",
    ),
    Case(
        "06",
        "A district and a county council",
        "case06",
        "case06_district_county",
        ("staged_scope",),
        ("collapsed",),
        "agree the ongoing plan and target service priorities in advance, and make each stage sustainable on its own",
        "Guide 08, case 06",
    ),
    Case(
        "07",
        "A marketing mistake",
        "case07",
        "case07_premature_rebrand",
        ("reputation_first",),
        ("collapsed", "underperforming"),
        "branding can distract and backfire: build reputation through good service first",
        "Guide 08, case 07",
    ),
)

BY_ID: dict[str, Case] = {case.id: case for case in CASES}


def case(case_id: str | int) -> Case:
    """The case numbered ``case_id``: ``"01"`` .. ``"07"``, also given as ``1`` or ``"1"``.

    Parameters
    ----------
    case_id
        The case's number, as Guide 08 and the table of cases give it.

    Returns
    -------
    Case
        The case.

    Raises
    ------
    ConfigError
        One line naming the value and the cases there are, for a number that is none of them.
    """
    key = str(case_id).strip()
    key = key.zfill(2) if key.isdigit() else key
    if key not in BY_ID:
        raise ConfigError([f"case = {case_id!r} is not one of Guide 08's cases (available: {', '.join(BY_ID)})"])
    return BY_ID[key]

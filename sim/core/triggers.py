"""What opens a decision: the events after which a council weighs the partnership again.

A council decides at its annual budget setting, at scheduled reviews of the agreement, and
whenever an event reopens the question: an election that changes political control, a new
chief executive taking up post, a budget shock, a reorganisation, a proposal (deeper sharing,
a rebrand), the end of a guarantee, or a partner leaving. Before launch, a proposal is decided at decision
meetings; what happened at the decisive meeting is its trigger. Every exit, collapse and
shelving records its trigger; ``docs/ODD.md`` (Decisions) says which decision each opens.
"""

from __future__ import annotations

from enum import IntEnum


class Trigger(IntEnum):
    """Events that open a decision (-1 in the state: none)."""

    BUDGET_SETTING = 0
    AGREEMENT_REVIEW = 1
    ELECTION = 2
    NEW_CHIEF_EXECUTIVE = 3
    BUDGET_SHOCK = 4
    REORGANISATION = 5
    DEEPENING_PROPOSAL = 6
    REBRAND = 7
    END_OF_GUARANTEE = 8
    LOSS_OF_CUSTOMER = 9
    CHIEF_EXECUTIVE_LEAVING = 10
    CONCERN_SURFACED = 11
    REPEATED_SLIPPAGE = 12
    PARTNER_LEFT = 13
    REVENUE_SHORTFALL = 14


NONE = -1

#: Each trigger's label (as in results files) and its words.
WORDS: dict[Trigger, tuple[str, str]] = {
    Trigger.BUDGET_SETTING: ("budget_setting", "the annual budget setting"),
    Trigger.AGREEMENT_REVIEW: ("agreement_review", "a scheduled review of the agreement"),
    Trigger.ELECTION: ("election", "an election that changed political control"),
    Trigger.NEW_CHIEF_EXECUTIVE: ("new_chief_executive", "a new chief executive taking up post"),
    Trigger.BUDGET_SHOCK: ("budget_shock", "a budget shock"),
    Trigger.REORGANISATION: ("reorganisation", "local government reorganisation"),
    Trigger.DEEPENING_PROPOSAL: ("deepening_proposal", "a proposal to deepen sharing beyond IT"),
    Trigger.REBRAND: ("rebrand", "a rebrand of the shared service"),
    Trigger.END_OF_GUARANTEE: ("end_of_guarantee", "the end of a council's guarantee of business"),
    Trigger.LOSS_OF_CUSTOMER: ("loss_of_customer", "the loss of a customer"),
    Trigger.CHIEF_EXECUTIVE_LEAVING: ("chief_executive_leaving", "a chief executive about to leave"),
    Trigger.CONCERN_SURFACED: ("concern_surfaced", "a concern that had not been voiced surfacing"),
    Trigger.REPEATED_SLIPPAGE: ("repeated_slippage", "repeated slippage of the decision"),
    Trigger.PARTNER_LEFT: ("partner_left", "a partner leaving"),
    Trigger.REVENUE_SHORTFALL: ("revenue_shortfall", "revenue short of a venture's costs with no guarantee ended and no customer lost"),
}
LABELS: tuple[str, ...] = tuple(WORDS[t][0] for t in Trigger)
#: Triggers of routine decisions (a higher bar to leave: status-quo bias); every other trigger reopens the question.
ROUTINE = (Trigger.BUDGET_SETTING,)


def label(index: int) -> str:
    """The label of a trigger index (``"none"`` for -1)."""
    return LABELS[index] if index >= 0 else "none"


def words(index: int) -> str:
    """A trigger in words (empty for none)."""
    return WORDS[Trigger(index)][1] if index >= 0 else ""

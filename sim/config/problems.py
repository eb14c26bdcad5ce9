"""Guide 08's fifteen common problems: the parameter that carries each, and the effect it must have.

Each modelled problem names a scenario, the parameter overrides for a low and a high
level of the problem, and what is measured; ``tests/config/test_problems.py`` runs both levels
on common seeds and checks that more of the problem does more harm. Problems the model
does not represent say why.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One of Guide 08's common problems and how (or whether) the model carries it.

    Attributes
    ----------
    number
        Its number in Guide 08's list.
    problem
        The problem, paraphrased.
    parameters
        Parameter paths that carry it (empty when not modelled).
    scenario
        Scenario in which its effect is tested.
    less, more
        Overrides giving less and more of the problem.
    measure
        ``"failure"`` (shelved, collapsed or underperforming) or a column of the
        replication table whose mean must grow with the problem.
    reason
        Why it is not modelled, or what part of it is left out.
    """

    number: int
    problem: str
    parameters: tuple[str, ...] = ()
    scenario: str = "baseline"
    less: tuple[str, ...] = ()
    more: tuple[str, ...] = ()
    measure: str = "failure"
    reason: str = ""

    @property
    def modelled(self) -> bool:
        """Whether a parameter carries the problem (with a tested effect)."""
        return bool(self.parameters)


def _all(name: str, value: float, councils: int = 4) -> tuple[str, ...]:
    return tuple(f"councils.{k}.{name}={value}" for k in range(councils))


PROBLEMS: tuple[Problem, ...] = (
    Problem(
        1,
        "an unclear business case mismanages expectations later",
        ("partnership.business_case_clarity", "dynamics.optimism_bias"),
        less=("partnership.business_case_clarity=0.9",),
        more=("partnership.business_case_clarity=0.2",),
    ),
    Problem(
        2,
        "everyone wants to be (or acts as) the seller",
        reason=(
            "the model has one shared service and no provider and client roles: which partner hosts it, and councils "
            "competing to host it, would need a model of that choice, which neither source describes"
        ),
    ),
    Problem(
        3,
        "early disruption, or the fear of it, causes inertia",
        ("mechanisms.coordination.disruption", "mechanisms.coordination.disruption_relief"),
        less=("mechanisms.coordination.disruption=0.1",),
        more=("mechanisms.coordination.disruption=0.5",),
        reason="partly: disruption during integration takes value from the service councils receive; the fear of it before launch is not a state",
    ),
    Problem(
        4,
        "an imbalance of energy and pace between partners frustrates",
        ("councils[k].pace", "mechanisms.coordination.frustration"),
        less=_all("pace", 0.5),
        more=("councils.0.pace=0.9", "councils.1.pace=0.1", "councils.2.pace=0.9", "councils.3.pace=0.1"),
    ),
    Problem(5, "a different customer focus makes a cultural mismatch", reason="no attribute for customer focus or culture"),
    Problem(
        6,
        "strategic ambitions for sharing differ and compete",
        ("councils[k].orientation", "mechanisms.case03.misfit", "mechanisms.case03.potential_loss"),
        scenario="case03_misaligned_aspirations",
        less=("councils.0.orientation=0.45", "councils.1.orientation=0.55"),
        more=("councils.0.orientation=0.1", "councils.1.orientation=0.9"),
    ),
    Problem(
        7,
        "personal agendas and the loss of sovereignty and power",
        ("councils[k].sovereignty_concern",),
        scenario="case06_district_county",
        less=_all("sovereignty_concern", 0.1, 2),
        more=_all("sovereignty_concern", 0.6, 2),
        reason="partly: sovereignty concern is modelled (cases 02 and 06, elections); personal agendas are not",
    ),
    Problem(
        8,
        "energy diluted by a partner that cannot move as fast",
        ("councils[k].it_maturity", "mechanisms.case04.frustration", "mechanisms.case04.gap_savings_loss"),
        scenario="case04_trading_company",
        less=("councils.0.it_maturity=0.55", "councils.1.it_maturity=0.55", "partnership.governance=joint_committee"),
        more=("councils.0.it_maturity=0.85", "councils.1.it_maturity=0.25", "partnership.governance=joint_committee"),
        reason="through the IT-maturity gap of case 04 (the advanced partner held back by the laggard) and the pace gap of problem 04",
    ),
    Problem(
        9,
        "unwillingness to compromise on principles not shared",
        reason=(
            "councils do not negotiate terms in the model, so an unwillingness to compromise has nothing to act on; the "
            "nearest effects are misaligned aims (problem 06) and political doctrine (problem 12)"
        ),
    ),
    Problem(
        10,
        "poor services in one partner make integration hard",
        ("councils[k].service_quality", "dynamics.service_drag"),
        less=_all("service_quality", 0.9),
        more=("councils.0.service_quality=0.1", "councils.1.service_quality=0.9", "councils.2.service_quality=0.9", "councils.3.service_quality=0.9"),
    ),
    Problem(
        11,
        "a lack of skills, above all in ICT",
        ("councils[k].ict_skills", "dynamics.skills_drag", "partnership.commercial_capability"),
        less=_all("ict_skills", 0.9),
        more=_all("ict_skills", 0.1),
    ),
    Problem(
        12,
        "political dogma (outsourcing or insourcing is always best)",
        ("exogenous.stance", "exogenous.control_change_all_out", "exogenous.control_change_thirds"),
        less=("exogenous.stance=0.0",),
        more=("exogenous.stance=0.4",),
        reason=(
            "partly: a new administration's doctrine takes value from (or adds value to) the partnership its council sees, "
            "booked to political_control; doctrine is drawn at each change of control, not held as a party's programme"
        ),
    ),
    Problem(
        13,
        "no freedom to act, or a different appetite for risk",
        ("councils[k].risk_appetite", "mechanisms.case04.risk_gap_weight"),
        scenario="case04_trading_company",
        less=("councils.0.risk_appetite=0.5", "councils.1.risk_appetite=0.5", "partnership.governance=joint_committee"),
        more=("councils.0.risk_appetite=0.9", "councils.1.risk_appetite=0.1", "partnership.governance=joint_committee"),
        measure="value_lost_case04_maturity_gap",
        reason="partly: a risk-appetite gap widens the IT gap of case 04; freedom to act is not represented",
    ),
    Problem(
        14,
        "weak communications worry staff",
        ("partnership.communications",),
        scenario="case07_premature_rebrand",
        less=("partnership.communications=0.9",),
        more=("partnership.communications=0.1",),
        reason="partly: communications soften early disruption and case 07's goodwill shock; staff worries are not a state",
    ),
    Problem(
        15,
        "no clear benefits, realisation plan or outcome focus",
        ("partnership.business_case_clarity", "dynamics.optimism_bias"),
        less=("partnership.business_case_clarity=0.9",),
        more=("partnership.business_case_clarity=0.2",),
        reason="partly: shares the clarity of the business case with problem 01; there is no separate benefits-realisation process",
    ),
)

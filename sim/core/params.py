"""The shared parameter sections of the model: councils, the partnership, dynamics, change from outside, levers.

Each mechanism declares its own parameters in its module (:mod:`sim.core.mechanisms`);
these are the ones every part of the month reads. Council attributes may be a fixed value
or a distribution node such as ``{dist: beta, a: 2, b: 5}``; each replication then draws
its own council. A plain number means a fixed value. See :mod:`sim.core.declare` for what
each declaration records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.core.declare import ASSUMPTION, G08, GIR, choice, flag, param, text

TIERS = ("district", "county", "unitary", "metropolitan", "london_borough", "other_public_body")
ELECTION_CYCLES = ("all_out", "thirds")
GOVERNANCE = ("mou", "joint_committee", "lead_authority", "trading_company", "commercial_venture")


@dataclass
class CouncilParams:
    """One council (or other public body) in the partnership."""

    name: str = text("Council", "display name")
    tier: Any = choice("district", TIERS, "tier of local government", concept=f"{G08} case 06 (district and county)", distributable=True)
    size: Any = param(
        1.0,
        0.1,
        20.0,
        "relative size (1 = a typical district)",
        "share of the partnership's volume and costs",
        concept=f"{G08} case 06 (scale of a county partner)",
        distributable=True,
    )
    risk_appetite: Any = param(
        {"dist": "beta", "a": 2, "b": 2}, 0, 1, "0 averse .. 1 seeking", "appetite for risk", concept=f"{G08} problem 13; case 04", distributable=True
    )
    it_maturity: Any = param(
        {"dist": "beta", "a": 3, "b": 3},
        0,
        1,
        "0 .. 1",
        "maturity of the council's IT estate and practices",
        concept=f"{G08} case 04; {GIR} (single IT strategy)",
        distributable=True,
    )
    legacy_it: Any = param(
        {"dist": "beta", "a": 2, "b": 3},
        0,
        1,
        "0 .. 1",
        "burden of legacy systems that slow harmonisation",
        concept=f"{GIR} (why few IT services are shared: legacy IT)",
        distributable=True,
    )
    contract_end_month: Any = param(
        {"dist": "randint", "low": 0, "high": 36},
        0,
        600,
        "month",
        "month an outsourcing contract ends; its IT cannot be harmonised before",
        concept=f"{GIR} (outsourcing lock-in)",
        integer=True,
        distributable=True,
    )
    pace: Any = param(
        {"dist": "beta", "a": 3, "b": 3}, 0, 1, "0 slow .. 1 fast", "energy and pace of change", concept=f"{G08} problems 04 and 08", distributable=True
    )
    key_person_dependency: Any = param(
        {"dist": "beta", "a": 2, "b": 3},
        0,
        1,
        "0 .. 1",
        "how much the council's commitment rests on one champion",
        concept=f"{G08} case 01",
        distributable=True,
    )
    orientation: Any = param(
        {"dist": "beta", "a": 2, "b": 3},
        0,
        1,
        "0 lean .. 1 commercial",
        "strategic aim of sharing: a leaner council or a commercial one",
        concept=f"{G08} case 03; problem 06",
        distributable=True,
    )
    sovereignty_concern: Any = param(
        {"dist": "beta", "a": 2, "b": 4},
        0,
        1,
        "0 .. 1",
        "fear of losing sovereignty and identity",
        concept=f"{G08} cases 02 and 06; problem 07; {GIR} (fear of losing control)",
        distributable=True,
    )
    inhouse_confidence: Any = param(
        {"dist": "beta", "a": 4, "b": 2},
        0,
        1,
        "0 .. 1",
        "members' confidence that the in-house team can lead the change",
        concept=f"{G08} case 02",
        distributable=True,
    )
    service_quality: Any = param(
        {"dist": "beta", "a": 4, "b": 2},
        0,
        1,
        "0 poor .. 1 good",
        "quality of the council's own services before sharing",
        concept=f"{G08} problem 10",
        distributable=True,
    )
    ict_skills: Any = param(
        {"dist": "beta", "a": 3, "b": 2},
        0,
        1,
        "0 .. 1",
        "ICT skills and capacity available to the programme",
        concept=f"{G08} problem 11; {GIR} (retain IT skills)",
        distributable=True,
    )
    exit_threshold: Any = param(0.3, 0, 1, "commitment", "the council leaves when its commitment falls below this", value=ASSUMPTION, distributable=True)
    election_cycle: Any = choice(
        {"dist": "choice", "values": ["all_out", "thirds"], "p": [0.6, 0.4]},
        ELECTION_CYCLES,
        "election cycle",
        concept="English local elections: all-out every four years or by thirds (assumption on shares)",
        distributable=True,
    )
    first_election_month: Any = param(
        {"dist": "randint", "low": 0, "high": 47},
        0,
        47,
        "month",
        "month of the first election after the start",
        value=ASSUMPTION,
        integer=True,
        distributable=True,
    )


@dataclass
class PartnershipParams:
    """The partnership as a whole: governance, business case, plans and horizon."""

    governance: Any = choice("joint_committee", GOVERNANCE, "legal form of the partnership", concept=f"{G08} cases 04, 05, 06", distributable=True)
    commercial_capability: Any = param(
        0.3,
        0,
        1,
        "0 .. 1",
        "commercial skills and incentives of the service",
        concept=f"{G08} case 04 (trading arm lacked commercial skills)",
        distributable=True,
    )
    business_case_clarity: Any = param(
        0.6, 0, 1, "0 .. 1", "clarity of the business case and benefits-realisation plan", concept=f"{G08} problems 01 and 15", distributable=True
    )
    promised_savings: Any = param(
        1.0, 0, 100, "GBP m per year", "annual savings the business case promises at full scope", value=ASSUMPTION, distributable=True
    )
    upfront_investment: Any = param(
        1.0, 0, 200, "GBP m", "investment spent during integration", concept=f"{GIR} (programmes need upfront investment)", distributable=True
    )
    it_share_of_savings: Any = param(
        0.5,
        0,
        1,
        "share",
        "share of promised savings that come from IT alone",
        concept=f"{GIR}: about half of merger value is IT synergies (McKinsey, private sector)",
        value=f"{GIR}: about half of merger value is IT synergies (McKinsey, private sector)",
        distributable=True,
    )
    guaranteed_volume: Any = param(
        1.0, 0, 2, "share of break-even revenue", "business the partners guarantee a commercial venture", concept=f"{G08} case 05", distributable=True
    )
    guarantee_months: Any = param(
        24, 0, 600, "months after launch", "how long the guarantee lasts", concept=f"{G08} case 05 (not long enough)", integer=True, distributable=True
    )
    customer_concentration: Any = param(
        0.6, 0, 1, "share", "share of a venture's revenue from its largest customer", concept=f"{G08} case 05 (all eggs in one basket)", distributable=True
    )
    market_volume: Any = param(0.3, 0, 2, "share of break-even revenue", "outside business a venture wins at launch", value=ASSUMPTION, distributable=True)
    break_even_months: Any = param(
        18, 1, 240, "months", "months a venture can run below break-even before it is unsustainable", value=ASSUMPTION, integer=True, distributable=True
    )
    expansion_month: Any = param(
        36,
        -1,
        600,
        "months after launch (-1 none)",
        "when sharing deepens from IT into other services",
        concept=f"{G08} case 06",
        integer=True,
        distributable=True,
    )
    rebrand_month: Any = param(
        -1, -1, 600, "months after launch (-1 none)", "planned rebrand of the shared service", concept=f"{G08} case 07", integer=True, distributable=True
    )
    decision_clarity: Any = param(
        0.5,
        0,
        1,
        "0 .. 1",
        "how far the decision process (timescale, approval level) is agreed in advance",
        concept=f"{G08} case 02 key learning",
        distributable=True,
    )
    approval_months: Any = param(9, 1, 120, "months", "months the plan allows from start to approval", value=ASSUMPTION, integer=True, distributable=True)
    integration_months: Any = param(
        18, 1, 120, "months", "months from approval to a fully operating service", value=ASSUMPTION, integer=True, distributable=True
    )
    initial_trust: Any = param(
        0.7, 0, 1, "0 .. 1", "trust between partners at the start", concept=f"{G08} case 01 (early success rests on trust)", distributable=True
    )
    initial_commitment: Any = param(0.75, 0, 1, "0 .. 1", "commitment of each council at the start", value=ASSUMPTION, distributable=True)
    communications: Any = param(
        0.5, 0, 1, "0 weak .. 1 strong", "quality of communications with staff and users", concept=f"{G08} problem 14", distributable=True
    )
    min_partners: Any = param(2, 1, 8, "councils", "the partnership collapses when fewer remain", value=ASSUMPTION, integer=True)
    horizon_months: Any = param(120, 12, 600, "months", "months simulated", concept="DESIGN.md (ten years)", integer=True)


@dataclass
class LeverParams:
    """A policy lever: when it starts, how strong it is and what it costs."""

    enabled: bool = flag(False, "switch the lever on")
    start_month: Any = param(0, 0, 600, "month", "month the lever takes effect", value=ASSUMPTION, integer=True)
    strength: Any = param(0.6, 0, 1, "0 .. 1", "how fully the lever is carried out", value=ASSUMPTION)
    cost_upfront: Any = param(0.05, 0, 50, "GBP m", "one-off cost at the start month", value=ASSUMPTION)
    cost_per_year: Any = param(0.02, 0, 50, "GBP m per year", "running cost while the partnership lasts", value=ASSUMPTION)


@dataclass
class ExogenousParams:
    """Changes from outside the partnership that the cases keep referring to."""

    control_change_all_out: Any = param(
        0.25,
        0,
        1,
        "probability per election",
        "chance an all-out election changes political control",
        value="assumption (order of magnitude of English all-out elections changing control)",
    )
    control_change_thirds: Any = param(
        0.08,
        0,
        1,
        "probability per election",
        "chance an election by thirds changes political control",
        value="assumption (elections by thirds change control less often)",
    )
    control_change_swing: Any = param(
        0.5,
        0,
        1,
        "share",
        "how far a change of control moves a council's aims towards a new, random orientation",
        value="assumption (a new administration brings its own aims)",
    )
    control_change_concern: Any = param(
        0.5,
        0,
        1,
        "share",
        "most a change of control can raise sovereignty concern towards 1 (times a random draw)",
        concept=f"{G08} problem 07 (sovereignty and power)",
    )
    control_change_shock: Any = param(
        0.2,
        0,
        1,
        "commitment",
        "commitment a new administration withdraws, scaled by its sovereignty concern",
        concept=f"{G08} problem 12 (political dogma); case 03 (changes happen)",
    )
    turnover_hazard: Any = param(
        1 / 72,
        0,
        1,
        "per month",
        "monthly chance the chief executive (key decision-maker) announces departure",
        value="assumption (a chief executive serves about six years)",
    )
    turnover_notice_months: Any = param(
        6,
        0,
        36,
        "months",
        "months between the announcement and the successor's arrival",
        concept=f"{G08} case 02 (a chief executive soon to retire)",
        integer=True,
    )
    turnover_shock: Any = param(0.05, 0, 1, "commitment", "commitment lost when a new chief executive arrives", value=ASSUMPTION)
    budget_shock_hazard: Any = param(
        1 / 96,
        0,
        1,
        "per month",
        "monthly chance a council meets a budget shock",
        value="assumption (a severe in-year budget pressure about every eight years)",
    )
    budget_shock_size: Any = param(
        0.06, 0, 1, "commitment", "commitment lost to a budget shock, more when the partnership's savings lag its plan", value=ASSUMPTION
    )
    reorganisation_hazard: Any = param(
        1 / 1200,
        0,
        1,
        "per month",
        "monthly chance the partnership's area is reorganised",
        value="assumption (a local government reorganisation touches an area about once a century)",
    )
    reorganisation_shock: Any = param(
        0.3, 0, 1, "commitment", "commitment every council loses in a reorganisation", concept=f"{G08} case 05 (after a regional government restructure)"
    )


@dataclass
class DynamicsParams:
    """How commitment, trust, harmonisation and savings evolve between shocks."""

    commitment_recovery: Any = param(0.1, 0, 1, "share per month", "pull of commitment back towards its resting level", value=ASSUMPTION)
    resting_base: Any = param(0.4, 0, 1, "commitment", "resting level of commitment of a council that trusts none of its partners", value=ASSUMPTION)
    resting_trust: Any = param(
        0.6,
        0,
        1,
        "commitment per unit of trust",
        "how much the council's mean trust in its partners raises its resting commitment",
        concept=f"{G08} case 01 (early success rests on trust between individuals)",
    )
    trust_recovery: Any = param(0.03, 0, 1, "share per month", "rebuilding of pairwise trust towards its initial level", value=ASSUMPTION)
    trust_to_commitment: Any = param(
        0.5,
        0,
        2,
        "commitment per unit of trust",
        "commitment a council loses per unit of trust it loses in its partners",
        concept=f"{G08} case 01 (trust between individuals)",
    )
    disappointment: Any = param(
        0.01,
        0,
        1,
        "commitment per month",
        "commitment lost per month when realised savings fall short of the plan, at a full shortfall (not felt during integration)",
        concept=f"{G08} problems 01 and 15",
    )
    cost_resharing: Any = param(
        0.2,
        0,
        2,
        "commitment per share of size",
        "commitment the remaining partners lose when a partner of a given size share leaves",
        concept=f"{G08} case 05; DESIGN.md (costs shared out again)",
    )
    maturity_months: Any = param(
        36, 1, 240, "months", "time constant for the arrangement to bed in after launch", concept=f"{G08} case 01 (a mature arrangement is usually resilient)"
    )
    harmonisation_months: Any = param(
        18, 1, 240, "months", "time constant of IT harmonisation with no legacy IT", concept=f"{GIR} (harmonise, simplify and standardise IT)"
    )
    legacy_drag: Any = param(0.4, 0, 1, "share", "how much a full legacy burden slows harmonisation", concept=f"{GIR} (legacy IT makes integration hard)")
    skills_drag: Any = param(0.3, 0, 1, "share", "how much missing ICT skills slow harmonisation", concept=f"{G08} problem 11; {GIR} (retain IT skills)")
    optimism_bias: Any = param(
        0.5,
        0,
        1,
        "share of promised savings",
        "share of promised savings a wholly unclear business case can never deliver",
        concept=f"{G08} problem 01; {GIR} (many fail to deliver the promised benefits)",
    )
    catch_up_rate: Any = param(
        0.03,
        0,
        1,
        "share per month",
        "share of its gap to the most mature partner a laggard closes each month under a full it_harmonisation_first lever",
        concept=f"{GIR} (audit, standardise, a single IT strategy)",
    )
    cloud_relief: Any = param(
        0.5,
        0,
        1,
        "share",
        "share of the legacy burden and of outsourcing lock-in a full neutral cloud platform removes",
        concept=f"{GIR} (use the cloud: neutral, temporary or transitional)",
    )
    service_drag: Any = param(
        0.3,
        0,
        1,
        "share",
        "how much the poorest partner's service quality, at its worst, slows harmonisation",
        concept=f"{G08} problem 10 (poor services in one partner make integration hard)",
    )
    underperformance_ratio: Any = param(
        0.5,
        0,
        1,
        "share of the business case",
        "a surviving partnership whose realised savings fall below this share is underperforming",
        concept="DESIGN.md (far less than its business case)",
    )

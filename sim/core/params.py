"""The shared parameter sections of the model: councils, the partnership, dynamics, decisions, change from outside, levers.

Each mechanism declares its own parameters in its module (:mod:`sim.core.mechanisms`);
these are the ones every part of the month reads. Council and partnership attributes may
be a fixed value or a distribution node such as ``{dist: beta, a: 2, b: 5}``; each
replication then draws its own. A plain number means a fixed value. See
:mod:`sim.core.declare` for what each declaration records: the concept (what it stands
for, and the passage it comes from) and the value (a citation, or "assumption" with a
plausible range).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.core.declare import G08, GIR, choice, flag, param, text, uniform

TIERS = ("district", "county", "unitary", "metropolitan", "london_borough", "other_public_body")
ELECTION_CYCLES = ("all_out", "thirds")
GOVERNANCE = ("mou", "joint_committee", "lead_authority", "trading_company", "commercial_venture")
CHAMPIONS = ("chief_executive", "political_leader", "specialist")
ELSTON = (
    "Elston, Rackwitz and Bel (2024), Going separate ways: ex-post interdependence and the dissolution of "
    "collaborative relations, International Public Management Journal 27(4)"
)
UK_RECORD = "the UK record in data/uk_breakups.csv"


#: Plausible range of a lever's costs as a factor on that lever's own default (``times: default``; see :mod:`sim.config.assumptions`).
LEVER_COST_PRIOR = {"dist": "triangular", "low": 0.8, "mode": 1.0, "high": 3.0, "times": "default"}


@dataclass
class CouncilParams:
    """One council (or other public body) in the partnership."""

    name: str = text("Council", "display name")
    tier: Any = choice(
        "district", TIERS, "tier of local government", concept=f"{G08} case 06 (district and county)", value="a setting of a scenario", distributable=True
    )
    size: Any = param(
        1.0,
        0.1,
        20.0,
        "relative size (1 = a typical district)",
        "share of the partnership's volume and costs",
        concept=f"{G08} case 06 (scale of a county partner)",
        value="a setting of a scenario",
        distributable=True,
    )
    risk_appetite: Any = param(
        {"dist": "beta", "a": 2, "b": 2},
        0,
        1,
        "0 averse .. 1 seeking",
        "appetite for risk",
        concept=f"{G08} problem 13; case 04",
        distributable=True,
        practice="0.3: prefers proven approaches, wants guarantees and slow, staged change; 0.7: will try new models and accept risk for bigger gains",
    )
    it_maturity: Any = param(
        {"dist": "beta", "a": 3, "b": 3},
        0,
        1,
        "0 .. 1",
        "maturity of the council's IT estate and practices",
        concept=f"{G08} case 04; {GIR} (single IT strategy)",
        distributable=True,
        practice="0.3: ageing, fragmented systems, little standardisation, no IT strategy; 0.7: a standardised estate, an IT strategy, modern platforms",
    )
    legacy_it: Any = param(
        {"dist": "beta", "a": 2, "b": 3},
        0,
        1,
        "0 .. 1",
        "burden of legacy systems that slow harmonisation",
        concept=f"{GIR} (why few IT services are shared: legacy IT)",
        distributable=True,
        practice="0.3: a few old systems to migrate; 0.7: much of the estate is old, bespoke or hard to move",
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
        {"dist": "beta", "a": 3, "b": 3},
        0,
        1,
        "0 slow .. 1 fast",
        "energy and pace of change",
        concept=f"{G08} problems 04 and 08",
        distributable=True,
        practice="0.3: cautious, decides slowly, wants every detail agreed; 0.7: energetic, wants to move fast and is frustrated by delay",
    )
    key_person_dependency: Any = param(
        {"dist": "beta", "a": 2, "b": 3},
        0,
        1,
        "0 .. 1",
        "how much the council's part in the partnership rests on one champion",
        concept=f"{G08} case 01",
        distributable=True,
        practice="0.3: the programme is owned by a team and would survive a departure; 0.7: it rests on one person's drive and relationships",
    )
    champion: Any = choice(
        {"dist": "choice", "values": list(CHAMPIONS), "p": [0.5, 0.3, 0.2]},
        CHAMPIONS,
        "who the council's champion is: its chief executive (leaves with them), its political leader (leaves with a change of control) or a specialist",
        concept=f"{G08} case 01 (political or executive sponsors, or a specialist)",
        value="assumption (shares)",
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
        practice="0.3: shares services mainly to cut its own costs; 0.7: wants to trade, sell services and grow income",
    )
    sovereignty_concern: Any = param(
        {"dist": "beta", "a": 2, "b": 4},
        0,
        1,
        "0 .. 1",
        "fear of losing sovereignty and identity",
        concept=f"{G08} cases 02 and 06; problem 07; {GIR} (fear of losing control)",
        distributable=True,
        practice="0.3: relaxed about joint arrangements; 0.7: members worry about losing control, identity and jobs to a partner",
    )
    inhouse_confidence: Any = param(
        {"dist": "beta", "a": 4, "b": 2},
        0,
        1,
        "0 .. 1",
        "members' confidence that the in-house team can lead the change",
        concept=f"{G08} case 02",
        distributable=True,
        practice="0.3: members doubt the in-house team can lead the change; 0.7: members trust the team to deliver it",
    )
    service_quality: Any = param(
        {"dist": "beta", "a": 4, "b": 2},
        0,
        1,
        "0 poor .. 1 good",
        "quality of the council's own services before sharing",
        concept=f"{G08} problem 10",
        distributable=True,
        practice="0.3: its own services have known problems that sharing would inherit; 0.7: good services a partner would be glad to adopt",
    )
    ict_skills: Any = param(
        {"dist": "beta", "a": 3, "b": 2},
        0,
        1,
        "0 .. 1",
        "ICT skills and capacity available to the programme",
        concept=f"{G08} problem 11; {GIR} (retain IT skills)",
        distributable=True,
        practice="0.3: stretched IT staff, gaps in architecture, contracts and project skills; 0.7: enough skilled people to run the programme",
    )
    ceo_leaving_in: Any = param(
        0,
        0,
        120,
        "months",
        "months until the council's chief executive leaves, when a departure is already announced at the start (0: none)",
        concept=f"{G08} case 02 (one of the chief executives was soon to retire)",
        value="a setting of a scenario",
        integer=True,
        distributable=True,
        none=0,
    )
    election_cycle: Any = choice(
        {"dist": "choice", "values": ["all_out", "thirds"], "p": [0.6, 0.4]},
        ELECTION_CYCLES,
        "election cycle",
        concept="English local elections: all-out every four years or by thirds",
        value="assumption (shares)",
        distributable=True,
    )
    first_election_month: Any = param(
        {"dist": "randint", "low": 0, "high": 47},
        0,
        47,
        "month",
        "month of the first election after the start",
        concept="English local elections",
        integer=True,
        distributable=True,
    )
    guarantee: Any = param(
        {"dist": "uniform", "low": 0.3, "high": 1.1},
        0,
        2,
        "share of its own volume",
        "business the council guarantees to buy from a commercial venture (the guarantee is the council's own)",
        concept=f"{G08} case 05 (one authority did not guarantee enough business for long enough)",
        distributable=True,
    )
    guarantee_months: Any = param(
        {"dist": "randint", "low": 12, "high": 48},
        0,
        600,
        "months after launch",
        "how long the council's guarantee lasts",
        concept=f"{G08} case 05 (for long enough)",
        integer=True,
        distributable=True,
    )
    budget_month: Any = param(
        {"dist": "randint", "low": 0, "high": 11},
        0,
        11,
        "month of the year",
        "month of the council's annual budget setting, counted from the start of the run",
        concept="budget setting is a decision point (DESIGN.md, agents decide)",
        value="assumption (councils' cycles fall in different months of a partnership's year)",
        integer=True,
        distributable=True,
    )


@dataclass
class PartnershipParams:
    """The partnership as a whole: governance, business case, plans and horizon."""

    governance: Any = choice(
        "joint_committee", GOVERNANCE, "legal form of the partnership", concept=f"{G08} cases 04, 05, 06", value="a setting of a scenario", distributable=True
    )
    commercial_capability: Any = param(
        0.3,
        0,
        1,
        "0 .. 1",
        "commercial skills and incentives of the service",
        concept=f"{G08} case 04 (trading arm lacked commercial skills)",
        distributable=True,
        prior=uniform(0.1, 0.6),
        reason="Guide 08 finds council trading arms short of commercial skills; how short varies",
        practice="0.3: a public-service team with no sales, pricing or contract skills; 0.7: staff and incentives to win and keep customers",
    )
    business_case_clarity: Any = param(
        0.6,
        0,
        1,
        "0 .. 1",
        "clarity of the business case and benefits-realisation plan",
        concept=f"{G08} problems 01 and 15",
        distributable=True,
        prior=uniform(0.3, 0.9),
        reason="Guide 08 counts an unclear business case and no benefits-realisation plan among the common problems; clarity varies",
        practice="0.3: savings asserted rather than worked out, risks not costed; 0.7: savings, costs, risks and timescales worked out and agreed",
    )
    promised_savings: Any = param(
        1.0,
        0,
        100,
        "GBP m per year",
        "annual savings the business case promises at full scope",
        concept=f"{G08} problem 01",
        distributable=True,
        prior={"dist": "loguniform", "low": 0.5, "high": 2.0},
        reason="the scale of a typical business case is not recorded in the sources; half to double",
    )
    delivery: Any = param(
        {"dist": "triangular", "low": 0.6, "mode": 1.0, "high": 1.4},
        0,
        3,
        "share of the promise",
        "what sharing can really deliver against the promise with a perfectly clear business case (below 1: the promise was optimistic)",
        concept=f"{G08} problem 01; {GIR} (many fail to deliver the promised benefits)",
        distributable=True,
        prior=uniform(0.5, 1.2),
        reason="meta-analyses of shared-service savings find wide variation and frequent shortfall (Bel and Sebő)",
    )
    upfront_investment: Any = param(
        1.0,
        0,
        200,
        "GBP m",
        "investment spent during integration",
        concept=f"{GIR} (programmes need upfront investment)",
        distributable=True,
        prior={"dist": "loguniform", "low": 0.5, "high": 2.0},
        reason="of the order of a year's promised savings; half to double",
    )
    it_share_of_savings: Any = param(
        0.5,
        0,
        1,
        "share",
        "share of promised savings that come from IT alone",
        concept=f"{GIR} (IT as a strategic prerequisite)",
        value=f"{GIR}: about half of merger value is IT synergies (McKinsey, private sector)",
        distributable=True,
    )
    market_volume: Any = param(
        0.3,
        0,
        2,
        "share of break-even revenue",
        "outside business a commercial venture wins at launch",
        concept=f"{G08} case 05",
        distributable=True,
        prior=uniform(0.1, 0.6),
        reason="case 05: a new venture starts with little outside business, and how little is uncertain",
    )
    deepening_month: Any = param(
        36,
        -1,
        600,
        "months after launch (-1 none)",
        "when deeper sharing beyond IT is proposed to the councils (who then decide)",
        concept=f"{G08} case 06 (wider ambitions of sharing other services)",
        integer=True,
        distributable=True,
        prior=uniform(24, 60),
        reason="deeper sharing is proposed once the IT share has bedded in, two to five years after launch (case 06)",
        none=-1,
    )
    rebrand_month: Any = param(
        -1,
        -1,
        600,
        "months after launch (-1 none)",
        "when a rebrand of the shared service is proposed",
        concept=f"{G08} case 07",
        value="a setting of a scenario (no rebrand unless the scenario proposes one, as case 07 does)",
        integer=True,
        distributable=True,
        none=-1,
    )
    decision_clarity: Any = param(
        0.5,
        0,
        1,
        "0 .. 1",
        "how far the decision process (timescale, approval level) is agreed in advance",
        concept=f"{G08} case 02 key learning",
        distributable=True,
        prior=uniform(0.2, 0.8),
        reason="case 02: how far the process is agreed in advance varies widely between partnerships",
        practice="0.3: no agreed route to a decision, papers go round again and again; 0.7: a timetable, decision-makers and criteria agreed in advance",
    )
    approval_months: Any = param(
        9,
        1,
        120,
        "months",
        "months the plan allows from start to the first decision meeting",
        concept=f"{G08} case 02",
        integer=True,
        distributable=True,
        prior=uniform(6, 18),
        reason="a business case usually takes six months to a year and a half to reach the members who decide",
    )
    integration_months: Any = param(
        18,
        1,
        120,
        "months",
        "months from approval to a fully operating service",
        concept=f"{GIR} (integration)",
        integer=True,
        distributable=True,
        prior=uniform(12, 36),
        reason="integrating councils' ICT takes one to three years",
    )
    review_months: Any = param(
        {"dist": "randint", "low": 36, "high": 60},
        6,
        240,
        "months",
        "months between formal reviews of the agreement (each a decision point)",
        concept="scheduled reviews of the agreement (DESIGN.md, agents decide)",
        value="assumption (agreements are typically reviewed every three to five years)",
        integer=True,
        distributable=True,
    )
    initial_trust: Any = param(
        0.7,
        0,
        1,
        "0 .. 1",
        "trust between partners at the start",
        concept=f"{G08} case 01 (early success rests on trust)",
        distributable=True,
        prior=uniform(0.5, 0.9),
        reason="councils that choose to share usually start with fair to good trust",
        practice="0.3: partners who barely know each other or have fallen out before; 0.7: a track record of working well together",
    )
    enthusiasm: Any = param(
        0.2,
        0,
        1,
        "value",
        "how much more than the promise the councils value the partnership at the start (early enthusiasm), fading over time",
        concept=f"{G08} case 04 (initial enthusiasm and hopes)",
        distributable=True,
        prior=uniform(0.0, 0.4),
        reason="no source measures it",
    )
    communications: Any = param(
        0.5,
        0,
        1,
        "0 weak .. 1 strong",
        "quality of communications with staff and users",
        concept=f"{G08} problem 14",
        distributable=True,
        prior=uniform(0.2, 0.8),
        reason="Guide 08 counts weak communications among the common problems; quality varies",
        practice="0.3: staff and users hear little and late; 0.7: a communications plan that explains the change early and often",
    )
    min_partners: Any = param(
        2,
        1,
        8,
        "councils",
        "the partnership collapses when fewer remain",
        concept="DESIGN.md (too few partners remain)",
        value="definition (two councils make a partnership)",
        integer=True,
    )
    horizon_months: Any = param(120, 12, 600, "months", "months simulated", concept="DESIGN.md (ten years)", value="design choice", integer=True)


@dataclass
class DynamicsParams:
    """How trust, IT harmonisation, maturity and savings evolve between events."""

    trust_recovery: Any = param(
        0.03,
        0,
        1,
        "share per month",
        "rebuilding of pairwise trust towards its initial level",
        concept=f"{G08} case 01 (trust between individuals)",
        prior=uniform(0.01, 0.06),
        reason="trust is rebuilt over months to a few years",
    )
    maturity_months: Any = param(
        36,
        1,
        240,
        "months",
        "time constant for the arrangement to bed in after launch",
        concept=f"{G08} case 01 (a mature arrangement is usually resilient)",
        prior=uniform(18, 60),
        reason="bedding in takes one to five years",
    )
    harmonisation_months: Any = param(
        18,
        1,
        240,
        "months",
        "time constant of IT harmonisation with no legacy IT",
        concept=f"{GIR} (harmonise, simplify and standardise IT)",
        prior=uniform(12, 36),
        reason="IT convergence programmes take one to three years",
    )
    legacy_drag: Any = param(
        0.4, 0, 1, "share", "how much a full legacy burden slows harmonisation", concept=f"{GIR} (legacy IT makes integration hard)", prior=uniform(0.2, 0.6)
    )
    skills_drag: Any = param(
        0.3, 0, 1, "share", "how much missing ICT skills slow harmonisation", concept=f"{G08} problem 11; {GIR} (retain IT skills)", prior=uniform(0.1, 0.5)
    )
    optimism_bias: Any = param(
        0.5,
        0,
        1,
        "share of promised savings",
        "share of promised savings a wholly unclear business case can never deliver",
        concept=f"{G08} problem 01; {GIR} (many fail to deliver the promised benefits)",
        prior=uniform(0.25, 0.75),
        reason="VALIDITY.md section 4.2",
    )
    catch_up_rate: Any = param(
        0.03,
        0,
        1,
        "share per month",
        "share of its gap to the most mature partner a laggard closes each month under a full it_harmonisation_first lever",
        concept=f"{GIR} (audit, standardise, a single IT strategy)",
        prior=uniform(0.01, 0.06),
    )
    cloud_relief: Any = param(
        0.5,
        0,
        1,
        "share",
        "share of the legacy burden and of outsourcing lock-in a full neutral cloud platform removes",
        concept=f"{GIR} (use the cloud: neutral, temporary or transitional)",
        prior=uniform(0.2, 0.8),
    )
    service_drag: Any = param(
        0.3,
        0,
        1,
        "share",
        "how much the poorest partner's service quality, at its worst, slows harmonisation",
        concept=f"{G08} problem 10 (poor services in one partner make integration hard)",
        prior=uniform(0.1, 0.5),
    )
    underperformance_ratio: Any = param(
        0.5,
        0,
        1,
        "share of the business case",
        "a surviving partnership whose realised savings fall below this share is counted as underperforming",
        concept="DESIGN.md (far less than its business case)",
        value="definition (a reporting line; the summary also gives the whole distribution)",
    )


@dataclass
class DecisionParams:
    """How councils weigh the partnership against going alone, and when they decide (see ``docs/ODD.md``, Decisions)."""

    memory: Any = param(
        0.08,
        0.001,
        1,
        "share per month",
        "how fast a council's view of the partnership's value follows what it experiences each month",
        concept="councils judge the partnership on recent experience (DESIGN.md, agents decide)",
        prior=uniform(0.03, 0.2),
        reason="a view formed over the last half year to three years",
    )
    enthusiasm_months: Any = param(
        24, 1, 240, "months", "time constant over which early enthusiasm fades", concept=f"{G08} case 04 (initial enthusiasm)", prior=uniform(12, 48)
    )
    weight_savings: Any = param(
        0.4,
        0,
        1,
        "share of value",
        "weight of savings realised against the promise in the value a council sees",
        concept=f"{G08} problem 01 and 15; case 02 (primary objective)",
        prior=uniform(0.25, 0.55),
    )
    weight_service: Any = param(
        0.2, 0, 1, "share of value", "weight of the service the council receives", concept=f"{G08} cases 04 and 07 (effectiveness)", prior=uniform(0.1, 0.3)
    )
    weight_fit: Any = param(
        0.25,
        0,
        1,
        "share of value",
        "weight of how well the partnership fits the council's strategy and political control",
        concept=f"{G08} case 03 and problems 06, 07, 12",
        prior=uniform(0.15, 0.35),
    )
    weight_trust: Any = param(
        0.15,
        0,
        1,
        "share of value",
        "weight of the council's trust in its partners",
        concept=f"{G08} case 01 (trust between individuals)",
        prior=uniform(0.05, 0.25),
    )
    outside_option: Any = param(
        0.55,
        0,
        2,
        "value",
        "value of going alone or another arrangement, relative to the value the partnership promised (1)",
        concept="the outside option of a council (VALIDITY.md 6.2; Elston and Dixon)",
        prior=uniform(0.4, 0.7),
        reason="the main unknown of the model: calibrated to the UK record (docs/calibration.md)",
    )
    exit_cost_mou: Any = param(
        0.02, 0, 1, "value", "cost of leaving a memorandum of understanding", concept="governance: an MOU is easy to leave", prior=uniform(0.0, 0.05)
    )
    exit_cost_joint_committee: Any = param(
        0.08, 0, 1, "value", "cost of leaving a joint committee", concept="governance: joint committee", prior=uniform(0.03, 0.15)
    )
    exit_cost_lead_authority: Any = param(
        0.1, 0, 1, "value", "cost of leaving a lead-authority arrangement", concept="governance: lead authority", prior=uniform(0.05, 0.2)
    )
    exit_cost_company: Any = param(
        0.15,
        0,
        1,
        "value",
        "cost of leaving a trading company or commercial venture (shares, contracts, staff transfer)",
        concept="governance: a company is not easy to leave",
        prior=uniform(0.08, 0.3),
    )
    unpick_cost: Any = param(
        0.15,
        0,
        1,
        "value",
        "extra cost of leaving a fully harmonised service (re-establishing its own systems and team)",
        concept=f"{GIR} (investment already sunk; re-establishing a service)",
        prior=uniform(0.05, 0.3),
    )
    notice_mou: Any = param(
        3,
        0,
        60,
        "months",
        "usual notice before leaving an MOU (each notice is drawn between half and one and a half times it)",
        concept="governance",
        integer=True,
        prior=uniform(1, 6),
        reason="an MOU can usually be left on a few months' notice",
    )
    notice_committee: Any = param(
        12,
        0,
        60,
        "months",
        "usual notice before leaving a joint committee or lead-authority arrangement (each drawn between half and one and a half times it)",
        concept="governance",
        value=f"{UK_RECORD}: Tri-borough gave one year's notice, oneSource 15 months",
        integer=True,
    )
    notice_company: Any = param(
        18,
        0,
        60,
        "months",
        "usual notice before leaving a trading company or commercial venture (each drawn between half and one and a half times it)",
        concept="governance",
        integer=True,
        prior=uniform(12, 24),
        reason="members of a company are tied by its articles and service contracts for a year or two",
    )
    noise: Any = param(
        0.08,
        0.001,
        1,
        "value",
        "spread of a council's decision around its net value (the scale of the logistic choice)",
        concept="decisions are probabilistic (DESIGN.md, no clockwork)",
        prior=uniform(0.04, 0.15),
    )
    inertia_routine: Any = param(
        0.25,
        0,
        1,
        "value",
        "how much worse than going alone the partnership must look before a routine budget decision ends it",
        concept="status-quo bias of routine decisions",
        prior=uniform(0.1, 0.4),
    )
    inertia_reopened: Any = param(
        0.1,
        0,
        1,
        "value",
        "the same when an event reopens the question (an election, a new chief executive, a review, a proposal, a shock)",
        concept="triggers reopen the question (DESIGN.md, agents decide)",
        prior=uniform(0.0, 0.2),
    )
    coordination_cost: Any = param(
        0.03,
        0,
        1,
        "value per partner",
        "value lost to joint decisions, vetoes, compromises and delays per partner beyond the first, at IT-only scope",
        concept=ELSTON,
        prior=uniform(0.01, 0.06),
    )
    deeper_coordination: Any = param(1.0, 0, 5, "share", "how much deeper sharing beyond IT raises coordination costs", concept=ELSTON, prior=uniform(0.5, 2.0))
    approval_base: Any = param(
        1.0,
        -10,
        10,
        "log-odds",
        "log-odds that a council approves the proposal at a decision meeting with no business case to speak of and no concern",
        concept=f"{G08} case 02 (members and chief executives behind the initiative in principle)",
        prior=uniform(0.0, 2.0),
    )
    approval_case: Any = param(
        3.0,
        0,
        10,
        "log-odds per unit",
        "how much a compelling business case (strength 0 to 1) raises the log-odds of approval",
        concept=f"{G08} case 02 (a compelling business case is not enough)",
        prior=uniform(1.5, 4.5),
    )
    approval_concern: Any = param(
        3.0,
        0,
        10,
        "log-odds per unit",
        "how much a voiced concern (sovereignty, doubt in the in-house team) lowers the log-odds of approval",
        concept=f"{G08} case 02 (political concerns not voiced early)",
        prior=uniform(1.5, 4.5),
    )
    reference_savings: Any = param(
        1.5,
        0.01,
        100,
        "GBP m per year",
        "promised savings that make an average business case (strength 0.5 at full clarity)",
        concept=f"{G08} problem 01",
        prior={"dist": "loguniform", "low": 0.75, "high": 3.0},
        reason="what members count as an average business case is not recorded; half to double",
    )
    give_up: Any = param(
        0.1,
        0,
        1,
        "rate per slip",
        "how fast the chance grows, with each slip after the first, that the proposal is withdrawn (1 - exp(-rate x (slips - 1)))",
        concept=f"{G08} case 02 (after many months the ideas were shelved)",
        prior=uniform(0.05, 0.3),
    )
    settle_months: Any = param(
        6,
        0,
        36,
        "months",
        "most months after an election or a new chief executive's arrival before the council reviews the partnership (drawn up to this)",
        concept="decisions follow their triggers within months (DESIGN.md)",
        integer=True,
        prior=uniform(3, 12),
        reason="a new administration or chief executive reviews inherited commitments within months to a year",
    )


@dataclass
class LeverParams:
    """A policy lever: when it starts, how strong it is and what it costs."""

    enabled: bool = flag(False, "switch the lever on", value="")
    start_month: Any = param(0, 0, 600, "month", "month the lever takes effect", value="choice of the user", integer=True)
    strength: Any = param(0.6, 0, 1, "0 .. 1", "how fully the lever is carried out", prior=uniform(0.3, 0.9), reason="levers are rarely carried out in full")
    cost_upfront: Any = param(
        0.05,
        0,
        50,
        "GBP m",
        "one-off cost at the start month",
        prior=LEVER_COST_PRIOR,
        reason=(
            "a factor on the lever's default: cost estimates of change programmes run over, and HM Treasury's Green Book guidance on"
            " optimism bias puts the upper bound for equipment and development capital costs at +200%"
        ),
    )
    cost_per_year: Any = param(
        0.02,
        0,
        50,
        "GBP m per year",
        "running cost while the partnership lasts",
        prior=LEVER_COST_PRIOR,
        reason="a factor on the lever's default: running costs are taken to be as uncertain as set-up costs",
    )


@dataclass
class ExogenousParams:
    """Change from outside the partnership: elections, chief executives, budget pressure, reorganisation."""

    elections: Any = flag(True, "elections happen (switch off to see what they contribute)", concept="DESIGN.md (ablation)", value="")
    control_change_all_out: Any = param(
        0.25,
        0,
        1,
        "probability per election",
        "chance an all-out election changes political control",
        concept="English local elections",
        value="assumption (order of magnitude of English all-out elections changing control)",
        prior=uniform(0.15, 0.35),
    )
    control_change_thirds: Any = param(
        0.08,
        0,
        1,
        "probability per election",
        "chance an election by thirds changes political control",
        concept="English local elections",
        value="assumption (elections by thirds change control less often)",
        prior=uniform(0.04, 0.15),
    )
    control_change_swing: Any = param(
        0.5,
        0,
        1,
        "share",
        "how far a change of control moves a council's aims towards a new, random orientation",
        concept=f"{G08} case 03 (changes inevitably happen)",
        prior=uniform(0.25, 0.75),
    )
    control_change_concern: Any = param(
        0.3,
        0,
        1,
        "share",
        "most a change of control moves sovereignty concern towards a new, random level",
        concept=f"{G08} problem 07 (sovereignty and power)",
        prior=uniform(0.1, 0.5),
    )
    stance: Any = param(
        0.15,
        0,
        1,
        "value",
        "most a new administration's doctrine (in-house is best, or outsourcing is) takes from, or adds to, the value its council sees in the"
        " partnership each month",
        concept=f"{G08} problem 12 (political dogma)",
        prior=uniform(0.05, 0.3),
    )
    chief_executives: Any = flag(True, "chief executives come and go (switch off to see what they contribute)", concept="DESIGN.md (ablation)", value="")
    turnover_hazard: Any = param(
        1 / 72,
        0,
        1,
        "per month",
        "monthly chance a chief executive announces their departure",
        concept=f"{G08} cases 01 and 02",
        value="assumption (a council chief executive serves about six years)",
        prior={"dist": "uniform", "low": 1 / 120, "high": 1 / 48},
    )
    turnover_notice_months: Any = param(
        6,
        0,
        36,
        "months",
        "months between the announcement and the successor's arrival",
        concept=f"{G08} case 02 (a chief executive soon to retire)",
        integer=True,
        prior=uniform(3, 12),
        reason="chief executives give three to six months' notice, and recruiting a successor can take longer",
    )
    budget_shocks: Any = flag(True, "budget shocks happen (switch off to see what they contribute)", concept="DESIGN.md (ablation)", value="")
    budget_shock_hazard: Any = param(
        1 / 96,
        0,
        1,
        "per month",
        "monthly chance a council meets a severe in-year budget shock",
        concept="austerity in English local government",
        prior={"dist": "uniform", "low": 1 / 180, "high": 1 / 48},
    )
    budget_pressure: Any = param(
        0.5,
        0,
        5,
        "share",
        "how much a budget shock raises the weight a council puts on savings (fading over two years)",
        concept="austerity: savings matter more",
        prior=uniform(0.2, 1.0),
    )
    reorganisation: Any = flag(
        True, "local government reorganisation happens (switch off to see what it contributes)", concept="DESIGN.md (ablation)", value=""
    )
    reorganisation_hazard: Any = param(
        1 / 1200,
        0,
        1,
        "per council per month",
        "monthly chance a council is abolished or merged into a new unitary council",
        concept="English local government reorganisation",
        value=(
            "assumption (order of magnitude of the programme since 2019: Dorset, Buckinghamshire, Northamptonshire, Cumbria, North Yorkshire and Somerset "
            "replaced about 30 councils in five years; the programme announced in 2024 would replace most remaining districts)"
        ),
        prior={"dist": "loguniform", "low": 1 / 2400, "high": 1 / 120},
    )
    successor_stay: Any = param(
        0.25,
        0,
        1,
        "value",
        "how much the council that succeeds an abolished partner starts out valuing the partnership less (a new council with its own priorities)",
        concept="English local government reorganisation",
        prior=uniform(0.1, 0.5),
    )

"""Parameter declarations: every field once, with its unit, range, default and source.

A parameter is a dataclass field made with :func:`param` (numbers) or :func:`choice`
(categories). Its metadata is the single source for validation (:mod:`sim.config`),
the generated table ``docs/parameters.md`` and the Hydra configs.

Council attributes may be a fixed value or a distribution node such as
``{dist: beta, a: 2, b: 5}`` (see :data:`DISTRIBUTIONS`); each replication then draws
its own council. A plain number means a fixed value.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

#: Distribution families accepted in a ``{dist: ...}`` node and the keys each needs.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "beta": ("a", "b"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "randint": ("low", "high"),
    "choice": ("values",),
}

ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Spec:
    """What a parameter means and which values it admits."""

    unit: str
    lo: float | None
    hi: float | None
    source: str
    doc: str
    integer: bool = False
    choices: tuple[str, ...] = ()
    distributable: bool = False


def param(
    default: Any,
    lo: float,
    hi: float,
    unit: str,
    source: str,
    doc: str,
    *,
    integer: bool = False,
    distributable: bool = False,
) -> Any:
    """Declare a numeric parameter with range ``[lo, hi]``."""
    spec = Spec(unit, lo, hi, source, doc, integer=integer, distributable=distributable)
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata={"spec": spec})
    return field(default=default, metadata={"spec": spec})


def choice(default: Any, choices: tuple[str, ...], source: str, doc: str, *, distributable: bool = False) -> Any:
    """Declare a categorical parameter taking one of ``choices``."""
    spec = Spec("category", None, None, source, doc, choices=choices, distributable=distributable)
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata={"spec": spec})
    return field(default=default, metadata={"spec": spec})


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


TIERS = ("district", "county", "unitary", "metropolitan", "london_borough", "other_public_body")
ELECTION_CYCLES = ("all_out", "thirds")
GOVERNANCE = ("mou", "joint_committee", "lead_authority", "trading_company", "commercial_venture")
G08 = "Guide 08"
GIR = "Getting IT right"


@dataclass
class CouncilParams:
    """One council (or other public body) in the partnership."""

    name: str = field(default="Council", metadata={"spec": Spec("text", None, None, ASSUMPTION, "display name")})
    tier: Any = choice("district", TIERS, f"{G08} case 06 (district and county)", "tier of local government", distributable=True)
    size: Any = param(
        1.0,
        0.1,
        20.0,
        "relative size (1 = a typical district)",
        f"{G08} case 06 (scale of a county partner)",
        "share of the partnership's volume and costs",
        distributable=True,
    )
    risk_appetite: Any = param(
        {"dist": "beta", "a": 2, "b": 2}, 0, 1, "0 averse .. 1 seeking", f"{G08} problem 13; case 04", "appetite for risk", distributable=True
    )
    it_maturity: Any = param(
        {"dist": "beta", "a": 3, "b": 3},
        0,
        1,
        "0 .. 1",
        f"{G08} case 04; {GIR} (single IT strategy)",
        "maturity of the council's IT estate and practices",
        distributable=True,
    )
    legacy_it: Any = param(
        {"dist": "beta", "a": 2, "b": 3},
        0,
        1,
        "0 .. 1",
        f"{GIR} (why few IT services are shared: legacy IT)",
        "burden of legacy systems that slow harmonisation",
        distributable=True,
    )
    contract_end_month: Any = param(
        {"dist": "randint", "low": 0, "high": 36},
        0,
        600,
        "month",
        f"{GIR} (outsourcing lock-in)",
        "month an outsourcing contract ends; its IT cannot be harmonised before",
        integer=True,
        distributable=True,
    )
    pace: Any = param({"dist": "beta", "a": 3, "b": 3}, 0, 1, "0 slow .. 1 fast", f"{G08} problems 04 and 08", "energy and pace of change", distributable=True)
    key_person_dependency: Any = param(
        {"dist": "beta", "a": 2, "b": 3}, 0, 1, "0 .. 1", f"{G08} case 01", "how much the council's commitment rests on one champion", distributable=True
    )
    orientation: Any = param(
        {"dist": "beta", "a": 2, "b": 3},
        0,
        1,
        "0 lean .. 1 commercial",
        f"{G08} case 03; problem 06",
        "strategic aim of sharing: a leaner council or a commercial one",
        distributable=True,
    )
    sovereignty_concern: Any = param(
        {"dist": "beta", "a": 2, "b": 4},
        0,
        1,
        "0 .. 1",
        f"{G08} cases 02 and 06; problem 07; {GIR} (fear of losing control)",
        "fear of losing sovereignty and identity",
        distributable=True,
    )
    inhouse_confidence: Any = param(
        {"dist": "beta", "a": 4, "b": 2}, 0, 1, "0 .. 1", f"{G08} case 02", "members' confidence that the in-house team can lead the change", distributable=True
    )
    service_quality: Any = param(
        {"dist": "beta", "a": 4, "b": 2},
        0,
        1,
        "0 poor .. 1 good",
        f"{G08} problem 10",
        "quality of the council's own services before sharing",
        distributable=True,
    )
    ict_skills: Any = param(
        {"dist": "beta", "a": 3, "b": 2},
        0,
        1,
        "0 .. 1",
        f"{G08} problem 11; {GIR} (retain IT skills)",
        "ICT skills and capacity available to the programme",
        distributable=True,
    )
    exit_threshold: Any = param(0.3, 0, 1, "commitment", ASSUMPTION, "the council leaves when its commitment falls below this", distributable=True)
    election_cycle: Any = choice(
        {"dist": "choice", "values": ["all_out", "thirds"], "p": [0.6, 0.4]},
        ELECTION_CYCLES,
        "English local elections: all-out every four years or by thirds (assumption on shares)",
        "election cycle",
        distributable=True,
    )
    first_election_month: Any = param(
        {"dist": "randint", "low": 0, "high": 47}, 0, 47, "month", ASSUMPTION, "month of the first election after the start", integer=True, distributable=True
    )


@dataclass
class PartnershipParams:
    """The partnership as a whole: governance, business case, plans and horizon."""

    governance: Any = choice("joint_committee", GOVERNANCE, f"{G08} cases 04, 05, 06", "legal form of the partnership", distributable=True)
    commercial_capability: Any = param(
        0.3, 0, 1, "0 .. 1", f"{G08} case 04 (trading arm lacked commercial skills)", "commercial skills and incentives of the service", distributable=True
    )
    business_case_clarity: Any = param(
        0.6, 0, 1, "0 .. 1", f"{G08} problems 01 and 15", "clarity of the business case and benefits-realisation plan", distributable=True
    )
    promised_savings: Any = param(1.0, 0, 100, "GBP m per year", ASSUMPTION, "annual savings the business case promises at full scope", distributable=True)
    upfront_investment: Any = param(
        1.0, 0, 200, "GBP m", f"{GIR} (programmes need upfront investment)", "investment spent during integration", distributable=True
    )
    it_share_of_savings: Any = param(
        0.5,
        0,
        1,
        "share",
        f"{GIR}: about half of merger value is IT synergies (McKinsey, private sector)",
        "share of promised savings that come from IT alone",
        distributable=True,
    )
    guaranteed_volume: Any = param(
        1.0, 0, 2, "share of break-even revenue", f"{G08} case 05", "business the partners guarantee a commercial venture", distributable=True
    )
    guarantee_months: Any = param(
        24, 0, 600, "months after launch", f"{G08} case 05 (not long enough)", "how long the guarantee lasts", integer=True, distributable=True
    )
    customer_concentration: Any = param(
        0.6, 0, 1, "share", f"{G08} case 05 (all eggs in one basket)", "share of a venture's revenue from its largest customer", distributable=True
    )
    market_volume: Any = param(0.3, 0, 2, "share of break-even revenue", ASSUMPTION, "outside business a venture wins at launch", distributable=True)
    break_even_months: Any = param(
        18, 1, 240, "months", ASSUMPTION, "months a venture can run below break-even before it is unsustainable", integer=True, distributable=True
    )
    expansion_month: Any = param(
        36, -1, 600, "months after launch (-1 none)", f"{G08} case 06", "when sharing deepens from IT into other services", integer=True, distributable=True
    )
    rebrand_month: Any = param(
        -1, -1, 600, "months after launch (-1 none)", f"{G08} case 07", "planned rebrand of the shared service", integer=True, distributable=True
    )
    decision_clarity: Any = param(
        0.5, 0, 1, "0 .. 1", f"{G08} case 02 key learning", "how far the decision process (timescale, approval level) is agreed in advance", distributable=True
    )
    approval_months: Any = param(9, 1, 120, "months", ASSUMPTION, "months the plan allows from start to approval", integer=True, distributable=True)
    integration_months: Any = param(18, 1, 120, "months", ASSUMPTION, "months from approval to a fully operating service", integer=True, distributable=True)
    initial_trust: Any = param(0.7, 0, 1, "0 .. 1", f"{G08} case 01 (early success rests on trust)", "trust between partners at the start", distributable=True)
    initial_commitment: Any = param(0.75, 0, 1, "0 .. 1", ASSUMPTION, "commitment of each council at the start", distributable=True)
    communications: Any = param(0.5, 0, 1, "0 weak .. 1 strong", f"{G08} problem 14", "quality of communications with staff and users", distributable=True)
    min_partners: Any = param(2, 1, 8, "councils", ASSUMPTION, "the partnership collapses when fewer remain", integer=True)
    horizon_months: Any = param(120, 12, 600, "months", "DESIGN.md (ten years)", "months simulated", integer=True)


@dataclass
class LeverParams:
    """A policy lever: when it starts, how strong it is and what it costs."""

    enabled: bool = field(default=False, metadata={"spec": Spec("flag", None, None, ASSUMPTION, "switch the lever on")})
    start_month: Any = param(0, 0, 600, "month", ASSUMPTION, "month the lever takes effect", integer=True)
    strength: Any = param(0.6, 0, 1, "0 .. 1", ASSUMPTION, "how fully the lever is carried out")
    cost_upfront: Any = param(0.05, 0, 50, "GBP m", ASSUMPTION, "one-off cost at the start month")
    cost_per_year: Any = param(0.02, 0, 50, "GBP m per year", ASSUMPTION, "running cost while the partnership lasts")


@dataclass
class ExogenousParams:
    """Changes from outside the partnership that the cases keep referring to."""

    control_change_all_out: Any = param(
        0.25,
        0,
        1,
        "probability per election",
        "assumption (order of magnitude of English all-out elections changing control)",
        "chance an all-out election changes political control",
    )
    control_change_thirds: Any = param(
        0.08,
        0,
        1,
        "probability per election",
        "assumption (elections by thirds change control less often)",
        "chance an election by thirds changes political control",
    )
    control_change_swing: Any = param(
        0.5,
        0,
        1,
        "share",
        "assumption (a new administration brings its own aims)",
        "how far a change of control moves a council's aims towards a new, random orientation",
    )
    control_change_concern: Any = param(
        0.5,
        0,
        1,
        "share",
        f"{G08} problem 07 (sovereignty and power)",
        "most a change of control can raise sovereignty concern towards 1 (times a random draw)",
    )
    control_change_shock: Any = param(
        0.2,
        0,
        1,
        "commitment",
        f"{G08} problem 12 (political dogma); case 03 (changes happen)",
        "commitment a new administration withdraws, scaled by its sovereignty concern",
    )
    turnover_hazard: Any = param(
        1 / 72,
        0,
        1,
        "per month",
        "assumption (a chief executive serves about six years)",
        "monthly chance the chief executive (key decision-maker) announces departure",
    )
    turnover_notice_months: Any = param(
        6, 0, 36, "months", f"{G08} case 02 (a chief executive soon to retire)", "months between the announcement and the successor's arrival", integer=True
    )
    turnover_shock: Any = param(0.05, 0, 1, "commitment", ASSUMPTION, "commitment lost when a new chief executive arrives")
    budget_shock_hazard: Any = param(
        1 / 96, 0, 1, "per month", "assumption (a severe in-year budget pressure about every eight years)", "monthly chance a council meets a budget shock"
    )
    budget_shock_size: Any = param(0.06, 0, 1, "commitment", ASSUMPTION, "commitment lost to a budget shock, more when the partnership's savings lag its plan")
    reorganisation_hazard: Any = param(
        1 / 1200,
        0,
        1,
        "per month",
        "assumption (a local government reorganisation touches an area about once a century)",
        "monthly chance the partnership's area is reorganised",
    )
    reorganisation_shock: Any = param(
        0.3, 0, 1, "commitment", f"{G08} case 05 (after a regional government restructure)", "commitment every council loses in a reorganisation"
    )


@dataclass
class DynamicsParams:
    """How commitment, trust, harmonisation and savings evolve between shocks."""

    commitment_recovery: Any = param(0.1, 0, 1, "share per month", ASSUMPTION, "pull of commitment back towards its resting level")
    resting_base: Any = param(0.4, 0, 1, "commitment", ASSUMPTION, "resting level of commitment of a council that trusts none of its partners")
    resting_trust: Any = param(
        0.6,
        0,
        1,
        "commitment per unit of trust",
        f"{G08} case 01 (early success rests on trust between individuals)",
        "how much the council's mean trust in its partners raises its resting commitment",
    )
    trust_recovery: Any = param(0.03, 0, 1, "share per month", ASSUMPTION, "rebuilding of pairwise trust towards its initial level")
    trust_to_commitment: Any = param(
        0.5,
        0,
        2,
        "commitment per unit of trust",
        f"{G08} case 01 (trust between individuals)",
        "commitment a council loses per unit of trust it loses in its partners",
    )
    disappointment: Any = param(
        0.01,
        0,
        1,
        "commitment per month",
        f"{G08} problems 01 and 15",
        "commitment lost per month when realised savings fall short of the plan, at a full shortfall (not felt during integration)",
    )
    cost_resharing: Any = param(
        0.2,
        0,
        2,
        "commitment per share of size",
        f"{G08} case 05; DESIGN.md (costs shared out again)",
        "commitment the remaining partners lose when a partner of a given size share leaves",
    )
    maturity_months: Any = param(
        36, 1, 240, "months", f"{G08} case 01 (a mature arrangement is usually resilient)", "time constant for the arrangement to bed in after launch"
    )
    harmonisation_months: Any = param(
        18, 1, 240, "months", f"{GIR} (harmonise, simplify and standardise IT)", "time constant of IT harmonisation with no legacy IT"
    )
    legacy_drag: Any = param(0.4, 0, 1, "share", f"{GIR} (legacy IT makes integration hard)", "how much a full legacy burden slows harmonisation")
    skills_drag: Any = param(0.3, 0, 1, "share", f"{G08} problem 11; {GIR} (retain IT skills)", "how much missing ICT skills slow harmonisation")
    optimism_bias: Any = param(
        0.5,
        0,
        1,
        "share of promised savings",
        f"{G08} problem 01; {GIR} (many fail to deliver the promised benefits)",
        "share of promised savings a wholly unclear business case can never deliver",
    )
    catch_up_rate: Any = param(
        0.03,
        0,
        1,
        "share per month",
        f"{GIR} (audit, standardise, a single IT strategy)",
        "share of its gap to the most mature partner a laggard closes each month under a full it_harmonisation_first lever",
    )
    cloud_relief: Any = param(
        0.5,
        0,
        1,
        "share",
        f"{GIR} (use the cloud: neutral, temporary or transitional)",
        "share of the legacy burden and of outsourcing lock-in a full neutral cloud platform removes",
    )
    service_drag: Any = param(
        0.3,
        0,
        1,
        "share",
        f"{G08} problem 10 (poor services in one partner make integration hard)",
        "how much the poorest partner's service quality, at its worst, slows harmonisation",
    )
    underperformance_ratio: Any = param(
        0.5,
        0,
        1,
        "share of the business case",
        "DESIGN.md (far less than its business case)",
        "a surviving partnership whose realised savings fall below this share is underperforming",
    )

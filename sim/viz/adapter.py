"""The one place where the trainer's app calls the model.

The page only sees what this module returns: plain, frozen data (:class:`RunView` with its
:class:`CouncilView`, :class:`Item` and :class:`Why`) and a :class:`Run` that wraps one
:class:`~sim.frontends.model.PartnershipModel`. Re-pointing the app at another model API
means changing this module (and :mod:`sim.viz.stories`) only.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.analysis.comparison import policy_phrase, policy_words
from sim.config import cases, scenarios
from sim.config.settings import NO_POLICY
from sim.core import levers as lever_table
from sim.core.causes import source_words
from sim.core.contract import Size
from sim.core.declare import spec_of
from sim.core.params import CouncilParams
from sim.frontends.agents import most_taken, taken_words
from sim.frontends.model import PartnershipModel
from sim.frontends.narrative import (
    DECISIONS,
    EARLY_ENDINGS,
    LEFT,
    Decided,
    EventLog,
    Stretch,
    Told,
    case_of,
    explain,
    is_ending,
    left_words,
    tell,
    trigger_words,
)
from sim.frontends.words import lower_first, scenario_words, upper_first

#: What a council that had not approved a shelved proposal decided, as "Why did it end?" says it (every other deciding council left).
NOT_APPROVED = "had not approved the proposal"
#: How a run stands or ended, in words, by outcome label.
OUTCOME_WORDS = {
    "running": "still running",
    "shelved": "shelved",
    "collapsed": "collapsed",
    "underperforming": "survives, underperforming",
    "sustained": "sustained",
}
#: The phase (:data:`sim.core.state.PHASES`) as the page's status line says it: the model's names read wrong in a
#: room ("expansion" as new partners joining, where it is the sharing going beyond IT; docs/ODD.md, case 06). None is
#: longer than the model's longest, "integration": a replay's status line at 1280x720 (474 px a run) keeps month, phase
#: and how it stands on one row ("sharing beyond IT" took a second, pushing each run's line of what fired off the screen).
PHASE_WORDS = {
    "proposal": "deciding",
    "integration": "setting up",
    "operating": "sharing IT",
    "expansion": "IT and more",
    "ended": "ended",
}


@dataclass(frozen=True)
class Learning:
    """What addresses a cause that is not a case's: the learning in words, where it comes from, and the levers that carry it."""

    text: str
    source: str
    levers: tuple[str, ...] = ()


#: The handout's line under its table of councils, saying what each number column is and its scale, as the parameter
#: declares it: the table read "size 1.00, IT maturity 0.29, pace 0.18" and nowhere on what scale.
COUNCIL_COLUMNS = "; ".join(
    f"**{column}**: {spec_of(CouncilParams, name).doc}, {spec_of(CouncilParams, name).unit}"
    for column, name in (("size", "size"), ("IT maturity", "it_maturity"), ("pace", "pace"))
)


#: Causes that are not one of the seven cases, with what addresses them (the levers' own learnings where a lever exists).
OTHER_LEARNINGS: dict[str, Learning] = {
    "coordination": Learning(
        "working together costs time and effort: plan for early disruption, match the partners' pace and keep staff and users informed",
        "Elston et al. 2024; Guide 08 problems 04 and 14",
        ("communications_plan",),
    ),
    "legacy_it": Learning(
        "audit licences, hardware and contracts, agree a single IT strategy and involve a strong IT lead early;"
        " a neutral cloud platform avoids the battle over whose systems to use",
        "Getting IT right",
        ("it_harmonisation_first", "neutral_cloud_platform"),
    ),
    "unclear_business_case": Learning(
        "make the business case clear and realistic before approval, with a plan for realising its benefits", "Guide 08 problems 01 and 15"
    ),
    "short_delivery": Learning(
        "no business case can know what sharing will deliver: a complex programme needs upfront investment, strong change management"
        " and its costs and benefits monitored as it goes, so that a shortfall is seen early",
        "Getting IT right",
    ),
    "political_control": Learning(
        "a change of political control comes from outside the partnership: no lever removes it; partners who see clear value in"
        " sharing, and trust each other, weather it better",
        "Guide 08 problem 12 (political dogma)",
    ),
    "reorganisation": Learning(
        "reorganisation comes from outside the partnership: no lever removes it; a successor council weighs the partnership afresh,"
        " so the value it delivers has to be visible",
        "outside change",
    ),
}


@dataclass(frozen=True)
class CouncilView:
    """One council as the page draws it (a snapshot, not a live view)."""

    index: int
    name: str
    size: float
    tier: str
    value_seen: float
    outside_option: float
    notice: int
    key_person_present: bool
    active: bool
    exit_month: int
    exit_cause: str
    exit_trigger: str
    noticed: int = -1

    @property
    def exit(self) -> Decided:
        """How it left (:func:`left_words`; nothing said while it is a partner)."""
        return Decided("") if self.active else left_words(self.noticed, self.exit_month, self.exit_trigger, self.exit_cause)


def trigger_tag(words: str) -> str:
    """The trigger's tag, as the page's chip and the handout's line both say it: "trigger: a budget shock" (empty for none)."""
    return f"trigger: {words}" if words else ""


@dataclass(frozen=True)
class Item:
    """One line of the event timeline.

    ``told`` is the narrative's line in its parts (when, the councils, what happened without its
    source, what opened a decision, its main cause, the size of the effect), ``tag`` the case or
    source (``case 01``, ``outside change``, ...; empty for milestones), ``case_id`` the case
    number when a case's mechanism logged it, and ``trigger`` the label of what opened the
    decision or came with the event (empty if none).
    """

    month: int
    told: Told
    tag: str
    case_id: str
    trigger: str

    @property
    def when(self) -> str:
        """``Month 12`` or ``Months 12-15``."""
        return self.told.when

    @property
    def councils(self) -> tuple[str, ...]:
        """The councils concerned (empty for the partnership as a whole)."""
        return self.told.councils

    @property
    def who(self) -> str:
        """The councils concerned in one phrase (empty for the partnership as a whole)."""
        return self.told.who

    @property
    def text(self) -> str:
        """What happened, in full, without its source (:attr:`headline` and :attr:`detail`)."""
        return self.told.text

    @property
    def trigger_words(self) -> str:
        """The trigger in words (empty if none)."""
        return trigger_words(self.trigger)

    @property
    def trigger_tag(self) -> str:
        """The trigger's tag (:func:`trigger_tag`: "trigger: a budget shock"; empty if none)."""
        return trigger_tag(self.trigger_words)

    @property
    def headline(self) -> str:
        """What happened, short, and for a decision what opened it: "left the partnership, after a budget shock"."""
        return self.told.headline

    @property
    def ends(self) -> bool:
        """Whether it is the partnership's ending (:func:`~sim.frontends.narrative.is_ending`)."""
        return is_ending(self.told.councils, self.told.what)

    @property
    def detail(self) -> str:
        """The rest (empty if none): a decision's main cause and the size of the effect, "mostly over-dependency on key
        personnel - the value it saw was 0.30 of the promise"."""
        return self.told.detail

    @property
    def line(self) -> str:
        """The item as one plain line (the handout's wording): the narrative's line (:attr:`Told.line`, naming ``the partnership``
        for the partnership as a whole, as the model's handout does), then its tags in brackets."""
        tags = ", ".join(t for t in (self.tag, self.trigger_tag) if t)
        return self.told.line + (f" [{tags}]" if tags else "")


@dataclass(frozen=True)
class LeverInfo:
    """A lever with the key learning it carries."""

    name: str
    label: str
    learning: str
    source: str


@dataclass(frozen=True)
class Decision:
    """A council whose decision ended the run: what it decided, what opened the decision, what had taken the value it saw when it decided."""

    council: str
    decided: str
    trigger: str
    trigger_words: str
    cause: str
    cause_words: str
    taken: tuple[tuple[str, float], ...]
    value_seen: float
    outside_option: float
    events: tuple[str, ...]
    then: str = ""

    @property
    def left(self) -> bool:
        """Whether the council left (rather than not approving a shelved proposal)."""
        return self.decided != NOT_APPROVED


@dataclass(frozen=True)
class Why:
    """Why a run ended, in words, and the key learning that addresses it.

    ``ending`` says what ended, when and what opened it ("The partnership collapsed in month 69, after the end of a
    council's guarantee of business."), ``that_month`` what its cause did in that month where no council's decision ended
    it (case 05's "That month the venture's reserves ran out: it is unsustainable."; empty otherwise): :attr:`headline`
    says both. ``cause_words`` names the cause with its source (``Over-dependency on key personnel (case 01)``),
    ``cause_title`` without it (for a page that shows the source beside it). ``decisions`` are the councils whose
    decision ended it (each said by :meth:`said`), ``earlier_exits`` the councils that had left before, each with how
    it left (:attr:`CouncilView.exit`).
    """

    outcome: str
    month: int
    ending: str
    trigger: str
    trigger_words: str
    cause: str
    case_id: str
    learning: str
    learning_source: str
    decisions: tuple[Decision, ...]
    earlier_exits: tuple[tuple[str, Decided], ...]
    levers: tuple[LeverInfo, ...] = field(default=())
    that_month: str = ""

    @property
    def headline(self) -> str:
        """How it ended, in one or two sentences: :attr:`ending`, then :attr:`that_month` (where there is one)."""
        return " ".join(part for part in (self.ending, self.that_month) if part)

    @property
    def cause_words(self) -> str:
        """The cause with its source, as the narrative words it."""
        return explain(self.cause or "none")

    @property
    def cause_title(self) -> str:
        """The cause without its source."""
        return explain(self.cause or "none", tagged=False)

    def said(self, d: Decision) -> Decided:
        """What council ``d`` decided and what opened its decision, with its own main cause where that is not the run's
        (which the page and the handout say once, above): "left in month 68, after a partner leaving; mostly misaligned aspirations (case 03)".
        """
        return Decided(d.decided, d.trigger_words, lower_first(d.cause_words) if d.cause != self.cause else "", d.then)


@dataclass(frozen=True)
class RunView:
    """Everything the page draws of a run at one month: a frozen snapshot, safe to read while the run steps on."""

    label: str
    scenario: str
    policy: str
    levers: tuple[str, ...]
    enabled: tuple[str, ...]
    seed: int
    replication: int
    month: int
    horizon: int
    phase_words: str
    outcome: str
    outcome_words: str
    running: bool
    realised_savings: float
    business_case: float
    councils: tuple[CouncilView, ...]
    trust: dict[tuple[int, int], float]
    months: tuple[int, ...]
    realised: tuple[float, ...]
    planned: tuple[float, ...]
    value: tuple[tuple[float, ...], ...]
    outside: tuple[float, ...]
    timeline: tuple[Item, ...]
    why: Why | None
    #: The line under the councils (:meth:`Run.latest`; ``None`` before anything has happened).
    latest: Item | None = None


@dataclass(frozen=True)
class CaseInfo:
    """A case as the page shows it."""

    id: str
    title: str
    scenario: str
    learning: str
    levers: tuple[str, ...]
    cause_words: str


def scenario_names(config_dir: str | Path | None = None) -> list[str]:
    """Scenarios the trainer can pick: the package's and those in ``config_dir``."""
    return scenarios.available("scenario", config_dir)


def policy_names(config_dir: str | Path | None = None) -> list[str]:
    """Policies (sets of levers switched on): the package's and those in ``config_dir``."""
    return scenarios.available("policy", config_dir)


def lever_names() -> list[str]:
    """Every lever, in the order of :data:`sim.core.levers.LEVERS`."""
    return list(lever_table.NAMES)


def policy_label(name: str) -> str:
    """A policy as the select shows it: ``No levers``, ``All levers``, ``Continuity plan``."""
    return "No levers" if name == NO_POLICY else "All levers" if name == "all_levers" else policy_words(name)


def levers_on(policy: str, levers: Sequence[str] = ()) -> str:
    """What a run has switched on, in words: ``no levers``, ``with continuity plan``, ``with all levers and market testing``."""
    on = ([] if policy == NO_POLICY else [policy]) + [name for name in levers if name != policy]
    return f"with {levers_phrase(on)}" if on else "no levers"


def levers_phrase(names: Sequence[str]) -> str:
    """Levers inside a sentence: ``commercial capability and IT harmonisation first``."""
    return " and ".join(policy_phrase(name) for name in names)


def run_name(levers: Sequence[str]) -> str:
    """A run shown beside its replay, by the levers the replay switched on: ``As it happened`` (none) or ``With continuity plan``."""
    return f"With {levers_phrase(levers)}" if levers else "As it happened"


def replay_title(levers: Sequence[str]) -> str:
    """The replay's title, and the button that starts it: ``Replay with continuity plan``."""
    return f"Replay {lower_first(run_name(levers))}"


def replay_choices(scenario: str, on: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The side bar's choices of levers for a replay, each a value and its words, the first chosen as ``scenario`` loads: the
    levers its own replay switches on (:func:`matching_levers`), all together ("Commercial capability and IT harmonisation
    first" for case 04), then every other lever alone. A value names its levers joined by ``+`` (:func:`replay_levers`).
    Levers ``on`` already (the run's policy switched them on) are left out: a replay with them would be the same run (none
    is left where every lever is on)."""
    own = tuple(name for name in matching_levers(scenario) if name not in on)
    sets = [own] if own else []
    sets += [(name,) for name in lever_names() if (name,) != own and name not in on]
    return [("+".join(levers), upper_first(levers_phrase(levers))) for levers in sets]


def replay_levers(choice: str) -> tuple[str, ...]:
    """The levers a side bar choice (a value of :func:`replay_choices`) switches on."""
    return tuple(choice.split("+"))


def carrying_words(levers: Sequence[LeverInfo]) -> str:
    """How the page and the handout open the list of the levers that carry a key learning, by how many there are."""
    return "Levers that carry it" if len(levers) > 1 else "The lever that carries it"


def lever_info(name: str) -> LeverInfo:
    """A lever with its key learning and source."""
    lever = next(lv for lv in lever_table.LEVERS if lv.name == name)
    return LeverInfo(name, policy_words(name), lever.learning, lever.source)


def case_list() -> list[CaseInfo]:
    """The seven cases, in order."""
    return [CaseInfo(c.id, c.title, c.scenario, c.learning, c.levers, explain(c.cause)) for c in cases.CASES]


def case_of_scenario(scenario: str) -> cases.Case | None:
    """The case a scenario tells (``None`` for the baseline, ``well_run`` and the user's own)."""
    return next((c for c in cases.CASES if c.scenario == scenario), None)


def case_of_cause(cause: str) -> cases.Case | None:
    """The case whose mechanism books losses to ``cause``."""
    return next((c for c in cases.CASES if c.cause == cause), None)


def learning_for(cause: str) -> Learning | None:
    """The key learning that addresses ``cause`` (a case's, or :data:`OTHER_LEARNINGS`), or ``None`` for no cause."""
    case = case_of_cause(cause)
    if case is not None:
        return Learning(case.learning, case.source, case.levers)
    return OTHER_LEARNINGS.get(cause)


def matching_levers(scenario: str, cause: str = "none") -> tuple[str, ...]:
    """The lever(s) for a replay: the scenario's case's; else those addressing the cause that ended the run (possibly none)."""
    case = case_of_scenario(scenario)
    if case is not None:
        return case.levers
    found = learning_for(cause)
    return found.levers if found else ()


def lever_overrides(levers: Sequence[str]) -> tuple[str, ...]:
    """Hydra overrides switching ``levers`` on."""
    return tuple(f"levers.{name}.enabled=true" for name in levers)


def headline(items: Sequence[Item], case_id: str = "") -> Item:
    """What a month leads with of ``items``, what fired anew in it (:meth:`Run.step`): the partnership's ending, where it
    ended (:attr:`Item.ends`), else the first of case ``case_id``'s own mechanism's events, else the first to fire. A
    pause's note and the line under the councils both say it: the line said the month's newest line of the timeline,
    after the events the business case's approval, which the note did not; and an ended run's line says its ending
    (:meth:`Run.latest`), where the note of its last month said an event before it (case 02's replay, month 10: "the
    decision slipped to a later meeting (as it happened)" over "The proposal was shelved in month 10, ...").
    """
    return next((item for item in items if item.ends), None) or next((item for item in items if case_id and item.case_id == case_id), items[0])


def item_of(stretch: Stretch) -> Item:
    """A stretch of the narrated log as an :class:`Item`: the narrative's own parts (its source shown beside them as the tag)
    and its trigger."""
    entry = stretch.entry
    told = tell(stretch.first, stretch.last, stretch.councils, entry, stretch.total, tagged=False, whole=stretch.whole)  # the tag is shown beside the text
    return Item(stretch.first, told, source_words(entry.case), entry.case if entry.case.isdigit() else "", entry.trigger)


class Run:
    """One partnership run, stepped by the page: the Mesa model plus the history the charts draw.

    Parameters
    ----------
    scenario, policy
        Named scenario and policy.
    seed, replication
        The run equals replication ``replication`` of the ensemble for ``seed``.
    levers
        Levers switched on in addition to the policy (a replay "with the lever").
    config_dir
        A folder of the user's own scenarios and policies.
    """

    def __init__(
        self,
        scenario: str,
        policy: str = NO_POLICY,
        seed: int = 0,
        replication: int = 0,
        levers: Sequence[str] = (),
        config_dir: str | Path | None = None,
    ) -> None:
        self.scenario, self.policy, self.seed, self.replication = scenario, policy, int(seed), int(replication)
        self.levers = tuple(levers)
        self.config_dir = config_dir
        self.model = PartnershipModel(
            scenario_name=scenario,
            policy_name=policy,
            overrides=lever_overrides(self.levers),
            seed=self.seed,
            replication=self.replication,
            config_dir=config_dir,
        )
        self.horizon = int(self.model.config.partnership.horizon_months)
        #: Every lever switched on in this run, by its policy or as one of :attr:`levers`, in the order of :func:`lever_names`
        #: (the run's configuration is fixed when it is made).
        self.enabled: tuple[str, ...] = tuple(name for name in lever_names() if self.model.config.levers[name].enabled)
        self.months: list[int] = []
        self.realised: list[float] = []
        self.planned: list[float] = []
        self.value: list[list[float]] = [[] for _ in self.model.councils]
        self.outsides: list[list[float]] = []
        self.lost: list[np.ndarray] = []
        case = case_of_scenario(scenario)
        self.case_id = case.id if case else ""
        #: What fired anew in the last month anything did (:meth:`step`).
        self.fired: tuple[Item, ...] = ()
        self._record()

    @property
    def label(self) -> str:
        """The scenario and what is switched on, in words: ``Case 01: Over-dependency on key personnel, with continuity plan``."""
        return f"{scenario_words(self.scenario, noun=False)}, {levers_on(self.policy, self.levers)}"

    def _record(self) -> None:
        m = self.model
        self.months.append(m.month)
        self.realised.append(m.realised_savings)
        self.planned.append(m.business_case)
        for k, council in enumerate(m.councils):
            gone = 0 <= council.exit_month < m.month
            self.value[k].append(math.nan if gone else council.value_seen)
        self.outsides.append([council.outside_option for council in m.councils])
        self.lost.append(m.state.value_lost[:, 0, :].copy())

    def step(self) -> list[Item]:
        """Advance one month (nothing once ended); returns what fired anew: a mechanism's events and the councils' decisions,
        one item a line as the timeline says them (councils hit alike together: "all four councils").

        "Anew": not the same event for the same council as the month before, so a loss
        that repeats every month fires once.
        """
        m = self.model
        if not m.running:
            return []
        before = len(m.events)
        m.step()
        self._record()
        entries = m.events.entries
        previous = {(e.what, e.council) for e in entries[:before] if e.month == m.month - 1}
        mechanisms = {mech.cause for mech in m.plan.mechanisms}
        fresh = [e for e in entries[before:] if (e.cause in mechanisms or e.what in DECISIONS) and (e.what, e.council) not in previous]
        fired = [item_of(stretch) for stretch in EventLog(fresh, m.events.councils).stretches()]
        if fired:
            self.fired = tuple(fired)
        return fired

    def latest(self, timeline: Sequence[Item]) -> Item | None:
        """The line under the councils, of the run's ``timeline`` (:meth:`timeline`): the :func:`headline` of what fired
        anew last; the timeline's newest line (a milestone, the horizon, an outside change: :meth:`step` leaves these out of
        what fired) only where it came in a later month, as where nothing has fired yet (``None`` before anything has happened);
        once the run has ended, its ending (the newest line, last in its month), with the trigger that opened it."""
        if self.fired and self.model.running and (not timeline or timeline[-1].month <= self.fired[0].month):
            return headline(self.fired, self.case_id)
        return timeline[-1] if timeline else None

    def run_to_end(self) -> None:
        """Step until the partnership ends."""
        while self.model.running:
            self.step()

    @property
    def running(self) -> bool:
        """Whether the partnership is still going."""
        return bool(self.model.running)

    @property
    def month(self) -> int:
        """Months simulated so far."""
        return int(self.model.month)

    @property
    def outcome(self) -> str:
        """``running``, ``shelved``, ``collapsed``, ``underperforming`` or ``sustained``."""
        return self.model.outcome

    @property
    def cause(self) -> str:
        """The cause label of the ending (``"none"`` while running or when sustained)."""
        return self.model.cause

    @property
    def trigger(self) -> str:
        """The trigger label of the ending (``"none"`` if none)."""
        return self.model.trigger

    def councils(self) -> list[CouncilView]:
        """Every council, those that left included."""
        return [
            CouncilView(
                c.index,
                c.name,
                float(c.size),
                str(c.tier),
                c.value_seen,
                c.outside_option,
                c.notice,
                c.key_person_present,
                c.active,
                c.exit_month,
                c.exit_cause,
                c.exit_trigger,
                c.noticed,
            )
            for c in self.model.councils
        ]

    def trust(self) -> dict[tuple[int, int], float]:
        """Mutual trust ``(i, j), i < j`` between current partners: the mean of each one's trust in the other."""
        cs = self.model.councils
        out = {}
        for a in cs:
            for b in cs:
                if a.index < b.index:
                    both = (a.trust_in(b), b.trust_in(a))
                    if not any(math.isnan(x) for x in both):
                        out[(a.index, b.index)] = sum(both) / 2
        return out

    def timeline(self) -> list[Item]:
        """The event timeline in plain language, each line tagged with its case or source and its trigger."""
        return [item_of(s) for s in self.model.events.stretches()]

    def view(self) -> RunView:
        """A frozen snapshot of the run for the page."""
        timeline = tuple(self.timeline())
        return RunView(
            label=self.label,
            scenario=self.scenario,
            policy=self.policy,
            levers=self.levers,
            enabled=self.enabled,
            seed=self.seed,
            replication=self.replication,
            month=self.month,
            horizon=self.horizon,
            phase_words=PHASE_WORDS[self.model.phase],
            outcome=self.outcome,
            outcome_words=OUTCOME_WORDS[self.outcome],
            running=self.running,
            realised_savings=self.model.realised_savings,
            business_case=self.model.business_case,
            councils=tuple(self.councils()),
            trust=self.trust(),
            months=tuple(self.months),
            realised=tuple(self.realised),
            planned=tuple(self.planned),
            value=tuple(tuple(v) for v in self.value),
            outside=tuple(row[0] for row in self.outsides),
            timeline=timeline,
            why=self.why(),
            latest=self.latest(timeline),
        )

    def handout(self) -> str:
        """The run as a Markdown handout: the model's summary (outcome, councils) with why it ended and the tagged timeline."""
        title = f"{self.label} (seed {self.seed}, replication {self.replication})"
        parts = [f"# {title}", "", *self.model.handout_summary(), "", COUNCIL_COLUMNS, ""]
        why = self.why()
        if why is not None:
            parts += [*why_markdown(why), ""]
        parts += ["## Timeline", ""]
        parts += [f"- {item.line}" for item in self.timeline()] or ["- nothing happened"]
        return "\n".join(parts) + "\n"

    @functools.cached_property
    def _decisions(self) -> tuple[Decision, ...]:
        """The councils whose decisions ended the run: those who left in its last month, or those who had not approved a shelved proposal.

        Worked out once, when first asked for once the run has ended (:meth:`why` asks only then): an ended run no longer
        changes, and each of the page's redraws (a replay's other run plays on) asked again, rebuilding the timeline's items.
        """
        m = self.model
        ending = m.cause
        ending_tag = source_words(case_of(ending))
        timeline = [item_of(s) for s in m.events.stretches() if s.entry.what not in DECISIONS] if ending_tag else []
        out = []
        for c in m.councils:
            month = m.month  # when the council decided: what it saw then is what it decided on
            at = self.months.index(month)
            seen = self.value[c.index][at]
            if m.outcome == "shelved":  # the shelving's trigger is the partnership's (the headline says it)
                if not c.active or bool(m.state.council["approved"][0, c.index]):
                    continue
                decided, then, trig, cause = NOT_APPROVED, "", "none", ending
            elif c.exit_month == m.month and not c.active:
                notice = m.events.notice(c.name, c.exit_month)
                decision = notice or next((e for e in reversed(m.events.entries) if e.council == c.name and e.what == LEFT), None)
                if decision is not None:  # the value it saw as it decided (the timeline's), not the month's end's
                    month, seen = decision.month, decision.size
                    at = self.months.index(month)
                said = left_words(c.noticed, c.exit_month, c.exit_trigger, c.exit_cause)
                decided, then, trig, cause = said.what, said.then, c.exit_trigger, c.exit_cause
            else:
                continue
            taken = most_taken(self.lost[at][:, c.index])
            own = tuple(f"{item.when}: {item.text}" for item in timeline if c.name in item.councils and item.tag == ending_tag)
            out.append(
                Decision(
                    c.name,
                    decided,
                    "" if trig == "none" else trig,
                    trigger_words(trig),
                    cause,
                    explain(cause),
                    taken,
                    seen,
                    self.outsides[at][c.index],
                    own[-4:],
                    then,
                )
            )
        return tuple(out)

    def why(self) -> Why | None:
        """Why the run ended, and the key learning that addresses it (``None`` while it runs)."""
        m = self.model
        if m.running:
            return None
        cause, trigger = m.cause, m.trigger
        after = trigger_words(trigger)
        case = case_of_cause(cause)
        learning = learning_for(cause)
        deciding = self._decisions
        gone = sorted((c for c in self.councils() if not c.active and c.exit_month != m.month), key=lambda c: c.exit_month)
        earlier = tuple((c.name, c.exit) for c in gone)
        that = ""
        if m.outcome == "collapsed":
            collapsed = f"The partnership collapsed in month {m.month}"
            ended = f"{collapsed}: too few partners were left." if deciding else f"{Decided(collapsed, after).headline}."
            # with no council leaving, what its cause did in the last month (case 05: the venture's reserves ran out)
            last = dict.fromkeys(e.what for e in m.events.entries if e.month == m.month and e.council and e.cause == cause and e.what not in DECISIONS)
            that = f"That month {'; '.join(last)}." if last and not deciding else ""
        elif m.outcome == "shelved":
            ended = f"{Decided(f'The proposal was shelved in month {m.month}', after).headline}."
        elif m.outcome == "underperforming":
            saved, planned = m.realised_savings, m.business_case
            ended = f"The partnership reached month {m.month} but delivered well below its business case: {savings_words(saved, planned)}" + (
                f" ({saved / planned:.0%})." if planned > 0 else "."
            )
        else:
            ended = f"The partnership was sustained to month {m.month}: nothing ended it."
        return Why(
            outcome=m.outcome,
            month=m.month,
            ending=ended,
            trigger="" if trigger == "none" else trigger,
            trigger_words=after,
            cause="" if cause == "none" else cause,
            case_id=case.id if case else "",
            learning=upper_first(learning.text) if learning else "",
            learning_source=learning.source if learning else "",
            decisions=deciding,
            earlier_exits=earlier,
            levers=tuple(lever_info(name) for name in (learning.levers if learning else ())),
            that_month=that,
        )


def why_markdown(why: Why) -> list[str]:
    """The handout's "Why did it end?": its headline, each deciding council's decision (as the page says it,
    :meth:`Why.said`) with what had taken the value it saw, the key learning and the levers that carry it (as the page lists them)."""
    parts = ["## Why did it end?", "", why.headline]
    if why.decisions:
        parts += ["", *(f"- **{d.council}** {why.said(d).text}. {decision_words(d)}".rstrip() for d in why.decisions)]
    if why.learning:
        parts += ["", f"**Key learning** ({why.learning_source}): {why.learning}."]
    if why.levers:
        parts += ["", f"{carrying_words(why.levers)}: " + "; ".join(f"**{lv.label}**: {lv.learning}" for lv in why.levers) + "."]
    return parts


def decision_words(d: Decision) -> str:
    """What had taken the value a deciding council saw, and how that value stood against going alone (empty if nothing had been taken).

    A council that left although staying still looked better is said to have made the less
    likely choice: its decision is a chance weighed with inertia, not a threshold.
    """
    if not d.taken:
        return ""
    taken = taken_words(d.taken)
    if math.isnan(d.value_seen):
        return f"Taken from the value it saw: {taken}."
    seen = f"It saw {d.value_seen:.2f} of the promise against {d.outside_option:.2f} for going alone"
    if d.left:
        if f"{d.value_seen:.2f}" == f"{d.outside_option:.2f}":
            seen += ": staying and leaving looked about the same"
        elif d.value_seen > d.outside_option:
            seen += ": staying still looked better, so leaving was the less likely choice (a council does not always decide by the numbers)"
        else:
            seen += ": leaving looked better"
    return f"Taken from the value it saw: {taken}. {seen}."


def savings_words(saved: float, planned: float) -> str:
    """Savings against the plan, as the page and the handout say them: ``GBP 1.87m saved against GBP 5.48m planned``."""
    return f"GBP {saved:.2f}m saved against GBP {planned:.2f}m planned"


def ending_words(v: RunView) -> str:
    """How a run ended, with its month: ``collapsed in month 68``, ``survives, underperforming to month 120``."""
    return f"{v.outcome_words} in month {v.month}" if v.outcome in EARLY_ENDINGS else f"{v.outcome_words} to month {v.month}"


def replay_summary(original: RunView, treated: RunView) -> tuple[tuple[str, str], tuple[str, str]]:
    """How the original and its replay with the lever ended, as (label, words) pairs: ``("As it happened", "collapsed in month 68; by then ...")``."""

    def told(v: RunView) -> str:
        return f"{ending_words(v)}; by then {savings_words(v.realised_savings, v.business_case)}"

    return (run_name(original.levers), told(original)), (run_name(treated.levers), told(treated))


def replay_learning(original: RunView, treated: RunView) -> str:
    """What the replay's difference teaches, once both have ended: both runs met the same shocks, so the difference is
    the lever's, and the key learning it carries (the case's where the replay switched on the case's levers, else each lever's).

    ``"Both runs met the same shocks, so the difference is the lever's. Key learning (Guide 08, case 01): a champion is ..."``
    (empty where the replay switched no lever on). Where the replay did not end well and its main cause is still the
    original's, it says so before the learning (:func:`still_words`); where both ended alike, that the lever made no
    difference to how it ended.
    """
    added = [name for name in treated.levers if name not in original.enabled]
    if not added:
        return ""
    case = case_of_scenario(original.scenario)
    if case is not None and set(added) == set(case.levers):
        learning = f"Key learning ({case.source}): {case.learning}"
    else:
        learning = "; ".join(f"{info.label} ({info.source}): {info.learning}" for info in map(lever_info, added))
    lever, levers = ("lever", "lever's") if len(added) == 1 else ("levers", "levers'")
    before, after = original.why, treated.why
    if before is not None and after is not None and (original.outcome, original.month, before.cause) == (treated.outcome, treated.month, after.cause):
        return f"Both runs met the same shocks and ended alike: here the {lever} made no difference to how it ended. {upper_first(learning)}."
    said = still_words(original, treated, lever) + outlasted_words(original, treated, lever)
    return f"Both runs met the same shocks, so the difference is the {levers}.{said} {upper_first(learning)}."


#: The fewest months by which a replay that reached the end of the simulated years outlasted an original that ended early,
#: for the page to leave unsaid that one run cannot tell a delay from a prevention: a year, a council's budget round.
SHORT_LEAD = 12
#: An early ending as :func:`outlasted_words` names what the lever put off.
ENDING_NOUNS = {"collapsed": "the collapse", "shelved": "the shelving"}


def outlasted_words(original: RunView, treated: RunView, lever: str = "lever") -> str:
    """Where the original ended early and the replay outlasted it by less than :data:`SHORT_LEAD` months only because the
    simulated years ran out, a sentence saying so (with a leading space; empty otherwise): the lever put the ending off in
    this run, and one run (one draw of the shocks) cannot say whether it would have prevented it. ``lever``: how the
    sentence names what the replay switched on.

    Case 06's story collapsed in month 116 and its replay was "sustained to month 120", the page saying the difference
    was the lever's and nothing of the four months: a room took it that staged scope saves such a partnership.

    ``" But the replay outlasted the original by only 4 months, to the end of the simulated years (month 120): in this run the lever
    put off the collapse; whether it would have prevented it, one run (one draw of the shocks) cannot say."``
    """
    lead = treated.month - original.month
    if original.outcome not in EARLY_ENDINGS or treated.outcome in (*EARLY_ENDINGS, "running") or lead >= SHORT_LEAD:
        return ""
    months = f"{Size(lead):months}"
    return (
        f" But the replay outlasted the original by only {months}, to the end of the simulated years (month {treated.month}): in this run"
        f" the {lever} put off {ENDING_NOUNS[original.outcome]}; whether it would have prevented it, one run (one draw of the shocks) cannot say."
    )


def still_words(original: RunView, treated: RunView, lever: str = "lever") -> str:
    """Where the replay did not end sustained and the main cause of its ending is the original's, a sentence saying so
    (with a leading space; empty otherwise): the lever changed the run, it did not take the cause away. ``lever``: how the
    sentence names what the replay switched on (``"levers"`` for more than one).

    ``" But the replay (survives, underperforming to month 120) still has over-dependency on key personnel (case 01) as its
    main cause: in this replication the lever did not take that cause away."``
    """
    before, after = original.why, treated.why
    if before is None or after is None or treated.outcome == "sustained" or not after.cause or after.cause != before.cause:
        return ""
    return (
        f" But the replay ({ending_words(treated)}) still has {lower_first(after.cause_words)} as its main cause:"
        f" in this replication the {lever} did not take that cause away."
    )


#: The most lines :func:`replay_only` says (the seven stories' replays have three at most; the baseline's with the
#: continuity plan, seed 0, had six, the plan keeping trust for one council after another: 615 characters).
ONLY_LINES = 3


def replay_only(original: RunView, treated: RunView) -> str:
    """What the replay's timeline says and the original's never does, up to the month the first of them ended: where the
    lever acted (and what followed from it), as a sentence (empty where there is nothing); its first :data:`ONLY_LINES`
    lines, and how many more the timeline has.

    Once both had ended, the page said the difference was the lever's, but not where it showed: case 05's replay never
    said that market testing, in month 22, kept the venture from going commercial, unless the trainer found that line
    in its timeline. Its lines are the timeline's (their month, councils and what happened, tagged), in order.

    ``"Only with market testing, up to month 69: Month 22 - all four councils - market testing showed the guaranteed base
    could not carry a venture: it did not go commercial (case 05)."``
    """
    said = {item.told.what for item in original.timeline}
    until = min(original.month, treated.month)
    only = [item for item in treated.timeline if item.tag and item.month <= until and item.told.what not in said]
    lines = list(dict.fromkeys(" - ".join(part for part in (item.when, item.told.subject, f"{item.headline} ({item.tag})") if part) for item in only))
    if not lines:
        return ""
    more = f"; and {len(lines) - ONLY_LINES} more in its timeline" if len(lines) > ONLY_LINES else ""
    return f"Only {lower_first(run_name(treated.levers))}, up to month {until}: {'; '.join(lines[:ONLY_LINES])}{more}."


def replay_of(run: Run, levers: Sequence[str]) -> Run:
    """The same scenario, policy, seed and replication as ``run`` with ``levers`` switched on as well (common random numbers;
    those ``run`` has on already are not named again: the replay's name says what it adds)."""
    added = tuple(name for name in levers if name not in run.enabled)
    return Run(run.scenario, run.policy, run.seed, run.replication, tuple(dict.fromkeys((*run.levers, *added))), run.config_dir)


def replay_offer(view: RunView) -> tuple[tuple[str, ...], str]:
    """What the ended run's "Why did it end?" offers: the lever(s) of a replay (:func:`matching_levers`, less those it has
    on already), and, where every one of them is on already (by its policy), a sentence saying so in their place (empty
    otherwise): "Continuity plan is already on in this run: a replay with it would be the same run."."""
    matching = matching_levers(view.scenario, view.why.cause if view.why is not None else "none")
    levers = tuple(name for name in matching if name not in view.enabled)
    if levers or not matching:
        return levers, ""
    it, verb = ("it", "is") if len(matching) == 1 else ("them", "are")
    return levers, f"{upper_first(levers_phrase(matching))} {verb} already on in this run: a replay with {it} would be the same run."


def fresh_copy(run: Run) -> Run:
    """``run`` again from month 0 (it retells the same story: the model is deterministic)."""
    return Run(run.scenario, run.policy, run.seed, run.replication, run.levers, run.config_dir)

"""The trainer's page: pick a case, play it month by month, see why it ended, replay it with the lever on.

Run it with ``sim-demo`` (or ``solara run sim.viz.app``). The page holds, per browser
session, a :class:`Stage` of one run (or two, side by side, for a replay) and draws
frozen :class:`~sim.viz.adapter.RunView` snapshots of them, so a render never reads a
model while the play loop steps it. Every call into the model goes through
:mod:`sim.viz.adapter` and :mod:`sim.viz.stories`.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from html import escape

import ipyvue
import solara
import traitlets

from sim.config import cases
from sim.config.checks import ConfigError, check_number
from sim.core.causes import RESEARCH
from sim.core.declare import G08
from sim.frontends.model import WHOLE
from sim.frontends.words import scenario_words
from sim.viz import adapter, handout, stories, svg
from sim.viz.adapter import Item, RunView, Why, policy_label
from sim.viz.cli import CONFIG_DIR_ENV

DEFAULT_SCENARIO = "case01_key_person"
AUTO_PAUSE = "Pause when a mechanism fires or a council decides"
PAUSED = "Paused: "  # how the notice of an automatic pause begins
REPLAY = "Replay: "  # how the notice of a replay begins
SPEEDS = (1, 2, 4, 8, 16)  # months per second
#: What the side bar says in place of the replay's choices where the run has every lever on (the policy "All levers").
EVERY_LEVER_ON = "Every lever is already on in this run: a replay would be the same run."
#: The side bar's replay button where the replay it would start is the one on show (Reset plays it again from month 0).
REPLAY_ON_SHOW = "This replay is on show"
#: Two panels side by side, one above the other where the pair is too narrow for a drawing's text to stay at 14 px or more
#: (its smallest text, 16 units, keeps 14 px in a narrow drawing at least 402 px wide: see ``.sim-pair`` in :data:`CSS`).
PAIR = ["sim-pair"]
#: The councils' drawing and the timeline: side by side only where the pair is 1480 px wide or more (1920x1080), one above
#: the other below that (1024x768 to 1366x768), so that the timeline's column is wide enough for each line's headline to
#: keep to two lines of text (half of 1366x768's main area, 505 px, wrapped a council's exit "on the notice it gave in
#: month 41 (after a partner leaving)" to three): see ``.sim-pair-told`` in :data:`CSS`. That also keeps a wide drawing (5
#: councils or more, whose 14 px text needs 543 px) whole.
TOLD = ["sim-pair-told"]
#: The two runs of a replay of four councils or fewer, side by side down to 1024x768 with the side bar open (their drawings
#: :data:`sim.viz.svg.COMPACT` units wide keep 14 px text in the 330 px each gets there), one above the other below that.
#: The pair is one grid whose rows each run shares (``.sim-run``: a subgrid of :data:`RUN_ROWS` rows), so that the two
#: runs' titles, months, "Why did it end?", drawings, timelines and charts each start at the same height.
RUNS = ["sim-runs"]
#: The gap between the rows of a run of a replay (its title, month, "Why did it end?", councils, timeline, charts), in CSS
#: pixels. Eight councils' drawing at 14 px text is 525 px tall: at 10 (with the title's 6 px margin and the 12 px the page
#: kept above an empty element) the line under each run's councils ended at 804 px of a 1366x768 screen.
RUN_GAP = 4
#: The least width of a run of a replay of five councils or more, in CSS pixels: its drawing
#: (:data:`sim.viz.svg.COMPACT_WIDE` units) with 14 px text, and its card's padding. The two runs stay side by side; where
#: the page is narrower than both (1024x768 with the side bar open), it scrolls sideways (``.sim-runs-wide``).
RUN_LEAST = math.ceil(svg.COMPACT_WIDE * svg.LEAST_PX / svg.SMALLEST_TEXT) + 12
#: A replay's note (its "Replay: ... Press play." and a pause's) takes the place of the app bar's title (the app's name and
#: each run's month and how it stands, which each run says under its own title too), up to three lines of 17 px text in
#: the bar's 64 px: above both runs it pushed them down as it came and went, and while paused at 1024x768 and 1280x720
#: each run's line of what fired, under its councils, below the screen (see ``.sim-bar-note`` in :data:`CSS`). Any other
#: notice (a refusal, which lists every problem, runs longer than the bar holds) stays above both runs (:func:`bar_note`).
BAR_NOTE = ["sim-notice", "sim-bar-note"]
#: The title of the panel that says why a run ended, and of its line under a run's councils (:func:`ended_html`).
WHY = "Why did it end?"
#: The most characters a line of :func:`ended_html` holds in a run of a replay at 1024x768 with the side bar open (its 334
#: px, 17 px text), as measured on the seven stories' endings: 82 characters took two lines, 93 three. Fewer
#: counted than fit (a word that does not fit goes to the next line): :func:`replay_around` keeps at least the room needed.
ENDED_LINE_CHARS = 41
#: What a line's height means in the savings chart and in the value chart, under their legends (:func:`sim.viz.svg.line_chart`):
#: the legends named the lines, and nothing said whether savings were a month's or all so far, nor what a value of 0 was.
SAVINGS_SCALE = "height: GBP m saved so far (a running total)"
VALUE_SCALE = "height: 1 = what was promised, 0 = nothing"
#: The most of the screen's height, in percent, that how both runs of a replay ended (:func:`comparison_html`, above both
#: runs) takes: longer, it scrolls within its box. Whole, at 1024x768 case 01's ran from the app bar to 772 px (how both
#: ended, the key learning, what only the replay had, how the story was chosen): the room saw it or the runs, not both.
#: A third of the screen keeps how both ended and the start of the learning in it, the runs' titles and months below. A
#: shadow at its foot (and at its top, scrolled) says there is more, where the screen shows no scroll bar (a Mac's).
COMPARE_HEIGHT = 34
#: The rows of a run in a replay: its title, its month, "Why did it end?" (an empty row until both runs have ended: see
#: :func:`ended_html`), the councils, the timeline and the two charts.
RUN_ROWS = 7


def runs(count: int) -> list[str]:
    """The classes of a replay's two runs of ``count`` councils (:data:`RUNS`; side by side however narrow where the drawing is wide: :data:`RUN_LEAST`)."""
    return RUNS if svg.drawing_width(count, compact=True) == svg.COMPACT else [*RUNS, "sim-runs-wide"]


def config_dir() -> str | None:
    """The folder of the user's own configs given to ``sim-demo --config-dir`` (``None`` if none)."""
    return os.environ.get(CONFIG_DIR_ENV) or None


_STAGES = itertools.count()


class Stage:
    """The run on show, or the original and its replay with a lever, stepped together (``number``: which stage of the
    server's it is, each new one the next)."""

    def __init__(self, runs: Sequence[adapter.Run]) -> None:
        self.runs = list(runs)
        self.lock = threading.Lock()
        self.number = next(_STAGES)

    @property
    def running(self) -> bool:
        """Whether any run on show is still going."""
        return any(r.running for r in self.runs)

    def step(self) -> list[tuple[str, Item]]:
        """One month for every run still going; what fired anew, each with the run it fired in (:meth:`side`)."""
        with self.lock:
            return [(self.side(k), item) for k, r in enumerate(self.runs) for item in r.step()]

    def side(self, k: int) -> str:
        """Which run on show run ``k`` is: empty when it is the only one, else ``as it happened`` or ``with continuity plan``."""
        return "" if len(self.runs) == 1 else adapter.lower_first(adapter.run_name(self.runs[k].levers))

    def to_end(self) -> None:
        """Every run to its end."""
        with self.lock:
            for r in self.runs:
                r.run_to_end()

    def views(self) -> tuple[RunView, ...]:
        """Frozen snapshots of the runs."""
        with self.lock:
            return tuple(r.view() for r in self.runs)

    def handout(self) -> str:
        """The runs' handout (Markdown), one after another; a replay's, once both have ended, opens with a title naming the
        partnership and both runs, then how each ended, the key learning, what only the replay had and (a case's story)
        how the story was chosen.

        The texts are read under the lock (the play loop may be stepping the runs); runs that
        have ended no longer change, so their views are built after it is released.
        """
        with self.lock:
            texts = [r.handout() for r in self.runs]
            ended = len(self.runs) == 2 and not any(r.running for r in self.runs)
        if not ended:
            return handout.markdown(texts)
        shown = [r.view() for r in self.runs]
        said = adapter.replay_summary(*shown)
        first, replay = self.runs
        title = (
            f"# {scenario_words(first.scenario, noun=False)}: as it happened and {adapter.lower_first(adapter.run_name(replay.levers))}"
            f" (seed {first.seed}, replication {first.replication})\n\n"
        )
        learned = [adapter.replay_learning(*shown), adapter.replay_only(*shown), stories.chosen_for(*shown)]
        ended_as = "".join(f"**{label}:** {words}.\n\n" for label, words in said) + "".join(f"{words}\n\n" for words in learned if words)
        return handout.markdown(texts, title + "## How both ended\n\n" + ended_as)


# Per-session state (solara keeps module-level reactive variables per browser session).
scenario = solara.reactive(DEFAULT_SCENARIO)
policy = solara.reactive(adapter.NO_POLICY)
seed = solara.reactive(0)
replication = solara.reactive(0)
speed = solara.reactive(4)
auto_pause = solara.reactive(False)
playing = solara.reactive(False)
replay_lever = solara.reactive("")
notice = solara.reactive("")
#: What the side bar's Seed and Replication boxes show: the seed and replication in use (:func:`show_numbers`), or what is
#: being typed. Given the seed itself, a box kept its own text: a seed of -5 refused stayed in the box while the run kept
#: the seed before it.
seed_box = solara.reactive(0)
replication_box = solara.reactive(0)
stage: solara.Reactive[Stage | None] = solara.reactive(None)
views: solara.Reactive[tuple[RunView, ...]] = solara.reactive(())
#: The timeline events the trainer has opened on the stage on show (their keys: :func:`event_key`), kept open as it plays.
opened: solara.Reactive[frozenset[str]] = solara.reactive(frozenset())


# ---------------------------------------------------------------- actions


def show(new: Stage) -> None:
    """Put a new stage on show, at its month 0, with none of its timeline's events opened."""
    stage.set(new)
    views.set(new.views())
    opened.set(frozenset())


def show_numbers() -> None:
    """The side bar's Seed and Replication boxes show the seed and replication in use (:data:`seed_box`)."""
    seed_box.set(seed.value)
    replication_box.set(replication.value)


def load() -> None:
    """(Re)build the run from the controls, at month 0."""
    playing.set(False)
    run = adapter.Run(scenario.value, policy.value, seed.value, replication.value, config_dir=config_dir())
    show(Stage([run]))
    show_numbers()
    choices = adapter.replay_choices(scenario.value, run.enabled)
    replay_lever.set(choices[0][0] if choices else "")


def first_load() -> None:
    """The first page of a session: the default case's stored story (a replication that fails for the case's reason), its
    notice saying how it was chosen (:func:`stories.loaded_words`)."""
    case = adapter.case_of_scenario(scenario.value)
    story = stories.story_for(case.id) if case else None
    if story is not None:
        seed.set(story.seed)
        replication.set(story.replication)
    load()
    if story is not None:
        notice.set(stories.loaded_words(story))


def current() -> Stage:
    """The stage of this session (the default story at first)."""
    if stage.value is None:
        first_load()
    assert stage.value is not None
    return stage.value


def step_once() -> list[Item]:
    """One month; with "pause when a mechanism fires" on, a fresh mechanism stops the play loop (its notice goes once the run has ended).

    A step by hand clears the notice: under the councils it takes the place of what happened last (:func:`now_html`).
    """
    s = current()
    if not playing.value:
        notice.set("")
    fired = s.step()
    views.set(s.views())
    if fired and auto_pause.value and playing.value:
        playing.set(False)
        notice.set(paused_note(fired, s.runs[0].case_id))
    if not s.running:
        playing.set(False)
        if notice.value.startswith(PAUSED):  # nothing is left to play on to: "Why did it end?" says what happened
            notice.set("")
    return [item for _, item in fired]


def paused_note(fired: Sequence[tuple[str, Item]], case_id: str = "") -> str:
    """The note of an automatic pause on what ``fired`` (each event with the run it fired in: :meth:`Stage.step`): the
    month's headline (:func:`adapter.headline` of ``case_id``, as the line under each run's councils), and how many more
    fired, as the timeline lists them (the same event for several councils one; in a replay, the same line in both runs
    one). In a replay it names the run whose line under its councils says it (the :func:`adapter.headline` of that run's
    own events), "(both runs)" where both runs' lines do: the runs meet the same shocks. Said "(both runs)" whenever
    both had fired it, it named a line the replay's own did not lead with (case 01's, month 54: its continuity plan's).
    Where both runs fired and their lines differ, it says the other run's too, after a semicolon (its councils where they
    are others): it said only the original's, what the lever did one of its "and 1 more" (case 05's replay, month 22:
    "the venture began to run below break-even (case 05)", not "market testing showed the guaranteed base could not
    carry a venture: it did not go commercial").

    The event is said short (:attr:`Item.headline`: what happened and, for a decision, what opened it), its main cause
    and the size of its effect left to its line in the timeline, where they open at a click: said whole (up to 304
    characters in the seven stories) the note ran below a 1280x720 screen under the councils.

    "Paused: Month 58 - Northdale DC - weighed the partnership and gave notice to leave, after an election that changed
    political control (case 04) - and 1 more this month: see the timeline"
    """
    shown = adapter.headline([item for _, item in fired], case_id)

    def key(item: Item) -> tuple[str, str, str]:
        return item.tag, item.who, item.headline

    def told(item: Item, subject: str = "") -> list[str]:
        """Who (unless ``subject``, said already) and what happened, tagged."""
        return ["" if item.told.subject == subject else item.told.subject, item.headline + (f" ({item.tag})" if item.tag else "")]

    lines = {key(item) for _, item in fired}
    own = {side: adapter.headline([item for s, item in fired if s == side], case_id) for side in dict.fromkeys(side for side, _ in fired)}
    sides = [side for side, item in own.items() if key(item) == key(shown)]
    where = " (both runs)" if len(sides) > 1 else f" ({sides[0]})" if sides[0] else ""
    said = " - ".join(part for part in (shown.when + where, *told(shown)) if part)
    other = [(side, item) for side, item in own.items() if side not in sides]  # the other run's own line, where it differs
    said += "".join("; " + " - ".join(part for part in (f"({side})", *told(item, shown.told.subject)) if part) for side, item in other)
    more = len(lines) - 1 - len(other)
    return PAUSED + said + (f" - and {more} more this month: see the timeline" if more else "")


def play_on(latest: Callable[[], bool] = lambda: True) -> None:
    """Step the runs on show month after month while the page plays (and while ``latest()``: this is the session's latest
    play): the first month at once, then one every 1/speed seconds by the clock, the time a month takes to step and draw
    counted in its interval (slept after it, it had 16 months a second show 8.6, and 1 wait 1.4 s for month 1); a machine
    too busy to keep up plays as fast as it can, without a burst to catch up."""
    due = time.monotonic()
    while playing.value and latest():
        step_once()
        due += 1.0 / max(speed.value, 1)
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        else:
            due = time.monotonic()


def toggle_play() -> None:
    """Play, or pause."""
    if playing.value:
        playing.set(False)
    elif current().running:
        notice.set("")
        playing.set(True)


def reset() -> None:
    """Back to month 0: the same run(s) again (a replay stays a replay)."""
    playing.set(False)
    notice.set("")
    show(Stage([adapter.fresh_copy(r) for r in current().runs]))


def to_end() -> None:
    """Every run on show to its end."""
    playing.set(False)
    notice.set("")
    s = current()
    s.to_end()
    views.set(s.views())


def replay_on_show(shown: Sequence[RunView], levers: Sequence[str]) -> bool:
    """Whether a replay with ``levers`` of the run on show would give the runs ``shown`` again: an original and its replay
    with those levers on already on show (pressed, the button gave the same two runs from month 0)."""
    return len(shown) == 2 and set(shown[1].enabled) == set(shown[0].enabled) | set(levers)


def replay(levers: Sequence[str]) -> None:
    """The original again from month 0, side by side with the same seed and replication with ``levers`` on."""
    playing.set(False)
    original = adapter.fresh_copy(current().runs[0])
    show(Stage([original, adapter.replay_of(original, levers)]))
    right = adapter.lower_first(adapter.run_name(levers))
    wide = "sim-runs-wide" in runs(len(original.councils()))  # a narrow pair stacks, a wide one scrolls: see RUNS, RUN_LEAST
    where = "beside it (on a narrow screen, scroll sideways or hide the side bar)" if wide else "beside it (below it on a narrow screen)"
    notice.set(f"{REPLAY}the same partnership (seed {original.seed}, replication {original.replication}), and {where} {right}. Press play.")


def tell_story(case_id: str) -> None:
    """Load the case's stored story: its scenario at a seed and replication that fail for the case's reason, its notice
    saying, before it plays, how it was chosen (:func:`stories.loaded_words`: the choice favours the lever)."""
    case = next(c for c in adapter.case_list() if c.id == case_id)
    story = stories.story_for(case_id)
    scenario.set(case.scenario)
    policy.set(adapter.NO_POLICY)
    if story is None:
        notice.set(f"No stored or found replication fails for case {case_id}'s reason: pick a seed and replication by hand.")
        load()
        return
    seed.set(story.seed)
    replication.set(story.replication)
    load()
    notice.set(stories.loaded_words(story))


#: What a seed or a replication may be, in the room's words: the model's refusal said "is outside [0, 9223372036854775807]".
WHOLE_WORDS = "a whole number from 0 up to about 9.2 billion billion (2**63 - 1)"


def number_refused(name: str, value: object, in_use: int) -> str:
    """The refusal of ``value`` typed as the ``name`` ("seed", "replication"), which is not :data:`WHOLE_WORDS`; empty
    where it is one. It says the value the run on show keeps, ``in_use``, which its box shows again.

    "Seed -5 cannot be used: a seed is a whole number from 0 up to about 9.2 billion billion (2**63 - 1). The run on show
    keeps seed 3."
    """
    if not check_number(name, value, WHOLE):  # the model's own check of a seed (sim-run's), said here in words
        return ""
    return f"{name.capitalize()} {value} cannot be used: a {name} is {WHOLE_WORDS}. The run on show keeps {name} {in_use}."


def set_and_load(var: solara.Reactive, value: object) -> None:
    """Set a control and load the run it now describes (nothing to do where it is the value in use already); a value that
    cannot be run (a scenario of one's own with a value out of range, a seed below 0: :func:`number_refused`) puts the
    control back, its box showing the value in use again (:func:`show_numbers`), and says why in one line."""
    before = var.value
    if value == before:
        return
    said = number_refused("seed" if var is seed else "replication", value, before) if var in (seed, replication) else ""
    if said:
        notice.set(said)
        show_numbers()
        return
    var.set(value)
    notice.set("")
    try:
        load()
    except ValueError as err:  # the model's one-line refusals (a ConfigError is one)
        var.set(before)
        problems = "; ".join(err.problems if isinstance(err, ConfigError) else [str(err)])
        what = scenario_words(str(value), noun=False) if var is scenario else policy_label(str(value)) if var is policy else ""
        notice.set(f"{what + ' cannot be run: ' if what else ''}{problems}. The run on show is unchanged.")


# ---------------------------------------------------------------- HTML pieces (pure functions, tested directly)


def chip(text: str, colours: tuple[str, str], extra: str = "", title: str = "") -> str:
    """A small coloured label (its text always written: colour is never the only cue); ``title``, where given, shows on hover."""
    bg, fg = colours
    hover = f' title="{escape(title)}"' if title else ""
    return f'<span class="sim-chip" style="background:{bg};color:{fg};{extra}"{hover}>{escape(text)}</span>'


def tag_title(tag: str) -> str:
    """What a case or source tag stands for, in full, for its chip's hover (empty for another tag: "outside change"); the
    decision's case (:data:`sim.viz.handout.DECISION_CASE`) with what its lines are in another case's story
    (:data:`sim.viz.handout.DECISION_STEP`).

    The chips said "case 01", "research" or "Getting IT right", and nothing on the page said what case 01 is (in a session
    on case 03) nor which research: "Case 01 of Guide 08: Over-dependency on key personnel (Socitm, ...)".
    """
    if tag.startswith("case ") and tag[5:] in cases.BY_ID:
        case = cases.BY_ID[tag[5:]]
        step = f" {handout.DECISION_STEP}" if case.id == handout.DECISION_CASE else ""
        return f"Case {case.id} of {G08}: {case.title} ({handout.SOURCES[G08]}).{step}"
    if tag == RESEARCH:
        return "; ".join(handout.SOURCES[name] for name in handout.research())
    return handout.SOURCES.get(tag, "")


def tag_chip(tag: str) -> str:
    """The chip of a case or source tag ("case 01"), in its colours, what it stands for on hover (:func:`tag_title`)."""
    return chip(tag, svg.tag_colours(tag), title=tag_title(tag))


def trigger_chip(words: str) -> str:
    """The chip of what opened a decision, its text the handout's tag (:func:`adapter.trigger_tag`): "trigger: a budget shock"."""
    return chip(adapter.trigger_tag(words), svg.TRIGGER_TAG, "border:2px solid #1A1A1A")


def status_html(view: RunView, compact: bool = False) -> str:
    """Month, phase (in the room's words, :data:`adapter.PHASE_WORDS`) and how it ended (or "still running")."""
    return (
        f'<div class="sim-status{" sim-compact" if compact else ""}"><span class="sim-month">Month {view.month}</span>'
        f'<span class="sim-of">of {view.horizon}</span>'
        f'<span class="sim-phase">{escape(view.phase_words)}</span>'
        + chip(view.outcome_words, svg.OUTCOME_COLOURS[view.outcome], "font-size:1.05em")
        + "</div>"
    )


def event_key(run: str, index: int) -> str:
    """The key of a timeline's event: the timeline's ``run`` (which run on show, or the line under the councils) and the
    event's place from the oldest, which stays as the run plays on (a repeated loss extends its own line)."""
    return f"{run}-{index}"


def timeline_html(items: Sequence[Item], newest_first: bool = True, clamped: bool = False, run: str = "0", shown: frozenset[str] = frozenset()) -> str:
    """The event timeline (newest first while it is told), one short line an event, readable from the back of a room.

    Each says when, its case or source (the mechanism that fired), who, and what happened in short (:attr:`Item.headline`:
    a decision with what opened it); its trigger and the rest (:attr:`Item.detail`: a decision's main cause, the size of
    the effect) open under it at a click on the line (a triangle marks one that has more), and the whole line shows on hover.
    ``clamped`` (a run of a replay, half as wide): each line keeps to two lines of text, cut short with an ellipsis where
    it is longer, and every line opens at a click (a triangle before it), showing it whole with its trigger and the rest.
    Each line that opens carries its key (:func:`event_key` of ``run``); those in ``shown`` are drawn open, so that an
    opened event stays open as the page redraws the timeline month by month (:class:`Timeline`).
    """
    if not items:
        return '<div class="sim-empty">Nothing has happened yet. Press play or step.</div>'
    rows = []
    ordered = list(reversed(items)) if newest_first else list(items)
    for k, item in enumerate(ordered):
        key = event_key(run, len(items) - 1 - k if newest_first else k)
        tag = tag_chip(item.tag) if item.tag else chip("milestone", ("#FFFFFF", "#333333"), "border:2px solid #999")
        trigger = trigger_chip(item.trigger_words) + " " if item.trigger_tag else ""
        who = f"<b>{escape(item.who)}</b> " if item.who else ""
        more = trigger + escape(item.detail) if trigger or item.detail else ""
        fold = f'data-key="{key}"{" open" if key in shown else ""}' if more or clamped else None
        rows.append(timeline_row(item.when, f"{tag} {who}{escape(item.headline)}", more, fold, k == 0 and newest_first, escape(item.line)))
    return f'<ol class="sim-timeline{" sim-clamped" if clamped else ""}">' + "".join(rows) + "</ol>"


def timeline_row(when: str, what: str, more: str = "", fold: str | None = None, latest: bool = False, title: str | None = None) -> str:
    """One line of a timeline (:func:`timeline_html`, :func:`ended_html`): ``when`` (text; empty: no column for it),
    ``what`` (HTML) and, where ``fold`` is not None, ``more`` (HTML) opening under it at a click (``fold``: the attributes
    of its ``details``); ``latest``: marked as the newest line; ``title`` (escaped), where given: what shows on hover."""
    if fold is not None:
        detail = f'<div class="sim-detail">{more}</div>' if more else ""
        what = f"<details{' ' + fold if fold else ''}><summary>{what}</summary>{detail}</details>"
    hover = f' title="{title}"' if title is not None else ""
    column = f'<div class="sim-when">{escape(when)}</div>' if when else ""
    return f'<li class="sim-event{" sim-latest" if latest else ""}"{hover}>{column}<div class="sim-what">{what}</div></li>'


def comparison_html(original: RunView, treated: RunView) -> str:
    """How the replay and the original ended, once both have, and the key learning their difference shows
    (:func:`adapter.replay_learning`: the runs' own "Why did it end?" are too narrow to say it), where it showed
    (:func:`adapter.replay_only`: what only the replay's timeline says); for a case's story
    replayed with its lever(s), how the story was chosen (:func:`stories.chosen_for`: the choice favours the lever)."""
    ended = "<br>".join(f"<b>{escape(label)}:</b> {escape(words)}." for label, words in adapter.replay_summary(original, treated))
    said = [adapter.replay_learning(original, treated), adapter.replay_only(original, treated), stories.chosen_for(original, treated)]
    return ended + "".join(f'<div class="sim-replay-learning">{escape(words)}</div>' for words in said if words)


def why_html(why: Why, compact: bool = False, headline: bool = True) -> str:
    """The "Why did it end?" panel: the trigger and causes for the councils whose decision ended it, and the key learning
    (``compact``: not the learning, nor each decision's detail; ``headline``: how it ended, where the line it opens under
    says only what ended, when and what opened it, :attr:`Why.ending` (:func:`ended_html`), the rest of it)."""
    said = why.headline if headline else why.that_month
    parts = [f'<p class="sim-headline">{escape(said)}</p>'] if said else []
    if why.cause_words:
        tag = f"case {why.case_id}" if why.case_id else ""
        words = why.cause_title if tag else why.cause_words  # the chip says the case
        parts.append(f"<p><b>Main cause:</b> {tag_chip(tag) + ' ' if tag else ''}{escape(words)}</p>")
    if why.trigger_words:
        parts.append(f"<p><b>What opened the decision:</b> {trigger_chip(why.trigger_words)}</p>")
    if why.decisions:
        parts.append('<ul class="sim-decisions">')
        for d in why.decisions:
            detail = "" if compact else f'<div class="sim-small">{escape(adapter.decision_words(d))}</div>'
            happened = "" if compact or not d.events else '<div class="sim-small">' + "; ".join(escape(e) for e in d.events) + "</div>"
            parts.append(f"<li><b>{escape(d.council)}</b> {escape(why.said(d).text)}.{detail}{happened}</li>")
        parts.append("</ul>")
    if why.earlier_exits and not compact:
        earlier = "; ".join(f"{escape(name)} {escape(left.listed)}" for name, left in why.earlier_exits)
        parts.append(f'<p class="sim-small">Earlier: {earlier}.</p>')
    if compact:
        return "".join(parts)
    if why.learning:
        parts.append(f'<div class="sim-learning"><b>Key learning</b> ({escape(why.learning_source)}): {escape(why.learning)}.</div>')
    if why.levers:
        names = "; ".join(f"<b>{escape(lv.label)}</b>: {escape(lv.learning)}" for lv in why.levers)
        parts.append(f'<p class="sim-small">{adapter.carrying_words(why.levers)}: {names}.</p>')
    return "".join(parts)


def network_svg(view: RunView, width: int | None = None, around: int = svg.AROUND) -> str:
    """The councils as agents and the trust between them (the drawing decides its height: :func:`sim.viz.svg.network`;
    ``around``: what the page shows above and below it, in CSS pixels, :data:`sim.viz.svg.REPLAY_AROUND` in a replay)."""
    nodes = [svg.Node(c.name, c.size, c.value_seen, c.outside_option, c.notice, c.key_person_present, c.active, c.exit_month) for c in view.councils]
    return svg.network(nodes, view.trust, width, around)


def now_html(view: RunView, said: str = "", place: int = 0, clamped: bool = False) -> str:
    """What happened last (:attr:`RunView.latest`), under the councils' drawing (the notice ``said`` instead, where there
    is one); ``place``: which run on show it is, ``clamped``: kept to two lines of text (a run of a replay: :func:`timeline_html`)."""
    if said:
        return f'<div class="sim-notice">{escape(said)}</div>'
    latest = (view.latest,) if view.latest else ()
    return timeline_html(latest, clamped=clamped, run=f"now-{place}-{len(view.timeline)}", shown=opened.value)


def ended_html(why: Why) -> str:
    """Under the councils of a run of a replay that has ended while the other plays on: its "Why did it end?" with what
    ended, when and what opened it whole (:attr:`Why.ending`), the rest opening at a click (:func:`why_html`, short). In
    full, in its row above both runs' councils, it pushed both drawings and their lines of what fired below a 1024x768 or
    1280x720 screen; it opens there once both have ended. Its words say the month: no column of its own for it (cut at
    two lines beside one, case 01's read "Why did it end? The partnership collapsed in..." at 1024x768); the drawings
    keep room for its lines (:func:`replay_around`)."""
    row = timeline_row("", f"<b>{WHY}</b> {escape(why.ending)}", why_html(why, compact=True, headline=False), "", latest=True)
    return f'<ol class="sim-timeline">{row}</ol>'


def folded_why(view: RunView, beside: Sequence[RunView]) -> Why | None:
    """The "Why did it end?" of a run of a replay that has ended while a run ``beside`` it plays on, said under its
    councils (:func:`ended_html`); ``None`` where there is none to fold (it runs, or both have ended)."""
    return view.why if any(v.running for v in beside) else None


def ended_lines(why: Why) -> int:
    """How many lines of text :func:`ended_html` takes at the narrowest a run of a replay is (1024x768 with the side bar
    open), counted by :data:`ENDED_LINE_CHARS` (a word carried to the next line counted in)."""
    return math.ceil(len(f"{WHY} {why.ending}") / ENDED_LINE_CHARS)


def replay_around(shown: Sequence[RunView]) -> int:
    """What the page shows around each councils' drawing of a replay of the runs ``shown``, in CSS pixels: at least
    :data:`sim.viz.svg.REPLAY_AROUND`, and more where a run has ended while the other plays on and its line under its
    councils (:func:`ended_html`) takes more than the two lines kept there, so that both drawings and both lines stay on
    the screen (both drawings alike: they start at the same height and compare by eye)."""
    folded = [why for k, view in enumerate(shown) if (why := folded_why(view, [*shown[:k], *shown[k + 1 :]])) is not None]
    extra = max([0, *(ended_lines(why) - 2 for why in folded)])
    return svg.REPLAY_AROUND + extra * svg.NOW_TEXT_LINE


def savings_top(shown: Sequence[RunView]) -> float:
    """The top of the savings axis that holds every run in ``shown`` (runs side by side share it, so that their curves compare by eye)."""
    return 1.05 * max([*(x for v in shown for x in (*v.planned, *v.realised)), 0.1])


def value_scale(shown: Sequence[RunView]) -> tuple[float, float]:
    """The value axis, in fifths, that holds every council of every run in ``shown`` and 0 .. 1 (runs side by side share it)."""
    seen = [x for v in shown for line in (*v.value, v.outside) for x in line if not math.isnan(x)]
    return math.floor(min([*seen, 0.0]) * 5) / 5, math.ceil(max([*seen, 1.0]) * 5) / 5


def savings_svg(view: RunView, width: int = 460, height: int = 300, top: float | None = None) -> str:
    """Realised savings against the business case, to date (``top``: the axis's top, by default the run's own)."""
    series = [
        svg.Series("business case (plan)", view.months, view.planned, svg.INK, dash="9 6", width=3),
        svg.Series("realised", view.months, view.realised, svg.OI["blue"], width=5),
    ]
    top = savings_top([view]) if top is None else top
    return svg.line_chart(series, view.horizon, 0, top, "Savings against the plan (GBP m)", width=width, height=height, now=view.month, scale=SAVINGS_SCALE)


def value_svg(view: RunView, width: int = 460, height: int = 300, scale: tuple[float, float] | None = None) -> str:
    """Each council's view of the partnership's value over time (1 = the promise), against going alone (``scale``: the axis, by default the run's own)."""
    series = [svg.Series(c.name, view.months, view.value[k], svg.COUNCIL_COLOURS[k % len(svg.COUNCIL_COLOURS)], width=4) for k, c in enumerate(view.councils)]
    series.append(svg.Series("going alone", view.months, view.outside, svg.INK, dash="4 4", width=2.5))
    low, high = value_scale([view]) if scale is None else scale
    return svg.line_chart(
        series,
        view.horizon,
        low,
        high,
        "Value each council sees",
        width=width,
        height=height,
        now=view.month,
        scale=VALUE_SCALE,
    )


CSS = (
    """
.v-application { font-size: 20px; }
.v-application .v-label, .v-application .v-select__selection, .v-application input { font-size: 19px !important; }
.v-application .v-btn { font-size: 17px; text-transform: none; letter-spacing: 0; }
.v-application .v-btn:focus-visible, .v-application summary:focus-visible { outline: 3px solid #1A1A1A; outline-offset: 2px; }
.sim-select .v-select__selection { white-space: normal; overflow: visible; text-overflow: clip; line-height: 1.3; }
.sim-chip { display: inline-block; max-width: 100%; padding: 1px 10px; border-radius: 14px; font-weight: 600; font-size: max(14px, 0.82em); }
.sim-status { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; }
.sim-month { font-size: 1.9em; font-weight: 700; }
.sim-compact .sim-month { font-size: 1.5em; }
.sim-compare { border-left: 8px solid #0072B2; padding: 8px 14px; font-size: 18px; line-height: 1.35; overflow-y: auto; }
.sim-compare { background: linear-gradient(#E8F3FA 30%, rgba(232, 243, 250, 0)) top / 100% 40px no-repeat local,
  linear-gradient(rgba(232, 243, 250, 0), #E8F3FA 70%) bottom / 100% 40px no-repeat local,
  radial-gradient(farthest-side at 50% 0, rgba(0, 0, 0, 0.3), transparent) top / 100% 16px no-repeat scroll,
  radial-gradient(farthest-side at 50% 100%, rgba(0, 0, 0, 0.3), transparent) bottom / 100% 16px no-repeat scroll, #E8F3FA; }
.sim-of { font-size: 1.05em; color: #555; }
.sim-phase { font-size: 1.05em; color: #333; font-style: italic; }
.sim-label { font-size: 0.95em; color: #333; }
.sim-timeline { list-style: none; padding-left: 0 !important; margin: 0; }
.sim-event { display: flex; gap: 8px; padding: 6px 4px; font-size: 17px; border-bottom: 1px solid #E6E6E6; line-height: 1.35; }
.sim-latest { background: #FFF7D6; }
.sim-when { flex: 0 0 5.4em; font-weight: 700; color: #333; }
.sim-what { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.sim-what summary { list-style: none; cursor: pointer; }
.sim-what summary::-webkit-details-marker { display: none; }
.sim-what summary::after { content: " \\25B8"; color: #0072B2; }
.sim-what details[open] > summary::after { content: " \\25BE"; }
.sim-detail { font-size: 16px; color: #333; margin-top: 2px; }
.sim-clamped .sim-what summary { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; }
.sim-clamped .sim-what details[open] > summary { display: block; }
.sim-clamped .sim-what summary::after, .sim-clamped .sim-what details[open] > summary::after { content: none; }
.sim-clamped .sim-what summary::before { content: "\\25B8  "; color: #0072B2; }
.sim-clamped .sim-what details[open] > summary::before { content: "\\25BE  "; }
.sim-scroll { height: 300px; overflow-y: auto; }
.sim-scroll-short { max-height: 320px; overflow-y: auto; }
.sim-now .sim-event { border-bottom: none; }
.sim-now .sim-notice { font-size: 17px; line-height: 1.35; padding: 6px 12px; }
.solara-autorouter-content > .v-sheet > div:empty, .solara-autorouter-content > .v-sheet > span:empty { display: none; }
.v-application .v-card__title { font-size: 1.25em; font-weight: 700; padding-bottom: 6px; }
.v-application .v-card__text { font-size: 18px; line-height: 1.4; color: #1A1A1A !important; }
.sim-figure .v-card__text { padding: 6px; }
.sim-replay { margin-top: 6px; }
.sim-replay-learning { margin-top: 6px; }
.sim-empty { color: #666; font-style: italic; }
.sim-headline { font-size: 1.15em; font-weight: 700; margin-bottom: 8px; }
.sim-learning { background: #E8F3FA; border-left: 8px solid #0072B2; padding: 10px 14px; margin: 10px 0; font-size: 1.05em; }
.sim-small { font-size: 0.9em; color: #333; }
.sim-notice { background: #FFF7D6; border-left: 8px solid #E69F00; padding: 8px 14px; font-size: 1.05em; }
.v-toolbar__title { white-space: normal; line-height: 1.2; }
.sim-notice.sim-bar-note { font-size: 17px; line-height: 1.2; padding: 1px 12px; color: #1A1A1A; }
.sim-decisions { margin: 4px 0 8px 0; }
.sim-decisions li { margin-bottom: 6px; }
.sim-section { font-weight: 700; font-size: 1.05em; margin-top: 10px; }
.sim-card-title { font-size: 20px; font-weight: 700; line-height: 1.2; }
.row.sim-pair { flex-wrap: wrap !important; container-type: inline-size; }
@container (max-width: 859px) { .sim-pair > .col { flex: 0 0 100% !important; } }
@container (max-width: 1479px) { .sim-pair-told > .col { flex: 0 0 100% !important; } }
.sim-runs { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px 8px; container-type: inline-size; }
@container (max-width: 669px) { .sim-runs > .sim-run { grid-column: 1 / -1; } }
.sim-runs .sim-figure svg { max-width: 576px; margin: 0 auto; }
@media (max-width: 1439px) {
  .v-navigation-drawer { width: 300px !important; min-width: 300px !important; }
  .v-application--wrap:has(.v-navigation-drawer--open) main.v-content { padding-left: 300px !important; }
  .sim-speed .v-btn { min-width: 48px !important; padding: 0 10px !important; }
  .v-navigation-drawer .v-btn { max-width: 100%; height: auto !important; min-height: 36px; white-space: normal; }
  .v-navigation-drawer .v-btn__content { flex: 1 1 auto; white-space: normal; }
  .v-navigation-drawer .v-btn.sim-story { padding: 0 8px !important; }
}
@media (min-width: 1440px) {
  .v-navigation-drawer { width: 400px !important; min-width: 400px !important; }
  .v-application--wrap:has(.v-navigation-drawer--open) main.v-content { padding-left: 400px !important; }
}
"""
    + f".sim-now {{ min-height: {svg.NOW_LINE}px; margin-top: 6px; }}\n"
    + f".sim-compare {{ max-height: {COMPARE_HEIGHT}vh; }}\n"
    + f".sim-runs > .sim-run {{ display: grid !important; grid-row: span {RUN_ROWS}; grid-template-rows: subgrid; }}\n"
    + f".sim-runs.sim-runs-wide {{ grid-template-columns: repeat(2, minmax({RUN_LEAST}px, 1fr)); }}\n"
)


# ---------------------------------------------------------------- components


class Timeline(ipyvue.VueTemplate):
    """A timeline's HTML (``html``: :func:`timeline_html`) that tells the page which of its events the trainer opens or
    closes (:data:`opened`), so that the next month's timeline draws them as they were.

    It is told at the click on an event's summary (a key press on it clicks too), with the state the click gives, not at
    the ``toggle`` event that follows: that one comes a moment later, and where the month's redraw has replaced the
    timeline meanwhile (a busy machine, playing) it fires on an element no longer on the page and the opening was lost.
    """

    html = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode(
        '<template><div v-html="html"></div></template><script>module.exports = { mounted() {'
        " this.$el.addEventListener('click', e => { const summary = e.target.closest && e.target.closest('summary');"
        " const event = summary && summary.parentElement; const key = event && event.tagName === 'DETAILS' && event.dataset.key;"
        " if (key) { this.toggled({key: key, open: !event.open}); } }, true); } };</script>"
    ).tag(sync=True)

    def vue_toggled(self, data: dict) -> None:
        """Event ``data["key"]`` was opened or closed (``data["open"]``) in the browser."""
        key = str(data["key"])
        opened.set(opened.value | {key} if data["open"] else opened.value - {key})


class ToTop(ipyvue.VueTemplate):
    """Nothing to see: scrolls the page (and each box it sits in) to its top when it is put on the page."""

    template = traitlets.Unicode(
        "<template><span></span></template><script>module.exports = { mounted() {"
        " for (let e = this.$el; e; e = e.parentElement) { e.scrollTop = 0; } window.scrollTo(0, 0); } };</script>"
    ).tag(sync=True)


def _select(label: str, value: str, items: Sequence[tuple[str, str]], on_value, disabled: bool = False):
    """A Vuetify select with display labels (``items`` as ``(value, label)``)."""
    return solara.v.Select(
        label=label,
        v_model=value,
        items=[{"value": v, "text": t} for v, t in items],
        on_v_model=on_value,
        disabled=disabled,
        attach=False,
        class_="sim-select",
    )


@solara.component
def Controls() -> None:
    """The side bar: what to run, playing it, stories, the replay lever and the handout."""
    config = config_dir()
    is_playing = playing.value
    with solara.Column(gap="6px"):
        solara.HTML(tag="div", unsafe_innerHTML="Partnership", classes=["sim-section"])
        _select(
            "Case or scenario",
            scenario.value,
            [(n, scenario_words(n, noun=False)) for n in adapter.scenario_names(config)],
            lambda v: set_and_load(scenario, v),
        )
        _select("Levers on", policy.value, [(n, policy_label(n)) for n in adapter.policy_names(config)], lambda v: set_and_load(policy, v))
        with solara.Row():
            solara.InputInt("Seed", value=seed_box, on_value=lambda v: set_and_load(seed, v))
            solara.InputInt("Replication", value=replication_box, on_value=lambda v: set_and_load(replication, v))
        solara.HTML(tag="div", unsafe_innerHTML="Play", classes=["sim-section"])
        running = any(v.running for v in views.value)
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            solara.Button("Step", icon_name="mdi-step-forward", on_click=step_once, disabled=is_playing or not running, color="primary", outlined=True)
            solara.Button(
                "Pause" if is_playing else "Play",
                icon_name="mdi-pause" if is_playing else "mdi-play",
                on_click=toggle_play,
                disabled=not running and not is_playing,
                color="primary",
            )
            solara.Button("Reset", icon_name="mdi-restart", on_click=reset, outlined=True)
            solara.Button("To the end", icon_name="mdi-skip-forward", on_click=to_end, disabled=not running, outlined=True)
        solara.HTML(tag="div", unsafe_innerHTML="Speed, months a second", classes=["sim-small"])
        with solara.ToggleButtonsSingle(value=speed.value, on_value=speed.set, dense=True, classes=["sim-speed"]):
            for value in SPEEDS:
                solara.Button(str(value), value=value)
        solara.Switch(label=AUTO_PAUSE, value=auto_pause)
        solara.HTML(tag="div", unsafe_innerHTML="Stories", classes=["sim-section"])
        solara.HTML(tag="div", unsafe_innerHTML="A stored replication that fails for the case's own reason:", classes=["sim-small"])
        with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
            for case in adapter.case_list():
                solara.Button(f"Case {case.id}", on_click=lambda cid=case.id: tell_story(cid), small=True, outlined=True, classes=["sim-story"])
        solara.HTML(tag="div", unsafe_innerHTML="Replay with a lever", classes=["sim-section"])
        first = views.value[0] if views.value else None
        choices = adapter.replay_choices(scenario.value, first.enabled if first else ())
        if choices:
            chosen = replay_lever.value if replay_lever.value in dict(choices) else choices[0][0]
            levers = adapter.replay_levers(chosen)
            several = len(levers) > 1
            _select("Levers for the replay" if several else "Lever for the replay", chosen, choices, replay_lever.set)
            on_show = replay_on_show(views.value, levers)
            solara.Button(
                REPLAY_ON_SHOW if on_show else "Replay with these levers" if several else "Replay with this lever",
                icon_name="mdi-replay",
                on_click=lambda: replay(levers),
                disabled=on_show,
                color="primary",
            )
        else:
            solara.HTML(tag="div", unsafe_innerHTML=EVERY_LEVER_ON, classes=["sim-small"])
        solara.HTML(tag="div", unsafe_innerHTML="Handout", classes=["sim-section"])
        stem = f"{first.scenario}-seed{first.seed}-rep{first.replication}" if first else "handout"
        solara.FileDownload(lambda: current().handout(), filename=f"{stem}.md", label="Download the timeline (Markdown)", mime_type="text/markdown")
        solara.FileDownload(lambda: handout.pdf(current().handout()), filename=f"{stem}.pdf", label="Download the timeline (PDF)", mime_type="application/pdf")


@solara.component
def WhyPanel(view: RunView, offer_replay: bool) -> None:
    """ "Why did it end?": the cause in words, the key learning, and a replay with the matching lever (where the run has it
    on already, by its policy, a line saying so instead: the replay would be the same run)."""
    why = view.why
    assert why is not None
    levers, already_on = adapter.replay_offer(view)
    with solara.Card(WHY, classes=["sim-why"], margin=0, style={"border": "3px solid #0072B2"}):
        solara.HTML(tag="div", unsafe_innerHTML=why_html(why, compact=not offer_replay))
        if offer_replay and levers:
            solara.Button(adapter.replay_title(levers), icon_name="mdi-replay", on_click=lambda: replay(levers), color="primary", classes=["sim-replay"])
        elif offer_replay and already_on:
            solara.HTML(tag="div", unsafe_innerHTML=f'<p class="sim-small">{escape(already_on)}</p>')


@solara.component
def RunPanel(view: RunView, compact: bool = False, title: str = "", beside: Sequence[RunView] = (), said: str = "", place: int = 0) -> None:
    """One run: its month and ending, why it ended, the councils, the timeline, savings and the value each council sees.

    ``beside``: the runs shown next to it, whose charts share its axes. Not ``compact``: what happened last (or the notice
    ``said``) is written under the councils, both on the screen with the month (:data:`sim.viz.svg.AROUND`); ``compact``
    and ended while a run ``beside`` it plays on, its "Why did it end?" there instead (:func:`ended_html`). ``place``:
    which run on show it is (its timeline's events are keyed by it: :func:`event_key`).
    """
    together = [view, *beside]
    run = str(place)
    figure = {"margin": 0, "classes": ["sim-figure"]}
    with solara.Column(gap=f"{RUN_GAP if compact else 10}px", style={"min-width": "0"}, classes=["sim-run"] if compact else []):
        if title:
            solara.HTML(tag="div", unsafe_innerHTML=f'<div class="sim-card-title">{escape(title)}</div>')
        solara.HTML(tag="div", unsafe_innerHTML=status_html(view, compact), classes=["sim-status-box"])
        folded = folded_why(view, beside) if compact else None  # the other plays on: ended_html
        if view.why is not None and folded is None:
            WhyPanel(view, offer_replay=not compact)
        elif compact:  # its row of the pair kept (RUN_ROWS): the other run's "Why did it end?" may be there
            solara.HTML(tag="div", unsafe_innerHTML="")
        if compact:
            width = svg.drawing_width(len(view.councils), compact=True)
            charts = min(width, svg.NARROW)
            with solara.Card(**figure):
                solara.HTML(tag="div", unsafe_innerHTML=network_svg(view, width, replay_around(together)))
                now = ended_html(folded) if folded is not None else now_html(view, place=place, clamped=True)
                solara.HTML(tag="div", unsafe_innerHTML=now, classes=["sim-now"])
            with solara.Card("Timeline", margin=0):
                with solara.Div(classes=["sim-scroll-short"]):
                    Timeline.element(html=timeline_html(view.timeline, clamped=True, run=run, shown=opened.value))
            with solara.Card(**figure):
                solara.HTML(tag="div", unsafe_innerHTML=savings_svg(view, charts, top=savings_top(together)))
            with solara.Card(**figure):
                solara.HTML(tag="div", unsafe_innerHTML=value_svg(view, charts, scale=value_scale(together)))
            return
        with solara.Columns([1, 1], gutters_dense=True, classes=[*PAIR, *TOLD]):
            with solara.Card(**figure):
                solara.HTML(tag="div", unsafe_innerHTML=network_svg(view))
                solara.HTML(tag="div", unsafe_innerHTML=now_html(view, said), classes=["sim-now"])
            with solara.Card("Timeline", margin=0):
                with solara.Div(classes=["sim-scroll"]):
                    Timeline.element(html=timeline_html(view.timeline, run=run, shown=opened.value))
        with solara.Columns([1, 1], gutters_dense=True, classes=PAIR):
            with solara.Card(**figure):
                solara.HTML(tag="div", unsafe_innerHTML=savings_svg(view))
            with solara.Card(**figure):
                solara.HTML(tag="div", unsafe_innerHTML=value_svg(view))


def bar_note(said: str, shown: int) -> str:
    """What of the notice ``said`` the app bar shows with ``shown`` runs on show (:data:`BAR_NOTE`): a replay's note or a
    pause's, on a page of other than one run; nothing otherwise (the page shows the notice under the councils or above the runs)."""
    return said if shown != 1 and said.startswith((REPLAY, PAUSED)) else ""


def notice_above(said: str, shown: Sequence[RunView], bar: str) -> bool:
    """Whether the notice ``said`` stands above the runs ``shown`` (not in the app bar, where ``bar`` is it: :func:`bar_note`):
    on a page of two runs, and over a run that has ended, whose "Why did it end?" fills the screen above its councils.

    A single run's notice sits under its councils, with what it says of them (a pause, a story loaded); once the run had
    ended, a refusal there (a seed of -5 typed into the side bar) was below a 1024x768 screen, and the run seemed to take
    no notice of the value.
    """
    return bool(said) and not bar and (len(shown) != 1 or not shown[0].running)


@solara.component
def Page() -> None:
    """The whole page of ``sim-demo``: the side bar's controls and the run (or a run and its replay side by side), playing while asked."""
    solara.Style(CSS)
    current()
    shown = views.value

    rounds = solara.use_ref(0)  # which play of the session is the latest: a loop left over from the one before stops

    def play_loop() -> None:
        rounds.current += 1
        mine = rounds.current
        play_on(lambda: rounds.current == mine)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    solara.Title("Why shared services fail")
    bar = bar_note(notice.value, len(shown))
    with solara.AppBarTitle():
        if bar:  # a replay's note in the title's place
            solara.HTML(tag="div", unsafe_innerHTML=escape(bar), classes=BAR_NOTE)
        else:
            first = shown[0] if shown else None
            month = f" - month {first.month}: {first.outcome_words}" if first else ""
            if len(shown) > 1:
                month += f" | {adapter.lower_first(adapter.run_name(shown[1].levers))}: {shown[1].outcome_words}"
            solara.Text(f"Why shared services fail{month}")
    with solara.Sidebar():
        Controls()
    ToTop.element().key(f"to-top-{current().number}")  # a new stage (a replay, a reset, a case) shows from its month, not where its button was
    above = notice_above(notice.value, shown, bar)
    if above:
        solara.HTML(tag="div", unsafe_innerHTML=escape(notice.value), classes=["sim-notice"])
    if len(shown) == 1:
        RunPanel(shown[0], said="" if above else notice.value)
    elif len(shown) > 1:
        original, treated = shown[0], shown[1]
        if not original.running and not treated.running:
            solara.HTML(tag="div", unsafe_innerHTML=comparison_html(original, treated), classes=["sim-compare"])
        with solara.Div(classes=runs(len(original.councils))):
            RunPanel(original, compact=True, title=adapter.run_name(original.levers), beside=(treated,))
            RunPanel(treated, compact=True, title=adapter.replay_title(treated.levers), beside=(original,), place=1)

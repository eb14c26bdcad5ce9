"""Councils are Mesa agents that read and write their column of the kernel state, and leave through ``agent.remove()``."""

from __future__ import annotations

import functools

import mesa
import numpy as np
import pandas as pd
import pytest
from conftest import flat_state

from sim.config import scenarios
from sim.core import decisions, triggers
from sim.core.layout import layout
from sim.core.params import TIERS
from sim.frontends.agents import DRAWN, LIVE, Council, most_taken, taken_words
from sim.frontends.ensemble import run_ensemble
from sim.frontends.model import PartnershipModel
from sim.frontends.narrative import GAVE_NOTICE, decided, tell

SEED = 0


@functools.cache
def baseline_table() -> pd.DataFrame:
    """200 replications of the baseline (seed :data:`SEED`), one row each."""
    return run_ensemble(scenarios.load(), 200, SEED)


@functools.cache
def with_an_exit() -> tuple[int, int, int]:
    """A replication of the baseline where a council leaves well before the end: (replication, council, exit month)."""
    table = baseline_table()
    k = len(scenarios.load().councils)
    for row in table.itertuples():
        for j in range(k):
            month = getattr(row, f"c{j}_exit_month")
            if 0 < month < row.end_month - 1:
                return row.rep, j, month
    raise AssertionError("no replication of the baseline has a council leaving before the end")


def run_to(model: PartnershipModel, month: int) -> None:
    while model.running and model.month < month:
        model.step()


def test_every_council_is_an_agent_at_the_start() -> None:
    model = PartnershipModel(seed=SEED, replication=1)
    assert len(model.agents) == model.config.n_councils == len(model.councils)
    assert all(isinstance(a, Council) for a in model.agents)
    assert [c.name for c in model.councils] == model.names == [c.name for c in model.config.councils]
    assert [c.index for c in model.councils] == list(range(model.config.n_councils))


def test_live_attributes_read_the_kernel_state() -> None:
    model = PartnershipModel(seed=SEED, replication=4)
    run_to(model, 30)
    s = model.state
    for c in model.councils:
        k = c.index
        assert c.it_maturity == s.council["it_maturity"][0, k]
        assert c.orientation == s.council["orientation"][0, k]
        assert c.sovereignty_concern == s.council["sovereignty"][0, k]
        assert c.key_person_present == s.mech("case01")["present"][0, k]
        assert c.active == s.active[0, k]
        assert c.notice == s.council["notice"][0, k]
        assert c.exit_month == s.council["exit_month"][0, k]
        assert c.exit_cause == layout().label(int(s.council["exit_cause"][0, k]))
        assert c.exit_trigger == triggers.label(int(s.council["exit_trigger"][0, k]))
        assert c.value_seen == pytest.approx(decisions.value_seen(s.arrays, model.P, 0, k, s.month))
        assert c.value_seen == pytest.approx(1 + decisions.enthusiasm(model.P, 0, s.month) - s.value_lost[:, 0, k].sum())
        assert c.outside_option == pytest.approx(decisions.outside(s.arrays, model.P, 0))
        for other in model.councils:
            expected = s.trust[0, k, other.index] if s.pairs[0, k, other.index] else np.nan
            np.testing.assert_equal(c.trust_in(other), expected)
        assert c.trust == {p.name: s.trust[0, k, p.index] for p in c.partners}
        lost = s.value_lost[:, 0, k]
        assert sum(c.taken.values()) == pytest.approx(lost[lost > 1e-9].sum())
        assert list(c.taken.values()) == sorted(c.taken.values(), reverse=True)


def test_a_council_explains_how_it_would_weigh_the_partnership() -> None:
    table = baseline_table()
    running = next(r.rep for r in table.itertuples() if 0 <= r.launch_month < 30 < r.end_month)
    model = PartnershipModel(seed=SEED, replication=running)
    run_to(model, 30)
    assert model.running
    council = next(c for c in model.councils if c.active)
    text = council.explain_exit()
    assert council.name in text and f"{council.value_seen:.2f}" in text and f"{council.outside_option:.2f}" in text
    assert "would probably" in text and "chance of giving notice" in text
    replication, k, month = with_an_exit()
    gone = PartnershipModel(seed=SEED, replication=replication)
    run_to(gone, month)
    leaver = gone.councils[k]
    assert not leaver.active and 0 <= leaver.noticed < month, "this replication's leaver served a notice"
    assert leaver.explain_exit().startswith(f"{leaver.name} gave notice in month {leaver.noticed}, after ")
    assert f", and left in month {month}; mostly " in leaver.explain_exit()
    assert leaver.exit_trigger != "none" and triggers.WORDS[triggers.Trigger(triggers.LABELS.index(leaver.exit_trigger))][1] in leaver.explain_exit()


def test_a_council_with_no_partnership_left_to_weigh_says_what_ended_it() -> None:
    """After a shelved proposal every council said it "sees the partnership as worth 1.14 of what it promised ... Weighing
    it at a review now, it would probably stay (chance of giving notice 0%)", and the council still in a collapsed
    partnership that it "would probably stay": there was no partnership to weigh. Each now says what ended it, as the
    timeline's last line does."""
    table = baseline_table()
    for outcome in ("shelved", "collapsed"):
        row = next(r for r in table.itertuples() if r.outcome == outcome and any(getattr(r, f"c{k}_exit_month") < 0 for k in range(4)))
        model = PartnershipModel(seed=SEED, replication=row.rep)
        run_to(model, row.end_month + 1)
        assert model.outcome == outcome and model.month == row.end_month
        last = model.events.lines()[-1].removeprefix(f"Month {row.end_month} - ").removeprefix("the partnership - ")
        ending = last.replace(",", f" in month {row.end_month},", 1)
        stayed = [c for c in model.councils if c.active]
        assert stayed
        for council in stayed:
            text = council.explain_exit()
            assert "would probably" not in text and "chance of giving notice" not in text, text
            assert f"{ending}." in text, (ending, text)
            if outcome == "collapsed":
                assert text.startswith(f"{council.name} did not leave: ") and f"worth {council.value_seen:.2f} of what it promised" in text
            else:
                assert text.startswith(f"{council.name} never had a partnership to weigh: ")


def test_a_council_before_the_proposal_is_decided_gives_no_chance_of_giving_notice() -> None:
    """In month 5, before any council had approved the proposal, each said "Weighing it at a review now, it would probably stay
    (chance of giving notice 0%)": there was no agreement to review or give notice on."""
    launched = next(r for r in baseline_table().itertuples() if r.outcome != "shelved" and r.launch_month > 5)
    model = PartnershipModel(seed=SEED, replication=launched.rep)
    run_to(model, 5)
    assert model.phase == "proposal"
    for council in model.councils:
        text = council.explain_exit()
        assert text.startswith(f"{council.name} has no partnership to leave yet: the proposal is still before the councils (month 5). ")
        assert "notice" not in text and "review" not in text and f"worth {council.value_seen:.2f} of what it promised" in text


def test_a_council_that_left_says_why_as_the_timeline_says_its_notice_and_its_exit() -> None:
    """It said "mostly Over-dependency on key personnel (case 01)", a capital in mid-sentence, built apart from the
    timeline's "left the partnership, after ...; mostly over-dependency ...". And a council that gave notice in month 42
    after a budget shock and left in month 54 said "Northdale DC left in month 54, after a budget shock", as if the shock
    had come in month 54: it now says when it gave notice, after what (the timeline's notice line), and when it left."""
    replication, k, month = with_an_exit()
    gone = PartnershipModel(seed=SEED, replication=replication)
    run_to(gone, month)
    leaver = gone.councils[k]

    def told(what: decisions.Ev):
        line = next(s for s in gone.events.stretches() if s.entry.what == decisions.EVENTS[what].what and leaver.name in s.councils)
        return line.first, tell(line.first, line.last, line.councils, line.entry, line.total)

    noticed, notice = told(decisions.Ev.GAVE_NOTICE)
    left, exit_line = told(decisions.Ev.LEFT)
    assert noticed < left == month and notice.after and exit_line.why
    expected = f"{leaver.name} gave notice in month {noticed}, after {notice.after}, and left in month {month}; mostly {exit_line.why}."
    assert leaver.explain_exit() == expected


def test_the_timeline_says_a_council_left_on_the_notice_it_gave_earlier_not_after_its_trigger_as_it_left() -> None:
    """Seed 0's first such replication: "Month 54 - Northdale DC - left the partnership, after a budget shock", below the
    month 42 notice the budget shock had opened, read alone as if the shock had come as it left."""
    replication, k, month = with_an_exit()
    gone = PartnershipModel(seed=SEED, replication=replication)
    run_to(gone, month)
    leaver = gone.councils[k]
    notice = gone.events.notice(leaver.name, month)
    assert notice is not None and notice.month < month and notice.trigger
    after = decided(GAVE_NOTICE, notice.trigger, notice.cause).after
    said = f"Month {month} - {leaver.name} - left the partnership, on the notice it gave in month {notice.month} (after {after}); mostly "
    (exit_line,) = (text for text in gone.events.lines() if text.startswith(f"Month {month} - {leaver.name} - left"))
    assert exit_line.startswith(said)


def test_what_has_taken_the_value_a_council_sees_reads_on_the_promises_scale() -> None:
    taken = (("Misaligned aspirations (case 03)", 0.35), ("Over-dependency on key personnel (case 01)", 0.004))
    assert taken_words(taken) == "misaligned aspirations (case 03), 0.35 of the promise; over-dependency on key personnel (case 01), less than 0.01"
    assert taken_words(()) == ""
    model = PartnershipModel("case03_misaligned_aspirations", seed=SEED)
    run_to(model, 40)
    council = model.councils[0]
    most = most_taken(model.state.value_lost[:, 0, council.index])
    plan = layout()
    assert most == tuple((plan.causes[plan.cause_index[label]].words, value) for label, value in list(council.taken.items())[:3])
    assert f"Taken so far: {taken_words(most)}. " in council.explain_exit()
    assert "Taken so far: misaligned aspirations (case 03), 0.13 of the promise; " in council.explain_exit()


def test_drawn_attributes_are_the_councils_of_the_replication() -> None:
    model = PartnershipModel(seed=SEED, replication=4)
    for c in model.councils:
        for name, choices in DRAWN.items():
            value = model.P.council[name][0, c.index]
            assert getattr(c, name) == (choices[value] if choices else value)
        assert c.tier in TIERS
    assert {"size", "risk_appetite", "pace", "champion", "guarantee", "budget_month"} <= set(DRAWN)
    assert not set(LIVE) & set(DRAWN) and "name" not in DRAWN


def test_drawn_attributes_refuse_assignment() -> None:
    council = PartnershipModel(seed=SEED).councils[0]
    with pytest.raises(AttributeError, match="drawn for the run"):
        council.size = 3.0
    with pytest.raises(AttributeError, match="drawn for the run"):
        council.champion = "specialist"


def test_writes_reach_the_kernel_and_change_the_next_month() -> None:
    model = PartnershipModel(seed=SEED, replication=4)
    run_to(model, 20)
    council = model.councils[1]
    council.it_maturity = 0.9
    council.set_trust_in(0, 0.1)
    assert model.state.council["it_maturity"][0, 1] == 0.9
    assert model.state.trust[0, 1, 0] == 0.1
    model.state.council["notice"][0, 1] = 1  # a what-if: the council has given notice, which runs out this month
    month = model.month
    model.step()
    assert council.exit_month == month + 1
    assert council not in model.agents
    assert council in model.councils
    assert not council.active
    assert council.partners == []


def test_writes_are_checked() -> None:
    council = PartnershipModel(seed=SEED).councils[0]
    with pytest.raises(ValueError, match="outside"):
        council.it_maturity = 1.5
    with pytest.raises(ValueError, match="outside"):
        council.sovereignty_concern = -0.1
    with pytest.raises(ValueError, match="not a current partner"):
        council.set_trust_in(council, 0.5)


def test_a_council_that_leaves_is_removed() -> None:
    replication, k, month = with_an_exit()
    model = PartnershipModel(seed=SEED, replication=replication)
    council = model.councils[k]
    run_to(model, month - 1)
    assert council in model.agents
    model.step()
    assert model.month == month
    assert council not in model.agents
    assert {a.index for a in model.agents} == set(np.flatnonzero(model.state.active[0]))
    assert len(model.agents) == model.partners
    assert council.exit_month == month and council.exit_cause != "none" and council.exit_trigger != "none"
    agents = model.datacollector.get_agent_vars_dataframe()
    rows = agents.xs(council.unique_id, level="AgentID")
    assert rows.index.max() == month
    assert rows.exit_month.iloc[-1] == month and (rows.exit_month.iloc[:-1] == -1).all()
    model.step()
    assert council.unique_id not in agents.index.get_level_values("AgentID")[agents.index.get_level_values("Step") > month]


def test_agentset_select_agg_groupby() -> None:
    model = PartnershipModel(seed=SEED, replication=4)
    run_to(model, 40)
    vacant = model.agents.select(lambda a: not a.key_person_present)
    s = model.state
    assert {a.index for a in vacant} == set(np.flatnonzero(s.active[0] & ~s.mech("case01")["present"][0]))
    assert model.agents.agg("value_seen", min) == pytest.approx(model.min_value_seen)
    assert model.agents.agg("value_seen", np.mean) == pytest.approx(model.mean_value_seen)
    assert model.notices == sum(a.notice > 0 for a in model.agents)
    by_tier = model.agents.groupby("tier")
    assert sum(len(group) for _, group in by_tier) == len(model.agents)
    assert set(model.agents.get("name")) == {c.name for c in model.councils if c.active}


def test_a_mesa_users_loop_reads_as_the_readme_says() -> None:
    """What README's "If you know Mesa" says: a step is a month, councils take no step of their own, and a DataCollector
    of the user's own sees a leaving council last in the month before it leaves (the model's own records its exit month)."""
    replication, k, month = with_an_exit()
    model = PartnershipModel(seed=SEED, replication=replication)
    mine = mesa.DataCollector(agent_reporters={"value_seen": "value_seen"})
    mine.collect(model)
    while model.running and model.month < month:
        before = {name: value.copy() for name, value in flat_state(model.state).items()}
        model.agents.shuffle_do("step")
        assert all(np.array_equal(value, before[name]) for name, value in flat_state(model.state).items())
        model.step()
        mine.collect(model)
        assert model.steps == model.time == model.month
    leaver = model.councils[k].unique_id
    assert mine.get_agent_vars_dataframe().xs(leaver, level="AgentID").index.max() == month - 1
    assert model.datacollector.get_agent_vars_dataframe().xs(leaver, level="AgentID").index.max() == month
    ours = PartnershipModel(seed=SEED, replication=replication)
    ours.datacollector = mesa.DataCollector(agent_reporters={"value_seen": "value_seen"})
    ours.datacollector.collect(ours)
    run_to(ours, month + 1)
    assert ours.datacollector.get_agent_vars_dataframe().xs(leaver, level="AgentID").index.max() == month


def test_a_council_that_left_on_its_notice_knows_the_month_it_gave_it() -> None:
    """The month a council gave the notice it left on had one home, the trainer's page, which scanned the log itself;
    :attr:`Council.noticed` reads it from the model's log (:meth:`~sim.frontends.narrative.EventLog.notice`)."""
    replication, k, month = with_an_exit()
    gone = PartnershipModel(seed=SEED, replication=replication)
    run_to(gone, month)
    leaver = gone.councils[k]
    gave = [e.month for e in gone.events.entries if e.council == leaver.name and e.what == decisions.EVENTS[decisions.Ev.GAVE_NOTICE].what]
    assert not leaver.active and gave and leaver.noticed == gave[-1] <= month
    assert all(c.noticed == -1 for c in gone.councils if c.active)

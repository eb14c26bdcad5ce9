"""Councils are Mesa agents that read and write their column of the kernel state, and leave through ``agent.remove()``."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from sim.config import scenarios
from sim.core.layout import layout
from sim.core.params import TIERS
from sim.frontends.agents import DRAWN, LIVE, Council
from sim.frontends.ensemble import run_ensemble
from sim.frontends.model import PartnershipModel

SEED = 0


@functools.cache
def with_an_exit() -> tuple[int, int, int]:
    """A replication of the baseline where a council leaves well before the end: (replication, council, exit month)."""
    table = run_ensemble(scenarios.load(), 200, SEED)
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
        assert c.commitment == s.council["commitment"][0, k]
        assert c.it_maturity == s.council["it_maturity"][0, k]
        assert c.orientation == s.council["orientation"][0, k]
        assert c.sovereignty_concern == s.council["sovereignty"][0, k]
        assert c.key_person_present == s.mech("case01")["present"][0, k]
        assert c.active == s.active[0, k]
        assert c.exit_month == s.council["exit_month"][0, k]
        assert c.exit_cause == layout().label(int(s.council["exit_cause"][0, k]))
        for other in model.councils:
            expected = s.trust[0, k, other.index] if s.pairs[0, k, other.index] else np.nan
            np.testing.assert_equal(c.trust_in(other), expected)
        assert c.trust == {p.name: s.trust[0, k, p.index] for p in c.partners}
        assert sum(c.losses.values()) == pytest.approx(s.commitment_lost[:, 0, k].sum())


def test_drawn_attributes_are_the_councils_of_the_replication() -> None:
    model = PartnershipModel(seed=SEED, replication=4)
    for c in model.councils:
        for name, choices in DRAWN.items():
            value = model.P.council[name][0, c.index]
            assert getattr(c, name) == (choices[value] if choices else value)
        assert c.tier in TIERS
    assert {"size", "risk_appetite", "pace", "exit_threshold"} <= set(DRAWN)
    assert not set(LIVE) & set(DRAWN) and "name" not in DRAWN


def test_writes_reach_the_kernel_and_change_the_next_month() -> None:
    model = PartnershipModel(seed=SEED, replication=4)
    run_to(model, 20)
    council = model.councils[1]
    council.commitment = 0.05
    council.it_maturity = 0.9
    council.set_trust_in(0, 0.1)
    assert model.state.council["commitment"][0, 1] == 0.05
    assert model.state.council["it_maturity"][0, 1] == 0.9
    assert model.state.trust[0, 1, 0] == 0.1
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
        council.commitment = 1.5
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
    assert council.exit_month == month and council.exit_cause != "none"
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
    assert model.agents.agg("commitment", min) == model.min_commitment
    assert model.agents.agg("commitment", np.mean) == pytest.approx(model.mean_commitment)
    by_tier = model.agents.groupby("tier")
    assert sum(len(group) for _, group in by_tier) == len(model.agents)
    assert set(model.agents.get("name")) == {c.name for c in model.councils if c.active}

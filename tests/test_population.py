"""Parameters as arrays: fixed values, each replication's own draws, several points in one batch."""

from __future__ import annotations

import numpy as np
import pytest

from sim import population
from sim.core import levers
from sim.core.declare import spec_of
from sim.core.layout import layout
from sim.core.params import ELECTION_CYCLES, GOVERNANCE, TIERS, CouncilParams, PartnershipParams

#: Position of each mechanism's parameters in ``P.mech`` (registry order).
MECH = {m.name: j for j, m in enumerate(layout().mechanisms)}


def test_fixed_values_become_arrays_and_categories_codes(config):
    cfg = config(k=3, columns={"tier": ["district", "county", "unitary"], "size": [1.0, 4.0, 2.0]}, partnership={"governance": "trading_company"})
    P = population.build(cfg, 0, np.arange(5))
    assert P.council.shape == (5, 3) and P.partnership.shape == (5,) and P.council["size"].shape == (5, 3)
    np.testing.assert_array_equal(P.council["tier"][0], [TIERS.index(t) for t in ("district", "county", "unitary")])
    assert P.council["tier"].dtype.kind == "i" and P.council["contract_end_month"].dtype.kind == "i"
    assert (P.partnership["governance"] == GOVERNANCE.index("trading_company")).all()
    assert (P.council["election_cycle"] == ELECTION_CYCLES.index("all_out")).all()
    np.testing.assert_array_equal(P.council["size"], [[1.0, 4.0, 2.0]] * 5)
    assert P.mech[MECH["case04"]]["enabled"].dtype == bool and P.mech[MECH["case04"]]["enabled"].all()
    assert P.lever["enabled"].shape == (5, len(levers.NAMES)) and P.lever["enabled"].dtype == bool
    assert not P.lever["enabled"][:, levers.CONTINUITY_PLAN].any()


def test_each_lever_has_its_column_in_the_order_of_the_lever_table(config):
    cfg = config(levers={"market_testing": {"enabled": True, "strength": 0.4, "start_month": 6}})
    P = population.build(cfg, 0, np.arange(2))
    on = np.zeros((2, len(levers.NAMES)), bool)
    on[:, levers.MARKET_TESTING] = True
    np.testing.assert_array_equal(P.lever["enabled"], on)
    assert (P.lever["strength"][:, levers.MARKET_TESTING] == 0.4).all() and (P.lever["start_month"][:, levers.MARKET_TESTING] == 6).all()
    np.testing.assert_array_equal(P.lever["cost_upfront"][0], [lever.cost_upfront for lever in levers.LEVERS])


def test_one_record_array_per_section_and_one_per_mechanism_in_registry_order(config):
    P = population.build(config(k=3), 0, np.arange(4))
    assert P._fields == ("council", "partnership", "dynamics", "decisions", "exogenous", "lever", "mech")
    assert (P.dynamics.shape, P.decisions.shape, P.exogenous.shape, P.lever.shape) == ((4,), (4,), (4,), (4, len(levers.NAMES)))
    assert len(P.mech) == len(layout().mechanisms)
    for m, q in zip(layout().mechanisms, P.mech, strict=True):
        assert q.shape == (4,) and set(q.dtype.names) == {f for f in m.params.__dataclass_fields__}
    assert "name" not in P.council.dtype.names  # free text stays out of the records
    assert spec_of(CouncilParams, "tier").choices == TIERS and spec_of(PartnershipParams, "horizon_months").choices == ()


@pytest.fixture
def drawn(config):
    nodes = {"it_maturity": {"dist": "beta", "a": 2, "b": 5}, "tier": {"dist": "choice", "values": ["district", "county"]}}
    return config(k=2, council=nodes, partnership={"promised_savings": {"dist": "uniform", "low": 0.5, "high": 3.0}})


def test_each_replication_and_council_draws_its_own_values(drawn):
    P = population.build(drawn, 3, np.arange(200))
    x = P.council["it_maturity"]
    assert len(np.unique(x)) == x.size and np.all((x >= 0) & (x <= 1))
    assert abs(x.mean() - 2 / 7) < 0.05
    assert set(np.unique(P.council["tier"])) == {TIERS.index("district"), TIERS.index("county")}
    assert np.all((P.partnership["promised_savings"] >= 0.5) & (P.partnership["promised_savings"] <= 3.0))
    assert len(np.unique(P.partnership["promised_savings"])) == 200


def test_a_replication_draws_the_same_partnership_alone_or_in_a_batch(drawn):
    batch = population.build(drawn, 3, np.arange(10, 30))
    alone = population.build(drawn, 3, np.array([17]))
    np.testing.assert_array_equal(alone.council["it_maturity"][0], batch.council["it_maturity"][7])
    np.testing.assert_array_equal(alone.partnership["promised_savings"][0], batch.partnership["promised_savings"][7])
    other_seed = population.build(drawn, 4, np.array([17]))
    assert other_seed.council["it_maturity"][0, 0] != alone.council["it_maturity"][0, 0]


def test_each_point_of_a_design_gets_its_own_parameters(config):
    a = config(partnership={"horizon_months": 24}, columns={"it_maturity": [0.2, 0.4]})
    b = config(partnership={"horizon_months": 36}, columns={"it_maturity": [0.6, 0.8]}, mechanisms={"case04": {"enabled": False}})
    P = population.build([a, b], 0, np.arange(4), point_of_rep=np.array([1, 0, 0, 1]))
    np.testing.assert_array_equal(P.partnership["horizon_months"], [36, 24, 24, 36])
    np.testing.assert_array_equal(P.council["it_maturity"], [[0.6, 0.8], [0.2, 0.4], [0.2, 0.4], [0.6, 0.8]])
    np.testing.assert_array_equal(P.mech[MECH["case04"]]["enabled"], [False, True, True, False])


def test_points_need_the_same_number_of_councils(config):
    with pytest.raises(ValueError, match="same number of councils"):
        population.build([config(k=2), config(k=3)], 0, np.arange(2), point_of_rep=np.array([0, 1]))

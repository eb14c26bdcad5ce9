"""Designs: the value each point runs with, read from a row and the base configuration."""

from __future__ import annotations

from sim.frontends import design


def test_an_empty_cell_records_the_base_value_its_point_keeps():
    base = {"partnership": {"commercial_capability": {"dist": "beta", "a": 2, "b": 4}, "horizon_months": 60}, "councils": [{"it_maturity": 0.4}]}
    columns = ["councils.0.it_maturity", "partnership.horizon_months", "partnership.commercial_capability", "councils.3.it_maturity", "seed"]
    row = {"councils.0.it_maturity": 0.7}
    assert design.filled(base, row, columns) == {
        "councils.0.it_maturity": 0.7,
        "partnership.horizon_months": 60,
        "partnership.commercial_capability": {"dist": "beta", "a": 2, "b": 4},
    }
    assert design.get_path(base, "councils.0.it_maturity") == 0.4 and design.get_path(base, "councils.1.it_maturity") is None
    assert design.get_path(base, "partnership.horizon_months.x") is None

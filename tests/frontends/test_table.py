"""The replication table as numpy columns: categorical codes with labels, selection, concatenation and pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.frontends.table import Table, input_path, input_title


def table() -> Table:
    return Table({"rep": np.arange(3), "outcome": np.array([1, -1, 0]), "x": np.array([0.5, 1.5, 2.5])}, {"outcome": ("shelved", "collapsed")})


def test_values_turn_codes_into_labels_and_missing_into_empty_text():
    t = table()
    assert len(t) == 3 and len(Table({})) == 0
    assert t.values("outcome").tolist() == ["collapsed", "", "shelved"]
    assert t.values("x") is t.columns["x"]


def test_select_and_concat_keep_labels():
    t = table().select(["outcome", "rep"])
    assert list(t.columns) == ["outcome", "rep"] and t.labels == {"outcome": ("shelved", "collapsed")}
    both = Table.concat([t, t])
    assert both.columns["rep"].tolist() == [0, 1, 2, 0, 1, 2] and both.labels == t.labels


def test_pandas_with_categoricals():
    frame = table().to_pandas()
    assert list(frame.columns) == ["rep", "outcome", "x"]
    assert list(frame["outcome"].cat.categories) == ["shelved", "collapsed"]
    assert frame["outcome"].tolist()[0] == "collapsed" and pd.isna(frame["outcome"].iloc[1])


def test_an_input_column_is_titled_by_its_council_and_its_declared_meaning():
    """A replication table's column or a sweep's path reads as the parameter's meaning, after its council's name; any other column as it is."""
    names = ["Northdale DC", "Westmere DC", "Southby DC", "Eastshire"]
    assert input_path("c1_size") == "councils.1.size" and input_path("governance") == "partnership.governance"
    assert input_path("decisions.memory") == "decisions.memory" and input_path("c1_nonsense") == "c1_nonsense"
    assert input_title("c1_size", names).startswith("Westmere DC: share of the partnership")
    assert input_title("c3_guarantee", names).startswith("Eastshire: business the council guarantees")
    assert input_title("councils.0.it_maturity", names).startswith("Northdale DC: maturity of the council's IT")
    assert input_title("c5_pace", names) == "council 6: energy and pace of change"
    assert input_title("governance") == "legal form of the partnership"
    assert input_title("scenario") == "scenario"

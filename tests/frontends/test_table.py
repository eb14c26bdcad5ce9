"""The replication table as numpy columns: categorical codes with labels, selection, concatenation and pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.frontends.table import Table


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

"""A comparison of policies that prints as ``sim-compare``'s text (:func:`sim.compare` returns one).

Kept apart from :mod:`sim.analysis.comparison`, which must not import pandas when it is imported.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.comparison import render, render_uncertainty


class Comparison(pd.DataFrame):
    """A comparison (a pandas DataFrame, one row per policy, the reference first) that reads as ``sim-compare``'s text.

    ``print(comparison)`` shows the sentences and tables ``sim-compare`` prints (the frame's
    columns are in ``docs/results.md``); a notebook's display, ``repr`` and every other use are a
    DataFrame's own. A frame made from it (a slice, a selection, a copy) is a plain DataFrame.
    """

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def __str__(self) -> str:
        mode = str(self.attrs.get("uncertainty", "none"))
        return render(self) + "\n" + render_uncertainty(self, self.attrs.get("ranking", {}), mode)

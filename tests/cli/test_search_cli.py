"""``sim-search``'s checks before anything runs."""

from __future__ import annotations

import importlib.util

from sim.cli import search


def test_tuning_without_optuna_names_the_package_to_install(monkeypatch, capsys) -> None:
    """It said ``pip install -e '.[search]'``, which works only in a checkout of the source, not for an installed package."""
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None if name == "optuna" else find_spec(name, *args))
    assert search.main(["tune=3"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: tune = 3 needs Optuna, which is not installed: pip install 'partnership-sim[search]' (or tune=0: on/off combinations only)"
    ]

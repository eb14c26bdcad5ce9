"""Golden numbers: key figures for fixed seeds must not change unless the model version does.

When a change of results is intended: bump ``sim.__version__``, note it in CHANGELOG.md and
run ``python -m experiments.golden`` to regenerate ``tests/baseline.json``.
"""

from __future__ import annotations

import json

import pytest

from experiments import golden
from sim import __version__

RECORDED = json.loads(golden.BASELINE.read_text(encoding="utf-8"))
HOW = "if the change is intended: bump sim.__version__, note it in CHANGELOG.md and run `python -m experiments.golden`"


@pytest.mark.parametrize("entry", RECORDED["cases"], ids=lambda e: golden.case_name(e["case"]))
def test_key_figures_are_unchanged(entry):
    assert entry["case"]["scenario"] in golden.available("scenario"), f"scenario of {golden.case_name(entry['case'])} no longer exists; {HOW}"
    changed = golden.differences(golden.case_name(entry["case"]), entry["figures"], golden.figures(entry["case"]))
    assert not changed, "golden figures changed:\n" + "\n".join(changed) + f"\n{HOW}"


def test_baseline_belongs_to_this_model_version():
    assert RECORDED["model_version"] == __version__, f"tests/baseline.json was made for model {RECORDED['model_version']}; {HOW}"


def test_every_named_scenario_has_golden_numbers():
    recorded = {e["case"]["scenario"] for e in RECORDED["cases"]}
    assert set(golden.available("scenario")) <= recorded, "scenarios without golden numbers; run `python -m experiments.golden`"


SMALL = [{"scenario": "baseline", "policy": "none", "seed": 1, "replications": 40}]


@pytest.mark.slow
def test_regenerating_refuses_changed_figures_under_the_same_version(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(golden, "default_cases", lambda: SMALL)
    path = tmp_path / "baseline.json"
    assert golden.main(["--file", str(path)]) == 0
    assert golden.main(["--file", str(path), "--check"]) == 0
    data = json.loads(path.read_text())
    data["cases"][0]["figures"]["outcomes"]["collapsed"] += 1
    path.write_text(json.dumps(data))
    assert golden.main(["--file", str(path), "--check"]) == 1
    assert "baseline/none.outcomes.collapsed" in capsys.readouterr().out
    assert golden.main(["--file", str(path)]) == 1
    assert "bump sim.__version__" in capsys.readouterr().err
    assert golden.main(["--file", str(path), "--force"]) == 0
    data["model_version"] = "0.0.1"
    path.write_text(json.dumps(data))
    assert golden.main(["--file", str(path)]) == 0


def test_floats_compare_with_a_tight_relative_tolerance():
    assert golden.differences("x", {"a": 1.0, "b": 2}, {"a": 1.0 + 1e-12, "b": 2}) == []
    assert golden.differences("x", {"a": 1.0}, {"a": 1.0 + 1e-6}) == ["x.a: 1.0 -> 1.000001"]
    assert golden.differences("x", {"a": 1}, {}) == ["x.a: 1 -> None"]

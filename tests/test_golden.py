"""Golden numbers: key figures for fixed seeds must not change unless the model version does.

When a change of results is intended: bump the model version (``sim/core/version.py``), note
it in CHANGELOG.md and run ``python experiments/golden.py`` to regenerate ``tests/baseline.json``.
``experiments/golden.py`` is a script, not a package: it is loaded here from its path.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim import __version__

SCRIPT = Path(__file__).resolve().parents[1] / "experiments" / "golden.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("golden", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


golden = _load_script()
RECORDED = json.loads(golden.BASELINE.read_text(encoding="utf-8"))
HOW = "if the change is intended: bump sim/core/version.py, note it in CHANGELOG.md and run `python experiments/golden.py`"


def test_the_script_keeps_its_baseline_next_to_the_tests():
    assert golden.BASELINE == Path(__file__).resolve().parent / "baseline.json"


@pytest.mark.parametrize("entry", RECORDED["cases"], ids=lambda e: golden.case_name(e["case"]))
def test_key_figures_are_unchanged(entry):
    assert entry["case"]["scenario"] in golden.available("scenario"), f"scenario of {golden.case_name(entry['case'])} no longer exists; {HOW}"
    changed = golden.differences(golden.case_name(entry["case"]), entry["figures"], golden.figures(entry["case"]))
    assert not changed, "golden figures changed:\n" + "\n".join(changed) + f"\n{HOW}"


def test_baseline_belongs_to_this_model_version():
    assert RECORDED["model_version"] == __version__, f"tests/baseline.json was made for model {RECORDED['model_version']}; {HOW}"


def test_every_named_scenario_has_golden_numbers():
    recorded = {e["case"]["scenario"] for e in RECORDED["cases"]}
    assert set(golden.available("scenario")) <= recorded, "scenarios without golden numbers; run `python experiments/golden.py`"


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
    assert "bump sim/core/version.py" in capsys.readouterr().err
    assert golden.main(["--file", str(path), "--force"]) == 0
    data["model_version"] = "0.0.1"
    path.write_text(json.dumps(data))
    assert golden.main(["--file", str(path)]) == 0


@pytest.mark.slow
def test_it_runs_as_a_script():
    done = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "--check" in done.stdout and "--force" in done.stdout


def test_floats_compare_with_a_tight_relative_tolerance():
    assert golden.differences("x", {"a": 1.0, "b": 2}, {"a": 1.0 + 1e-12, "b": 2}) == []
    assert golden.differences("x", {"a": 1.0}, {"a": 1.0 + 1e-6}) == ["x.a: 1.0 -> 1.000001"]
    assert golden.differences("x", {"a": 1}, {}) == ["x.a: 1 -> None"]

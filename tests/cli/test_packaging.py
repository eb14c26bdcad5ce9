"""The package ships its configs: a plain (non-editable) install finds every scenario and policy."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
def test_wheel_contains_every_config(tmp_path: Path) -> None:
    # from a clean copy: setuptools reuses a build/ folder and would ship stale modules left in it by an earlier build
    source = tmp_path / "source"
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "outputs", "multirun", ".*cache")
    )
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), str(source)], capture_output=True, text=True, timeout=600
    )
    assert built.returncode == 0, built.stderr
    # every folder of the tree is a listed package: one that is not (configs/scenario, docs/validation...) made setuptools
    # print twenty lines each, "Package would be ignored", to anyone building the package from its source
    assert "Package would be ignored" not in built.stdout + built.stderr
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "configs").rglob("*.yaml"):
        assert f"sim/configs/{path.relative_to(ROOT / 'configs').as_posix()}" in names
    # the commands live in the package now; experiments/ holds scripts and is not shipped
    assert {"sim/cli/run.py", "sim/cli/compare.py", "sim/cli/validate.py", "sim/core/mechanisms/__init__.py"} <= names
    assert {"sim/viz/app.py", "sim/viz/adapter.py", "sim/viz/stories.py", "sim/viz/stories.json", "sim/viz/cli.py"} <= names
    assert not any(name.startswith(("experiments/", "tests/")) for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    for line in ("sim-run = sim.cli.run:main", "sim-compare = sim.cli.compare:main", "sim-validate = sim.cli.validate:main", "sim-demo = sim.viz.cli:main"):
        assert line in scripts
    # calibration: the targets files and the posterior of this model version ship as package data, sim-calibrate is a script
    shipped = [*(ROOT / "sim" / "config").glob("targets/*.yaml"), *(ROOT / "sim" / "config").glob("posterior/*")]
    assert shipped and all(f"sim/config/{p.relative_to(ROOT / 'sim' / 'config').as_posix()}" in names for p in shipped)
    assert "sim-calibrate = sim.cli.calibrate:main" in scripts
    # the pages the commands and every report name (docs/parameters.md, docs/sweeps.md, docs/validation.md...) and their figures
    # (only limitations.md shipped: an installed package's help and reports named pages it did not have)
    pages = [*(ROOT / "docs").glob("*.md"), *(ROOT / "docs").glob("*/*.png")]
    assert len(pages) > 10 and all(f"sim/docs/{p.relative_to(ROOT / 'docs').as_posix()}" in names for p in pages)

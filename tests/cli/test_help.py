"""``--help`` of the model commands lists every setting with its range and default, and the groups' options."""

from __future__ import annotations

import sys
from dataclasses import fields

import pytest

from sim.cli import compare, run
from sim.config.scenarios import available
from sim.config.settings import CompareSettings, RunSettings

COMMANDS = [(run, "sim-run", RunSettings, ("scenario", "policy", "sweep")), (compare, "sim-compare", CompareSettings, ("scenario", "policy"))]


@pytest.mark.parametrize(("module", "prog", "settings", "groups"), COMMANDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_every_setting_with_its_range(monkeypatch, capsys, module, prog, settings, groups, flag) -> None:
    monkeypatch.setattr(sys, "argv", [prog, flag])
    with pytest.raises(SystemExit) as exited:
        module.main()
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: {prog}")
    for f in fields(settings):
        line = next((row for row in out.splitlines() if row.strip().startswith(f"{f.name} ")), None)
        assert line is not None, f.name
        unit = f.metadata["spec"].unit
        assert "(default " in line and "see meaning" not in line, line
        assert "[" in line or "true / false" in line or "," in line or (unit == "text" and "text" in line) or (unit == "chunk" and "i/n" in line), line
    for group in groups:
        assert all(name in out for name in available(group))
    assert "docs/parameters.md" in out
    names = {f.name for f in fields(settings)}
    starts = set()
    for row in out.split("Settings (key=value):\n")[1].split("\n\n")[0].splitlines():
        name = row.split()[0]
        rest = row[2 + len(name) :] if name in names and row.startswith(f"  {name} ") else row
        starts.add(len(row) - len(rest.lstrip()))
    assert len(starts) == 1, f"the settings' ranges and meanings do not start in one column: {sorted(starts)}"


def test_sim_run_help_says_how_to_sweep_and_the_launchers_settings_with_their_ranges(monkeypatch, capsys) -> None:
    """It said nothing of -m, the launchers or their settings (hydra.launcher.n_jobs=0 then failed with a traceback)."""
    monkeypatch.setattr(sys, "argv", ["sim-run", "--help"])
    with pytest.raises(SystemExit):
        run.main()
    out = capsys.readouterr().out
    assert "sim-run -m a=1,2 b=x,y" in out and "hydra/launcher=joblib, ray, slurm or submitit_local" in out
    for line in (
        "joblib  n_jobs                 a whole number >= 1, or -1",
        "slurm   partition",
        "slurm   timeout_min            a whole number of minutes >= 1",
    ):
        assert f"\n  {line}" in out, line

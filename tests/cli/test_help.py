"""``--help`` of the model commands lists every setting with its range and default, and the groups' options."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from sim.cli import analyse, calibrate, compare, run, search, validate
from sim.config.calibration import CalibrateSettings
from sim.config.scenarios import available
from sim.config.settings import CompareSettings, RunSettings, SearchSettings, SensitivitySettings
from sim.viz import cli as demo

COMMANDS = [(run, "sim-run", RunSettings, ("scenario", "policy", "sweep")), (compare, "sim-compare", CompareSettings, ("scenario", "policy"))]
#: Every command taking key=value settings: how it is called (prog, the words before the settings) and its settings class.
SETTINGS_COMMANDS = [
    (run.main, ["sim-run"], RunSettings),
    (compare.main, ["sim-compare"], CompareSettings),
    (search.main, ["sim-search"], SearchSettings),
    (calibrate.main, ["sim-calibrate"], CalibrateSettings),
    (lambda: analyse.main(sys.argv[1:]), ["sim-analyse", "sensitivity"], SensitivitySettings),
]


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


def _code(main, *args) -> int:
    """The exit status of a command's ``main``: what it returns, or what it exits with."""
    try:
        return main(*args)
    except SystemExit as exited:
        return exited.code


def _exit(monkeypatch, capsys, main, argv: list[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", argv)
    code = _code(main)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _number(value: float, integer: bool) -> str:
    return str(int(value)) if integer else f"{value:g}"


@pytest.mark.parametrize(("main", "words", "settings"), SETTINGS_COMMANDS, ids=[" ".join(c[1]) for c in SETTINGS_COMMANDS])
def test_every_setting_is_listed_with_the_range_it_enforces(monkeypatch, capsys, main, words, settings) -> None:
    """Each key=value command (sim-search, sim-calibrate and sim-analyse sensitivity too) lists each setting, with the range
    that a value just outside it is refused against: one line naming the setting, the value and the range, exit 2."""
    code, out, _ = _exit(monkeypatch, capsys, main, [*words, "--help"])
    assert code == 0
    listed = {row.split()[0]: row for row in out.split("Settings (key=value):\n")[1].split("\n\n")[0].splitlines() if row.startswith("  ") and row[2] != " "}
    assert set(listed) == {f.name for f in fields(settings)}
    for f in fields(settings):
        spec = f.metadata["spec"]
        assert "(default " in listed[f.name], listed[f.name]
        if spec.lo is None or spec.unit in ("category", "flag", "text"):
            continue
        shown = f"[{_number(spec.lo, spec.integer)}, {_number(spec.hi, spec.integer)}]"
        assert shown in listed[f.name], (listed[f.name], shown)
        outside = (spec.lo - 1, spec.hi + 1) if spec.integer else (spec.lo * 0.9 if spec.lo > 0 else spec.lo - 0.01, spec.hi * 1.01 + 0.001)
        for bad in outside:
            value = _number(bad, spec.integer)
            code, _, err = _exit(monkeypatch, capsys, main, [*words, f"{f.name}={value}"])
            assert code == 2 and err.strip().splitlines() == [f"error: {f.name} = {value} is outside {shown}"], err


@pytest.mark.parametrize(
    ("main", "argv", "shown", "refused"),
    [
        (validate.main, ["--replications", "99"], "integer in [100, 10000000] (default 3000)", "error: --replications = 99 is outside [100, 10000000]"),
        (validate.main, ["--robustness", "-1"], "integer in [0, 10000000]; 0 skips it (default 1500)", "error: --robustness = -1 is outside [0, 10000000]"),
        (demo.main, ["--port", "65536"], "port, 1 .. 65535 (default 8765)", "error: --port = 65536 is outside [1, 65535]"),
        (analyse.main, ["design", "--n", "0"], "whole number in [1, 1000000] (default 100)", "error: --n = 0 is outside [1, 1000000]"),
        (analyse.main, ["discover", ".", "--boxes", "11"], "1 to 10 (default 2)", "error: --boxes = 11 is not allowed: a whole number from 1 to 10"),
    ],
)
def test_the_option_commands_list_each_range_and_refuse_a_value_outside_it(capsys, main, argv, shown, refused) -> None:
    assert _code(main, [argv[0], "--help"] if argv[0] in ("design", "discover") else ["--help"]) == 0
    assert shown in " ".join(capsys.readouterr().out.split())
    assert _code(main, argv) == 2 and refused in capsys.readouterr().err.splitlines()


def test_sim_run_help_says_what_precision_means_with_parameter_draws(monkeypatch, capsys) -> None:
    """Its example "sim-run precision=0.01  # replications until the collapse CI half-width <= 0.01" ran with the default
    uncertainty=posterior, where precision is how well the total interval's ends are known, not a half-width."""
    _, out, _ = _exit(monkeypatch, capsys, run.main, ["sim-run", "--help"])
    examples = [row for row in out.split("Settings (key=value):")[0].splitlines() if "precision=" in row]
    assert examples and all("uncertainty=none" in row for row in examples if "half-width" in row)
    assert any("total interval" in row and "uncertainty=" not in row for row in examples)


@pytest.mark.parametrize(
    ("name", "settings"), [("config", RunSettings), ("compare", CompareSettings), ("search", SearchSettings), ("calibrate", CalibrateSettings)]
)
def test_each_config_files_comment_names_every_setting(name, settings) -> None:
    """configs/config.yaml's comment left out workers, attribution, detail and figures (and pointed to sim/settings.py)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "configs" / f"{name}.yaml").read_text()
    comment = " ".join(line for line in text.splitlines() if line.startswith("#"))
    words = set(re.split(r"[^a-z_]+", comment))
    assert not [f.name for f in fields(settings) if f.name not in words]
    assert "sim/settings.py" not in comment


def test_every_docs_page_the_help_names_is_in_the_installed_docs_folder(monkeypatch, capsys) -> None:
    """An installed package shipped only docs/limitations.md, while --help named docs/parameters.md, docs/sweeps.md and docs/scaling.md."""
    for main, words, _ in SETTINGS_COMMANDS:
        _, out, _ = _exit(monkeypatch, capsys, main, [*words, "--help"])
        folder = Path(out.rsplit("installed with the package, in ", 1)[1].split("\n")[0])
        named = set(re.findall(r"docs/([\w.]+\.md)", out))
        assert "parameters.md" in named and all((folder / page).is_file() for page in named), (words, folder, named)


@pytest.mark.parametrize(("main", "words", "settings"), SETTINGS_COMMANDS, ids=[" ".join(c[1]) for c in SETTINGS_COMMANDS])
def test_help_into_a_pipe_whose_reader_has_left_exits_0(monkeypatch, main, words, settings) -> None:
    """``sim-run --help | head -1`` ended in a BrokenPipeError traceback, exit 1 (sim-compare, sim-calibrate and sim-search too)."""
    read, write = os.pipe()
    os.close(read)  # the reader has gone: a write to the pipe fails with EPIPE
    with os.fdopen(write, "w") as closed:
        monkeypatch.setattr(sys, "stdout", closed)
        monkeypatch.setattr(sys, "argv", [*words, "--help"])
        assert _code(main) == 0

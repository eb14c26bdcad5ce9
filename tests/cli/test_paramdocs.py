"""``docs/parameters.md`` is generated from the declarations (``python -m sim.cli.paramdocs``) and lists every parameter."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields

import pytest

from sim.cli import paramdocs
from sim.config.distributions import describe
from sim.config.settings import CompareSettings, RunSettings
from sim.core import levers
from sim.core.declare import DISTRIBUTIONS
from sim.core.mechanisms import mechanisms
from sim.core.params import CouncilParams, DecisionParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams


@pytest.fixture(scope="module")
def committed() -> str:
    return paramdocs.OUTPUT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rendered() -> str:
    return paramdocs.render()


def expected_paths() -> list[str]:
    """Every parameter's path, built from the dataclasses independently of the generator."""
    groups = [
        ("councils[k].", CouncilParams),
        ("partnership.", PartnershipParams),
        ("dynamics.", DynamicsParams),
        ("decisions.", DecisionParams),
        ("exogenous.", ExogenousParams),
        *((f"mechanisms.{m.name}.", m.params) for m in mechanisms()),
        ("levers.<name>.", LeverParams),
        ("", RunSettings),
        ("", CompareSettings),
    ]
    return [prefix + f.name for prefix, cls in groups for f in fields(cls)]


def test_committed_file_is_what_the_generator_writes(committed: str, rendered: str) -> None:
    assert committed == rendered, "docs/parameters.md is stale: run `python -m sim.cli.paramdocs`"


def test_check_mode_reports_a_stale_file(tmp_path) -> None:
    target = tmp_path / "parameters.md"
    assert paramdocs.main(["--check", "--output", str(target)]) == 1
    assert paramdocs.main(["--output", str(target)]) == 0
    assert paramdocs.main(["--check", "--output", str(target)]) == 0
    target.write_text(target.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert paramdocs.main(["--check", "--output", str(target)]) == 1


@pytest.mark.parametrize("path", expected_paths())
def test_every_parameter_has_a_row(rendered: str, path: str) -> None:
    assert f"| `{path}` |" in rendered


def table_paths(text: str) -> list[str]:
    """The parameter of each row of the document's parameter tables (those headed ``| parameter |``), in order."""
    paths, inside = [], False
    for row in text.splitlines():
        if row.startswith("| parameter |"):
            inside = True
        elif not row.startswith("|"):
            inside = False
        elif inside and row.startswith("| `"):
            paths.append(row[2:].split(" | ")[0].strip("`"))
    return paths


def test_generator_lists_exactly_the_declared_parameters(rendered: str) -> None:
    assert table_paths(rendered) == expected_paths()


@pytest.mark.parametrize("lever", levers.LEVERS, ids=lambda lv: lv.name)
def test_every_lever_has_its_default_costs(rendered: str, lever: levers.Lever) -> None:
    row = next(line for line in rendered.splitlines() if line.startswith(f"| `{lever.name}` |"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert [float(cells[-2]), float(cells[-1])] == [lever.cost_upfront, lever.cost_per_year]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.3, "0.3"),
        (1 / 72, "1/72 (≈ 0.0139)"),
        ("district", "`district`"),
        ({"dist": "beta", "a": 2, "b": 2}, "beta(a=2, b=2), mean 0.5"),
        ({"dist": "randint", "low": 0, "high": 36}, "randint from 0 to 36, both included"),
        ({"dist": "choice", "values": ["all_out", "thirds"], "p": [0.6, 0.4]}, "choice of `all_out` (p 0.6), `thirds` (p 0.4)"),
    ],
)
def test_defaults_are_rendered_readably(value: object, text: str) -> None:
    assert describe(value) == text


@pytest.mark.parametrize("family", DISTRIBUTIONS)
def test_every_distribution_family_is_documented(rendered: str, family: str) -> None:
    assert f"| {family} | `{{dist: {family}," in rendered
    assert family in paramdocs.DIST_NOTES


def test_syntax_sections_are_present(rendered: str) -> None:
    for needle in ("{dist: beta, a: 2, b: 5}", "councils.0.it_maturity=0.3", "'councils.0.it_maturity={dist: beta, a: 2, b: 5}'", "both ends included"):
        assert needle in rendered


def test_it_runs_as_a_module(tmp_path) -> None:
    target = tmp_path / "parameters.md"
    done = subprocess.run([sys.executable, "-m", "sim.cli.paramdocs", "--output", str(target)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == paramdocs.render()
    check = subprocess.run(
        [sys.executable, "-m", "sim.cli.paramdocs", "--check", "--output", str(tmp_path / "missing.md")], capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 1 and "out of date" in check.stderr
    assert f"run `python -m sim.cli.paramdocs --output {tmp_path / 'missing.md'}`" in check.stderr


def test_it_prints_the_reference_where_there_is_no_docs_folder(capsys) -> None:
    """An installed package has no docs/ beside it: ``--output -`` prints the reference instead of writing into site-packages."""
    assert paramdocs.main(["--output", "-"]) == 0
    assert capsys.readouterr().out == paramdocs.render() + "\n"
    with pytest.raises(SystemExit) as stopped:
        paramdocs.main(["--check", "--output", "-"])
    assert stopped.value.code == 2 and "--check needs a file" in capsys.readouterr().err

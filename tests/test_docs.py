"""The hand-written pages in ``docs/`` stay in step with the code where the code can say so.

``docs/architecture.md`` has two generated sections (the package tree, one line per module from
its docstring, and the month's schedule from ``sim/core/kernel.py``), rewritten by
``python experiments/architecture.py``: these tests fail when either is stale. ``docs/ODD.md``
says which version of the code it describes (the test fails when the version moves on, so that
whoever bumps it checks the description against the code), and names every state field, cause,
trigger, random stream and lever of the package (a new one must be described). Its parameter
paths, defaults stated as numbers, file paths and the names its formulas use must exist as
declared; its month has the kernel's steps, mechanisms, causes and streams in the model's order.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_architecture import modules

from sim import __version__
from sim.core import levers, triggers
from sim.core.layout import layout
from sim.core.mechanisms import MECHANISMS
from sim.core.state import COUNCIL, PARTNERSHIP

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "experiments" / "architecture.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("architecture", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


architecture = _load_script()
PAGE = architecture.PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize("section", list(architecture.SECTIONS))
def test_architecture_page_sections_are_what_the_code_gives(section):
    assert section not in architecture.stale(PAGE), f"docs/architecture.md: the {section} section is stale; run `python experiments/architecture.py`"


def test_the_tree_has_one_line_per_module_with_its_docstring():
    tree = architecture.tree()
    listed = re.findall(r"(?:^|[─ ] )([\w]+(?:\.py|/))", tree, re.MULTILINE)
    files = [p for p in modules().values() if p.name != "__init__.py"]
    packages = [p.parent for p in modules().values() if p.name == "__init__.py"]
    assert sorted(listed) == sorted([p.name for p in files] + [f"{p.name}/" for p in packages])
    assert "The month's order" in tree and "Counter-based random numbers." in tree


#: A cross-reference in a docstring (``:func:`~sim.core.kernel.step```, ``:mod:`sim.config```...).
REFERENCE = re.compile(r":(?:mod|func|class|data|meth|attr|exc|obj):`~?(sim(?:\.\w+)+)`")


def _resolves(name: str) -> bool:
    """Whether ``name`` is a module of the package, or an object in one, at its current path (not a 0.1 path kept by ``sim._compat``)."""
    from sim._compat import MOVED

    parts = name.split(".")
    if any(".".join(parts[:end]) in MOVED for end in range(1, len(parts) + 1)):
        return False
    for end in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for attribute in parts[end:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def test_every_cross_reference_in_a_docstring_resolves():
    stale = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "sim").rglob("*.py")
        for name in set(REFERENCE.findall(path.read_text(encoding="utf-8")))
        if not _resolves(name)
    )
    assert not stale, "cross-references to nothing (or to a 0.1 import path):\n" + "\n".join(stale)


def test_every_command_is_named_where_the_commands_are_described():
    """The commands' package docstring (the tree's line for ``sim/cli/``) and this page's overview name every console script."""
    import tomllib

    import sim.cli

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    missing = [name for name in scripts if scripts[name].startswith("sim.cli.") and f"``{name}``" not in (sim.cli.__doc__ or "")]
    assert not missing, f"sim/cli/__init__.py's docstring does not name {missing}"
    missing = [name for name in scripts if f"`{name}`" not in PAGE.split("## The package tree")[0]]
    assert not missing, f"docs/architecture.md's overview of the layers does not name {missing}"


def test_a_stale_section_is_reported_and_rewritten(tmp_path, monkeypatch):
    page = PAGE.replace("Counter-based random numbers.", "Random numbers, described by hand.", 1)
    assert architecture.stale(page) == ["tree"]
    assert architecture.stale(architecture.render(page)) == []
    target = tmp_path / "architecture.md"
    target.write_text(page, encoding="utf-8")
    monkeypatch.setattr(architecture, "PAGE", target)
    monkeypatch.setattr(architecture, "ROOT", tmp_path)
    assert architecture.main(["--check"]) == 1
    assert architecture.main([]) == 0
    assert architecture.main(["--check"]) == 0
    assert target.read_text(encoding="utf-8") == PAGE


def test_the_script_runs_from_the_command_line():
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=120, check=False).returncode == 0


def test_the_schedule_follows_the_steps_the_kernel_marks():
    """The kernel docstring's numbered steps are the ``# N.`` marks of ``_replication_month``, in order."""
    source = (ROOT / "sim" / "core" / "kernel.py").read_text(encoding="utf-8")
    body = source[source.index("def _replication_month") :]
    body = body[: body.index("\n@compiled")]
    marks = [int(n) for n in re.findall(r"#\s*(\d+)\.", body)]
    listed = [int(n) for n in re.findall(r"^(\d+)\. ", architecture.schedule(), re.MULTILINE)]
    assert marks == listed == list(range(1, len(listed) + 1))


def test_the_model_description_names_the_version_it_describes():
    header = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")[:2000]
    found = re.search(r"kept in step with the code of version (\d+\.\d+\.\d+)", header)
    assert found, "docs/ODD.md must say which version of the code it describes"
    assert found.group(1) == __version__, (
        f"docs/ODD.md describes version {found.group(1)}, the code is {__version__}: check the description against the code, then update its header"
    )


def _vocabulary() -> dict[str, list[str]]:
    """What the model description must name, by kind: the package's own registry, not a test's toy."""
    plan = layout(MECHANISMS)
    own = [name for m in MECHANISMS for part in (m.own.partnership, m.own.council) for name in part]
    return {
        "partnership field": list(PARTNERSHIP.names or ()),
        "council field": list(COUNCIL.names or ()),
        "mechanism": [m.name for m in MECHANISMS],
        "mechanism's own state": own,
        "cause": [c.label for c in plan.causes],
        "trigger": list(triggers.LABELS),
        "random stream": list(plan.streams),
        "lever": list(levers.NAMES),
    }


@pytest.mark.parametrize("kind", list(_vocabulary()))
def test_the_model_description_names_everything_the_model_has(kind):
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    missing = [name for name in _vocabulary()[kind] if f"`{name}`" not in text]
    assert not missing, f"docs/ODD.md does not describe the {kind}(s) {missing}"


ODD = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
#: A parameter's path written inside backticks in the model description (``councils[k].pace``, ``levers.<l>.strength``, ``mechanisms.case03.*``).
ODD_PATH = re.compile(r"(?<![\w./])((?:councils\[k\]|partnership|dynamics|decisions|exogenous|mechanisms\.\w+|levers\.<\w+>)\.(?:\w+|\*|<\w+>))")


def _declared() -> dict[str, object]:
    """Every model parameter's path (as parameters.md writes it) with its declared default."""
    from dataclasses import MISSING, fields

    from sim.cli.paramdocs import sections

    return {s.prefix + f.name: f.default_factory() if f.default is MISSING else f.default for s in sections() if s.prefix for f in fields(s.cls)}


def _spans(text: str) -> list[str]:
    """The text inside backticks, and inside fenced formula blocks, of ``text``."""
    blocks = re.findall(r"```\n(.*?)```", text, re.DOTALL)
    return blocks + re.findall(r"`([^`]+)`", re.sub(r"```\n.*?```", "", text, flags=re.DOTALL))


def test_every_parameter_path_in_the_model_description_is_declared():
    """A renamed or removed parameter cannot stay in docs/ODD.md (placeholders such as ``decisions.<name>`` name streams, not parameters)."""
    declared = set(_declared())
    stale = set()
    for span in _spans(ODD):
        for path in ODD_PATH.findall(span):
            path = re.sub(r"^levers\.<\w+>\.", "levers.<name>.", path)
            if path.endswith(">"):
                continue
            if path.endswith("*") and any(p.startswith(path[:-1]) for p in declared):
                continue
            if path not in declared:
                stale.add(path)
    assert not stale, f"docs/ODD.md names parameters that are not declared: {sorted(stale)}"


#: A parameter's path in backticks on any page, as docs write it (``councils[k].pace``) or as an override does
#: (``councils.0.pace``, ``levers.continuity_plan.strength``).
PAGE_PATH = re.compile(
    r"(?<![\w./\[])((?:councils(?:\[k\]|\[\d\]|\.\d)|partnership|dynamics|decisions|exogenous|mechanisms\.\w+|levers\.(?:<\w+>|\w+))\.(?:\w+|\*|<\w+>))"
)


def test_every_parameter_path_on_the_pages_is_declared():
    """README.md and every page of docs/ (generated ones too: their text is a generator's) name only declared parameters.

    A name the page shows mistyped on purpose (with the error it gets: "... is not a parameter") and file names are not paths.
    """
    declared = set(_declared())
    stale = set()
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for span in _spans(text):
            for path in PAGE_PATH.findall(span):
                if path.endswith((".py", ".md", ".yaml", ".csv", ">", "*")) or re.search(re.escape(path) + r"'? is not a", text):
                    continue
                name = re.sub(r"^levers\.(?:<\w+>|\w+)\.", "levers.<name>.", re.sub(r"^councils(?:\[\d\]|\.\d)", "councils[k]", path))
                if name not in declared:
                    stale.add(f"{page.relative_to(ROOT)}: {path}")
    assert not stale, "pages name parameters that are not declared:\n" + "\n".join(sorted(stale))


def test_every_file_the_model_description_names_exists():
    paths = {t for span in _spans(ODD) for t in re.findall(r"(?<![\w.<])((?:sim|docs|data|configs|experiments|tests)/[\w./*]*)", span)}
    missing = [p for p in sorted(paths) if not list(ROOT.glob(p.replace("caseNN", "case[0-9][0-9]")))]
    assert paths and not missing, f"docs/ODD.md names files that do not exist: {missing}"


def test_every_default_the_model_description_states_is_the_declared_one():
    """``\\`path\\` (default N`` and ``default \\`name\\` of N``: N is the declaration's default."""
    declared = _declared()
    stated = re.findall(r"`([\w.\[\]]+)` \(default (\d+(?:\.\d+)?)", ODD) + re.findall(r"default `([\w.\[\]]+)` of (\d+(?:\.\d+)?)", ODD)
    assert stated, "the pattern no longer finds the defaults docs/ODD.md states"
    wrong = []
    for name, number in stated:
        paths = [p for p in declared if p == name or p.endswith("." + name)]
        assert len(paths) == 1, f"docs/ODD.md: `{name}` names {len(paths)} parameters"
        if float(declared[paths[0]]) != float(number):
            wrong.append(f"{paths[0]}: docs/ODD.md says {number}, declared {declared[paths[0]]}")
    assert not wrong, "\n".join(wrong)


#: Names docs/ODD.md defines for itself (its notation; ``it_share`` short for ``it_share_of_savings``), or a column of the replication table.
NOTATION = {
    "lost_c",
    "max_j",
    "other_now",
    "per_month",
    "prod_c",
    "s_cloud",
    "share_c",
    "share_in",
    "sum_c",
    "sum_j",
    "value_seen",
    "exit_cost",
    "it_share",
    "known_drag",
    "net_savings",
}


def test_every_name_the_model_description_uses_exists():
    """A name with an underscore in a formula or in backticks is one the package has.

    A parameter, a setting, a category, a state field, a mechanism's own state, a cause, a
    trigger, a lever (or ``s_<lever>``, its strength), a scenario or policy file, or the
    document's notation: a renamed or removed name cannot stay (parts of dotted paths are
    checked by the test above; code paths by the cross-reference and file tests).
    """
    from dataclasses import fields

    from sim.config.settings import CompareSettings, RunSettings
    from sim.core import params
    from sim.core.state import State

    known = {p.rsplit(".", 1)[-1] for p in _declared()} | {f.name for f in fields(State)} | NOTATION
    known |= {f.name for cls in (RunSettings, CompareSettings) for f in fields(cls)}
    known |= set(params.TIERS + params.ELECTION_CYCLES + params.GOVERNANCE + params.CHAMPIONS)
    known |= {p.stem for p in (ROOT / "configs").glob("*/*.yaml")}
    known |= {name for names in _vocabulary().values() for name in names} | {f"s_{name}" for name in levers.NAMES}
    blocks = re.findall(r"```\n(.*?)```", ODD, re.DOTALL)
    spans = blocks + [span for span in _spans(ODD)[len(blocks) :] if not re.search(r"\w/|^sim\.", span)]
    used = {name for span in spans for name in re.findall(r"(?<![.\w<])[a-z][a-z0-9]*_[a-z0-9_]+\b(?![.(<])", span)}
    assert not used - known, f"docs/ODD.md uses names the model does not have: {sorted(used - known)}"


def _section(title: str) -> str:
    start = ODD.index(title)
    return ODD[start : ODD.index("\n## ", start + 1)] if "\n## " in ODD[start + 1 :] else ODD[start:]


def test_the_model_descriptions_month_is_the_kernels():
    """Section 3 numbers as many steps as the kernel marks, and runs the mechanisms in registry order."""
    source = (ROOT / "sim" / "core" / "kernel.py").read_text(encoding="utf-8")
    body = source[source.index("def _replication_month") :]
    marks = [int(n) for n in re.findall(r"#\s*(\d+)\.", body[: body.index("\n@compiled")])]
    section = _section("## 3. Process overview")
    steps = [int(n) for n in re.findall(r"^(\d+)\. \*\*", section, re.MULTILINE)]
    assert steps == marks, f"docs/ODD.md section 3 numbers steps {steps}, the kernel marks {marks}"
    assert f"`# {marks[-1]}.`" in section
    step5 = re.search(r"^5\. (.*?)^6\. ", section, re.MULTILINE | re.DOTALL).group(1)
    names = [m.name for m in MECHANISMS]
    listed = [n for n in re.findall(r"`(\w+)`", step5) if n in names]
    assert listed[: len(names)] == names


def test_the_model_description_lists_causes_and_streams_in_the_models_order():
    plan = layout(MECHANISMS)
    labels = [c.label for c in plan.causes]
    table = _section("### 7.10")
    assert re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE) == labels, "docs/ODD.md 7.10: the causes, in booking order"
    built = _section("## 2.")
    built = built[built.index("The causes (`C`)") :]
    built = built[: built.index("\n\n")]
    missing = [label for label in labels if label not in {m.cause for m in MECHANISMS} and f"`{label}`" not in built]
    assert not missing, f"docs/ODD.md section 2 does not list the causes {missing} where it says how they are built"
    streams = _section("## 4.")
    streams = streams[streams.index("The monthly streams") :]
    named = [s for s in dict.fromkeys(re.findall(r"`([\w.]+)`", streams)) if s in plan.streams]
    assert named == list(plan.streams)


def test_the_model_descriptions_problems_are_the_mapping_tested():
    """Section 9 gives each of Guide 08's problems the status and the parameters ``sim/config/problems.py`` tests it with."""
    from sim.config.problems import PROBLEMS

    found = re.findall(r"^\| (\d\d) \|[^|]*\|([^|]*)\|([^|]*)\|$", _section("## 9."), re.MULTILINE)
    rows = {int(n): (cells, status.strip()) for n, cells, status in found}
    assert sorted(rows) == [p.number for p in PROBLEMS], "docs/ODD.md section 9 has one row per problem"
    wrong = []
    for p in PROBLEMS:
        cells, status = rows[p.number]
        expected = "not modelled" if not p.modelled else "partly" if p.reason.startswith("partly") else "modelled"
        if not status.startswith(expected):
            wrong.append(f"problem {p.number:02d}: status {status.split(':')[0]!r}, sim/config/problems.py: {expected!r}")
        named = set(re.findall(r"`([^`]+)`", cells))
        for path in p.parameters:
            wild = any(n.endswith(".*") and path.startswith(n[:-1]) for n in named)
            if path not in named and path.rsplit(".", 1)[-1] not in named and not wild:
                wrong.append(f"problem {p.number:02d}: carried by {path}, which section 9 does not name")
    assert not wrong, "docs/ODD.md section 9 against sim/config/problems.py:\n" + "\n".join(wrong)


def test_the_citation_names_the_latest_release_of_the_changelog():
    """CITATION.cff cited version 0.1.0 of 2026-11-22 after 0.2.0 had been released on 2026-12-02."""
    version, date = re.search(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M).groups()
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f"\nversion: {version}\n" in citation and f'\ndate-released: "{date}"\n' in citation


def test_the_pages_say_how_long_the_first_compilation_takes_as_the_messages_do():
    """sim-run, sim-demo and README.md said compiling took 'about half a minute'; it took 66-77 s on a 2-core machine with another job running."""
    from sim.core.jit import COMPILE_TIME

    for page in ("README.md", "docs/trainer.md", "docs/faults.md"):
        assert COMPILE_TIME in " ".join((ROOT / page).read_text(encoding="utf-8").split()), f"{page} does not say {COMPILE_TIME!r}"
    files = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "sim").rglob("*.py")]
    assert not [str(f.relative_to(ROOT)) for f in files if "half a minute" in f.read_text(encoding="utf-8")]


def test_the_sensitivity_page_says_it_varies_the_prior_not_the_posterior():
    """docs/sensitivity.md said 'across their plausible ranges' and never that sim-run's default, the calibrated posterior, was not what it varied;
    then it said so in other words than sim-analyse sensitivity's printout and sensitivity.json (two wordings of one fact)."""
    from sim.analysis.sensitivity import VARIED

    text = (ROOT / "docs" / "sensitivity.md").read_text(encoding="utf-8")
    assert f"\n\n{VARIED}\n\n" in text and "not the calibrated posterior that sim-run and sim-compare use by default" in VARIED


def test_the_sensitivity_page_says_each_factor_its_tables_name_as_declared():
    """docs/sensitivity.md named its factors only by path in its tables, never their meaning, unit or the range they were varied over."""
    from sim.analysis.sensitivity import factor_key

    text = (ROOT / "docs" / "sensitivity.md").read_text(encoding="utf-8")
    named = list(dict.fromkeys(re.findall(r"^\| `([\w.]+)` \|", text, flags=re.M)))
    assert len(named) > 10
    for path, words in factor_key(named):
        assert f"\n- `{path}`: {words}\n" in text, path

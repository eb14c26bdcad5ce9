"""The package's layers: imports only go downward, never in a cycle; ``import sim`` stays light; the facade is what it says.

The layers, from the bottom: ``sim.core`` (the compiled month) < ``sim.config`` <
``sim.population`` < ``sim.frontends`` < ``sim.analysis`` < ``sim.results`` < ``sim.viz``
(the trainer's app, a front-end of its own) < ``sim.cli``,
with the facade (``sim/__init__.py``, ``sim/_compat.py``, ``sim/api.py``) above them all.
Imports are read from the source (module level, inside functions and under ``if TYPE_CHECKING:``:
an import made only for an annotation still ties the two modules for a reader, so it counts too).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest

import sim

PACKAGE = Path(sim.__file__).resolve().parent
_SCRIPT = importlib.util.spec_from_file_location("architecture_layers", PACKAGE.parent / "experiments" / "architecture.py")
_architecture = importlib.util.module_from_spec(_SCRIPT)
_SCRIPT.loader.exec_module(_architecture)
#: The layers, bottom first: declared once, in ``experiments/architecture.py``, which lists the package tree in this order.
LAYERS: tuple[str, ...] = _architecture.LAYERS
#: Modules that need the ``viz`` extra (Solara) to import: skipped without it on a user's machine, failed under CI=true.
NEEDS_VIZ = ("sim.viz.app",)
FACADE = tuple("sim" if name == "__init__.py" else f"sim.{name.removesuffix('.py')}" for name in _architecture.FACADE)
#: The facade's public names, as ``sim/__init__.py`` documents them.
FACADE_NAMES = (
    "__version__",
    "load",
    "available",
    "ModelConfig",
    "ConfigError",
    "run_ensemble",
    "run",
    "summarise",
    "render",
    "compare",
    "PartnershipModel",
    "partnership",
    "council",
)
HEAVY = ("mesa", "hydra", "matplotlib", "scipy.stats", "pandas", "numba")


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__.py``)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _resolve(module: str, importer: str, level: int) -> str:
    if not level:
        return module
    base = importer.split(".")
    package = base if modules()[importer].name == "__init__.py" else base[:-1]
    return ".".join(package[: len(package) - level + 1] + ([module] if module else []))


@cache
def imports() -> dict[str, frozenset[str]]:
    """The modules of ``sim`` each module imports (``from sim.core import levers`` imports ``sim.core.levers``)."""
    known = modules()
    graph = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "sim"}
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(node.module or "", name, node.level)
                if source.split(".")[0] != "sim":
                    continue
                for alias in node.names:
                    found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source)
        graph[name] = frozenset(found - {name})
    return graph


def layer(module: str) -> int:
    """The layer of a module: its index in :data:`LAYERS`, the facade above them all."""
    if module in FACADE:
        return len(LAYERS)
    return LAYERS.index(module.split(".")[1])


def cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_is_read_from_every_module():
    graph = imports()
    assert len(graph) == len(modules()) > 40
    assert "sim.core.kernel" in graph["sim.frontends.ensemble"]
    assert "sim.core.levers" in graph["sim.population"]  # from sim.core import levers
    assert "sim.frontends.model" in graph["sim.frontends.runner"]  # imported inside a function
    assert "sim.frontends.agents" in graph["sim.frontends.model"]
    assert "sim.frontends.model" not in graph["sim.frontends.agents"]  # agents.Host names what a council reads of its model
    for name, targets in graph.items():
        assert targets <= set(modules()), f"{name} imports a module that does not exist: {sorted(targets - set(modules()))}"


def test_cycle_detection_finds_a_cycle():
    assert cycles({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}) == [["a", "b", "c"]]


def test_no_import_cycle():
    assert cycles(dict(imports())) == []


def test_every_module_belongs_to_a_layer():
    for name in modules():
        if name not in FACADE:
            assert name.split(".")[1] in LAYERS, f"{name} is in no layer"


def test_layers_only_import_downward():
    upward = [
        f"{name} ({LAYERS[layer(name)] if layer(name) < len(LAYERS) else 'facade'}) imports {target}"
        for name, targets in imports().items()
        for target in targets
        if layer(target) > layer(name)
    ]
    assert not upward, "imports going up the layers:\n" + "\n".join(sorted(upward))


def test_only_the_facade_imports_the_facade():
    for name, targets in imports().items():
        if name not in FACADE:
            assert not targets & {"sim._compat", "sim.api"}, name


@pytest.mark.parametrize("name", sorted(modules()))
def test_every_module_imports_and_says_what_it_is(name):
    if name in NEEDS_VIZ and importlib.util.find_spec("solara") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} needs the viz extra, which CI installs (make test)")
        pytest.skip(f"{name} needs the viz extra: pip install -e '.[viz]'")
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip(), f"{name} has no docstring"


def loaded_after(code: str) -> dict[str, bool]:
    """Which of :data:`HEAVY` a fresh interpreter has imported after running ``code``."""
    probe = f"import sys, json\n{code}\nprint(json.dumps({{m: m in sys.modules for m in {list(HEAVY)!r}}}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_import_sim_stays_light():
    loaded = loaded_after("import sim")
    assert not any(loaded.values()), f"import sim imports {[m for m, yes in loaded.items() if yes]}"


@pytest.mark.parametrize("module", ["sim.results.files", "sim.cli.run"])
def test_writing_results_does_not_import_matplotlib_before_a_figure_is_drawn(module):
    """A run's start waits for no plotting library: the figures' settings (``FIGURE_DPI``) are fetched when a figure is saved."""
    assert not loaded_after(f"import {module}")["matplotlib"]


def test_a_sensitivity_analysis_without_figures_does_not_import_matplotlib():
    """``sim-analyse sensitivity figures=false`` draws nothing, so the analysis loads no plotting library: it is imported where a figure is drawn."""
    assert not loaded_after("import sim.analysis.sensitivity, sim.cli.analyse_sensitivity")["matplotlib"]


@pytest.mark.parametrize("module", ["sim.config.scenarios", "sim.config.model", "sim.config.settings", "sim.core.mechanisms", "sim.core.layout"])
def test_declaring_and_checking_configurations_does_not_import_numba(module):
    assert not loaded_after(f"import {module}")["numba"]


def test_the_facade_names_are_the_documented_ones_and_each_resolves():
    assert tuple(sim.__all__) == FACADE_NAMES
    assert sorted(dir(sim)) == sorted(FACADE_NAMES)
    used = set(re.findall(r"\bsim\.(\w+)\(", sim.__doc__ or ""))
    assert used and used <= set(FACADE_NAMES), f"the docstring uses {sorted(used - set(FACADE_NAMES))} outside the facade"
    for name in FACADE_NAMES:
        assert getattr(sim, name) is not None
    assert sim.__version__ == importlib.import_module("sim.core.version").__version__
    assert sim.load is importlib.import_module("sim.config.scenarios").load
    assert sim.run_ensemble is importlib.import_module("sim.frontends.ensemble").run_ensemble
    assert sim.PartnershipModel is importlib.import_module("sim.frontends.model").PartnershipModel
    assert sim.partnership is importlib.import_module("sim.config.partnership").partnership
    assert sim.council is importlib.import_module("sim.config.partnership").council
    with pytest.raises(AttributeError, match="no attribute 'kernel'"):
        sim.kernel  # noqa: B018


def test_old_module_paths_still_import_with_a_deprecation_warning():
    """The paths of version 0.1 are aliases of their new modules for one more release (sim/_compat.py)."""
    from sim._compat import MOVED

    probe = (
        "import importlib, json, warnings\n"
        f"moved = {MOVED!r}\n"
        "out = {}\n"
        "for old, new in moved.items():\n"
        "    with warnings.catch_warnings(record=True) as caught:\n"
        "        warnings.simplefilter('always')\n"
        "        module = importlib.import_module(old)\n"
        "    out[old] = [module is importlib.import_module(new), [str(w.message) for w in caught if w.category is DeprecationWarning]]\n"
        "print(json.dumps(out))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    for old, (same, warned) in json.loads(done.stdout).items():
        assert same, f"{old} is not an alias of {MOVED[old]}"
        assert any(message.startswith(f"{old} is deprecated: import {MOVED[old]}") for message in warned), (old, warned)
    assert set(MOVED.values()) <= set(modules())


#: Public functions and classes that nothing outside the tests names, and why each belongs in the package all the same.
SERVING_UNNAMED = {
    "sim.core.mechanisms.registered": "a study adds its own mechanism with it for a `with` block (docs/architecture.md); the package reads the registry",
    "sim.viz.app.Page": "the page `solara run sim.viz.app` (sim-demo) renders: Solara finds it by that name",
}
#: Where the package is named by a dotted path: a Hydra ``_target_`` in a config, an entry point in ``pyproject.toml``.
DOTTED = re.compile(r"\bsim(?:\.\w+)+(?::\w+)?")


def _names(tree: ast.AST) -> list[str]:
    """Every name a tree refers to: plain names, attributes and imported names."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.append(node.id)
        elif isinstance(node, ast.Attribute):
            found.append(node.attr)
        elif isinstance(node, ast.alias):
            found.append(node.name.split(".")[-1])
    return found


def _code_outside_the_tests() -> dict[Path, ast.Module]:
    """The package's, the experiments' and the benchmarks' modules and each notebook's code cells, parsed (a notebook's magics left out)."""
    root = PACKAGE.parent
    paths = [path for folder in ("sim", "experiments", "benchmarks") for path in sorted((root / folder).rglob("*.py"))]
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in paths}
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        trees[path] = ast.parse("\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))))
    return trees


def _dotted_outside_the_code() -> list[str]:
    """Each dotted path to the package in the configs and ``pyproject.toml`` (``sim.cli.sweep.SweepCallback``, ``sim.cli.run:main``)."""
    root = PACKAGE.parent
    texts = [path.read_text(encoding="utf-8") for path in sorted((root / "configs").rglob("*.yaml"))]
    texts.append((root / "pyproject.toml").read_text(encoding="utf-8"))
    return [found for text in texts for found in DOTTED.findall(text)]


def _dotted(node: ast.AST) -> list[str]:
    """``a.b.c`` as ``["a", "b", "c"]`` (empty where the chain does not start at a plain name, as ``f().b`` does)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) else []


def reached(tree: ast.AST, importer: str = "", texts: Sequence[str] = ()) -> set[tuple[str, str]]:
    """``(module, name)`` for each name of a module of ``sim`` that ``tree`` (the module ``importer``) reaches through that module.

    Through ``from M import name``; ``M.name`` where ``M`` is a module imported under any name (``from sim.core import
    levers``, ``import sim.config.posterior as posterior``); a dotted path ``M.name`` or ``M:name`` in a string or in ``texts``
    (a Hydra ``_target_``, an entry point); a pair of strings ``("M", "name")`` (the facade's table of lazy names).
    A name another module also uses for something else (a variable ``labels``) does not count.
    """
    known = modules()
    bound: dict[str, str] = {}
    found: set[tuple[str, str]] = set()

    def add(parts: Sequence[str]) -> None:
        for k in range(1, len(parts)):
            if ".".join(parts[:k]) in known:
                found.add((".".join(parts[:k]), parts[k]))

    def add_text(text: str) -> None:
        for path in DOTTED.findall(text):
            add(path.replace(":", ".").split("."))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound.update({alias.asname: alias.name for alias in node.names if alias.asname and alias.name in known})
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(node.module or "", importer, node.level) if importer else node.module or ""
            for alias in node.names:
                if f"{source}.{alias.name}" in known:
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}"
                else:
                    found.add((source, alias.name))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            add_text(node.value)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            module, name = (e.value for e in node.elts)
            if module in known:
                found.add((module, name))
    for node in ast.walk(tree):
        parts = _dotted(node)
        if parts:
            add([*bound.get(parts[0], parts[0]).split("."), *parts[1:]])
    for text in texts:
        add_text(text)
    return found


def test_a_name_counts_as_reached_only_through_its_own_module():
    code = ast.parse(
        "from sim.core import declare\n"
        "import sim.config.posterior as p\n"
        "from sim.analysis.stats import wilson\n"
        "labels = declare.spec_of(1, 2)\n"
        "p.shipped_path()\n"
        "LAZY = {'run': ('sim.api', 'run')}\n"
        "target = 'sim.cli.sweep.SweepCallback'\n"
    )
    found = reached(code)
    assert {
        ("sim.core.declare", "spec_of"),
        ("sim.config.posterior", "shipped_path"),
        ("sim.analysis.stats", "wilson"),
        ("sim.api", "run"),
        ("sim.cli.sweep", "SweepCallback"),
    } <= found
    assert ("sim.population", "labels") not in found  # a variable of the same name is not the function


def test_the_package_holds_no_function_or_class_only_the_tests_use():
    """Every public function and class of the package is reached outside the tests: by its own module, or through its module
    (:func:`reached`) by the package, an experiment, a benchmark, a notebook, a config's ``_target_`` or an entry point, or it
    is one of :data:`SERVING_UNNAMED` with its reason.

    Names used elsewhere for other things do not count (a variable ``labels`` hid ``sim.population.labels``, which the
    tests alone called); what the tests alone used moved to the tests (``tests/support/``, or the one test module using it)."""
    trees = _code_outside_the_tests()
    importers = {path: module for module, path in modules().items()}
    texts = _dotted_outside_the_code()
    used = {pair for path, tree in trees.items() for pair in reached(tree, importers.get(path, ""))} | reached(ast.Module(body=[], type_ignores=[]), "", texts)
    unused = []
    for module, path in modules().items():
        inside = _names(trees[path])
        for node in trees[path].body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                if (module, node.name) not in used and inside.count(node.name) - _names(node).count(node.name) <= 0:  # its own recursive calls do not count
                    unused.append(f"{module}.{node.name}")
    only_tests = sorted(set(unused) - set(SERVING_UNNAMED))
    assert only_tests == [], f"used by the tests alone: {only_tests}; move them into the tests (tests/support/), or give the package a use for them"
    named = sorted(set(SERVING_UNNAMED) - set(unused))
    assert named == [], f"named outside the tests now: {named}; take them off SERVING_UNNAMED"

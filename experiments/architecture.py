"""Regenerate the generated sections of ``docs/architecture.md``: the package tree and the month's schedule.

    python experiments/architecture.py            # rewrite the two sections in place
    python experiments/architecture.py --check    # exit 1, saying which section is stale, if the page is out of date

The **tree** walks ``sim/`` and writes one line per module (a package by its folder): the
first sentence of the module's docstring, so the page says what the code says about itself
and cannot drift from it. Layers are listed in the order imports flow (:data:`LAYERS`, the
order ``tests/test_architecture.py`` checks), the facade first.

The **schedule** is the numbered list of the month's steps in the module docstring of
``sim/core/kernel.py``, the order ``kernel._replication_month`` marks step by step.

Each section sits between a ``<!-- generated: NAME ... -->`` line and ``<!-- end NAME -->``;
the rest of the page is written by hand. ``tests/test_docs.py`` fails when either section is stale.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sim"
KERNEL = PACKAGE / "core" / "kernel.py"
PAGE = ROOT / "docs" / "architecture.md"
#: The package's layers, bottom first, declared here once (``tests/test_architecture.py`` checks imports in this order); the facade sits above them all.
LAYERS = ("core", "config", "population", "frontends", "analysis", "results", "viz", "cli")
#: The facade's modules, listed first.
FACADE = ("__init__.py", "_compat.py", "api.py")
HOW = "python experiments/architecture.py"


def first_sentence(path: Path) -> str:
    """The first sentence of a module's docstring, reST roles and literals written as Markdown code (empty if it has none)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    end = re.search(r"\.(\s|$)", paragraph)
    return markdown(paragraph[: end.start() + 1] if end else paragraph)


def markdown(text: str) -> str:
    """reST roles (``:mod:`~sim.core.kernel```) and literals (````x````) as Markdown code spans."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", lambda m: f"`{m.group(1)}`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def _order(names: Sequence[str], first: Sequence[str]) -> list[str]:
    """``names`` with those in ``first`` first (in that order), the rest alphabetically."""
    return [n for n in first if n in names] + sorted(n for n in names if n not in first)


def _entries(folder: Path) -> list[Path]:
    """Modules and sub-packages of a folder, in the order the tree lists them."""
    items = {p.name: p for p in folder.iterdir() if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").is_file()}
    if folder == PACKAGE:
        keys = _order([k.removesuffix(".py") for k in items], [*(f.removesuffix(".py") for f in FACADE), *LAYERS])
        return [items[k] if k in items else items[f"{k}.py"] for k in keys]
    return [items[k] for k in sorted(items, key=lambda name: (name.endswith(".py"), name))]


def tree() -> str:
    """The package tree, one line per module, with the first sentence of its docstring."""
    rows: list[tuple[str, str]] = [("sim/", first_sentence(PACKAGE / "__init__.py"))]

    def walk(folder: Path, prefix: str) -> None:
        entries = _entries(folder)
        for n, path in enumerate(entries):
            last = n == len(entries) - 1
            branch, below = ("└── ", "    ") if last else ("├── ", "│   ")
            if path.is_dir():
                rows.append((f"{prefix}{branch}{path.name}/", first_sentence(path / "__init__.py")))
                walk(path, prefix + below)
            else:
                rows.append((f"{prefix}{branch}{path.name}", first_sentence(path)))

    walk(PACKAGE, "")
    width = max(len(name) for name, _ in rows) + 2
    lines = [f"{name:<{width}}{doc}".rstrip() for name, doc in rows]
    return "```text\n" + "\n".join(lines) + "\n```"


def schedule() -> str:
    """The month's numbered steps from the kernel's module docstring, as a Markdown list."""
    doc = ast.get_docstring(ast.parse(KERNEL.read_text(encoding="utf-8"))) or ""
    steps: list[str] = []
    for line in doc.splitlines():
        number = re.match(r"(\d+)\.\s+(.*)", line)
        if number:
            steps.append(f"{number.group(1)}. {number.group(2).strip()}")
        elif steps and line.startswith("   ") and line.strip():
            steps[-1] += " " + line.strip()
        elif steps and not line.strip():
            break
    if not steps:
        raise ValueError(f"{KERNEL} has no numbered schedule in its docstring")
    return "\n".join(markdown(step) for step in steps)


#: Each generated section: its name and what makes it.
SECTIONS: dict[str, Callable[[], str]] = {"tree": tree, "schedule": schedule}


def _span(page: str, name: str) -> tuple[int, int]:
    """Where section ``name``'s body starts and ends in ``page``."""
    begin = re.search(rf"<!-- generated: {name}\b[^>]*-->\n", page)
    end = page.find(f"<!-- end {name} -->", begin.end() if begin else 0)
    if begin is None or end < 0:
        raise ValueError(f"{PAGE.relative_to(ROOT)} lacks the markers of section {name!r}")
    return begin.end(), end


def render(page: str) -> str:
    """``page`` with every generated section made afresh."""
    for name, make in SECTIONS.items():
        start, end = _span(page, name)
        page = page[:start] + make() + "\n" + page[end:]
    return page


def stale(page: str) -> list[str]:
    """The names of the sections of ``page`` that differ from what the code gives."""
    fresh = render(page)
    return [name for name in SECTIONS if page[slice(*_span(page, name))] != fresh[slice(*_span(fresh, name))]]


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the generated sections of ``docs/architecture.md``, or with ``--check`` report the stale ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if a generated section is out of date")
    args = parser.parse_args(argv)
    page = PAGE.read_text(encoding="utf-8")
    if args.check:
        old = stale(page)
        if old:
            print(f"{PAGE.relative_to(ROOT)}: section(s) {', '.join(old)} out of date; run `{HOW}`", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(render(page), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

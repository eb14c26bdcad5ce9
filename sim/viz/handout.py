"""The trainer's handout: the runs on show as Markdown, and the same as a PDF (fpdf2, part of the ``viz`` extra).

The Markdown is :meth:`sim.viz.adapter.Run.handout` (outcome, councils, why it ended, the
tagged timeline), one run after another for a replay, then the sources it cites in full
(:func:`sources`). The PDF sets that Markdown out as
it reads: headings, bold runs, the councils' table and the timeline's bullets, in a core
font (Helvetica), so it needs no font file; characters outside Latin-1 are replaced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sim.core.causes import CITED, RESEARCH
from sim.core.declare import CITATIONS, G08, GIR
from sim.core.mechanisms import mechanisms
from sim.core.params import ELSTON

#: Characters the core fonts lack, and what stands in for them.
PLAIN = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u2212": "-"})
SEPARATOR = "\n---\n\n"
#: Each source a handout names in short (a key learning's "Guide 08, case 03", a timeline's tag), cited in full (as
#: docs/ODD.md's sources). A publication's mechanism is tagged "research" on the page, without its citation: the handout,
#: which the room takes away, gives it.
SOURCES: dict[str, str] = {**CITATIONS, "Elston et al. 2024": ELSTON}
#: How a handout names Guide 08 without saying "Guide 08": a case's tag or cause ("case 03").
A_CASE = re.compile(r"\bcase 0\d\b")
#: A timeline's tag of a mechanism taken from a publication: "[research]" or "[research, trigger: ...]".
A_RESEARCH_TAG = re.compile(rf"\[{RESEARCH}[],]")
#: The case whose mechanism is the councils' decision on the business case, and what a page's chip of it (on hover) and
#: a handout's sources say of that: every partnership goes through the decision, so every case's story has lines tagged
#: with it (each council's "approved the proposal" among them), which read to a room as that case's failure firing in
#: every case.
DECISION_CASE = "02"
DECISION_STEP = (
    "Its mechanism is the councils' decision on the business case, which every partnership goes through: in another case's"
    " story a line tagged case 02 is that decision going on (a council approving, a concern surfacing, a decision slipping);"
    " only a shelved proposal is case 02's failure."
)
#: A timeline's tag of that case: "[case 02]" or "[case 02, trigger: ...]".
A_DECISION_TAG = re.compile(rf"\[case {DECISION_CASE}[],]")


def research() -> tuple[str, ...]:
    """The publications the model's mechanisms come from (their sources, "Elston et al. 2024"), which the page tags "research"."""
    return tuple(dict.fromkeys(m.case for m in mechanisms() if CITED.search(m.case)))


def sources(text: str) -> list[str]:
    """The Markdown lines of a "Sources" section citing in full each source the handout ``text`` names in short (none: no lines).

    Its key learning said "(Guide 08, case 03)" and its timeline "[research]" or "[Getting IT right]", and nowhere what
    Guide 08 is, nor which research: a room could not look them up. Where its timeline has lines tagged case 02 (every
    case's story does: its councils' approvals), it says after Guide 08 what they are (:data:`DECISION_STEP`).
    """
    named = [name for name in (G08, GIR) if name in text]
    if G08 not in named and A_CASE.search(text):
        named.insert(0, G08)
    named += [name for name in research() if name in text or A_RESEARCH_TAG.search(text)]
    if not named:
        return []
    said = {G08: f"{G08} (its cases and problems)", **{name: f"{RESEARCH} ({name})" for name in research()}}
    cited = [f"- **{said.get(name, name)}**: {SOURCES[name]}." for name in dict.fromkeys(named)]
    if A_DECISION_TAG.search(text):
        cited.insert(1, f"- **case {DECISION_CASE}** (in the timeline): {DECISION_STEP}")
    return ["## Sources", "", *cited]


def markdown(parts: Sequence[str], opening: str = "") -> str:
    """Several runs' handouts as one Markdown document after its ``opening`` (Markdown; a replay's: how both ended), the
    sources either cites at its end (:func:`sources`)."""
    text = opening + SEPARATOR.join(part.rstrip() + "\n" for part in parts)
    cited = sources(text)
    return text + ("\n" + "\n".join(cited) + "\n" if cited else "")


def _latin1(text: str) -> str:
    return text.translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def pdf(text: str) -> bytes:
    """The Markdown handout ``text`` as an A4 PDF."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    doc = FPDF(format="A4")
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    lines = _latin1(text).splitlines()
    k = 0
    while k < len(lines):
        row = lines[k]
        if row.startswith("|"):
            rows = []
            while k < len(lines) and lines[k].startswith("|"):
                if not set(lines[k].replace("|", "").strip()) <= {"-", " "}:
                    rows.append(_cells(lines[k]))
                k += 1
            doc.set_font("Helvetica", size=9)
            widths = tuple(max(6, min(40, max(len(r[c]) for r in rows if c < len(r)))) for c in range(len(rows[0])))
            with doc.table(first_row_as_headings=True, line_height=5, col_widths=widths, text_align="LEFT") as table:
                for cells in rows:
                    table.row(cells)
            doc.ln(3)
            continue
        if row.strip() == "---":
            doc.add_page()
        elif row.startswith("# "):
            doc.set_font("Helvetica", "B", 15)
            doc.multi_cell(0, 7, row[2:], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            doc.ln(2)
        elif row.startswith("## "):
            doc.ln(2)
            doc.set_font("Helvetica", "B", 13)
            doc.multi_cell(0, 7, row[3:], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            doc.ln(1)
        elif row.startswith("- "):
            doc.set_font("Helvetica", size=10)
            doc.set_x(doc.l_margin + 4)
            doc.multi_cell(0, 5, "- " + row[2:], markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif row.strip():
            doc.set_font("Helvetica", size=11)
            doc.multi_cell(0, 6, row, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            doc.ln(2)
        k += 1
    return bytes(doc.output())

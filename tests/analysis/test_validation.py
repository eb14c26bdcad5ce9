"""The validation evidence: what it reports follows from what the runs showed (small runs)."""

from __future__ import annotations

import math
import re

import pytest

from sim.analysis import validation as V
from sim.config.cases import CASES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def evidence() -> V.Evidence:
    """Small runs, with robustness over two of the main assumptions (the page's logic is the same for ten)."""
    return V.collect(replications=200, seed=3, robustness_replications=100, workers=2, assumptions=V.ASSUMPTIONS[:2])


def test_every_case_is_judged_and_its_shares_are_shares(evidence: V.Evidence) -> None:
    assert [ce.case.id for ce in evidence.cases] == [c.id for c in CASES]
    for ce in evidence.cases:
        assert sum(ce.causes.values()) == pytest.approx(1.0) or not ce.causes
        assert all(0.0 <= v <= 1.0 for v in ce.necessary.values())
        assert list(ce.necessary.values()) == sorted(ce.necessary.values(), reverse=True)
        assert [(r.section, r.name) for r in ce.robustness] == [a for a in evidence.assumptions for _ in range(2)]
        # the shares' intervals count the case's failures: each share is a whole number of them
        assert ce.failures == round(ce.failure.value * evidence.replications)
        for share in (ce.own_share, *ce.necessary.values()):
            assert share * ce.failures == pytest.approx(round(share * ce.failures))


def test_the_page_lists_a_case_as_unmet_exactly_when_its_own_cause_does_not_lead(evidence: V.Evidence) -> None:
    page = V.render(evidence)
    unmet = page.split("### Where the model does not show what the case says")[1].split("##")[0]
    for ce in evidence.cases:
        listed = re.search(rf"case {ce.case.id}: its own cause is not the leading cause", unmet) is not None
        assert listed == (not ce.own_leads), ce.case.id


def test_causes_and_triggers_read_as_the_summaries_title_them(evidence: V.Evidence) -> None:
    """The page read "(case 01) (28%)" and triggers as code names with spaces ("partner left 36%")."""
    from sim.analysis.summary import list_titles, trigger_title, with_share

    page = V.render(evidence)
    assert ") (" not in page.replace("](", "")
    for ce in evidence.cases:
        top = list(ce.triggers.items())[:3]
        # a title inside the list starts in lower case (it read "..., The annual budget setting (10%)")
        titled = [with_share(title, f"{share:.0%}") for title, (_, share) in zip(list_titles([trigger_title(k) for k, _ in top]), top, strict=True)]
        assert f"| {', '.join(titled)} |" in page
    assert "partner left" not in page and "A partner leaving" == trigger_title("partner_left")
    baseline = page.split("## The baseline population", 1)[1]
    for heading in ("Causes of collapse: ", "Triggers of collapse: "):
        items = re.split(r"(?<=\)); ", baseline.split(heading, 1)[1].split(".\n", 1)[0])
        assert len(items) > 1 and all(item[:1].islower() or item[1:2].isupper() for item in items[1:]), items


def test_robustness_cells_read_what_each_run_found(evidence: V.Evidence) -> None:
    page = V.render(evidence)
    rows = [line for line in page.splitlines() if line.startswith("| `") and "(" in line.split("|")[1]]
    assert [row.split("`")[1] for row in rows] == [f"{section}.{name}" for section, name in evidence.assumptions]
    for ce in evidence.cases:
        leads = sum(r.leads for r in ce.robustness)
        helps = sum(r.lever_helps for r in ce.robustness)
        assert f"case {ce.case.id}: leads in {leads}/{len(ce.robustness)}, lever helps in {helps}/{len(ce.robustness)}" in page


def test_the_lever_figure_names_each_lever_as_sim_compare_does(tmp_path, monkeypatch) -> None:
    """The figure's lever axis was made of code names with spaces ('it harmonisation first'); sim-compare's forest
    plot names the same policies with policy_words ('IT harmonisation first')."""
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    from sim.analysis.comparison import policy_words
    from sim.analysis.stats import Estimate

    cases = [
        SimpleNamespace(
            case=case,
            lever_effects={lever: Estimate(-0.01, -0.02, 0.0) for lever in V.LEVERS},
            own_estimate=Estimate(0.5, 0.45, 0.55),
            necessary_estimate=Estimate(0.4, 0.35, 0.45),
        )
        for case in CASES
    ]
    drawn: dict[str, list[str]] = {}

    def savefig(fig: Figure, path, **_: object) -> None:
        drawn[path.name] = [label.get_text() for label in fig.axes[0].get_yticklabels()]

    monkeypatch.setattr(Figure, "savefig", savefig)
    V.plot(SimpleNamespace(cases=cases), tmp_path)
    assert drawn["levers.png"] == [policy_words(lever) for lever in V.LEVERS]
    assert "IT harmonisation first" in drawn["levers.png"]


def test_the_lever_figure_draws_fewer_failures_in_blue_as_its_title_says(tmp_path, monkeypatch) -> None:
    """The title said 'blue: fewer failures' while the colour map drew a lever that lowers failure in red."""
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    from sim.analysis.stats import Estimate

    helps, harms = Estimate(-0.2, -0.25, -0.15), Estimate(0.1, 0.05, 0.15)
    cases = [
        SimpleNamespace(
            case=case,
            lever_effects={lever: helps if lever in case.levers else harms for lever in V.LEVERS},
            own_estimate=Estimate(0.5, 0.45, 0.55),
            necessary_estimate=Estimate(0.0, 0.0, 0.02),
        )
        for case in CASES
    ]
    colours: dict[str, tuple[float, ...]] = {}

    def savefig(fig: Figure, path, **_: object) -> None:
        if path.name == "levers.png":
            image = fig.axes[0].get_images()[0]
            colours["helps"], colours["harms"] = (image.to_rgba(-20.0), image.to_rgba(10.0))
            colours["title"] = fig.axes[0].get_title()

    monkeypatch.setattr(Figure, "savefig", savefig)
    V.plot(SimpleNamespace(cases=cases), tmp_path)
    assert "blue: fewer failures" in colours["title"]
    red, _, blue, _ = colours["helps"]
    assert blue > red, f"a lever lowering failure by 20 points is drawn {colours['helps']}, not blue"
    red, _, blue, _ = colours["harms"]
    assert red > blue


def test_the_own_cause_figures_legend_covers_no_bar(tmp_path, monkeypatch) -> None:
    """The legend sat over the bars of cases 05 and 06, which reach 100%."""
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    from sim.analysis.stats import Estimate

    cases = [
        SimpleNamespace(
            case=case,
            lever_effects={lever: Estimate(-0.01, -0.02, 0.0) for lever in V.LEVERS},
            own_estimate=Estimate(1.0, 0.98, 1.0),
            necessary_estimate=Estimate(1.0, 0.98, 1.0),
        )
        for case in CASES
    ]
    overlaps: list[str] = []

    def savefig(fig: Figure, path, **_: object) -> None:
        if path.name == "own_cause.png":
            fig.canvas.draw()
            ax = fig.axes[0]
            legend = ax.get_legend().get_window_extent()
            overlaps.extend(str(bar.get_x()) for bar in ax.patches if bar.get_window_extent().overlaps(legend))

    monkeypatch.setattr(Figure, "savefig", savefig)
    V.plot(SimpleNamespace(cases=cases), tmp_path)
    assert not overlaps, f"the legend covers the bars at x = {overlaps}"


def test_the_lever_figure_writes_each_effect_signed_so_greyscale_print_keeps_its_direction(tmp_path, monkeypatch) -> None:
    """The cells were colour alone: in greyscale a lever lowering failure 20 points (dark blue) and one raising it 20 (dark red)
    print as the same grey, and nothing said which effects their interval could tell from none. Text was 10 points at 110 dpi."""
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    from sim.analysis.stats import Estimate

    helps, harms, unsure, unchanged = Estimate(-0.2, -0.25, -0.15), Estimate(0.2, 0.15, 0.25), Estimate(0.003, -0.01, 0.03), Estimate(0.0, 0.0, 0.0)
    effects = {lever: (helps, harms, unsure, unchanged)[k % 4] for k, lever in enumerate(V.LEVERS)}
    half = Estimate(0.5, 0.45, 0.55)
    cases = [SimpleNamespace(case=case, lever_effects=effects, own_estimate=half, necessary_estimate=half) for case in CASES]
    seen: dict[str, object] = {}

    def savefig(fig: Figure, path, **options: object) -> None:
        if path.name == "levers.png":
            fig.canvas.draw()
            seen["cells"] = [t.get_text() for t in fig.axes[0].texts]
            seen["sizes"] = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and getattr(a, "get_text", lambda: "")())]
            seen["words"] = " ".join(t.get_text() for t in fig.texts)
            seen["dpi"] = options.get("dpi")

    monkeypatch.setattr(Figure, "savefig", savefig)
    V.plot(SimpleNamespace(cases=cases), tmp_path)
    assert seen["cells"][:: len(CASES)][:4] == ["-20", "+20", "(+0.3)", "(0)"] and len(seen["cells"]) == len(V.LEVERS) * len(CASES)
    assert "95% interval" in seen["words"]
    assert min(seen["sizes"]) >= 11 and seen["dpi"] >= 150


def test_the_own_cause_figure_draws_each_shares_wilson_interval(tmp_path, monkeypatch) -> None:
    """The bars of the own cause's share and of its mechanism's necessity had no interval, though each is a share of a few hundred failures."""
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    from sim.analysis.stats import Estimate, wilson

    cases = [
        V.CaseEvidence(
            case,
            {},
            Estimate(0.1, 0.09, 0.11),
            {case.cause: 0.3},
            {},
            {case.mechanism: 0.6},
            {lever: Estimate(-0.01, -0.02, 0.0) for lever in V.LEVERS},
            {},
            200,
        )
        for case in CASES
    ]
    assert (cases[0].own_estimate, cases[0].necessary_estimate) == (wilson(60, 200), wilson(120, 200))
    none = V.CaseEvidence(CASES[0], {}, Estimate(0, 0, 0), {}, {}, {}, {}, {}, 0).own_estimate
    assert all(math.isnan(end) for end in (none.value, none.low, none.high))  # no failure: no share to give an interval
    whiskers: list[tuple[float, ...]] = []
    notes: list[str] = []

    def savefig(fig: Figure, path, **_: object) -> None:
        if path.name == "own_cause.png":
            for collection in fig.axes[0].collections:
                whiskers.extend(tuple(sorted(segment[:, 1])) for segment in collection.get_segments())
            notes.extend(t.get_text() for t in fig.texts)

    monkeypatch.setattr(Figure, "savefig", savefig)
    V.plot(SimpleNamespace(cases=cases), tmp_path)
    for share in (wilson(60, 200), wilson(120, 200)):
        assert sum(w == pytest.approx((100 * share.low, 100 * share.high)) for w in whiskers) == len(CASES), (share, whiskers)
    assert len(whiskers) == 2 * len(CASES) and any("Whiskers: 95% Wilson intervals" in note for note in notes)

"""Stories for the trainer: for each case, a stored replication that fails for the case's own reason.

:func:`find_story` searches an ensemble of a case's scenario for "a run that fails for reason
X": it ends in one of the case's failures (``Case.failure``) with the case's own cause
leading (the cause of its ending is the case's). Among those it prefers the run that the
case's lever turns around (sustained with the lever on, else at least not failing for that
reason, so the replay shows the difference), then the one whose loss of value is most the
case's own, then the lowest replication. That choice favours the lever, so a story keeps how
often the lever turns around the runs that fail for the case's reason, and the page and the
handout say how the story was chosen beside its replay (:func:`chosen_words`).

The stories are stored, with the model version they were found with, in
``sim/viz/stories.json``; the README's trainer example is one of them. When the model
changes, regenerate both with one command::

    python -m sim.viz.stories

``tests/viz/test_viz_stories.py`` checks that each stored story still fails for its case's
reason and that the README's example is a stored story; it says to run that command when
they no longer do. The app uses the stored stories while they belong to the running model
version, and otherwise searches anew (:func:`story_for`).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sim.config import cases, scenarios
from sim.config.checks import ArgumentParser
from sim.config.settings import NO_POLICY
from sim.core.version import __version__
from sim.frontends.narrative import EARLY_ENDINGS
from sim.viz.adapter import RunView, case_of_scenario, lever_overrides, levers_phrase

#: Where the stories are stored (package data).
STORIES_FILE = Path(__file__).with_name("stories.json")
#: The README whose trainer example is rewritten on regeneration (present in a source checkout only).
README = Path(__file__).resolve().parents[2] / "README.md"
#: The command that regenerates the stories and the README's example.
REGENERATE = "python -m sim.viz.stories"
SEED = 0
REPLICATIONS = 400
#: The case the README's trainer example tells.
README_CASE = "01"
README_START = "<!-- trainer-example: written by `python -m sim.viz.stories`; do not edit by hand -->"
README_END = "<!-- /trainer-example -->"


@dataclass(frozen=True)
class Story:
    """A replication that tells a case's story: where to find it and how it ends, without and with the case's lever(s).

    ``searched`` replications were searched, ``failing`` of them fail for the case's reason; with the case's lever(s) on,
    ``sustained_with_levers`` of those are sustained and ``still_failing_with_levers`` still fail for the case's reason.
    """

    case: str
    scenario: str
    seed: int
    replication: int
    outcome: str
    end_month: int
    cause: str
    trigger: str
    levers: tuple[str, ...]
    outcome_with_levers: str
    cause_with_levers: str
    searched: int
    failing: int
    sustained_with_levers: int
    still_failing_with_levers: int


def fails_for(case: cases.Case, outcome: str, cause: str) -> bool:
    """Whether a run that ended with ``outcome`` and ``cause`` failed for the case's reason."""
    return outcome in case.failure and cause == case.cause


def find_story(
    case_id: str,
    seed: int = SEED,
    replications: int = REPLICATIONS,
    first_rep: int = 0,
    overrides: Sequence[str] = (),
    config_dir: str | Path | None = None,
) -> Story | None:
    """A replication of the case's scenario that fails for the case's reason; ``None`` if none of those searched does.

    Parameters
    ----------
    case_id
        ``"01"`` .. ``"07"``.
    seed, replications, first_rep
        Replications ``first_rep .. first_rep + replications - 1`` of the ensemble for ``seed`` are searched.
    overrides, config_dir
        Hydra overrides of the case's scenario, and a folder of the user's own configs.
    """
    from sim.frontends.ensemble import run_ensemble

    case = cases.case(case_id)
    base = run_ensemble(scenarios.load(case.scenario, NO_POLICY, tuple(overrides), config_dir), replications, seed, first_rep=first_rep)
    failed = base[[fails_for(case, o, c) for o, c in zip(base.outcome.astype(str), base.cause.astype(str), strict=True)]]
    if failed.empty:
        return None
    treated = run_ensemble(
        scenarios.load(case.scenario, NO_POLICY, (*overrides, *lever_overrides(case.levers)), config_dir), replications, seed, first_rep=first_rep
    ).set_index("rep")
    lost = [column for column in base.columns if column.startswith("value_lost_")]

    def score(row: Any) -> tuple[int, float, int]:
        after = treated.loc[row.rep]
        turned = 2 if after.outcome == "sustained" else int(not fails_for(case, str(after.outcome), str(after.cause)))
        total = sum(float(row[column]) for column in lost)
        own = float(row[f"value_lost_{case.cause}"]) / total if total > 0 else 0.0
        return turned, own, -int(row.rep)

    best = max((row for _, row in failed.iterrows()), key=score)
    after = treated.loc[best.rep]
    turned = treated.loc[failed.rep]
    return Story(
        case.id,
        case.scenario,
        int(seed),
        int(best.rep),
        str(best.outcome),
        int(best.end_month),
        str(best.cause),
        str(best.trigger),
        case.levers,
        str(after.outcome),
        str(after.cause),
        int(replications),
        len(failed),
        int((turned.outcome.astype(str) == "sustained").sum()),
        sum(fails_for(case, o, c) for o, c in zip(turned.outcome.astype(str), turned.cause.astype(str), strict=True)),
    )


def stored() -> tuple[str, dict[str, Story]]:
    """The stored stories by case id, with the model version they were found with."""
    data = json.loads(STORIES_FILE.read_text(encoding="utf-8"))
    return data["model_version"], {s["case"]: Story(**{**s, "levers": tuple(s["levers"])}) for s in data["stories"]}


def story_for(case_id: str | int) -> Story | None:
    """The case's story: the stored one while it belongs to this model version, else one found anew (slower; ``None`` if none)."""
    return _story_of(cases.case(case_id).id)  # "1" is case 01; a number that is no case is told in one line


@functools.cache
def _story_of(case_id: str) -> Story | None:
    """:func:`story_for` of a case's own number ("01"), kept once per case however the number was written."""
    version, stories = stored()
    if version == __version__ and case_id in stories:
        return stories[case_id]
    return find_story(case_id)


def chosen_words(story: Story) -> str:
    """How the story was chosen, and how often its lever(s) turn around the runs that fail for the case's reason:
    "How this story was chosen: 27 of 400 replications (seed 0) fail for case 01's reason, and it is one of those the
    lever (continuity plan) helps most: sustained with it where any is, else no longer failing for that reason. Across
    those 27, with the lever on, 0 are sustained and 14 still fail for the case's reason."
    """
    lever, it, helps = lever_nouns(story)
    return (
        f"How this story was chosen: {story.failing} of {story.searched} replications (seed {story.seed}) fail for case {story.case}'s reason,"
        f" and it is one of those the {lever} ({levers_phrase(story.levers)}) {helps} most: sustained with {it} where any is, else no longer"
        f" failing for that reason. Across those {story.failing}, with the {lever} on, {story.sustained_with_levers}"
        f" {'is' if story.sustained_with_levers == 1 else 'are'} sustained and {story.still_failing_with_levers}"
        f" still {'fails' if story.still_failing_with_levers == 1 else 'fail'} for the case's reason."
    )


def lever_nouns(story: Story) -> tuple[str, str, str]:
    """The story's lever(s) as a noun, a pronoun and "help" to follow them: ``("lever", "it", "helps")`` or ``("levers", "them", "help")``."""
    return ("lever", "it", "helps") if len(story.levers) == 1 else ("levers", "them", "help")


def loaded_words(story: Story) -> str:
    """What the page says as the story loads, before the room sees it play: where it is, how it ends and, in brief, how it
    was chosen (the whole of it, :func:`chosen_words`, once its replay has ended): "Case 01's story: seed 0, replication
    12 ends collapsed for the case's reason, as 27 of 400 replications do; chosen as one of those the lever (continuity plan)
    helps most, so its replay favours the lever. Press play."
    """
    lever, _, helps = lever_nouns(story)
    return (
        f"Case {story.case}'s story: seed {story.seed}, replication {story.replication} ends {story.outcome} for the case's reason,"
        f" as {story.failing} of {story.searched} replications do; chosen as one of those the {lever} ({levers_phrase(story.levers)}) {helps} most,"
        f" so its replay favours the {lever}. Press play."
    )


def chosen_for(original: RunView, treated: RunView) -> str:
    """:func:`chosen_words` of the case's story where ``original`` is that story (no levers, its seed and replication) and
    ``treated`` its replay with the case's lever(s); empty for any other pair (a run picked by hand is not chosen)."""
    case = case_of_scenario(original.scenario)
    if case is None or original.policy != NO_POLICY or original.levers or set(treated.levers) != set(case.levers):
        return ""
    story = story_for(case.id)
    if story is None or (story.seed, story.replication) != (original.seed, original.replication):
        return ""
    return chosen_words(story)


def readme_example(story: Story) -> str:
    """The README's trainer example (between :data:`README_START` and :data:`README_END`), told by ``story``."""
    ending = f"{story.outcome} in month {story.end_month}" if story.outcome in EARLY_ENDINGS else f"{story.outcome} at month {story.end_month}"
    turned = story.outcome_with_levers if story.outcome_with_levers != "running" else "still running"
    return "\n".join(
        [
            README_START,
            "```python",
            "import sim",
            "",
            f'model = sim.PartnershipModel(scenario_name="{story.scenario}", seed={story.seed}, replication={story.replication})',
            "while model.running:",
            "    model.step()  # one month",
            f'print(model.outcome, model.cause)  # "{story.outcome} {story.cause}": {ending}',
            'print("\\n".join(model.events.lines()))  # the narrated timeline, each decision with what prompted it and why',
            "print(model.handout())  # a Markdown handout: outcome, councils, timeline",
            "```",
            "",
            f"The same seed and replication with the case's key learning applied"
            f' (`sim.PartnershipModel(scenario_name="{story.scenario}", policy_name="{story.levers[0]}", seed={story.seed}, replication={story.replication})`'
            + (f" with {', '.join(story.levers[1:])} on as well" if len(story.levers) > 1 else "")
            + f") meets the same shocks and ends {turned}. In `sim-demo`, *Case {story.case}* under *Stories* loads this replication:"
            " press **To the end**, then **Replay with ...**.",
            README_END,
        ]
    )


def regenerate(seed: int = SEED, replications: int = REPLICATIONS, readme: Path | None = README) -> dict[str, Story]:
    """Find every case's story, store them with this model version, and rewrite the README's trainer example (if there is one)."""
    from sim.results.files import atomic_path, write_json

    found: dict[str, Story] = {}
    for case in cases.CASES:
        story = find_story(case.id, seed, replications)
        if story is None:
            raise RuntimeError(f"no replication of {case.scenario} (seed {seed}, {replications} replications) fails for case {case.id}'s reason")
        found[case.id] = story
    write_json(
        STORIES_FILE,
        {
            "model_version": __version__,
            "regenerate": REGENERATE,
            "search": {"seed": seed, "replications": replications},
            "stories": [asdict(s) for s in found.values()],
        },
    )
    if readme is not None and readme.exists():
        text = readme.read_text(encoding="utf-8")
        start, end = text.find(README_START), text.find(README_END)
        if start >= 0 and end > start:
            with atomic_path(readme) as tmp:
                tmp.write_text(text[:start] + readme_example(found[README_CASE]) + text[end + len(README_END) :], encoding="utf-8")
    _story_of.cache_clear()
    return found


def parser() -> argparse.ArgumentParser:
    """The command's options, with their ranges."""
    p = ArgumentParser(
        prog="python -m sim.viz.stories",
        description="Find, for each case, a replication that fails for the case's own reason; store them in sim/viz/stories.json with the model"
        " version and rewrite the README's trainer example.",
    )
    p.add_argument("--seed", type=int, default=SEED, help=f"seed of the ensemble searched, 0 <= seed < 2**63 (default {SEED})")
    p.add_argument("--replications", type=int, default=REPLICATIONS, help=f"replications searched per case, 1 .. 100000 (default {REPLICATIONS})")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the stories; one line per bad setting and exit 2."""
    args = parser().parse_args(argv)
    problems = []
    if not 0 <= args.seed < 2**63:
        problems.append(f"error: --seed = {args.seed} is outside [0, 2**63)")
    if not 1 <= args.replications <= 100_000:
        problems.append(f"error: --replications = {args.replications} is outside [1, 100000]")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    for story in regenerate(args.seed, args.replications).values():
        print(
            f"case {story.case}: {story.scenario} seed {story.seed} replication {story.replication}: {story.outcome} in month {story.end_month}"
            f" ({story.cause}, after {story.trigger}); with {'+'.join(story.levers)}: {story.outcome_with_levers}"
        )
    print(f"wrote {STORIES_FILE} for model {__version__}" + (f" and the trainer example in {README}" if README.exists() else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

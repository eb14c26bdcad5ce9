"""Stories: each stored replication still fails for its case's reason, and the README's trainer example is one of them.

When a test here fails after a change of the model, regenerate the stories and the README's
example with one command: ``python -m sim.viz.stories``.
"""

from __future__ import annotations

import json
import re

import pytest
from viz_support import ended_story_and_replay

from sim.config import cases
from sim.core.version import __version__
from sim.viz import adapter, stories

HOW = f"regenerate the stories and the README's trainer example: `{stories.REGENERATE}`"
VERSION, STORED = stories.stored()

EXAMPLE = re.compile(r'PartnershipModel\(scenario_name="(?P<scenario>[\w-]+)", seed=(?P<seed>\d+), replication=(?P<replication>\d+)\)')


def example_in(text: str) -> tuple[str, int, int] | None:
    """The (scenario, seed, replication) of the trainer example in a README's text, or ``None`` if it has none."""
    start, end = text.find(stories.README_START), text.find(stories.README_END)
    if start < 0 or end < start:
        return None
    found = EXAMPLE.search(text[start:end])
    return (found["scenario"], int(found["seed"]), int(found["replication"])) if found else None


def counted(case_id: str, seed: int, replications: int) -> tuple[int, int, int, int]:
    """Replications searched, those failing for the case's reason, and of those how many its lever(s) sustain and how many
    still fail for the reason with them on: each replication run one by one with the Mesa front-end."""
    case = cases.BY_ID[case_id]
    failing = sustained = still = 0
    for replication in range(replications):
        run = adapter.Run(case.scenario, seed=seed, replication=replication)
        run.run_to_end()
        if not stories.fails_for(case, run.outcome, run.cause):
            continue
        replay = adapter.replay_of(run, case.levers)
        replay.run_to_end()
        failing += 1
        sustained += replay.outcome == "sustained"
        still += stories.fails_for(case, replay.outcome, replay.cause)
    return replications, failing, sustained, still


def test_stories_belong_to_this_model_version():
    assert VERSION == __version__, f"sim/viz/stories.json was made for model {VERSION}, this is {__version__}; {HOW}"


def test_every_case_has_a_stored_story():
    assert set(STORED) == set(cases.BY_ID), f"cases without a stored story: {sorted(set(cases.BY_ID) - set(STORED))}; {HOW}"


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.id)
def test_each_stored_story_still_fails_for_its_case_reason(case):
    story = STORED[case.id]
    assert story.scenario == case.scenario and story.levers == case.levers, HOW
    run = adapter.Run(story.scenario, seed=story.seed, replication=story.replication)
    run.run_to_end()
    assert stories.fails_for(case, run.outcome, run.cause), (
        f"case {case.id}'s story (seed {story.seed}, replication {story.replication}) now ends {run.outcome} ({run.cause}); {HOW}"
    )
    assert (run.outcome, run.month, run.cause, run.trigger) == (story.outcome, story.end_month, story.cause, story.trigger), HOW
    replay = adapter.replay_of(run, case.levers)
    replay.run_to_end()
    assert (replay.outcome, replay.cause) == (story.outcome_with_levers, story.cause_with_levers), HOW
    assert not stories.fails_for(case, replay.outcome, replay.cause), f"the lever no longer turns case {case.id}'s story around; {HOW}"


def test_the_readme_trainer_example_is_a_stored_story_that_fails():
    example = example_in(stories.README.read_text(encoding="utf-8"))
    assert example is not None, f"README.md has no trainer example between the markers; {HOW}"
    scenario, seed, replication = example
    story = next((s for s in STORED.values() if (s.scenario, s.seed, s.replication) == example), None)
    assert story is not None, f"README's example ({scenario}, seed {seed}, replication {replication}) is not a stored story; {HOW}"
    assert story.case == stories.README_CASE
    run = adapter.Run(scenario, seed=seed, replication=replication)
    run.run_to_end()
    assert run.outcome in ("collapsed", "shelved", "underperforming") and stories.fails_for(cases.BY_ID[story.case], run.outcome, run.cause), HOW
    assert stories.readme_example(story) in stories.README.read_text(encoding="utf-8"), f"README's example text is stale; {HOW}"
    with_policy = adapter.Run(scenario, policy=story.levers[0], seed=seed, replication=replication, levers=story.levers[1:])
    with_policy.run_to_end()
    assert with_policy.outcome == story.outcome_with_levers, f"the README's lever-on variant no longer ends {story.outcome_with_levers}; {HOW}"


def test_find_story_finds_a_run_that_fails_for_the_reason_and_none_when_it_cannot():
    found = stories.find_story("06", seed=1, replications=200)
    assert found is not None and found.seed == 1 and 0 <= found.replication < 200
    assert stories.fails_for(cases.BY_ID["06"], found.outcome, found.cause)
    assert (found.searched, found.failing, found.sustained_with_levers, found.still_failing_with_levers) == counted("06", seed=1, replications=200)
    assert stories.find_story("06", seed=1, replications=200, overrides=("mechanisms.case06.enabled=false",)) is None


def test_regenerate_writes_the_stories_and_the_readme_example(tmp_path, monkeypatch):
    monkeypatch.setattr(stories, "STORIES_FILE", tmp_path / "stories.json")
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{stories.README_START}\nold example\n{stories.README_END}\nafter\n", encoding="utf-8")
    found = stories.regenerate(readme=readme)
    data = json.loads((tmp_path / "stories.json").read_text(encoding="utf-8"))
    assert data["model_version"] == __version__ and data["regenerate"] == stories.REGENERATE
    assert [s["case"] for s in data["stories"]] == [c.id for c in cases.CASES]
    assert found == STORED or VERSION != __version__, f"regenerating under the same model version found other stories; {HOW}"
    text = readme.read_text(encoding="utf-8")
    assert "old example" not in text and text.startswith("# Title\n\nbefore\n") and text.endswith("after\n")
    assert example_in(text) == (found["01"].scenario, found["01"].seed, found["01"].replication)


def test_the_command_refuses_bad_settings_with_one_line_each(capsys):
    assert stories.main(["--seed", "-1", "--replications", "0"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ["error: --seed = -1 is outside [0, 2**63)", "error: --replications = 0 is outside [1, 100000]"]


def test_a_cases_story_is_kept_once_however_its_number_is_written() -> None:
    """story_for was cached on the number as written, then normalised it: 1, "1" and "01" were kept (and, for a model
    version without stored stories, searched for) three times over."""
    from sim.viz import stories as module

    module._story_of.cache_clear()
    found = {module.story_for(written) for written in (1, "1", "01")}
    assert len(found) == 1 and module._story_of.cache_info().currsize == 1


#: What the trainer sees the case's lever do in its story's replay: a sentence of the lever's own event (case 03's, 04's,
#: 05's and 07's replays had one; 01's, 02's and 06's showed the lever only in smaller numbers).
LEVER_ACTS = {
    "01": (
        "its continuity plan kept part of the trust between its people and its partners'",
        "its continuity plan handed the departed champion's role to a successor",
    ),
    "02": ("its chief executive is about to leave: the agreed decision process involved the successor instead of deferring",),
    "06": ("agreed target service priorities before the deeper stage began, settling part of its concern",),
}


@pytest.mark.parametrize("case_id", sorted(LEVER_ACTS))
def test_the_storys_replay_says_where_the_lever_acted_and_the_story_does_not(case_id: str) -> None:
    """Case 01's replay read "Month 54 - Eastshire - a new champion took up the role" with nothing saying the continuity plan
    brought them in (the story, without it, waited to month 68 and collapsed): the lever's own lines now say it, in the
    replay only."""
    run, replay = ended_story_and_replay(case_id)
    for sentence in LEVER_ACTS[case_id]:
        assert [line for line in replay.model.events.lines() if sentence in line], f"case {case_id}'s replay never says {sentence!r}"
        assert not [line for line in run.model.events.lines() if sentence in line], f"case {case_id}'s story, without the lever, says {sentence!r}"

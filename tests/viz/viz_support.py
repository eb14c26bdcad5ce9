"""What the trainer's-app tests need, and how they bow out when it is missing.

On a user's machine a test whose tools are missing (the ``viz`` extra, playwright, the
system's Chromium) is skipped with the reason; under CI (``CI=true``) it fails instead,
so a CI machine that lost its browser cannot pass quietly.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

from sim.viz import adapter, stories

#: Flags for the system's Chromium (never a downloaded browser): headless, and no calls home.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def on_ci() -> bool:
    """Whether the tests run under CI (``CI=true``)."""
    return os.environ.get("CI", "").lower() == "true"


def need(ok: bool, reason: str) -> None:
    """Skip (fail under CI=true) unless ``ok``."""
    if ok:
        return
    if on_ci():
        pytest.fail(f"{reason} (CI=true: the test must run here; see .ci/support/install-browser.sh and the viz extra)")
    pytest.skip(reason, allow_module_level=True)


def need_solara() -> None:
    """The ``viz`` extra."""
    need(
        importlib.util.find_spec("solara") is not None and importlib.util.find_spec("fpdf") is not None,
        "the viz extra is not installed: pip install -e '.[viz]'",
    )


def need_chromium() -> str:
    """The system's Chromium and playwright to drive it; returns the browser's path."""
    need_solara()
    need(importlib.util.find_spec("playwright") is not None, "playwright is not installed (dev extra)")
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    need(path is not None, "no system chromium: run .ci/support/install-browser.sh (as root)")
    assert path is not None
    return path


def ended_story(case_id: str) -> adapter.Run:
    """Case ``case_id``'s story (:func:`sim.viz.stories.story_for`) run to its end."""
    story = stories.story_for(case_id)
    assert story is not None, f"case {case_id} has no story"
    run = adapter.Run(story.scenario, seed=story.seed, replication=story.replication)
    run.run_to_end()
    return run


def ended_story_and_replay(case_id: str) -> tuple[adapter.Run, adapter.Run]:
    """Case ``case_id``'s story (:func:`ended_story`) and its replay with the story's levers, both run to their end."""
    story = stories.story_for(case_id)
    assert story is not None, f"case {case_id} has no story"
    run = ended_story(case_id)
    replay = adapter.replay_of(run, story.levers)
    replay.run_to_end()
    return run, replay

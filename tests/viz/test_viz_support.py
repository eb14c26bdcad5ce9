"""The trainer's-app tests skip without their tools on a user's machine, and fail under CI=true."""

from __future__ import annotations

import pytest
from viz_support import need


def test_missing_tool_skips_on_a_users_machine(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        need(False, "no chromium")


def test_missing_tool_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        need(False, "no chromium")


def test_present_tool_passes(monkeypatch):
    monkeypatch.setenv("CI", "true")
    need(True, "unused")

"""Provenance of a result: model and code versions, package versions, machine and command."""

from __future__ import annotations

import subprocess

import sim
from sim.results import provenance


def test_provenance_names_versions_and_commit():
    prov = provenance.collect()
    assert prov["model_version"] == provenance.model_version() == sim.__version__
    assert {"numpy", "scipy", "pandas", "hydra-core", "python", "numba"} <= set(prov["packages"])
    assert {"model_version", "code_version", "git_commit", "git_dirty", "packages", "machine", "command", "created"} <= set(prov)
    assert provenance.code_version("0123456789abcdef", True) == "0123456789ab-dirty"
    assert provenance.code_version("0123456789abcdef", False) == "0123456789ab"
    assert provenance.code_version(None, None) == "unknown"


def test_the_code_version_is_this_checkout():
    commit, dirty = provenance.git_commit()
    if commit is None:  # not run from a git checkout
        return
    assert len(commit) == 40 and isinstance(dirty, bool)
    assert provenance.collect()["code_version"] == provenance.code_version(commit, dirty)


def test_an_installed_package_inside_a_git_project_of_ones_own_has_no_commit(tmp_path, monkeypatch):
    """A package installed in myproject/.venv recorded myproject's commit as the model's code version."""
    project = tmp_path / "myproject"
    package = project / ".venv" / "site-packages" / "sim"
    (package / "results").mkdir(parents=True)
    (project / ".gitignore").write_text(".venv/\n")
    git = ["git", "-C", str(project), "-c", "user.name=u", "-c", "user.email=u@example.org"]
    for args in (["init", "-q"], ["add", ".gitignore"], ["commit", "-q", "-m", "mine"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    monkeypatch.setattr(provenance, "__file__", str(package / "results" / "provenance.py"))
    assert provenance.git_commit() == (None, None)
    assert provenance.collect()["code_version"] == "unknown"


def test_the_run_config_records_the_settings_as_run():
    from omegaconf import OmegaConf

    cfg = OmegaConf.create({"uncertainty": "posterior", "replications": 10, "seed": "${replications}"})
    assert provenance.run_config(cfg, uncertainty="none") == {"uncertainty": "none", "replications": 10, "seed": 10}
    assert cfg.uncertainty == "posterior"

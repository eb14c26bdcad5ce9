"""A results folder's lock read from outside: whether a run or sweep still holds it."""

from __future__ import annotations

import errno
import fcntl
import json
import socket
import subprocess
import sys

import pytest

from sim.results.lock import LOCK_NAME, FolderBusy, RunLock, still_held


def test_a_folder_without_a_lock_file_is_not_held(tmp_path):
    assert still_held(tmp_path) is False


def test_a_lock_held_by_a_live_process_of_this_host_is_held(tmp_path):
    with RunLock(tmp_path):
        assert still_held(tmp_path) is True
    assert still_held(tmp_path) is False, "released: its file removed"


def test_a_lock_file_left_by_a_process_that_ended_is_not_held(tmp_path):
    """A killed sweep leaves its lock file (the operating system releases the flock, not the file)."""
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": int(ended.stdout), "host": socket.gethostname(), "started": 0.0}))
    assert still_held(tmp_path) is False


def test_a_lock_of_another_host_cannot_be_told_from_here(tmp_path):
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": 1, "host": f"not-{socket.gethostname()}", "started": 0.0}))
    assert still_held(tmp_path) is None


def test_without_flock_a_live_process_named_in_the_lock_file_keeps_the_folder(tmp_path, monkeypatch):
    """On a file system without flock (ENOLCK) the PID in the lock file decides: a live other process of this host refuses."""

    def no_flock(fd, operation):
        raise OSError(errno.ENOLCK, "no locks")

    monkeypatch.setattr(fcntl, "flock", no_flock)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": alive.pid, "host": socket.gethostname(), "started": 0.0}))
        with pytest.raises(FolderBusy):
            RunLock(tmp_path).acquire()
    finally:
        alive.kill()
        alive.wait()
    with RunLock(tmp_path):
        assert still_held(tmp_path) is True, "its process ended: taken, now this process's"


def test_without_flock_a_refused_run_reads_the_lock_file_once(tmp_path, monkeypatch):
    """Without flock, acquire() read the lock file to find its PID, again to tell whether that process was alive, and a
    third time for the refusal's words: one read now serves all three (and the refusal names that same holder)."""

    def no_flock(fd, operation):
        raise OSError(errno.ENOLCK, "no locks")

    monkeypatch.setattr(fcntl, "flock", no_flock)
    reads = []
    owner = RunLock.owner
    monkeypatch.setattr(RunLock, "owner", lambda self: reads.append(self.path) or owner(self))
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": alive.pid, "host": socket.gethostname(), "started": 0.0}))
        with pytest.raises(FolderBusy, match=f"PID {alive.pid} on {socket.gethostname()}"):
            RunLock(tmp_path).acquire()
    finally:
        alive.kill()
        alive.wait()
    assert len(reads) == 1, reads

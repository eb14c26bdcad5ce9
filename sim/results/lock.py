"""One run per results folder: a lock held for the whole run, and the leftovers of killed runs cleaned at the next start.

A run takes ``.sim.lock`` in its folder before anything is written there (before Hydra's
``.hydra/`` too, see :mod:`sim.cli.guard`). The lock is an ``flock`` on that file, which the
operating system releases when the process ends however it ends, so a lock left by a killed
run is never mistaken for a live one; the file also holds the owner's PID, host and start
time for the message a refused run prints. A second run into the same folder is refused with
that message (:class:`FolderBusy`).

:func:`clean_leftovers` removes, under the lock, the temporary ``.NAME.PID.HEX.tmp`` files
of other processes (under the lock, a killed run's half-written results) and a result set that a killed
run left incomplete (results files without the ``summary.json`` written last).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import socket
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from sim.results.files import SUMMARY, remove

LOCK_NAME = ".sim.lock"
#: ``.NAME.PID.HEX.tmp``, as written by :func:`sim.results.files.atomic_path`.
_TMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]+\.tmp$")
#: Locks held by this process, by resolved folder (a run's command and its Hydra task share one).
_held: dict[Path, RunLock] = {}
#: ``flock`` errors meaning the file system has no such locks: fall back to the PID in the file.
_NO_FLOCK = (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL)
#: ``flock`` errors meaning another process holds the lock.
_HELD = (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES)


class FolderBusy(RuntimeError):
    """The folder is in use by another run; the message names it and says what to do."""


def pid_alive(pid: int) -> bool:
    """Whether a process with this PID exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def still_held(folder: str | Path) -> bool | None:
    """Whether a run or sweep still holds ``folder``'s lock, read without taking it (:meth:`RunLock.holder_alive`)."""
    return RunLock(folder).holder_alive()


class RunLock:
    """The lock of one results folder (a context manager; re-entrant within one process).

    Raises :class:`FolderBusy` when another live process holds it, and ``OSError`` when the
    folder cannot be written. ``option`` is the setting that chooses another folder, which
    that message names (a multirun's jobs are placed by ``hydra.sweep.dir``).
    """

    def __init__(self, folder: str | Path, option: str = "hydra.run.dir") -> None:
        self.folder = Path(folder).resolve()
        self.option = option
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None
        self._outer: RunLock | None = None

    def owner(self) -> dict:
        """What the lock file says about its holder (empty if unreadable)."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def holder_alive(self) -> bool | None:
        """Whether the process the lock file names is alive, read without taking the lock (a sweep resumed meanwhile is not refused).

        False where there is no lock file (its holder removed it on release) or the file names a
        process of this host that has ended (a killed run leaves the file, not the lock); True
        where that process is alive; None where the holder is another host's (a cluster's login
        node), which this machine cannot tell, or the file says nothing yet.
        """
        return self._alive(self.owner())

    def _alive(self, who: dict) -> bool | None:
        """:meth:`holder_alive` from what the lock file says (``who``, :meth:`owner`)."""
        if not who:
            return None if self.path.exists() else False
        pid = who.get("pid")
        if who.get("host") != socket.gethostname() or not isinstance(pid, int):
            return None
        return pid_alive(pid)

    def _held_by_live_process(self, who: dict) -> bool:
        """Without ``flock`` (some network file systems): whether another process of this host, alive, is named in the lock file (``who``)."""
        return who.get("pid") != os.getpid() and self._alive(who) is True

    def _busy(self, who: dict) -> FolderBusy:
        """The refusal, naming the holder the lock file names (``who``)."""
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(who["started"])) if isinstance(who.get("started"), (int, float)) else "at an unknown time"
        return FolderBusy(
            f"{self.folder} is in use by another run (PID {who.get('pid', '?')} on {who.get('host', '?')}, started {since}): "
            f"wait for it to finish or choose another folder with {self.option}=..."
        )

    def _same_file(self, fd: int) -> bool:
        try:
            return os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            return False

    def acquire(self) -> RunLock:
        """Take the lock (or join this process's own)."""
        held = _held.get(self.folder)
        if held is not None:
            self._outer = held
            return self
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                if err.errno not in (*_HELD, *_NO_FLOCK):
                    os.close(fd)
                    raise
                who = self.owner()  # read once: whether, without flock, its holder is alive, and the refusal's words
                if err.errno in _HELD or self._held_by_live_process(who):
                    os.close(fd)
                    raise self._busy(who) from None
            if self._same_file(fd):
                break
            os.close(fd)  # locked a file its holder had just removed on release: take the new one
        try:
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}).encode())
        except OSError:
            os.close(fd)
            raise
        self._fd = fd
        _held[self.folder] = self
        return self

    def release(self) -> None:
        """Give the lock back and remove its file (joined locks leave that to the outer holder)."""
        if self._outer is not None:
            self._outer = None
            return
        if self._fd is None:
            return
        _held.pop(self.folder, None)
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.release()


def stale_temporary_files(folder: str | Path) -> list[Path]:
    """Temporary results files (and staged folders such as ``.hydra``) in ``folder`` written by another process.

    Under the folder's lock these are a killed run's leftovers.
    """
    folder = Path(folder)
    found = []
    for path in folder.iterdir() if folder.is_dir() else ():
        match = _TMP.match(path.name)
        if match and int(match.group(1)) != os.getpid():
            found.append(path)
    return found


def clean_leftovers(folder: str | Path, results: Iterable[str], complete_marks: Iterable[str] = (SUMMARY,)) -> list[str]:
    """Remove what killed runs left in ``folder`` (hold its lock first); returns the names removed.

    Removes the stale temporary files and, when every one of ``complete_marks`` is missing (the
    files a complete set has, renamed into place last), any of the ``results`` files (a set a
    killed run left half renamed into place).
    """
    folder = Path(folder)
    removed = []
    for path in stale_temporary_files(folder):
        remove(path)
        removed.append(path.name)
    if not any((folder / mark).exists() for mark in complete_marks):
        for name in results:
            path = folder / name
            if path.is_file():
                path.unlink()
                removed.append(name)
    return removed

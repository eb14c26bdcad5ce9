"""Real Ray and SLURM clusters for tests, started and stopped by the tests themselves.

Two context managers, usable outside pytest too (``benchmarks/bench_launchers.py``):

* :func:`ray_head` starts ``ray start --head --block`` on 127.0.0.1 as a child process in its
  own session, with its own temporary folder and free ports, and yields a :class:`RayHead`.
* :func:`slurm_cluster` writes a private ``slurm.conf`` (one node on 127.0.0.1,
  ``AuthType=auth/none``: no munge) in a temporary folder, starts ``slurmctld`` and ``slurmd``
  from Debian's ``slurm-wlm`` in the foreground as child processes, waits until ``sinfo`` shows
  the node idle and yields a :class:`SlurmCluster`.

and pytest fixtures of the same names built on them (module-scoped: a test module shares one
cluster). Every step has a hard timeout; start-up times are printed and kept on the yielded
object. Teardown stops only what was started here: the child's process group and session
(found by session id in /proc), never ``ray stop`` (which ends every Ray on the machine); for
SLURM, ``scancel`` only of the job ids in the private controller's queue (no other controller
knows them) and then its own two daemons.

Missing tools: :func:`unavailable` skips with the reason on a user's machine but fails when
``CI=true``, so CI cannot go green by skipping.

Never two at once: each context manager holds an exclusive lock (``fcntl.flock`` on a file in
the temporary directory, one per kind, re-entrant within a process) for its whole life, so two
pytest-xdist workers, or two checkouts on one machine, wait for each other instead of competing
for two cores and ports. That lock is the guarantee, whatever the ``--dist`` mode. To avoid the
waiting, the Makefile runs ``pytest -n 2 --dist loadfile -m "not ray"``, which keeps
``tests/test_clusters.py`` on one worker, and then the Ray tests alone (``pytest -m ray``): Ray
gives its raylet a fixed 30 s to register, too short on a 2-core machine busy with the other
worker (see :data:`RAY_START_ATTEMPTS`). ``--dist loadgroup`` with the module's ``xdist_group("clusters")`` mark would be
the finer tool, but with pytest 9.2 and pytest-xdist 3.8.0 it silently groups nothing
(pytest-xdist issue #1386: the ``@group`` suffix written to ``item._nodeid`` is ignored).
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: Seconds to wait for another holder of a cluster lock (another xdist worker or checkout).
LOCK_TIMEOUT = float(os.environ.get("SIM_CLUSTER_LOCK_TIMEOUT", 900))
RAY_START_TIMEOUT = 120.0
SLURM_START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
#: Where Debian puts the daemons; not on a normal user's PATH.
SBIN = ("/usr/sbin", "/sbin", "/usr/local/sbin")


def in_ci() -> bool:
    """Whether we run in CI (``CI=true``, as GitHub Actions and most CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> None:
    """Skip (a user's machine) or fail (CI) because a cluster engine is missing."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: cluster tests must run, see .ci/support/install-system.sh)", pytrace=False)
    pytest.skip(reason)


def require_module(module: str, extra: str) -> None:
    """Skip (a user's machine) or fail (CI) unless ``module`` (a launcher plugin) is installed."""
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its parent package (hydra_plugins) is missing too
        found = False
    if not found:
        unavailable(f"{module} is not installed (pip install -e '.[{extra}]')")


def say(message: str) -> None:
    """One line on stderr (pytest shows it with ``-s`` or under a failing test)."""
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it; small race, acceptable in tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(n: int) -> list[int]:
    """``n`` distinct free ports (held open together while choosing, so they differ)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


#: Locks this process holds, with their depth (re-entrant: a fixture and a test may both take one).
_held: dict[str, int] = {}


@contextlib.contextmanager
def exclusive(kind: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold ``<tmp>/sim-tests-<kind>.lock`` exclusively (waits at most ``timeout`` seconds); re-entrant in one process."""
    if _held.get(kind):
        _held[kind] += 1
        try:
            yield
        finally:
            _held[kind] -= 1
        return
    path = Path(tempfile.gettempdir()) / f"sim-tests-{kind}.lock"
    with open(path, "a+") as handle:
        deadline = time.monotonic() + timeout
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not announced:
                    say(f"[{kind}] waiting for {path} (another test run holds it)")
                    announced = True
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{path} still locked after {timeout:.0f} s") from None
                time.sleep(0.5)
        _held[kind] = 1
        try:
            yield
        finally:
            _held.pop(kind, None)
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- processes ---------------------------------------------------------------------------


def session_members(sid: int) -> list[int]:
    """PIDs whose session id is ``sid`` (everything a ``start_new_session`` child spawned, unless it called setsid)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the ")" that closes the command name: state ppid pgrp session ...
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 3 and int(fields[3]) == sid:
            pids.append(int(entry.name))
    return pids


def stop_process(proc: subprocess.Popen, name: str, grace: float = STOP_TIMEOUT, group_first: bool = True) -> None:
    """End a child started with ``start_new_session=True``, and everything left in its session.

    SIGTERM (to its process group if ``group_first``, else to the child alone, letting it end its
    own children), up to ``grace`` seconds, then SIGKILL to every process still in the session.
    Only this child's session is touched: its id is the child's PID.
    """
    sid = proc.pid
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            if group_first:
                os.killpg(proc.pid, signal.SIGTERM)
            else:
                proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        proc.poll()
        if proc.returncode is not None and not session_members(sid):
            return
        time.sleep(0.2)
    left = session_members(sid)
    if left:
        say(f"[{name}] SIGKILL to {len(left)} process(es) left after {grace:.0f} s")
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"({path}: {exc})"


# --- Ray ---------------------------------------------------------------------------------

#: Environment for Ray 2.60 head and clients on a test machine: no token authentication
#: (2.60 turns it on by default; both sides must agree), no usage statistics, and single-machine
#: mode: without RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 the node registers under the machine's
#: network address despite --node-ip-address=127.0.0.1.
RAY_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


@dataclass
class RayHead:
    """A running Ray head. ``env``: what a client (driver) needs in its environment to attach."""

    address: str
    env: dict[str, str]
    temp_dir: Path
    log: Path
    pid: int
    startup_s: float


def ray_executable() -> str | None:
    """The ``ray`` command of this interpreter's environment (so head and driver run the same Ray)."""
    beside = Path(sys.executable).parent / "ray"
    return str(beside) if beside.exists() else shutil.which("ray")


def ray_missing() -> str | None:
    """Why Ray cannot be used here, or None."""
    import importlib.util

    for module in ("ray", "hydra_plugins.hydra_ray_launcher"):
        try:
            if importlib.util.find_spec(module) is None:
                return f"{module} is not installed (pip install -e '.[ray]')"
        except ModuleNotFoundError:
            return f"{module} is not installed (pip install -e '.[ray]')"
    if ray_executable() is None:
        return "the ray command is not on PATH"
    return None


#: Ray waits a fixed 30 s for its raylet to register with the GCS and then gives up ("The current
#: node timed out during startup"). On a loaded 2-core machine (the other test worker busy
#: simulating) that can happen; such a head is cleaned up and started again, this many times in all.
RAY_START_ATTEMPTS = 3
RAY_SLOW_RAYLET = "timed out during startup"


class RayStartFailed(RuntimeError):
    """``ray start`` exited before the head was up; ``slow`` when its raylet did not register in time."""

    def __init__(self, message: str, slow: bool):
        super().__init__(message)
        self.slow = slow


def start_ray_head(num_cpus: int | None, timeout: float) -> tuple[subprocess.Popen, Path, Path, int, float]:
    """Start ``ray start --head --block`` and wait until it is up: the process, its temp dir, log, port and start time.

    On failure everything it started is stopped and its temp dir removed.
    """
    # Short path: Ray's Unix sockets live under it and must stay below 107 characters.
    temp_dir = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
    log = temp_dir / "head.log"
    port, client, agent_http, agent_grpc, metrics, node_mgr, obj_mgr, runtime_env = free_ports(8)
    cmd = [
        ray_executable(),
        "start",
        "--head",
        "--block",
        "--node-ip-address=127.0.0.1",
        f"--port={port}",
        "--include-dashboard=false",
        "--disable-usage-stats",
        f"--temp-dir={temp_dir}",
        f"--num-cpus={num_cpus or os.cpu_count() or 1}",
        # Every fixed default port chosen freely, so two heads on one machine cannot collide.
        f"--ray-client-server-port={client}",
        f"--dashboard-agent-listen-port={agent_http}",
        f"--dashboard-agent-grpc-port={agent_grpc}",
        f"--metrics-export-port={metrics}",
        f"--node-manager-port={node_mgr}",
        f"--object-manager-port={obj_mgr}",
        f"--runtime-env-agent-port={runtime_env}",
    ]
    env = {**os.environ, **RAY_ENV}
    env.pop("RAY_ADDRESS", None)
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd=temp_dir)
    try:
        deadline = started + timeout
        while "Ray runtime started" not in log.read_text(errors="replace"):
            if proc.poll() is not None:
                text = tail(log)
                raise RayStartFailed(f"ray start exited with {proc.returncode}:\n{text}", RAY_SLOW_RAYLET in text)
            if time.monotonic() > deadline:
                raise TimeoutError(f"Ray head not up after {timeout:.0f} s:\n{tail(log)}")
            time.sleep(0.2)
    except BaseException:
        stop_process(proc, "ray_head")
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise
    return proc, temp_dir, log, port, started


@contextlib.contextmanager
def ray_head(num_cpus: int | None = None, timeout: float = RAY_START_TIMEOUT) -> Iterator[RayHead]:
    """Start a private Ray head on 127.0.0.1 (again, if its raylet was too slow to register); stop it (and only it) on exit."""
    why = ray_missing()
    if why:
        raise RuntimeError(why)
    with exclusive("ray"):
        for attempt in range(1, RAY_START_ATTEMPTS + 1):
            try:
                proc, temp_dir, log, port, started = start_ray_head(num_cpus, timeout)
                break
            except RayStartFailed as err:
                if not err.slow or attempt == RAY_START_ATTEMPTS:
                    raise
                say(f"[ray_head] attempt {attempt}: its raylet did not register within Ray's 30 s; starting again")
        try:
            head = RayHead(f"127.0.0.1:{port}", dict(RAY_ENV), temp_dir, log, proc.pid, time.monotonic() - started)
            say(f"[ray_head] up at {head.address} in {head.startup_s:.1f} s (pid {proc.pid}, {temp_dir})")
            yield head
        finally:
            t0 = time.monotonic()
            # SIGTERM to `ray start` alone: it drains the node and ends its own children in about
            # 2 s. SIGTERM to the whole group makes the drain wait 30 s for a GCS already gone.
            stop_process(proc, "ray_head", group_first=False)
            say(f"[ray_head] stopped in {time.monotonic() - t0:.1f} s")
            shutil.rmtree(temp_dir, ignore_errors=True)


# --- SLURM -------------------------------------------------------------------------------

SLURM_COMMANDS = ("slurmctld", "slurmd", "sinfo", "sbatch", "squeue", "scancel", "srun")


@dataclass
class SlurmCluster:
    """A running one-node SLURM. Run its client commands (and submitit) with ``env``."""

    env: dict[str, str]
    partition: str
    conf: Path
    root: Path
    node: str
    cpus: int
    startup_s: float
    commands: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str, timeout: float = 30) -> str:
        """A client command (``sinfo``, ``squeue``...) against this cluster; its stdout."""
        cmd = [self.commands.get(args[0], args[0]), *args[1:]]
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=timeout, check=True).stdout


def slurm_commands() -> dict[str, str] | str:
    """Paths of the SLURM commands, or why they cannot be used here."""
    found = {}
    for name in SLURM_COMMANDS:
        path = shutil.which(name) or next((f"{d}/{name}" for d in SBIN if os.access(f"{d}/{name}", os.X_OK)), None)
        if path is None:
            return f"{name} not found (Debian: apt-get install slurm-wlm, see .ci/support/install-system.sh)"
        found[name] = path
    return found


def _node_line(slurmd: str, name: str) -> tuple[str, int]:
    """This machine's node description from ``slurmd -C``, renamed, with half its memory; and its CPUs."""
    out = subprocess.run([slurmd, "-C"], capture_output=True, text=True, timeout=30).stdout
    line = next((x for x in out.splitlines() if x.startswith("NodeName=")), "")
    cpus = int(m.group(1)) if (m := re.search(r"\bCPUs=(\d+)", line)) else os.cpu_count() or 1
    memory = int(m.group(1)) if (m := re.search(r"\bRealMemory=(\d+)", line)) else 2048
    topology = " ".join(x for x in line.split() if x.split("=")[0] in {"Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore"})
    memory = max(memory // 2, 256)
    return (
        f"NodeName={name} NodeAddr=127.0.0.1 NodeHostname={socket.gethostname()} CPUs={cpus} {topology} RealMemory={memory} State=UNKNOWN",
        cpus,
    )


def write_slurm_conf(root: Path, commands: Mapping[str, str], partition: str, node: str) -> tuple[Path, int]:
    """A private slurm.conf under ``root`` (and its state, spool and log folders); its path and the node's CPUs."""
    for sub in ("state", "spool", "log", "run"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    user = getpass.getuser()
    ctld_port, slurmd_port = free_ports(2)
    node_line, cpus = _node_line(commands["slurmd"], node)
    conf = root / "slurm.conf"
    conf.write_text(
        f"""# Private single-node test cluster, written by tests/support/clusters.py
ClusterName=simtest
SlurmctldHost={socket.gethostname()}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
AuthType=auth/none
CredType=cred/none
SlurmUser={user}
SlurmdUser={user}
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool/%n
SlurmctldPidFile={root}/run/slurmctld.pid
SlurmdPidFile={root}/run/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
{node_line}
PartitionName={partition} Nodes={node} Default=YES MaxTime=INFINITE State=UP
"""
    )
    # slurmd reads cgroup.conf beside slurm.conf only with cgroup plugins; an empty one is harmless.
    (root / "cgroup.conf").write_text("")
    return conf, cpus


@contextlib.contextmanager
def slurm_cluster(partition: str = "simtest", timeout: float = SLURM_START_TIMEOUT) -> Iterator[SlurmCluster]:
    """Start a private one-node SLURM (slurmctld + slurmd, auth/none) on 127.0.0.1; stop it on exit."""
    commands = slurm_commands()
    if isinstance(commands, str):
        raise RuntimeError(commands)
    with exclusive("slurm"):
        root = Path(tempfile.mkdtemp(prefix="slurm-", dir="/tmp"))
        node = "simnode"
        conf, cpus = write_slurm_conf(root, commands, partition, node)
        env = {**os.environ, "SLURM_CONF": str(conf)}
        for name in list(env):
            # A caller inside a real allocation must not leak its job into ours.
            if name.startswith(("SLURM_", "SBATCH_", "SRUN_", "SALLOC_")) and name != "SLURM_CONF":
                env.pop(name)
        started = time.monotonic()
        procs: list[tuple[str, subprocess.Popen]] = []
        try:
            # Foreground (-D) children in their own sessions; slurmctld -c: no state from a previous run.
            for daemon, args in (("slurmctld", ["-D", "-c", "-i"]), ("slurmd", ["-D", "-N", node])):
                cmd = [commands[daemon], *args, "-f", str(conf)]
                with open(root / "log" / f"{daemon}.stdout", "wb") as out:
                    procs.append((daemon, subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)))
            deadline = started + timeout
            state = ""
            while True:
                for daemon, proc in procs:
                    if proc.poll() is not None:
                        raise RuntimeError(
                            f"{daemon} exited with {proc.returncode}:\n{tail(root / 'log' / f'{daemon}.log')}\n{tail(root / 'log' / f'{daemon}.stdout')}"
                        )
                with contextlib.suppress(subprocess.SubprocessError, OSError):
                    state = subprocess.run([commands["sinfo"], "-h", "-N", "-o", "%T"], env=env, capture_output=True, text=True, timeout=10).stdout.strip()
                if state == "idle":
                    break
                if time.monotonic() > deadline:
                    logs = "\n".join(tail(root / "log" / f"{d}.log", 15) for d, _ in procs)
                    raise TimeoutError(f"SLURM node not idle after {timeout:.0f} s (sinfo: {state!r}):\n{logs}")
                time.sleep(0.3)
            cluster = SlurmCluster(env, partition, conf, root, node, cpus, time.monotonic() - started, commands)
            say(f"[slurm_cluster] node {node} idle in {cluster.startup_s:.1f} s (partition {partition}, {cpus} CPUs, {conf})")
            yield cluster
        finally:
            t0 = time.monotonic()
            if procs and procs[0][1].poll() is None:
                # Only jobs of this private controller (our tests' jobs) are visible to it.
                with contextlib.suppress(subprocess.SubprocessError, OSError):
                    ids = subprocess.run([commands["squeue"], "-h", "-o", "%i"], env=env, capture_output=True, text=True, timeout=10).stdout.split()
                    if ids:
                        subprocess.run([commands["scancel"], *ids], env=env, capture_output=True, timeout=10)
                        say(f"[slurm_cluster] cancelled leftover jobs {' '.join(ids)}")
            for daemon, proc in reversed(procs):
                stop_process(proc, daemon)
            say(f"[slurm_cluster] stopped in {time.monotonic() - t0:.1f} s")
            if os.environ.get("SIM_KEEP_SLURM_DIR"):
                say(f"[slurm_cluster] kept {root}")
            else:
                shutil.rmtree(root, ignore_errors=True)


# --- the toy app ----------------------------------------------------------------------

SUPPORT = Path(__file__).resolve().parent
REPO = SUPPORT.parent.parent
#: The project's config folder: the launcher presets under test live in configs/hydra/launcher.
CONFIGS = REPO / "configs"
#: What a job's result must equal across launchers (the rest of result.json is timing).
COMPARED = ("seed", "n", "scale", "sum", "mean")


@dataclass
class ToyRun:
    """One multirun of the toy app: results by job number, wall time and output."""

    sweep_dir: Path
    results: dict[int, dict]
    wall_s: float
    submitted_at: float
    output: str

    def compared(self) -> dict[tuple, dict]:
        """The launcher-independent part of each result, keyed by the job's overrides."""
        return {tuple(r["overrides"]): {k: r[k] for k in COMPARED} for r in self.results.values()}


def toy_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for the toy app: ``tests/support`` on PYTHONPATH (the jobs import ``toy_app``)."""
    env = dict(os.environ)
    env.pop("RAY_ADDRESS", None)  # the ray preset would attach to it: only when a test says so
    env.update(extra or {})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SUPPORT), env.get("PYTHONPATH", "")) if p)
    return env


def run_toy(sweep_dir: Path, *overrides: str, env: Mapping[str, str] | None = None, timeout: float = 300, points: str = "seed=1,2,3") -> ToyRun:
    """``run_toy.py -m <points> <overrides>`` with the project's presets on the search path; fails loudly."""
    cmd = [
        sys.executable,
        str(SUPPORT / "run_toy.py"),
        "-m",
        points,
        f"hydra.sweep.dir={sweep_dir}",
        f"hydra.searchpath=[file://{CONFIGS}]",
        *overrides,
    ]
    submitted = time.time()
    started = time.monotonic()
    proc = subprocess.run(cmd, env=toy_env(env), capture_output=True, text=True, timeout=timeout, cwd=REPO)
    wall = time.monotonic() - started
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise AssertionError(f"toy multirun failed ({proc.returncode}): {' '.join(cmd)}\n{output[-3000:]}")
    results = {int(p.parent.name): json.loads(p.read_text()) for p in sweep_dir.glob("*/result.json")}
    return ToyRun(sweep_dir, results, wall, submitted, output)


# --- pytest fixtures ---------------------------------------------------------------------


@pytest.fixture(scope="module", name="ray_head")
def ray_head_fixture() -> Iterator[RayHead]:
    """A private Ray head (see :func:`ray_head`); skipped without Ray, failed in CI."""
    why = ray_missing()
    if why:
        unavailable(why)
    with ray_head() as head:
        yield head


@pytest.fixture(scope="module", name="slurm_cluster")
def slurm_cluster_fixture() -> Iterator[SlurmCluster]:
    """A private one-node SLURM (see :func:`slurm_cluster`); skipped without slurm-wlm, failed in CI."""
    commands = slurm_commands()
    if isinstance(commands, str):
        unavailable(commands)
    with slurm_cluster() as cluster:
        yield cluster

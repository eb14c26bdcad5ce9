"""How the model's code is compiled: with numba, on first use, cached on disk for this exact source.

:func:`compiled` marks a function of the month (a mechanism's step, a helper, the
kernel's loop) for compilation with numba. Nothing is compiled, and numba is not even
imported, until the month first runs: declaring a mechanism, its parameters and its
contract costs nothing, so checking a configuration or printing ``--help`` stays quick.

Compiled code never counts references (``_nrt=False``): the state and the parameters
travel as a handful of record arrays, and compiled code never allocates; the kernel hands
it work arrays made in Python. LLVM inlines each function where it is called
(``forceinline``). Machine code is cached in a folder named for a hash of every source
file of :mod:`sim.core` (``~/.cache/partnership-sim/numba/<hash>``, or
``$NUMBA_CACHE_DIR/<hash>``): numba notices edits to the file of the function it compiled
but not to the files of the functions and constants that function uses, so code cached
for one version of the model is never loaded by another. When that folder cannot be
written, a temporary one is used and a notice says so; numba is allowed no other place to
cache (never the source tree's ``__pycache__``), and with no writable folder at all the code
is compiled afresh in each process. A damaged cache (a truncated or garbled file, an index
naming code that can no longer be imported) is moved aside, with a notice, the first time
loading from it fails, and the model is compiled again into a fresh folder: a broken cache
never leaves the tool unusable.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CORE = Path(__file__).resolve().parent
#: How long compiling the model takes, as every message (and README.md, docs/trainer.md) says it: about 40 s
#: on an idle 2-core machine, 66-77 s with another job running, over two minutes on a busy one.
COMPILE_TIME = "about a minute, longer on a busy machine"
#: numba options of every compiled function (``parallel`` is added where a loop runs on every core).
OPTIONS: dict[str, Any] = {"cache": True, "_nrt": False, "forceinline": True}
#: Set by :func:`activate`: the folder holding this version's machine code.
_cache_dir: Path | None = None
_functions: list[Compiled] = []
#: Functions numba failed to compile, innermost first (recorded as their compile events end; see :func:`activate`).
_failed: list[Callable[..., Any]] = []


def source_hash() -> str:
    """A short hash of every Python file of :mod:`sim.core` (the compiled month), in path order."""
    digest = hashlib.sha256()
    for path in sorted(CORE.rglob("*.py")):
        digest.update(path.relative_to(CORE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    """Where compiled code is cached: ``$NUMBA_CACHE_DIR`` or ``$XDG_CACHE_HOME/partnership-sim/numba`` (default ``~/.cache/...``)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "partnership-sim" / "numba"


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if folder.stat().st_uid != os.getuid() and not os.access(folder, os.W_OK):
            return False
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


def _notice(text: str) -> None:
    print(f"notice: {text}", file=sys.stderr, flush=True)


def _fallback() -> Path | None:
    """A writable temporary folder for this version's machine code (None if there is none)."""
    shared = Path(tempfile.gettempdir()) / f"partnership-sim-numba-{os.getuid()}"
    try:
        mine = not shared.exists() or (shared.is_dir() and not shared.is_symlink() and shared.stat().st_uid == os.getuid())
    except OSError:
        mine = False
    if mine and _writable(shared / source_hash()):
        return shared / source_hash()
    try:
        return Path(tempfile.mkdtemp(prefix="partnership-sim-numba-")) / source_hash()
    except OSError:
        return None


def cache_dir() -> Path:
    """The folder of this version's machine code (chosen, and made, on first call)."""
    global _cache_dir
    if _cache_dir is None:
        folder = cache_root() / source_hash()
        if not _writable(folder):
            fallback = _fallback()
            if fallback is None or not _writable(fallback):
                _notice(
                    f"the compiled-code cache {folder} cannot be written, nor a temporary folder: compiling without a cache "
                    "(set NUMBA_CACHE_DIR to a writable folder)"
                )
                OPTIONS["cache"] = False
                _cache_dir = folder
                return _cache_dir
            _notice(
                f"the compiled-code cache {folder} cannot be written; using {fallback} "
                "(set NUMBA_CACHE_DIR to a writable folder to keep compiled code between sessions)"
            )
            folder = fallback
        _cache_dir = folder
    return _cache_dir


def _from_cache(problem: BaseException | None) -> bool:
    """Whether an exception (or one it was raised from) came from numba loading machine code from its cache."""
    seen = 0
    while problem is not None and seen < 10:
        trace = problem.__traceback__
        while trace is not None:
            if trace.tb_frame.f_code.co_filename.replace(os.sep, "/").endswith("numba/core/caching.py"):
                return True
            trace = trace.tb_next
        problem = problem.__cause__ or problem.__context__
        seen += 1
    return False


def discard_cache(problem: BaseException) -> Path:
    """Move this version's damaged cache folder aside (or leave it, if it cannot be moved) and switch to a fresh one; returns the new folder."""
    global _cache_dir
    old = cache_dir()
    aside = old.with_name(f"{old.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    try:
        os.replace(old, aside)
        fresh = old if _writable(old) else _fallback()
        where = f"moved it to {aside}"
    except OSError:
        fresh = _fallback()
        where = "it could not be moved"
    if fresh is None or not _writable(fresh):
        OPTIONS["cache"] = False
        fresh = old
    _notice(
        f"the compiled-code cache {old} is damaged ({type(problem).__name__}: {str(problem).splitlines()[0] if str(problem) else 'unreadable'}); "
        f"{where} and compiling the model afresh{' into ' + str(fresh) if OPTIONS['cache'] else ' without a cache'} ({COMPILE_TIME})"
    )
    _cache_dir = fresh
    if "numba" in sys.modules:
        import numba

        numba.config.CACHE_DIR = str(fresh)
    for function in _functions:
        function._dispatcher = None
    return fresh


def activate() -> None:
    """Import numba, point its cache at :func:`cache_dir` (and nowhere else) and teach it to call :class:`Compiled` functions."""
    if "numba" in sys.modules and getattr(activate, "done", False):
        return
    import numba
    from numba.core import types
    from numba.extending import typeof_impl

    numba.config.CACHE_DIR = str(cache_dir())
    if hasattr(numba.config, "CACHE_LOCATOR_CLASSES"):
        # only the folder above: without this numba falls back to __pycache__ in the source tree when that folder fails
        numba.config.CACHE_LOCATOR_CLASSES = "UserProvidedCacheLocator"

    @typeof_impl.register(Compiled)
    def _typeof_compiled(value: Compiled, context: Any) -> Any:
        return types.Dispatcher(value.dispatcher())

    from numba.core import event

    class Failures(event.Listener):
        """Records each function whose compilation failed (the innermost ends first)."""

        def on_start(self, ev: Any) -> None:
            pass

        def on_end(self, ev: Any) -> None:
            # a compilation that worked has added its overload by now (numba's own Event.is_failed cannot be relied on)
            dispatcher = ev.data.get("dispatcher")
            if dispatcher is not None and tuple(ev.data.get("args", ())) not in dispatcher.overloads:
                _failed.append(dispatcher.py_func)

    event.register("numba:compile", Failures())
    activate.done = True  # type: ignore[attr-defined]


def _explain(problem: BaseException, failed: list[Callable[..., Any]]) -> None:
    """Add a note to ``problem`` naming the innermost function numba could not compile (numba's own message may name neither it nor its file)."""
    if not failed:
        return
    function = failed[0]
    code = function.__code__
    note = f"numba could not compile {function.__module__}.{function.__qualname__} ({code.co_filename}, line {code.co_firstlineno})"
    if isinstance(problem, KeyError) and problem.args:
        note += f"; a KeyError here usually means a record it reads (q, P, s or its own state) has no field {problem.args[0]!r}"
    problem.add_note(note)


class Compiled:
    """A function compiled with numba the first time it (or compiled code calling it) runs.

    Calling it from Python runs the compiled code; compiled code calls it directly. The
    plain Python function stays available as ``py_func`` (and ``__wrapped__``).
    """

    def __init__(self, fn: Callable[..., Any], **options: Any) -> None:
        self.py_func = fn
        self.options = {**OPTIONS, **options}
        self.__wrapped__ = fn
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__
        self.__module__ = fn.__module__
        self.__doc__ = fn.__doc__
        self._dispatcher: Any = None
        _functions.append(self)

    def dispatcher(self) -> Any:
        """The numba dispatcher (made on first use)."""
        if self._dispatcher is None:
            activate()
            import numba

            self._dispatcher = numba.njit(**{**self.options, "cache": self.options["cache"] and OPTIONS["cache"]})(self.py_func)
        return self._dispatcher

    def __call__(self, *args: Any) -> Any:
        before = len(_failed)
        try:
            return self.dispatcher()(*args)
        except Exception as problem:
            if not OPTIONS["cache"] or not _from_cache(problem):
                _explain(problem, _failed[before:])
                raise
            discard_cache(problem)
        finally:
            del _failed[before:]  # this call's failures only, whichever way it ends
        return self.dispatcher()(*args)

    def __repr__(self) -> str:
        return f"<compiled {self.__module__}.{self.__qualname__}>"


def compiled(fn: Callable[..., Any] | None = None, **options: Any) -> Any:
    """Mark ``fn`` for compilation with numba on first use (``@compiled`` or ``@compiled(parallel=True)``)."""
    if fn is None:
        return lambda f: Compiled(f, **options)
    return Compiled(fn, **options)


def arguments_to(fn: Compiled, target: Compiled, position: int) -> list[tuple[str, Any]] | None:
    """The argument at ``position`` of every call of ``target`` in ``fn`` and the functions of its module it calls, read from their source.

    Parameters
    ----------
    fn : Compiled
        The function whose calls are read (a mechanism's step).
    target : Compiled
        The function called (:func:`sim.core.contract.note`).
    position : int
        Which argument of each call to give.

    Returns
    -------
    list of (str, object) or None
        Each argument as written, and its value when it is a name or a dotted name of the calling
        module (``Ev.SPOKE``), else None (a literal, an expression, or a name the function binds
        itself: an argument or a variable, whose value only a run shows); None when a source
        cannot be read (a function made without a file). Functions of other modules it calls are
        not read.
    """
    import ast
    import inspect
    import textwrap

    found: list[tuple[str, Any]] = []
    seen: set[Callable[..., Any]] = set()
    todo = [fn.py_func]
    while todo:
        py = todo.pop()
        if py in seen:
            continue
        seen.add(py)
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(py)))
        except (OSError, TypeError, SyntaxError):
            return None
        bound = {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
        bound |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            called = py.__globals__.get(node.func.id)
            if called is target and len(node.args) > position:
                argument = node.args[position]
                parts = ast.unparse(argument).split(".")
                value = py.__globals__.get(parts[0])
                for part in parts[1:]:
                    value = getattr(value, part, None)
                resolved = isinstance(argument, (ast.Name, ast.Attribute)) and all(part.isidentifier() for part in parts) and parts[0] not in bound
                found.append((ast.unparse(argument), value if resolved else None))
            elif getattr(called, "__module__", None) == py.__module__ and (isinstance(called, Compiled) or inspect.isfunction(called)):
                todo.append(called.py_func if isinstance(called, Compiled) else called)
    return found


def is_cached(name: str) -> bool:
    """Whether machine code of the compiled function ``name`` (``module.function``) is in this version's cache."""
    module, _, function = name.rpartition(".")
    return any(cache_dir().rglob(f"{module.rpartition('.')[2]}.{function}-*.nbi"))


class CompileNotice:
    """Says on stderr, once, that the model is being compiled, and which function it is on.

    numba reports each function it compiles (its ``numba:compile`` event); on a terminal
    the notice shows the function and the seconds elapsed on one line updated in place.
    """

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.started = 0.0
        self.count = 0
        self._listener: Any = None

    def __enter__(self) -> CompileNotice:
        from numba.core import event

        notice = self

        class Listener(event.Listener):
            def on_start(self, ev: Any) -> None:
                notice.update(getattr(getattr(ev.data.get("dispatcher"), "py_func", None), "__qualname__", "?"))

            def on_end(self, ev: Any) -> None:
                pass

        self.started = time.perf_counter()
        print(f"Compiling the model with numba (once per version of the code; {COMPILE_TIME})...", file=self.stream, flush=True)
        self._listener = Listener()
        event.register("numba:compile", self._listener)
        return self

    def _tty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, name: str) -> None:
        """Show that ``name`` is being compiled."""
        self.count += 1
        if self._tty():
            elapsed = time.perf_counter() - self.started
            print(f"\r  {elapsed:5.1f} s  {self.count:3d} functions  {name[:60]:<60}", end="", file=self.stream, flush=True)

    def __exit__(self, *exc: object) -> None:
        from numba.core import event

        event.unregister("numba:compile", self._listener)
        print(f"{chr(10) if self._tty() else ''}Compiled in {time.perf_counter() - self.started:.0f} s.", file=self.stream, flush=True)

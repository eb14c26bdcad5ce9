"""Counter-based random numbers.

Every draw is a pure function of ``(seed, replication, month, council, stream)``: a
splitmix64-style hash compiled with numba. Nothing depends on the order of draws, so a
replication gives the same numbers alone or in any batch, chunk or worker, two policies
run on one seed meet the same shocks, and the Mesa front-end reproduces the ensemble.
Streams are named; their ids come from a stable hash of the name, so adding a stream
never changes the numbers of another.
"""

from __future__ import annotations

import zlib

import numpy as np

from sim.core.jit import compiled

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53

#: Month index used for draws made before the first month (drawing the councils).
SETUP_MONTH = -1


@compiled
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@compiled(_nrt=True)
def _uniform(seed: np.uint64, reps: np.ndarray, month: np.uint64, n_councils: int, stream: np.uint64) -> np.ndarray:
    out = np.empty((reps.shape[0], n_councils))
    base = _mix(seed * _GOLDEN + _mix(stream + _mix(month)))
    for i in range(reps.shape[0]):
        rkey = _mix(base ^ (np.uint64(reps[i]) * _GOLDEN))
        for k in range(n_councils):
            h = _mix(rkey + np.uint64(k + 1) * _GOLDEN)
            out[i, k] = np.float64(h >> _S11) * _TO_UNIT
    return out


@compiled(_nrt=True)
def month_keys(seed: np.uint64, month: int, streams: np.ndarray) -> np.ndarray:
    """Keys of one month's draws, one per stream (the part of the hash every replication shares)."""
    out = np.empty(streams.shape[0], np.uint64)
    m = _mix(np.uint64(month - SETUP_MONTH))
    for s in range(streams.shape[0]):
        out[s] = _mix(seed * _GOLDEN + _mix(streams[s] + m))
    return out


@compiled
def fill(keys: np.ndarray, rep: int, out: np.ndarray) -> None:
    """Draws ``out[s, k]`` of replication ``rep`` for every stream key and council: :func:`uniform`'s numbers."""
    r = np.uint64(rep) * _GOLDEN
    for s in range(keys.shape[0]):
        rkey = _mix(keys[s] ^ r)
        for k in range(out.shape[1]):
            out[s, k] = np.float64(_mix(rkey + np.uint64(k + 1) * _GOLDEN) >> _S11) * _TO_UNIT


def stream_id(name: str) -> int:
    """Stable 32-bit id of a named stream."""
    return zlib.crc32(name.encode())


def stream_ids(names: tuple[str, ...]) -> np.ndarray:
    """Ids of named streams, as the compiled kernel takes them."""
    return np.array([stream_id(name) for name in names], dtype=np.uint64)


def uniform(seed: int, reps: np.ndarray, month: int, n_councils: int, stream: str) -> np.ndarray:
    """Uniform draws in [0, 1) of shape ``(len(reps), n_councils)``.

    Parameters
    ----------
    seed
        The run's seed (any non-negative integer below 2**63).
    reps
        Global replication indices (int64).
    month
        Month index (``SETUP_MONTH`` for set-up draws).
    n_councils
        Number of council columns to draw.
    stream
        Name of the stream.
    """
    return _uniform(
        np.uint64(seed),
        np.ascontiguousarray(reps, dtype=np.int64),
        np.uint64(month - SETUP_MONTH),
        n_councils,
        np.uint64(stream_id(stream)),
    )

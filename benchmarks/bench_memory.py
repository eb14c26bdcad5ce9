"""Peak memory of ``sim-run`` against the number of replications: it must not grow with them.

    python benchmarks/bench_memory.py                  # 1e5 and 1e6 replications of the baseline
    python benchmarks/bench_memory.py --largest 1e7    # also 1e7 (about half an hour, 8 GB of results)
    python benchmarks/bench_memory.py --keep DIR       # keep the results folders under DIR

Each size runs as its own ``sim-run`` process (the one next to this Python), and its peak
resident memory is read from the operating system when it ends (``wait4``: the same figure as
``/usr/bin/time -v``'s "Maximum resident set size"). Prints, for each size, the wall time, the
peak memory, the size of ``replications.parquet`` and its bytes per replication. Replications
stream through the run block by block (a Parquet row group and a summary tally per block), so
the peak is set by the block size and the imports, not by the count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.results.files import REPLICATIONS

SIM_RUN = str(Path(sys.executable).with_name("sim-run"))


def measure(replications: int, folder: Path, extra: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak resident bytes and bytes of replications.parquet of one ``sim-run``."""
    started = time.perf_counter()
    proc = subprocess.Popen([SIM_RUN, f"replications={replications}", *extra, f"hydra.run.dir={folder}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code != 0:
        raise SystemExit(f"sim-run replications={replications} failed ({code}): {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return wall, usage.ru_maxrss * 1024, (folder / REPLICATIONS).stat().st_size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--largest", type=float, default=1e6, help="the largest number of replications (1e5, 1e6 or 1e7)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the results folders under this folder")
    parser.add_argument("overrides", nargs="*", help="more sim-run overrides, e.g. scenario=case01_key_person")
    args = parser.parse_args(argv)
    sizes = [n for n in (100_000, 1_000_000, 10_000_000) if n <= args.largest]
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-memory-"))
    print(f"sim-run {' '.join(args.overrides)} (peak resident memory of the whole process)")
    print(f"{'replications':>14} {'wall s':>8} {'peak MB':>9} {'parquet MB':>11} {'bytes/rep':>10}")
    try:
        for n in sizes:
            wall, peak, size = measure(n, root / f"r{n}", args.overrides)
            print(f"{n:>14,} {wall:>8.0f} {peak / 1e6:>9.0f} {size / 1e6:>11.0f} {size / n:>10.0f}", flush=True)
            if args.keep is None:
                shutil.rmtree(root / f"r{n}", ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Run a command in a fresh subprocess: its wall time, peak RSS and what it printed."""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    wall_s: float
    """Wall time of the whole process, start-up included, seen from the parent."""
    peak_rss_mib: float
    """The process's peak resident set size (``wait4``'s ``ru_maxrss``)."""
    stdout: bytes


@dataclass
class Sample:
    """Repeated runs of one case."""

    name: str
    runs: list[Run] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.runs)

    def spread(self, attribute: str) -> tuple[float, float]:
        values = [getattr(r, attribute) for r in self.runs]
        return min(values), max(values)


def environment() -> dict[str, str]:
    """The repository first on the path; nothing else inherited that changes imports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(REPO)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(argv: Sequence[str], *, cwd: Path = REPO) -> Run:
    """Run ``argv`` (a ``python`` command line) and measure it; fails on a non-zero exit.

    The child is reaped with ``os.wait4``, which returns that child's own resource usage
    (``RUSAGE_CHILDREN`` would give the largest of all children so far)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, *argv], cwd=cwd, env=environment(), stdout=out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(
                f"{' '.join(argv)} failed ({process.returncode}):\n{err.read().decode()}"
            )
        return Run(wall, usage.ru_maxrss / 1024, out.read())  # ru_maxrss: KiB on Linux

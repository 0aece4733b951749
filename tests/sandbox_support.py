"""Helpers of the sandbox tests: tiny submissions written on the fly."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest

from toyopt.sandbox import Limits, Worker, bwrap_works, materialise

PROBES = Path(__file__).with_name("sandbox_probes.py")
MODES = ["bwrap", "subprocess"]
needs_bwrap = pytest.mark.skipif(not bwrap_works(), reason="bubblewrap does not work here")


def write_package(root: Path, files: dict[str, str]) -> Path:
    """Write ``{"data.py": source}`` as ``root/exercises/...``; return ``root``."""
    pkg = root / "exercises"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("")
    for name, source in files.items():
        (pkg / name).write_text(textwrap.dedent(source))
    return root


def worker_for(tmp_path: Path, isolation: str, files: dict[str, str],
               limits: Limits | None = None) -> Worker:
    """A started-on-demand Worker on a fresh copy of a package made of ``files``."""
    if isolation == "bwrap" and not bwrap_works():
        pytest.skip("bubblewrap does not work here")
    submission = materialise(write_package(tmp_path / "src", files), tmp_path)
    return Worker(submission.scratch_dir, PROBES, limits=limits, isolation=isolation)


def processes_with(token: str) -> list[int]:
    """Host pids whose command line contains ``token``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if token.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                continue
    return [pid for pid in found if pid != os.getpid()]


def wait_until(predicate, timeout: float = 3.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()

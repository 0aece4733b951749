"""Helpers of the sandbox tests: tiny submissions written on the fly."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from toyopt.sandbox import Limits, Worker, bwrap_works, materialise
from toyopt.sandbox.launcher import SANDBOX_UID_BASE, fallback_blocker, interpreter_blocker
from toyopt.sandbox.paths import package_dirs

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


def fallback_scratch_parent() -> Path:
    """A folder the fallback's uid may pass (0711, made here; removed at exit):
    pytest's own tmp folders are 0700, and the fallback changes no mode."""
    global _FALLBACK_BASE
    if _FALLBACK_BASE is None:
        _FALLBACK_BASE = Path(tempfile.mkdtemp(prefix="toyopt-tests-fallback-"))
        os.chmod(_FALLBACK_BASE, 0o711)
        atexit.register(shutil.rmtree, _FALLBACK_BASE, True)
    folder = Path(tempfile.mkdtemp(dir=_FALLBACK_BASE))
    os.chmod(folder, 0o711)
    return folder


_FALLBACK_BASE = None


def readable_instructor_folder() -> str | None:
    """An instructor's folder (toyopt, toyopt_ref, the cwd) that other users may
    list, where the fallback's canary would refuse to grade; else None."""
    for folder in (*package_dirs(), os.getcwd()):
        if fallback_blocker([("", folder)], SANDBOX_UID_BASE) is None:
            return folder
    return None


def worker_for(tmp_path: Path, isolation: str, files: dict[str, str],
               limits: Limits | None = None, *, canary_may_refuse: bool = False) -> Worker:
    """A started-on-demand Worker on a fresh copy of a package made of ``files``.

    A root caller's fallback runs as its own uid: skipped, with the reason, where
    that uid cannot reach this interpreter, or (unless `canary_may_refuse`) where
    it could read the grader's checkout, so that the canary would refuse."""
    if isolation == "bwrap" and not bwrap_works():
        pytest.skip("bubblewrap does not work here")
    parent = tmp_path
    if isolation == "subprocess" and os.geteuid() == 0:
        blocked = interpreter_blocker()
        if blocked:
            pytest.skip(f"the fallback's uid cannot run this interpreter: {blocked}")
        readable = readable_instructor_folder()
        if readable and not canary_may_refuse:
            pytest.skip(f"the fallback's canary refuses here: other users can read {readable} "
                        "(tests/routes/test_conformance_fallback.py grades in a closed layout)")
        parent = fallback_scratch_parent()
    submission = materialise(write_package(tmp_path / "src", files), parent)
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

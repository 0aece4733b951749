"""Every way out of `toyopt grade` leaves nothing behind: no temporary folder of
ours (``toyopt-*``: scratch copies, worker code folders, run folders) and no
cgroup made by the grader's processes.

The end-to-end cases run `python -m toyopt grade` in a subprocess with its own
``TMPDIR``, wait until a sandbox runs (a cgroup of one of its processes exists),
then send Ctrl-C (SIGINT to the process group, as a terminal does) or SIGTERM
(to the grader's process only, as a service manager does).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grade_support import ROOT, reference_submission
from sandbox_support import MODES, worker_for

from toyopt.sandbox import cgroups, launcher

needs_cgroups = pytest.mark.skipif(cgroups.detect()[0] is None, reason="no cgroups here")


def descendants(pid: int) -> set[int]:
    """`pid` and every process below it, now."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = {pid}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def groups_of(pids) -> list[str]:
    """The cgroup folders (every controller; the unified tree on v2) that `pids` made."""
    version, _ = cgroups.detect()
    if version is None:
        return []
    prefixes = tuple(f"toyopt-{pid}-" for pid in pids)
    found = []
    for parent in cgroups._parents(version).values():
        try:
            found += [os.path.join(parent, n) for n in os.listdir(parent) if n.startswith(prefixes)]
        except OSError:
            continue
    return found


def ours(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("toyopt"))


@pytest.mark.parametrize("isolation", MODES)
def test_release_all_stops_a_worker_nobody_closed(tmp_path, isolation):
    """What atexit and a pool process's SIGTERM handler run: an exception that skips
    `Worker.close` still leaves no process, folder or cgroup."""
    worker = worker_for(tmp_path, isolation, {"data.py": "def spiral_2d(n):\n    return n\n"})
    worker.start()
    launched = worker._launched
    made = [launched.code_dir, launched.scratch_copy]
    groups = list(launched.cgroup.dirs.values()) if launched.cgroup else []
    assert all(p is None or p.exists() for p in made)
    launcher.release_all()
    assert launched.process.poll() is not None
    assert [p for p in made if p is not None and p.exists()] == []
    assert [g for g in groups if os.path.exists(g)] == []
    assert launcher._LIVE == {} and launcher._OWNED_DIRS == set()
    worker.close()  # still safe afterwards


def _run_grade(tmp_path: Path, bulk: bool) -> tuple[subprocess.Popen, Path]:
    subs = [reference_submission(tmp_path / "subs" / name) for name in ("ann", "ben", "cat")]
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    tmp.chmod(0o711)  # a fallback sandbox uid passes it, as it passes /tmp
    if bulk:
        args = [*map(str, subs), "--out-dir", str(tmp_path / "out"), "--jobs", "2"]
    else:
        args = [str(subs[0]), "--results", str(tmp_path / "results.json")]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp),
           "MPLCONFIGDIR": str(tmp_path / "mpl")}
    proc = subprocess.Popen([sys.executable, "-m", "toyopt", "grade", *args, "--timeout", "60"],
                            env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    return proc, tmp


@pytest.mark.slow
@needs_cgroups
@pytest.mark.parametrize("how", ["bulk-sigint", "bulk-sigterm", "single-sigint", "single-sigterm"])
def test_interrupted_grading_leaves_no_folder_and_no_cgroup(tmp_path, how):
    bulk = how.startswith("bulk")
    proc, tmp = _run_grade(tmp_path, bulk)
    try:
        deadline, seen = time.monotonic() + 120, set()
        while time.monotonic() < deadline and proc.poll() is None:
            tree = descendants(proc.pid)
            seen |= tree
            graders = tree - {proc.pid} if bulk else {proc.pid}  # bulk: the pool processes
            grading = bulk or any(n.startswith("toyopt-grade-") for n in ours(tmp))
            if grading and groups_of(graders):
                break
            time.sleep(0.1)
        assert proc.poll() is None, "the grading ended before a sandbox ran"
        assert groups_of(seen), "no sandbox ran within 2 minutes"
        time.sleep(0.5)
        seen |= descendants(proc.pid)
        if how.endswith("sigint"):
            os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C
        else:
            proc.send_signal(signal.SIGTERM)  # a service manager's stop
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    stderr = proc.stderr.read().decode(errors="replace")
    assert proc.returncode == 130, stderr  # "interrupted", not a crash
    assert ours(tmp) == [], stderr
    assert groups_of(seen) == []

"""The scratch folder: each worker's own copy of the submission, its total size capped.

Under bubblewrap it is a tmpfs of ``Limits.scratch_bytes``: a write past the cap
fails (ENOSPC) in that call only, and the worker goes on.  In the fallback the
supervisor watches the total (the scratch copy, and a root caller's sandbox
uid's files in ``/tmp``, ``/var/tmp``, ``/dev/shm``) and stops the worker past
the cap; the next call gets a fresh worker and a fresh copy.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sandbox_support import MODES, worker_for

from toyopt.sandbox import Limits, WorkerCrashed

MiB = 1 << 20
CAP = 16 * MiB

FILL = """
import os
def spiral_2d(folder, files, size):
    if files == 0:
        return sorted(os.listdir(folder))
    os.makedirs(folder, exist_ok=True)
    written = 0
    try:
        for index in range(files):
            with open(os.path.join(folder, f"fill_{index}.bin"), "wb") as handle:
                handle.write(b"x" * size)
            written += size
    except OSError as exc:
        return {"written": written, "error": exc.strerror}
    return {"written": written, "error": None}
"""


def test_a_full_scratch_folder_fails_the_write_and_the_worker_goes_on(tmp_path):
    with worker_for(tmp_path, "bwrap", {"data.py": FILL}, Limits(scratch_bytes=CAP)) as worker:
        pid = worker.pid
        out = worker.call("call", 30, exercise="spiral_2d", args=[".", 40, MiB])["value"]
        assert out["error"] == "No space left on device"
        assert out["written"] <= CAP
        listed = worker.call("call", 30, exercise="spiral_2d", args=[".", 0, 0])["value"]
        assert "exercises" in listed and worker.pid == pid  # the same worker, still serving
    assert not list(tmp_path.rglob("fill_*.bin"))  # nothing reached the host's disk


@pytest.mark.parametrize("where", ["scratch", "tmp"])
def test_the_fallback_stops_a_worker_past_the_cap_and_starts_afresh(tmp_path, where):
    if where == "tmp" and os.geteuid() != 0:
        pytest.skip("only a root caller's sandbox has a uid of its own to count in /tmp")
    folder = "." if where == "scratch" else f"/tmp/toyopt-test-fill-{uuid.uuid4().hex}"
    worker = worker_for(tmp_path, "subprocess", {"data.py": FILL}, Limits(scratch_bytes=CAP))
    with worker:
        first_copy = worker._launched.scratch_copy
        with pytest.raises(WorkerCrashed) as crash:  # 1.6 GiB if nothing stopped it
            worker.call("call", 60, exercise="spiral_2d", args=[folder, 400, 4 * MiB])
        assert "size limit of its scratch folder" in str(crash.value)
        assert "past the 16 MiB its scratch folder may hold" in str(crash.value)
        assert not first_copy.exists()  # removed with the worker, and what it wrote in /tmp:
        assert where == "scratch" or not os.path.exists(folder)
        listed = worker.call("call", 30, exercise="spiral_2d", args=[".", 0, 0])["value"]
        assert listed == ["exercises"]  # a fresh copy of the submission, nothing else
    assert not list(tmp_path.rglob("fill_*.bin"))


@pytest.mark.parametrize("isolation", MODES)
def test_each_worker_starts_from_the_submission(tmp_path, isolation):
    src = {"data.py": """
        import os
        def spiral_2d(name):
            before = sorted(os.listdir("."))
            open(name, "w").write("x")
            return before
        """}
    worker = worker_for(tmp_path, isolation, {**src})
    with worker:
        assert worker.call("call", 30, exercise="spiral_2d", args=["one.txt"])["value"] == ["exercises"]
        assert "one.txt" in worker.call("call", 30, exercise="spiral_2d", args=["two.txt"])["value"]
        worker.restart()
        assert worker.call("call", 30, exercise="spiral_2d", args=["three.txt"])["value"] == ["exercises"]
    assert sorted(p.name for p in (worker.scratch_dir).iterdir()) == ["exercises"]  # never written


WRITE_SUBMISSION = """
import os, sys
def spiral_2d(name):
    source = sys.argv[sys.argv.index("--copy-from") + 1]  # the command line is no secret
    try:
        with open(os.path.join(source, name), "w") as handle:
            handle.write("x" * 1000)
        return "written"
    except OSError as exc:
        return type(exc).__name__
"""


@pytest.mark.parametrize("isolation", MODES)
def test_the_submission_itself_cannot_be_written(tmp_path, isolation):
    if isolation == "subprocess" and os.geteuid() != 0:
        pytest.skip("a plain fallback runs student code as the caller (trusted code only)")
    with worker_for(tmp_path, isolation, {"data.py": WRITE_SUBMISSION}) as worker:
        got = worker.call("call", 30, exercise="spiral_2d", args=["junk.txt"])["value"]
    assert got in ("PermissionError", "OSError"), got  # EACCES, or EROFS under bubblewrap
    assert not (worker.scratch_dir / "junk.txt").exists()

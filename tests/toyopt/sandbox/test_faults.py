"""Hostile and broken submissions, in both isolation modes: each fault becomes a
typed error with a message a student can act on, and nothing outlives close()."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from grade_support import ROOT, reference_submission
from sandbox_support import MODES, processes_with, wait_until, worker_for

from toyopt.sandbox import Limits, WorkerCrashed, WorkerTimeout
from toyopt_check.inside.runtime import StudentCodeError

pytestmark = pytest.mark.filterwarnings("ignore::toyopt.sandbox.SandboxWarning")


@pytest.fixture(params=MODES)
def isolation(request):
    return request.param


def test_genuine_function_returns_plain_data(tmp_path, isolation):
    src = {"data.py": "import numpy as np\ndef spiral_2d(n):\n    return np.arange(n) * 0.5\n"}
    with worker_for(tmp_path, isolation, src) as worker:
        out = worker.call("call", 10, exercise="spiral_2d", args=[4])
        assert worker.isolation == isolation
    assert type(out["value"]) is np.ndarray
    np.testing.assert_array_equal(out["value"], [0.0, 0.5, 1.0, 1.5])


def test_sys_exit_at_import_is_a_load_error_naming_the_file(tmp_path, isolation):
    src = {"data.py": "import sys\nsys.exit(3)\ndef spiral_2d(n):\n    return n\n"}
    with worker_for(tmp_path, isolation, src) as worker:
        with pytest.raises(StudentCodeError) as info:
            worker.call("call", 10, exercise="spiral_2d", args=[1])
        assert info.value.kind == "import"
        assert str(info.value) == "exercises/data.py called sys.exit(3) while being imported"
        assert worker.call("echo", 10, x=1) == {"x": 1}  # the worker survived


def test_sys_exit_in_function_costs_no_restart(tmp_path, isolation):
    src = {"data.py": "import sys\ndef spiral_2d(n):\n    sys.exit('bye')\n"}
    with worker_for(tmp_path, isolation, src) as worker:
        pid = worker.pid
        with pytest.raises(StudentCodeError, match=r"called sys.exit\('bye'\)") as info:
            worker.call("call", 10, exercise="spiral_2d", args=[1])
        assert info.value.kind == "exit"
        worker.call("echo", 10)
        assert worker.pid == pid


def test_os_exit_at_import_is_a_crash_with_its_status(tmp_path, isolation):
    src = {"data.py": "import os, sys\nprint('about to leave', file=sys.stderr, flush=True)\n"
                      "os._exit(7)\n"}
    with worker_for(tmp_path, isolation, src) as worker:
        with pytest.raises(WorkerCrashed) as info:
            worker.call("call", 10, exercise="spiral_2d", args=[1])
        assert info.value.returncode == 7
        assert "exited with status 7" in str(info.value)
        assert "about to leave" in str(info.value)
        assert worker.call("echo", 10, y=2) == {"y": 2}  # a fresh worker starts on demand


def test_segfault_is_reported_as_sigsegv(tmp_path, isolation):
    src = {"data.py": "import ctypes\ndef spiral_2d(n):\n    return ctypes.string_at(0)\n"}
    with worker_for(tmp_path, isolation, src) as worker:
        with pytest.raises(WorkerCrashed, match="SIGSEGV") as info:
            worker.call("call", 10, exercise="spiral_2d", args=[1])
    assert "Segmentation fault" in info.value.stderr_tail


def test_loop_ignoring_sigterm_times_out_and_dies(tmp_path, isolation):
    src = {"data.py": """
        import signal
        def spiral_2d(n):
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            while True:
                pass
        """}
    worker = worker_for(tmp_path, isolation, src)
    with worker:
        start = time.monotonic()
        with pytest.raises(WorkerTimeout, match="within 1 s"):
            worker.call("call", 1.0, exercise="spiral_2d", args=[1])
        assert time.monotonic() - start < 2.5
        assert worker.pid is None  # killed, not left spinning
        assert worker.call("echo", 10, z=3) == {"z": 3}
        worker.restart()
        assert worker.call("echo", 10, z=4) == {"z": 4}


def test_memory_hog_gets_a_memory_error(tmp_path, isolation):
    src = {"data.py": "import numpy as np\ndef spiral_2d(n):\n"
                      "    return np.ones(20 * 2**30 // 8).sum()\n"}
    with worker_for(tmp_path, isolation, src, Limits(memory_bytes=2 << 30)) as worker:
        with pytest.raises(StudentCodeError, match="MemoryError") as info:
            worker.call("call", 20, exercise="spiral_2d", args=[1])
        assert "(exercises/data.py, line 3, in spiral_2d" in info.value.message
        assert worker.call("echo", 10) == {}


def test_file_size_limit_stops_a_disk_filler(tmp_path, isolation):
    src = {"data.py": "def spiral_2d(n):\n    with open('big.bin', 'wb') as f:\n"
                      "        f.write(bytes(8 * 2**20))\n"}
    with worker_for(tmp_path, isolation, src, Limits(file_size_bytes=2**20)) as worker:
        with pytest.raises(StudentCodeError, match="File too large"):
            worker.call("call", 10, exercise="spiral_2d", args=[1])


def test_daemon_does_not_outlive_close(tmp_path, isolation):
    token = uuid.uuid4().hex
    late = "import time, sys; time.sleep(1.5); open('daemon-was-here', 'w').write('x')"
    src = {"data.py": f"""
        import os, sys
        def spiral_2d(n):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execv(sys.executable, [sys.executable, "-c", {late!r}, "{token}"])
                os._exit(0)
            return 1
        """}
    worker = worker_for(tmp_path, isolation, src)
    with worker:
        worker.call("call", 10, exercise="spiral_2d", args=[1])
        assert wait_until(lambda: processes_with(token)), "the daemon never started"
        scratch = worker.scratch_dir
    assert wait_until(lambda: not processes_with(token), 2.0), processes_with(token)
    time.sleep(2.0)
    assert not (scratch / "daemon-was-here").exists()


def test_fork_swarm_is_gone_after_close(tmp_path, isolation):
    token = str(uuid.uuid4().int)[:12]
    src = {"data.py": f"""
        import os
        def spiral_2d(n):
            for i in range(n):
                if os.fork() == 0:
                    if i % 2:
                        os.setsid()
                    os.execv("/bin/sleep", ["sleep", "300", "0.000{token}"])
            return n
        """}
    worker = worker_for(tmp_path, isolation, src)
    with worker:
        assert worker.call("call", 20, exercise="spiral_2d", args=[50]) == {"value": 50}
        assert wait_until(lambda: len(processes_with(token)) == 50), len(processes_with(token))
    assert wait_until(lambda: not processes_with(token), 2.0), len(processes_with(token))


def test_output_flood_is_drained_truncated_and_counted(tmp_path, isolation):
    total = 1 << 28  # far more than any pipe buffer and the kept head
    src = {"data.py": f"""
        import sys
        def spiral_2d(n):
            chunk = b"x" * (1 << 20)
            for _ in range({total} >> 20):
                sys.stdout.buffer.write(chunk)
            print("err line", file=sys.stderr)
            return n
        """}
    with worker_for(tmp_path, isolation, src, Limits(output_bytes=10_000)) as worker:
        # the call's budget bounds the drain: a stalled reader would time it out
        assert worker.call("call", 30, exercise="spiral_2d", args=[2]) == {"value": 2}
        worker.call("echo", 5)
        out, err = worker.stdout, worker.stderr
    assert out.head == "x" * 10_000 and out.total_bytes == total and out.truncated
    assert err.head == "err line\n"


# ------------------------------------------------- an environment fault is not the student's
WORKTREE = str(ROOT)


def _grade_cli(python, submission, results, env_extra, timeout=600):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(env_extra)
    return subprocess.run([python, "-m", "toyopt", "grade", str(submission), "--results",
                           str(results)], cwd=WORKTREE, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_sandbox_without_the_libraries_stops_grading_with_no_results(tmp_path):
    """The grader sees numpy/torch through PYTHONPATH, the sandbox (clean environment)
    does not: that is the environment's fault, so no grade is written (results.json
    holds only the refusal) and the exit status says so."""
    venv = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    submission = reference_submission(tmp_path / "ref")
    results = tmp_path / "out" / "results.json"
    results.parent.mkdir()
    done = _grade_cli(str(venv / "bin" / "python"), submission, results,
                      {"PYTHONPATH": os.pathsep.join([WORKTREE, sysconfig.get_paths()["purelib"]])},
                      timeout=300)
    assert done.returncode != 0, done.stdout
    assert "sandbox" in done.stderr and ("numpy" in done.stderr or "torch" in done.stderr), done.stderr
    refusal = json.loads(results.read_text())  # a refusal for Gradescope, never a grade
    refused = refusal["extra_data"]["refused"]
    assert refusal["tests"] == [] and refusal["score"] == 0
    assert "numpy" in refused or "torch" in refused, refused
    assert [p.name for p in results.parent.iterdir()] == ["results.json"]


@pytest.mark.slow
def test_grading_from_a_virtualenv_under_tmp_gives_the_reference_full_marks(tmp_path):
    venv = Path(tempfile.mkdtemp(prefix="toyopt-venv-", dir="/tmp"))
    try:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip",
                        "--system-site-packages", str(venv)], check=True)
        submission = reference_submission(tmp_path / "ref")
        results = tmp_path / "results.json"
        done = _grade_cli(str(venv / "bin" / "python"), submission, results,
                          {"PYTHONPATH": WORKTREE})
        assert done.returncode == 0, done.stderr[-2000:]
        data = json.loads(results.read_text())
        assert data["score"] == data["max_score"] > 0, data["output"]
        from toyopt.sandbox import bwrap_works
        expected = "bwrap" if bwrap_works() else ("fallback-uid" if os.geteuid() == 0 else "plain")
        assert data["extra_data"]["isolation"]["sandbox"] == expected
        assert "isolation: " in data["extra_data"]["isolation_line"]
    finally:
        shutil.rmtree(venv, ignore_errors=True)

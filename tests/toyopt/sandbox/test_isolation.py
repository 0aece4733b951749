"""What the student can reach from inside bubblewrap (skipped without it), and the
boundary's treatment of hostile replies (both modes)."""

import os
import pickle
import socket
import sys
import threading
import uuid

import numpy as np
import pytest
from sandbox_support import MODES, needs_bwrap, worker_for

import toyopt
from toyopt.sandbox.paths import package_dirs
from toyopt_check.inside.protocol import ProtocolError
from toyopt_check.inside.runtime import StudentCodeError

pytestmark = pytest.mark.filterwarnings("ignore::toyopt.sandbox.SandboxWarning")

PROBE_FS = """
import os
def spiral_2d(paths):
    seen = {}
    for path in paths:
        try:
            seen[path] = sorted(os.listdir(path)) if os.path.isdir(path) else open(path).read()
        except OSError as exc:
            seen[path] = type(exc).__name__
    return seen
"""


@needs_bwrap
def test_grader_packages_and_work_are_invisible(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("hidden check")
    paths = [*package_dirs(), "/work", "/root", os.path.dirname(toyopt.__file__),
             os.path.join(os.path.dirname(toyopt.__file__), "cli.py"), str(secret), os.getcwd()]
    assert any(p for p in package_dirs())  # toyopt itself is found, wherever it lives
    assert all(os.path.exists(p) for p in paths)  # each probe is of something real
    with worker_for(tmp_path, "bwrap", {"data.py": PROBE_FS}) as worker:
        seen = worker.call("call", 10, exercise="spiral_2d", args=[paths])["value"]
    # the interpreter's prefixes are bound back wherever they live (pyenv under /root here)
    python_top = sorted({os.path.relpath(p, "/root").split(os.sep)[0]
                         for p in (sys.prefix, sys.base_prefix) if p.startswith("/root/")})
    for path in paths:
        allowed = python_top if path == "/root" else []
        assert seen[path] in (allowed, "FileNotFoundError"), (path, seen[path])


@needs_bwrap
def test_importing_toyopt_finds_nothing(tmp_path):
    src = {"data.py": "def spiral_2d(n):\n    import toyopt.cli\n    return 1\n"}
    with worker_for(tmp_path, "bwrap", src) as worker:
        with pytest.raises(StudentCodeError, match="ModuleNotFoundError"):
            worker.call("call", 10, exercise="spiral_2d", args=[1])


@needs_bwrap
def test_writes_outside_scratch_fail_and_change_nothing(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    grader_file = os.path.join(os.path.dirname(toyopt.__file__), "cli.py")
    before = open(grader_file).read()
    targets = [str(victim), grader_file, "/etc/toyopt-probe", "/usr/toyopt-probe",
               f"/work/toyopt-probe-{uuid.uuid4().hex}", "/root/toyopt-probe"]
    src = {"data.py": """
        def spiral_2d(targets):
            if targets == "read":
                return open("inside.txt").read()
            errors = {}
            for path in targets:
                try:
                    with open(path, "w") as handle:
                        handle.write("pwned")
                    errors[path] = "written"
                except OSError as exc:
                    errors[path] = type(exc).__name__
            open("inside.txt", "w").write("fine")
            return errors
        """}
    with worker_for(tmp_path, "bwrap", src) as worker:
        errors = worker.call("call", 10, exercise="spiral_2d", args=[targets])["value"]
        assert worker.call("call", 10, exercise="spiral_2d", args=["read"])["value"] == "fine"
    assert not (worker.scratch_dir / "inside.txt").exists()  # written in the worker's own folder
    assert "written" not in errors.values(), errors
    assert victim.read_text() == "original"
    assert open(grader_file).read() == before
    for path in targets[2:]:
        assert not os.path.exists(path)


@needs_bwrap
def test_network_connection_to_loopback_fails(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(3)
    port = server.getsockname()[1]
    accepted = []
    thread = threading.Thread(target=lambda: _accept(server, accepted), daemon=True)
    thread.start()
    src = {"data.py": f"""
        import socket
        def spiral_2d(n):
            socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"score=100")
        """}
    with worker_for(tmp_path, "bwrap", src) as worker:
        with pytest.raises(StudentCodeError, match="ConnectionRefusedError|OSError|unreachable"):
            worker.call("call", 10, exercise="spiral_2d", args=[1])
    thread.join(4)
    server.close()
    assert accepted == []


def _accept(server, accepted):
    try:
        accepted.append(server.accept())
    except OSError:
        pass


@needs_bwrap
def test_sandbox_has_its_own_pid_namespace_and_minimal_env(tmp_path):
    with worker_for(tmp_path, "bwrap", {"data.py": ""}) as worker:
        info = worker.call("whoami", 10)
    assert info["pid"] < 10 and info["cwd"] == "/tmp/scratch"
    assert info["env"]["HOME"] == "/tmp/scratch" and info["env"]["PYTHONHASHSEED"] == "0"
    assert "PYTHONPATH" not in info["env"] and "VIRTUAL_ENV" not in info["env"]


# ------------------------------------------------------------- hostile replies (both modes)
@pytest.mark.parametrize("isolation", MODES)
def test_lying_array_subclass_arrives_as_a_plain_array(tmp_path, isolation):
    src = {"data.py": """
        import numpy as np
        class Liar(np.ndarray):
            def __eq__(self, other):
                return True
            def __array_finalize__(self, obj):
                pass
        def spiral_2d(n):
            return np.zeros(n).view(Liar)
        """}
    with worker_for(tmp_path, isolation, src) as worker:
        value = worker.call("call", 10, exercise="spiral_2d", args=[3])["value"]
    assert type(value) is np.ndarray and value.dtype == np.float64
    assert not np.array_equal(value, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("isolation", MODES)
def test_object_array_result_is_refused_not_unpickled(tmp_path, isolation):
    src = {"data.py": "import numpy as np\ndef spiral_2d(n):\n"
                      "    return np.array([object(), 1], dtype=object)\n"}
    with worker_for(tmp_path, isolation, src) as worker:
        with pytest.raises(StudentCodeError, match="dtype object") as info:
            worker.call("raw", 10, exercise="spiral_2d", args=[1])
        assert info.value.kind == "bad_result"
        assert worker.call("echo", 10, ok=True) == {"ok": True}


@pytest.mark.parametrize("isolation", MODES)
@pytest.mark.parametrize("payload", ["pickle", "object_npy"])
def test_forged_reply_with_pickle_is_a_protocol_error(tmp_path, isolation, payload):
    marker = tmp_path / "unpickled-on-the-trusted-side"

    class Bomb:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    blob = pickle.dumps(Bomb())
    src = {"data.py": f"""
        import base64, io, json, os, struct, sys
        import numpy as np
        def spiral_2d(kind):
            fd = int(sys.argv[sys.argv.index("--reply-fd") + 1])
            if kind == "pickle":
                body = {blob!r}
            else:
                buf = io.BytesIO()
                np.save(buf, np.array([{{"a": 1}}], dtype=object), allow_pickle=True)
                arr = {{"__ndarray__": base64.b64encode(buf.getvalue()).decode()}}
                body = json.dumps({{"id": 1, "ok": True, "result": {{"v": arr}}}}).encode()
            os.write(fd, struct.pack(">Q", len(body)) + body)
            import time; time.sleep(30)
        """}
    with worker_for(tmp_path, isolation, src) as worker:
        with pytest.raises(ProtocolError):
            worker.call("call", 10, exercise="spiral_2d", args=[payload])
        assert worker.pid is None  # a worker that forged a frame is stopped
    assert not marker.exists()


# ------------------------------------------------------------- containment (issue 10)
is_root = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox uid needs a root caller")

PROBE_CONFINED = """
import ctypes, errno, os, signal
def spiral_2d(paths):
    libc = ctypes.CDLL(None, use_errno=True)
    out = {"uid": os.getuid(), "euid": os.geteuid(), "groups": os.getgroups()}
    ctypes.set_errno(0)
    out["ptrace_attach_parent"] = (libc.ptrace(16, os.getppid(), 0, 0), ctypes.get_errno())
    ctypes.set_errno(0)
    out["ptrace_traceme"] = (libc.ptrace(0, 0, 0, 0), ctypes.get_errno())
    child = os.fork()
    if child == 0:
        signal.pause()
        os._exit(0)
    ctypes.set_errno(0)
    out["ptrace_attach_child"] = (libc.ptrace(16, child, 0, 0), ctypes.get_errno())
    os.kill(child, 9)
    os.waitpid(child, 0)
    out["writes"] = {}
    for path, size in paths:
        try:
            with open(path, "wb") as handle:
                handle.write(bytes(size))
            out["writes"][path] = "written"
        except OSError as exc:
            out["writes"][path] = errno.errorcode.get(exc.errno, str(exc.errno))
    return out
"""


@pytest.mark.parametrize("isolation", MODES)
@is_root
def test_student_runs_as_its_own_uid_and_ptrace_is_denied(tmp_path, isolation):
    with worker_for(tmp_path, isolation, {"data.py": PROBE_CONFINED}) as worker:
        out = worker.call("call", 20, exercise="spiral_2d", args=[[["mine.bin", 10]]])["value"]
        facts = worker.isolation_facts
    assert out["uid"] == out["euid"] == facts["uid"] != 0 and out["groups"] == []
    assert facts["seccomp"] is True
    for call in ("ptrace_attach_parent", "ptrace_traceme", "ptrace_attach_child"):
        assert list(out[call]) == [-1, 1], (call, out[call])  # EPERM, even on its own child
    assert out["writes"] == {"mine.bin": "written"}


@needs_bwrap
def test_dev_is_read_only_and_dev_shm_is_capped(tmp_path):
    paths = [["/dev/toyopt-fill", 1 << 20], ["/dev/shm/small", 1 << 20],
             ["/dev/shm/big", 64 << 20]]
    with worker_for(tmp_path, "bwrap", {"data.py": PROBE_CONFINED}) as worker:
        writes = worker.call("call", 20, exercise="spiral_2d", args=[paths])["value"]["writes"]
    assert writes == {"/dev/toyopt-fill": "EROFS", "/dev/shm/small": "written",
                      "/dev/shm/big": "ENOSPC"}
    assert not os.path.exists("/dev/toyopt-fill") and not os.path.exists("/dev/shm/big")


PROBE_HOLDERS = """
import os, time
def spiral_2d(n, mib):
    children = []
    for i in range(n):
        pid = os.fork()
        if pid == 0:
            block = bytearray(mib << 20)
            for j in range(0, len(block), 4096):
                block[j] = 1
            open(f"held-{i}", "w").write("x")
            time.sleep(60)
            os._exit(0)
        children.append(pid)
    time.sleep(0.5)
    deadline = time.time() + 20
    alive = list(children)
    while time.time() < deadline:
        alive = [p for p in children if os.waitpid(p, os.WNOHANG) == (0, 0)]
        held = [i for i in range(n) if os.path.exists(f"held-{i}")]
        if len(alive) < n or len(held) == n:
            break
        time.sleep(0.1)
    held = [i for i in range(n) if os.path.exists(f"held-{i}")]
    for p in alive:
        os.kill(p, 9)
    return {"alive_at_end": len(alive), "held": held}
"""


@pytest.mark.parametrize("isolation", MODES)
def test_children_holding_memory_together_are_killed_at_the_group_limit(tmp_path, isolation):
    from toyopt.sandbox import Limits, cgroups
    if cgroups.detect()[0] is None:
        pytest.skip("no cgroups here")
    limits = Limits(group_memory_bytes=768 << 20)
    with worker_for(tmp_path, isolation, {"data.py": PROBE_HOLDERS}, limits) as worker:
        try:
            out = worker.call("call", 40, exercise="spiral_2d", args=[3, 320])["value"]
        except Exception as exc:  # the OOM killer may pick the worker itself
            out = {"crashed": str(exc)}
        assert worker.isolation_facts["cgroup"] in ("v1", "v2") if worker.pid else True
    # 3 x 320 MiB > 768 MiB: never all three at once. The OOM killer may pick a child
    # that already held its block (and wrote its file), so count the living ones.
    assert "crashed" in out or out["alive_at_end"] < 3, out


PLANT = """
import os, sys, time
def spiral_2d(marker, read=False):
    if read:
        return int(open(marker).read())
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            open(marker, "w").write(str(os.getpid()))
            time.sleep(120)
        os._exit(0)
    time.sleep(0.5)
    return 1
"""


@pytest.mark.parametrize("isolation", MODES)
def test_planted_process_does_not_survive_close(tmp_path, isolation):
    with worker_for(tmp_path, isolation, {"data.py": PLANT}) as worker:
        assert worker.call("call", 20, exercise="spiral_2d", args=["planted.pid"]) == {"value": 1}
        pid_inside = worker.call("call", 20, exercise="spiral_2d", args=["planted.pid", True])["value"]
        uid = worker.isolation_facts["uid"]
        host = [p for p in os.listdir("/proc") if p.isdigit()
                and _status(p).get("Uid", "").split()[:1] == [str(uid)]] if uid else []
    alive = [p for p in host if os.path.exists(f"/proc/{p}") and _status(p).get("State", "Z")[0] != "Z"]
    assert alive == [], alive
    assert pid_inside > 0


def _status(pid):
    try:
        with open(f"/proc/{pid}/status") as handle:
            return dict(line.rstrip("\n").split(":\t", 1) for line in handle if ":\t" in line)
    except OSError:
        return {}


PROBE_READ = """
import os
def spiral_2d(paths):
    if paths == "read":
        return open("mine.txt").read()
    seen = {}
    for path in paths:
        try:
            seen[path] = "listed" if os.path.isdir(path) and os.listdir(path) else open(path).read()[:20]
        except OSError as exc:
            seen[path] = type(exc).__name__
    open("mine.txt", "w").write("ok")
    return seen
"""


@is_root
def test_fallback_never_lets_the_student_read_the_reference(tmp_path):
    """The fallback changes no mode: where the reference is readable by others the
    canary refuses before any student code runs; where it is not, reads fail."""
    import toyopt_ref
    from toyopt.sandbox import SandboxBroken
    from toyopt.sandbox.launcher import SANDBOX_UID_BASE, fallback_blocker

    ref = os.path.dirname(toyopt_ref.__file__)
    paths = [os.path.join(ref, "data.py"), ref, os.path.join(os.path.dirname(toyopt.__file__),
                                                           "cli.py")]
    assert all(os.path.exists(p) for p in paths)  # each probe is of something real
    worker = worker_for(tmp_path, "subprocess", {"data.py": PROBE_READ}, canary_may_refuse=True)
    if fallback_blocker([("the reference", ref)], SANDBOX_UID_BASE) is None:
        with pytest.raises(SandboxBroken, match="can reach the instructor.s files"):
            worker.start()
        assert not (worker.scratch_dir / "mine.txt").exists()
        return
    with worker:
        seen = worker.call("call", 20, exercise="spiral_2d", args=[paths])["value"]
        assert worker.isolation_facts["sandbox"] == "fallback-uid"
        assert worker.call("call", 20, exercise="spiral_2d", args=["read"])["value"] == "ok"
    assert set(seen.values()) == {"PermissionError"}, seen

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

import toyopt
from sandbox_support import MODES, needs_bwrap, worker_for
from toyopt.sandbox import ProbeFailed, ProtocolError
from toyopt.sandbox.launcher import package_dirs

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
             os.path.join(os.path.dirname(toyopt.__file__), "errors.py"), str(secret), os.getcwd()]
    assert any(p for p in package_dirs())  # toyopt itself is found, wherever it lives
    with worker_for(tmp_path, "bwrap", {"data.py": PROBE_FS}) as worker:
        seen = worker.call("call", 10, exercise="spiral_2d", args=[paths])["value"]
    python_top = [os.path.relpath(sys.prefix, "/root").split(os.sep)[0]]  # pyenv lives there
    for path in paths:
        allowed = python_top if path == "/root" else []
        assert seen[path] in (allowed, "FileNotFoundError"), (path, seen[path])


@needs_bwrap
def test_importing_toyopt_finds_nothing(tmp_path):
    src = {"data.py": "def spiral_2d(n):\n    import toyopt.errors\n    return 1\n"}
    with worker_for(tmp_path, "bwrap", src) as worker:
        with pytest.raises(ProbeFailed, match="ModuleNotFoundError"):
            worker.call("call", 10, exercise="spiral_2d", args=[1])


@needs_bwrap
def test_writes_outside_scratch_fail_and_change_nothing(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    grader_file = os.path.join(os.path.dirname(toyopt.__file__), "errors.py")
    before = open(grader_file).read()
    targets = [str(victim), grader_file, "/etc/toyopt-probe", "/usr/toyopt-probe",
               f"/work/toyopt-probe-{uuid.uuid4().hex}", "/root/toyopt-probe"]
    src = {"data.py": """
        def spiral_2d(targets):
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
        assert (worker.scratch_dir / "inside.txt").read_text() == "fine"
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
        with pytest.raises(ProbeFailed, match="ConnectionRefusedError|OSError|unreachable"):
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
        with pytest.raises(ProbeFailed, match="dtype object") as info:
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

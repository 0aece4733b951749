"""`Worker.cpu_seconds`: the CPU the worker's processes used, read from outside them."""

import pytest
from sandbox_support import MODES, worker_for

from toyopt.sandbox import cgroups

pytestmark = pytest.mark.filterwarnings("ignore::toyopt.sandbox.SandboxWarning")

#: student code burning `seconds` of CPU in its own thread, in `threads` more threads
#: and in a forked child, every one of them ended before the call returns
BURN = """
import os, threading, time

def burn(seconds):
    start = time.thread_time()
    while time.thread_time() - start < seconds:
        pass

def spiral_2d(seconds, threads):
    workers = [threading.Thread(target=burn, args=(seconds,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    pid = os.fork() if threads else 1
    if pid == 0:
        burn(seconds)
        os._exit(0)
    burn(seconds)
    for worker in workers:
        worker.join()
    if threads:
        os.waitpid(pid, 0)
    return 1
"""


def burned(worker, seconds, threads) -> float:
    before = worker.cpu_seconds()
    worker.call("call", 120, exercise="spiral_2d", args=[seconds, threads])
    return worker.cpu_seconds() - before


@pytest.mark.parametrize("isolation", MODES)
def test_the_cgroup_counts_every_thread_and_process_of_a_call(tmp_path, isolation):
    if cgroups.detect()[0] is None:
        pytest.skip("no cgroup here")
    with worker_for(tmp_path, isolation, {"data.py": BURN}) as worker:
        worker.start()
        assert worker.cpu_counts_all
        assert 4 * 0.3 <= burned(worker, 0.3, threads=2) < 4 * 0.3 + 0.5


@pytest.mark.parametrize("isolation", MODES)
def test_without_a_cgroup_the_live_threads_of_the_tree_are_counted(tmp_path, isolation, monkeypatch):
    monkeypatch.setattr(cgroups, "create", lambda *args: (None, "test: no cgroup"))
    with worker_for(tmp_path, isolation, {"data.py": BURN}) as worker:
        worker.start()
        assert not worker.cpu_counts_all
        assert 0.3 <= burned(worker, 0.3, threads=0) < 0.3 + 0.5

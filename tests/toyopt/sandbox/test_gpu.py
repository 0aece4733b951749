"""GPU machines: the sandbox passes the NVIDIA device nodes in, and whether the
CUDA checks run is decided by what the worker sees (its canary's
``torch.cuda.is_available()``), never by the trusted process.

No GPU here: the device nodes are stood in for by ``/dev/fuse`` (the launcher
finds them by a glob, `launcher.GPU_DEVICES`), and the trusted process is made
to believe in CUDA.  ``bench/gpu_check.py`` is the run on a real GPU.
"""

from __future__ import annotations

import pytest
from grade_support import reference_submission
from sandbox_support import needs_bwrap, worker_for

from toyopt.grading.report import grade_submission
from toyopt.sandbox import cgroups, launcher
from toyopt_check.checks.core import all_checks

RLIMIT = """
import os, resource
def spiral_2d(path):
    return {"as": resource.getrlimit(resource.RLIMIT_AS)[0], "device": os.path.exists(path)}
"""


@needs_bwrap
def test_device_nodes_are_passed_in_and_cuda_gets_its_address_space(tmp_path, monkeypatch):
    monkeypatch.setattr(launcher, "GPU_DEVICES", "/dev/fus[e]")  # stands for /dev/nvidia*
    with worker_for(tmp_path, "bwrap", {"data.py": RLIMIT}) as worker:
        seen = worker.call("call", 20, exercise="spiral_2d", args=["/dev/fuse"])["value"]
        notes = " ".join(worker.isolation_facts["notes"])
    assert seen["device"]  # not in bubblewrap's fresh /dev unless passed in
    assert "GPU: 1 NVIDIA device nodes" in notes
    if cgroups.detect()[0] is not None:  # the cgroup bounds memory: CUDA may map its 10s of GiB
        assert seen["as"] == -1  # RLIM_INFINITY
    else:
        assert seen["as"] == launcher.Limits().memory_bytes


def test_the_bwrap_command_dev_binds_each_device_node(monkeypatch, tmp_path):
    monkeypatch.setattr(launcher, "gpu_devices", lambda: ["/dev/nvidia0", "/dev/nvidiactl",
                                                          "/dev/nvidia-uvm"])
    cmd = launcher.bwrap_command(str(tmp_path), str(tmp_path), [], {}, launcher.Limits())
    pairs = {cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--dev-bind" and cmd[i + 1] == cmd[i + 2]}
    assert pairs == {"/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm"}
    assert cmd.index("--dev-bind") > cmd.index("--dev")  # on the sandbox's fresh /dev


def test_cuda_checks_follow_the_worker_not_the_trusted_process(tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # the trusted side "sees" CUDA
    cuda_checks = [c for c in all_checks() if c.device == "cuda"]
    assert cuda_checks
    report = grade_submission(reference_submission(tmp_path / "ref"), checks=cuda_checks,
                              figures=False, timeout=60)
    assert report.error == "", report.notes
    assert {r.status for r in report.results} == {"skipped"}, [(r.id, r.message) for r in report.results]


@pytest.mark.parametrize("cuda", [True, False])
def test_the_first_workers_report_is_kept_across_restarts(tmp_path, cuda):
    from toyopt.grading.target import SandboxTarget

    class FakeWorker:
        pid, isolation, report_cuda = None, "bwrap", False
        cuda_available, stdout, stderr = cuda, None, None

        def start(self):
            self.pid = 1

    worker = FakeWorker()
    target = SandboxTarget(worker, seed=1)  # no submission folder to hash
    assert worker.report_cuda is True  # the target asks the canary
    target.start()
    worker.pid, worker.cuda_available = None, not cuda  # a restart measuring otherwise
    target.start()
    assert target.cuda_available is cuda

"""The vectorisation timing of `spiral_2d` grades right on an oversubscribed machine:
with 8 CPU-bound processes beside it (on 2 cores: a load of ~10), the tutorial's
loop hidden from the syntax tree fails the timing and the reference passes it, in
the sandbox (bwrap, grading seed, drawn sizes) and in process (the kit's self-check).
The wall clock alone once passed the hidden loop in 4 of 10 such runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from grade_support import attack, reference_submission

from toyopt.grading.target import SandboxSession
from toyopt.sandbox import bwrap_works
from toyopt_check.checks.spiral_2d import timing_problem
from toyopt_check.checks.target import InProcessTarget

pytestmark = pytest.mark.slow

HOGS = 8


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    base = tmp_path_factory.mktemp("timing-load")
    return {"hidden loop": attack(reference_submission(base / "loop"), "hidden_loop_spiral", "data.py",
                                  TIMED=None),
            "vectorised": reference_submission(base / "reference")}


@pytest.fixture(scope="module")
def loaded():
    """`HOGS` busy processes, outside any sandbox, for the module's tests."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(HOGS)]
    yield
    for hog in hogs:
        hog.kill()
        hog.wait()


@pytest.fixture
def secret(tmp_path, monkeypatch):
    path = tmp_path / "grading-secret"
    path.write_text("ab" * 32 + "\n")
    monkeypatch.setenv("TOYOPT_GRADING_SECRET", str(path))


def timed_sandboxed(folder):
    with SandboxSession(folder, budget=600, isolation="bwrap") as session:
        session.run(())
        assert session.target.cpu_counts_all == (session.facts["cgroup"] != "none")
        return timing_problem(session.target)


@pytest.mark.skipif(not bwrap_works(), reason="bubblewrap does not work here")
def test_under_load_the_sandbox_fails_a_hidden_loop_and_passes_a_vectorised_spiral(
        submissions, loaded, secret):
    assert "so it still loops over the points" in timed_sandboxed(submissions["hidden loop"]), os.getloadavg()
    assert timed_sandboxed(submissions["vectorised"]) is None, os.getloadavg()


def test_under_load_the_self_check_fails_a_hidden_loop_and_passes_a_vectorised_spiral(submissions, loaded):
    problem = timing_problem(InProcessTarget.for_package(submissions["hidden loop"]))
    assert "so it still loops over the points" in (problem or ""), os.getloadavg()
    assert timing_problem(InProcessTarget.for_package(submissions["vectorised"])) is None, os.getloadavg()

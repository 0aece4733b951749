"""The hostile corpus: each submission is the reference (or the released stubs)
with ONE attack from ``tests/hostile/`` added.  Each test claims the score stays
what the genuine work earns and that nothing outside the sandbox changed.

All submissions are graded once, together, by `grade_many` (two jobs, the bulk
path of `toyopt grade --out-dir`), in a module fixture; to keep it fast, a
submission is graded on the attacked exercise and a bystander (`ONLY`).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
from grade_support import (
    HOSTILE,
    REF_DIR,
    attack,
    prepend,
    reference_submission,
    scores,
    selective_grade,
    stub_submission,
)
from sandbox_support import processes_with, wait_until

import toyopt
from toyopt.grading.bulk import grade_many
from toyopt.sandbox import Limits, bwrap_works

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not bwrap_works(), reason="the claims need bubblewrap")]

TIMEOUT = 30.0  # per exercise; the reference needs a few seconds per exercise
TOKEN = f"toyopt-hostile-{uuid.uuid4().hex[:12]}"
EXERCISES = ("spiral_2d", "plot_datasets", "circular_mse", "epoch_loop")
DATA_ONLY = ("spiral_2d", "plot_datasets")  # data.py attacks: the exercises that import it
#: exercises graded per submission (all when absent): the attacked one and a bystander
ONLY = {name: DATA_ONLY for name in ("lying_array", "honest_zeros", "pickle_payload",
                                     "read_reference", "daemon", "fork_swarm", "output_flood",
                                     "ptrace_planted",
                                     "escape")}
ONLY.update({name: ("spiral_2d", "circular_mse")
             for name in ("exit_at_import", "os_exit_in_function", "infinite_loop", "disk_fill")})
ONLY["memory_hog"] = DATA_ONLY


class Listener:
    """A TCP server on loopback that records whether anyone connected."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every submission of the corpus; yield a namespace of what happened."""
    base = tmp_path_factory.mktemp("hostile")
    subs, out = base / "submissions", base / "out"
    markers = base / "markers"
    markers.mkdir()
    listener = Listener()
    toyopt_sentinel = Path(toyopt.__file__).parent / f"_hostile_{TOKEN}.txt"

    def ref(name):
        return reference_submission(subs / name)

    def stub(name):
        return stub_submission(subs / name)

    ref("reference")
    stub("stub")
    prepend(ref("exit_at_import"), "losses.py", (HOSTILE / "exit_at_import.py").read_text())
    attack(ref("os_exit_in_function"), "os_exit_in_function", "losses.py")
    attack(stub("patch_comparisons"), "patch_comparisons", "__init__.py")
    root = stub("conftest")
    conftest = (HOSTILE / "conftest_forcing_passes.py").read_text()
    (root / "conftest.py").write_text(conftest)
    (root / "exercises" / "conftest.py").write_text(conftest)
    attack(ref("lying_array"), "lying_array", "data.py", CLASS="_Liar")
    attack(ref("honest_zeros"), "lying_array", "data.py", CLASS="_np.ndarray")
    attack(ref("pickle_payload"), "pickle_payload", "data.py", MARKER=markers / "pickle")
    attack(ref("read_reference"), "read_reference", "data.py", REF_DATA=REF_DIR / "data.py")
    attack(ref("daemon"), "daemon_rewrites_results", "data.py",
           RESULTS=out / "daemon" / "results.json", MARKER=markers / "daemon", TOKEN=TOKEN)
    attack(ref("fork_swarm"), "fork_swarm", "data.py", TOKEN=TOKEN)
    attack(ref("ptrace_planted"), "ptrace_planted", "data.py", TOKEN=TOKEN,
           MARKER=markers / "ptrace")
    attack(ref("infinite_loop"), "infinite_loop_sigterm", "losses.py")
    attack(ref("disk_fill"), "disk_fill", "losses.py")
    attack(ref("memory_hog"), "memory_hog", "plotting.py")
    attack(ref("output_flood"), "output_flood", "data.py")
    attack(ref("escape"), "escape", "data.py", PORT=listener.port,
           RESULTS=out / "reference" / "results.json", RESULTS_DIR=out,
           TOYOPT_FILE=toyopt_sentinel, MARKER=markers / "escape")

    toyopt_before = {p: p.stat().st_mtime_ns for p in Path(toyopt.__file__).parent.rglob("*.py")}
    sources = sorted(subs.iterdir())
    start = time.monotonic()
    counts = grade_many(sources, out, jobs=2, timeout=TIMEOUT, progress=False, figures=False,
                        grade=selective_grade, only=ONLY)
    seconds = time.monotonic() - start
    results = {p.name: json.loads((out / p.name / "results.json").read_text()) for p in sources}
    frozen = {name: (out / name / "results.json").read_bytes() for name in results}
    yield dict(out=out, results=results, scores={k: scores(v) for k, v in results.items()},
               counts=counts, listener=listener, markers=markers, sentinel=toyopt_sentinel,
               toyopt_before=toyopt_before, frozen=frozen, seconds=seconds)
    listener.close()
    toyopt_sentinel.unlink(missing_ok=True)


def outputs(graded, name, exercise):
    """The messages of `exercise`'s checks that ran (a CUDA check is "skipped (no GPU)")."""
    return [t["output"] for t in graded["results"][name]["tests"]
            if exercise in t["tags"] and not t["output"].startswith("skipped")]


def assert_full_except(graded, name, *losing):
    """Every exercise but `losing` scores what the reference scores; `losing` score 0."""
    ref, got = graded["scores"]["reference"], graded["scores"][name]
    for exercise in ONLY.get(name, EXERCISES):
        expected = 0 if exercise in losing else ref[exercise]
        assert got[exercise] == expected, (name, exercise, got, outputs(graded, name, exercise))


def test_anchors_reference_full_marks_stub_zero(graded):
    ref, stub = graded["scores"]["reference"], graded["scores"]["stub"]
    assert ref["total"] == graded["results"]["reference"]["max_score"] > 0
    assert stub["total"] == 0
    assert graded["counts"]["failed"] == 0


def test_exit_at_import_costs_only_that_module(graded):
    assert_full_except(graded, "exit_at_import", "circular_mse")
    assert any("sys.exit(0)" in o for o in outputs(graded, "exit_at_import", "circular_mse"))


def test_os_exit_in_function_is_a_crash_of_that_exercise(graded):
    assert_full_except(graded, "os_exit_in_function", "circular_mse")
    assert any("exited with status 0" in o
               for o in outputs(graded, "os_exit_in_function", "circular_mse"))


def test_patched_comparison_helpers_do_not_raise_a_stub_score(graded):
    assert graded["scores"]["patch_comparisons"]["total"] == 0


def test_conftest_in_submission_forces_nothing(graded):
    assert graded["scores"]["conftest"]["total"] == 0


def test_lying_array_subclass_scores_like_the_same_data_told_honestly(graded):
    lying, honest = graded["scores"]["lying_array"], graded["scores"]["honest_zeros"]
    assert lying == honest
    assert lying["spiral_2d"] < graded["scores"]["reference"]["spiral_2d"]


def test_pickle_payload_never_runs_in_the_grader(graded):
    assert not (graded["markers"] / "pickle").exists()
    assert (graded["scores"]["pickle_payload"]["spiral_2d"]
            < graded["scores"]["reference"]["spiral_2d"])
    assert graded["scores"]["pickle_payload"]["plot_datasets"] == graded["scores"]["reference"]["plot_datasets"]


def test_reference_solution_is_out_of_reach(graded):
    assert graded["scores"]["read_reference"]["spiral_2d"] == 0
    assert_full_except(graded, "read_reference", "spiral_2d")


def test_daemon_cannot_rewrite_results_after_grading(graded):
    time.sleep(6)  # the daemon would write 4 s after it started, for 10 s
    path = graded["out"] / "daemon" / "results.json"
    assert path.read_bytes() == graded["frozen"]["daemon"]
    assert json.loads(path.read_bytes())["score"] == graded["scores"]["daemon"]["total"] > 0
    assert not (graded["markers"] / "daemon").exists()
    assert_full_except(graded, "daemon")


def test_no_process_of_a_submission_outlives_its_grading(graded):
    assert wait_until(lambda: not processes_with(TOKEN), timeout=10), processes_with(TOKEN)
    assert_full_except(graded, "fork_swarm")


def test_infinite_loop_ignoring_sigterm_costs_only_its_exercise(graded):
    assert_full_except(graded, "infinite_loop", "circular_mse")
    assert all("time budget" in o for o in outputs(graded, "infinite_loop", "circular_mse"))


def test_filling_the_scratch_folder_stops_at_its_cap_and_costs_only_its_exercise(graded):
    assert_full_except(graded, "disk_fill", "circular_mse")
    written = [int(n) for o in outputs(graded, "disk_fill", "circular_mse")
               for n in re.findall(r"wrote (\d+) MiB, then No space left on device", o)]
    assert written, outputs(graded, "disk_fill", "circular_mse")
    assert max(written) <= Limits().scratch_bytes >> 20  # never more on the grader's machine


def test_memory_hog_costs_only_its_exercise(graded):
    assert_full_except(graded, "memory_hog", "plot_datasets")


def test_output_flood_is_truncated_and_costs_nothing(graded):
    assert_full_except(graded, "output_flood")
    page = (graded["out"] / "output_flood" / "feedback.html").stat().st_size
    assert page < 200_000
    assert len(json.dumps(graded["results"]["output_flood"])) < 200_000


def test_no_network_and_no_writes_to_the_graders_files(graded):
    assert graded["listener"].connections == 0
    assert not graded["sentinel"].exists()
    assert not (graded["markers"] / "escape").exists()
    assert not (graded["out"] / "injected").exists()
    ref = json.loads((graded["out"] / "reference" / "results.json").read_text())
    assert ref["score"] == graded["scores"]["reference"]["total"]
    after = {p: p.stat().st_mtime_ns for p in Path(toyopt.__file__).parent.rglob("*.py")}
    assert after == graded["toyopt_before"]
    assert_full_except(graded, "escape")


def test_planted_process_that_ptraces_does_not_outlive_grading(graded):
    assert wait_until(lambda: not processes_with(TOKEN), timeout=10), processes_with(TOKEN)
    assert not (graded["markers"] / "ptrace").exists()  # ptrace was refused
    assert_full_except(graded, "ptrace_planted")


def test_every_report_tells_staff_what_isolation_held_and_not_the_student(graded):
    for name, data in graded["results"].items():
        facts = data["extra_data"]["isolation"]
        assert facts["sandbox"] == "bwrap" and facts["cgroup"] in ("v1", "v2", "none"), name
        assert "isolation: bubblewrap" in data["extra_data"]["isolation_line"], name
        assert "isolation:" not in data["output"], name
        page = (graded["out"] / name / "feedback.html").read_text()
        assert "isolation:" not in page and "seccomp" not in page, name

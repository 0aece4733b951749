"""Conformance of `toyopt grade` under bubblewrap (issue 17, route 1): the probe that
walks every folder the student's process can read finds no answer.

The probe (``tests/hostile/walk_for_answers.py``) walks ``/`` inside the sandbox and
reports each file holding a solution line of the reference, a hidden check's id or
a gradebook. The grader runs from this checkout, whose files hold every answer
(``toyopt_ref``, the notebook's solution cells): the claim is that none of them,
and no other file of the instructor's, is readable there. The routes without
bubblewrap are in ``test_conformance_fallback.py``.
"""

from __future__ import annotations

import json
import sys

import pytest
from grade_support import attack, stub_submission
from test_conformance_fallback import HIDDEN_IDS, _b64, _library_lines, probe_report, solution_lines

from toyopt.grading.bulk import results_json
from toyopt.grading.report import grade_submission
from toyopt.sandbox import bwrap_works

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not bwrap_works(), reason="bubblewrap does not work here")]


def test_the_probe_walking_every_readable_file_under_bubblewrap_finds_no_answer(tmp_path):
    from pathlib import Path

    needles = solution_lines() - _library_lines(Path(sys.prefix)) - _library_lines(Path(sys.base_prefix))
    assert needles, "no solution line to look for"
    probe = attack(stub_submission(tmp_path / "probe"), "walk_for_answers", "data.py",
                   NEEDLES=_b64(needles), IDS=_b64(HIDDEN_IDS), ROOTS=json.dumps(["/"]),
                   OWN=json.dumps([]))
    report = grade_submission(probe, timeout=300, figures=False, isolation="bwrap")
    results = results_json(report)
    assert report.isolation.get("sandbox") == "bwrap"
    files, found = probe_report(results)
    assert files > 10_000  # it did walk the system and the interpreter's libraries
    # nbgrader's wheel ships a test fixture named gradebook.db: no course's
    found = [f for f in found if not ("/site-packages/nbgrader/" in f and f.endswith("gradebook.db"))]
    assert found == [], found
    assert results["score"] == 0  # the stubs plus a probe earn nothing

"""feedback.html pictures: drawn for implemented exercises, omitted on any failure."""

from __future__ import annotations

import base64
import re
import shutil
import struct
import subprocess

import numpy as np
import pytest
from grade_support import append, reference_submission, stub_submission

from toyopt.grading.feedback import render_feedback
from toyopt.grading.figures import draw_figures
from toyopt.grading.report import grade_submission
from toyopt_check.checks.core import CheckResult
from toyopt_check.inside.runtime import StudentCodeError

ALL = {"spiral_2d", "plot_datasets", "circular_mse", "epoch_loop"}
IMAGE = re.compile(r'<section id="(\w+)">.*?</section>', re.S)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def images_by_exercise(page: str) -> dict[str, list[bytes]]:
    """Decoded ``data:image/png`` images of each exercise's section."""
    out = {}
    for match in IMAGE.finditer(page):
        found = re.findall(r'<img alt="[^"]+" src="data:image/png;base64,([A-Za-z0-9+/=]+)"',
                           match.group(0))
        out[match.group(1)] = [base64.b64decode(b, validate=True) for b in found]
    return out


@pytest.fixture(scope="module")
def reference_page(tmp_path_factory):
    report = grade_submission(reference_submission(tmp_path_factory.mktemp("ref")), timeout=60)
    assert report.score == report.max_score
    return render_feedback(report)


def test_reference_feedback_has_one_png_per_exercise_of_modest_size(reference_page):
    images = images_by_exercise(reference_page)
    assert {ex for ex, found in images.items() if found} == ALL
    for exercise, found in images.items():
        assert len(found) == 1, exercise
        width, height = png_size(found[0])
        assert 150 <= width <= 800 and 150 <= height <= 600, (exercise, width, height)
        assert len(found[0]) < 200_000
    assert "<figcaption>Your spiral_2d(400)" in reference_page


def test_stub_feedback_has_no_images_and_grades_zero(tmp_path):
    report = grade_submission(stub_submission(tmp_path / "stub"), timeout=60)
    assert report.figures == () and not report.error
    assert report.score == 0 and report.max_score == 100
    assert "not_implemented" in {r.status for r in report.results}
    assert "data:image/png" not in render_feedback(report)


def test_spiral_that_raises_still_gets_the_other_pictures(tmp_path):
    root = append(reference_submission(tmp_path / "sp"), "data.py", """
        def spiral_2d(num_points):
            raise RuntimeError("no spiral today")
        """)
    report = grade_submission(root, timeout=60)
    assert {f.exercise for f in report.figures} == ALL - {"spiral_2d"}
    assert any("figure of spiral_2d omitted" in n for n in report.notes)
    totals = report.totals
    assert totals["spiral_2d"]["score"] == 0
    for exercise in ALL - {"spiral_2d"}:
        assert totals[exercise]["score"] == totals[exercise]["max_score"], exercise
    assert images_by_exercise(render_feedback(report))["spiral_2d"] == []


class FakeTarget:
    """A target whose every probe fails as `outcome` says (no sandbox)."""

    def __init__(self, outcome):
        self.outcome, self.budget, self.used, self.calls = outcome, 60.0, {}, []

    def probe_within(self, seconds, name, **kwargs):
        self.calls.append((name, seconds))
        if self.outcome == "raise":
            raise StudentCodeError(name.split(".")[0], "exception", "boom")
        return {"points": np.full((3, 5), np.nan), "results": "nonsense", "weights": [1, 2],
                "axes": "x", "is_figure": True}


@pytest.mark.parametrize("outcome", ["raise", "malformed"])
def test_failing_or_malformed_probes_give_no_figure_and_a_staff_note(outcome):
    target = FakeTarget(outcome)
    results = [CheckResult(f"{ex}.x", ex, "x", 1.0, 1.0, "passed", "") for ex in sorted(ALL)]
    notes = []
    assert draw_figures(target, results, notes) == ()
    assert len(notes) == 4 and all("omitted" in n for n in notes)
    assert all(0 < seconds <= 15.0 for _, seconds in target.calls)  # a share of the budget


def test_figures_use_no_time_of_an_exercise_whose_budget_is_spent():
    target = FakeTarget("raise")
    target.used = {ex: 60.0 for ex in ALL}
    results = [CheckResult(f"{ex}.x", ex, "x", 0.0, 1.0, "timeout", "") for ex in sorted(ALL)]
    assert draw_figures(target, results, []) == () and target.calls == []


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_reference_feedback_shows_its_pictures_in_headless_chromium(reference_page, tmp_path):
    page = tmp_path / "feedback.html"
    page.write_text(reference_page, encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=1200,6000", page.as_uri()],
                   check=True, capture_output=True, timeout=180)
    from PIL import Image  # matplotlib depends on Pillow

    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    blue = (b > 200) & (r < 80) & (g < 80)  # the spiral's class-1 points: no text is blue
    orange = (r > 220) & (g > 100) & (g < 160) & (b < 60)  # your learning curve
    assert blue.sum() > 200 and orange.sum() > 100


def test_the_learning_curves_show_the_run_whose_epochs_the_messages_name():
    from toyopt.checks.thresholds import CONVERGENCE
    from toyopt.grading.figures import draw_epoch_loop
    from toyopt_check.checks.target import InProcessTarget

    figure = draw_epoch_loop(InProcessTarget.reference())
    epochs = CONVERGENCE["epoch_loop.linear"]["epochs"]  # "epoch 151 of 300" in a message
    assert f"Learning curves of {epochs} epochs" in figure.caption

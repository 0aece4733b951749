"""feedback.html: escaped, hidden checks reduced to title and score, renders in Chromium."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib

import pytest

from toyopt.grading.feedback import render_feedback
from toyopt.grading.report import Figure, GradeReport
from toyopt_check.checks.core import CheckResult

SECRET = "hidden-detail-expected-0.73519"
PICTURE_RGB = (0, 230, 0)  # a green nothing else on the page is


def _png(width=4, height=4, rgb=(200, 30, 30)) -> bytes:
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _report() -> GradeReport:
    results = (
        CheckResult("spiral_2d.layout", "spiral_2d", "layout", 4.0, 4.0, "passed", ""),
        CheckResult("spiral_2d.noise", "spiral_2d", "noise <b>box</b>", 0.0, 3.0, "failed",
                    "spiral_2d(7): expected 6 points, got <script>alert(1)</script>"),
        CheckResult("circular_mse.secret", "circular_mse", "hidden property", 0.0, 5.0, "failed",
                    SECRET, visibility="hidden", staff_detail="Traceback: grader internals"),
        CheckResult("epoch_loop.step", "epoch_loop", "one step", 0.0, 5.0, "timeout",
                    "epoch_loop: stopped after 60 s"),
    )
    return GradeReport("eve <img src=x>", "/x", results, 4.0, 17.0, 1.0,
                       ("isolation: bubblewrap",), "your code wrote 12 bytes to stdout:\n<i>hi</i>",
                       (Figure("spiral_2d", "your spiral", _png(160, 120, PICTURE_RGB)),))


def test_feedback_escapes_student_text_and_hides_hidden_details():
    page = render_feedback(_report())
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x>" not in page and "<i>hi</i>" not in page
    assert SECRET not in page and "grader internals" not in page
    assert "hidden property" in page and "0 / 5" in page
    assert "noise &lt;b&gt;box&lt;/b&gt;" in page
    assert "data:image/png;base64," in page
    assert "timed out" in page


def test_feedback_page_leaves_the_isolation_facts_to_staff():
    report = _report()
    report = GradeReport(*[getattr(report, f) for f in ("submission", "source", "results", "score",
                                                         "max_score", "execution_time", "notes",
                                                         "output", "figures")],
                         isolation={"sandbox": "bwrap", "uid": 4242, "cgroup": "v1", "seccomp": True})
    assert "uid 4242" in report.isolation_line
    page = render_feedback(report)
    assert "4242" not in page and "bubblewrap" not in page and "seccomp" not in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_feedback_renders_in_headless_chromium(tmp_path):
    page = tmp_path / "feedback.html"
    page.write_text(render_feedback(_report()), encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=1200,1600", page.as_uri()],
                   check=True, capture_output=True, timeout=180)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    from PIL import Image  # matplotlib depends on Pillow

    image = Image.open(shot).convert("L")
    assert image.size == (1200, 1600)
    low, high = image.getextrema()
    assert high - low > 100  # text on a white page, not a blank screenshot
    import numpy as np

    rgb = np.asarray(Image.open(shot).convert("RGB"))
    picture = int(np.all(rgb == PICTURE_RGB, axis=-1).sum())
    assert picture >= 0.9 * 160 * 120  # the inlined PNG was decoded and shown at its size

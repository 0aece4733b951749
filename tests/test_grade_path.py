"""One submission, from the command to the student's line, crosses at most 12 of our modules.

Measured on a real grading (issue 18: a fresh reader can follow it): `toyopt grade` runs in
this process with `Worker.call` watched, which records the trusted side's stack at the
moment a probe is sent; the student's ``spiral_2d`` raises with the worker's stack in its
message, which comes back in results.json like any student error. The modules of both
stacks, ours only (toyopt, toyopt_check), are the path; docs/architecture.md draws it.
"""

from __future__ import annotations

import json
import re
import traceback

import pytest
from grade_support import ROOT, reference_submission

from toyopt.cli import main
from toyopt.sandbox import bwrap_works
from toyopt_check.inside import protocol

MAX_MODULES = 12

STUDENT = '''

def spiral_2d(num_points):
    import traceback
    frames = [f.filename.replace("\\\\", "/").split("/") for f in traceback.extract_stack()[:-1]]
    raise RuntimeError("STACK " + " ".join("/".join(parts[-3:]) for parts in frames))
'''


def _ours(path: str) -> str | None:
    """``toyopt/grading/report.py`` for a file of our packages, else None."""
    parts = path.replace("\\", "/").split("/")
    for k, part in enumerate(parts):
        if part in ("toyopt", "toyopt_check") and parts[-1].endswith(".py"):
            return "/".join(parts[k:])
        if part == "toyopt_inside":  # the sandbox's copy of toyopt_check/inside
            return "/".join(["toyopt_check/inside", *parts[k + 1:]])
    return None


@pytest.mark.skipif(not bwrap_works(), reason="needs bubblewrap (the sandbox)")
def test_command_to_student_line_in_at_most_twelve_modules(tmp_path, monkeypatch):
    sub = reference_submission(tmp_path / "sub")
    data = sub / "exercises" / "data.py"
    data.write_text(data.read_text() + STUDENT)
    trusted: list[str] = []
    encode = protocol.encode

    def watched(message, *args, **kwargs):  # the first probe request put on the wire
        if not trusted and isinstance(message, dict) and "probe" in message:
            trusted.extend([*(f.filename for f in traceback.extract_stack()[:-1]), protocol.__file__])
        return encode(message, *args, **kwargs)

    monkeypatch.setattr(protocol, "encode", watched)
    out = tmp_path / "results.json"
    assert main(["grade", str(sub), "--results", str(out)]) == 0
    outputs = [t["output"] for t in json.loads(out.read_text())["tests"] if "STACK " in t["output"]]
    assert outputs, "the student's error did not come back"
    worker = outputs[0].split("STACK ", 1)[1].split()

    path = []
    for name in [_ours(f) for f in trusted] + [_ours(f) for f in worker]:
        if name and name not in path and not (ROOT / name).is_relative_to(ROOT / "tests"):
            path.append(name)
    assert any(p.startswith("toyopt/commands/") for p in path), path  # the command is in it
    assert any(p.startswith("toyopt_check/inside/probes/") for p in path), path  # and the probe
    assert len(path) <= MAX_MODULES, "\n".join(path)
    page = (ROOT / "docs" / "architecture.md").read_text().split("## A submission's path", 1)[1]
    drawn = re.findall(r"^ ?\d+ (\S+\.py)", page.split("```")[1], flags=re.M)
    assert sorted(drawn) == sorted(path), (drawn, path)  # the page draws the measured path

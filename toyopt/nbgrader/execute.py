"""`SandboxedExecute`: nbgrader's execute step, with the student's code in the sandbox.

``toyopt nbgrader init`` registers it in place of nbgrader's ``Execute``.  For
each submitted notebook:

1. The test cells and the checks each grades are read from the **gradebook**
   (what ``generate_assignment`` stored), never from the submission: forged
   metadata changes neither which checks run nor their points.
2. Every other code cell runs in a sandboxed worker (the launcher and limits of
   ``toyopt grade``), in order, in an in-process IPython shell; what they print
   and draw comes back as nbformat outputs, rebuilt from checked fields
   (`clean_outputs`).  Test cells, the gradebook and the course folder never
   enter the sandbox.
3. The checks run in this process through the probes, on the functions the
   notebook defined; each test cell gets its outcome as output (the report
   lines, plus an error output when a check fails), which nbgrader's
   ``SaveAutoGrades`` then scores.

Without bubblewrap autograde refuses (`SandboxPreflight`, before any submission
is touched; the step itself too, `SandboxUnavailable`), unless the course sets
``c.SandboxedExecute.in_kernel = True``: then nbgrader's ``Execute`` grades in
the student's kernel and the feedback opens with a note saying so.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from nbconvert.exporters import NotebookExporter
from nbformat import v4
from nbgrader.converters.base import NbGraderException
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Float, Integer

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt.sandbox.submission import definition_statements, no_magics
from toyopt_check.inside.errors import ConfigurationError
from toyopt_check.inside.notebook_cells import MAX_CELL_CHARS, MAX_IMAGE_CHARS, MAX_OUTPUTS, MAX_TOTAL_CHARS, MIME_TYPES
from toyopt_check.inside.worker import NOTEBOOK_PROBE

from .course import CELL_TIMEOUT

#: seconds for all of a notebook's cells together (each also has `cell_timeout`)
NOTEBOOK_TIMEOUT = 900
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
MAX_TRACEBACK_LINES = 12
TRUNCATED = "\n[... output truncated: the grader keeps only the first part of this cell's output]\n"

NO_SANDBOX = ("toyopt: no working bubblewrap (install the 'bubblewrap' package), so notebooks "
              "cannot be graded in the sandbox; to grade in the student's kernel instead, set "
              "c.SandboxedExecute.in_kernel = True in nbgrader_config.py")
IN_KERNEL_NOTE = ("**Graded in the notebook's own kernel, not in the sandbox.** This course "
                  "grades without isolation (`c.SandboxedExecute.in_kernel = True`): the code "
                  "of the notebook ran next to its tests.")


class SandboxUnavailable(ConfigurationError):
    """bubblewrap does not work here and in-kernel grading was not chosen."""


# ----------------------------------------------------------------------------- the gradebook's tests
def checks_of_source(source: str):
    """``(exercise, ids)`` of the ``run(...)`` call of a test cell's source, or None."""
    try:
        tree = ast.parse(no_magics(source))
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "run"
                and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            ids = next((kw.value for kw in node.keywords if kw.arg == "ids"), None)
            try:
                ids = None if ids is None else ast.literal_eval(ids)
            except ValueError:
                return None
            if isinstance(ids, str):
                ids = [ids]
            return node.args[0].value, (None if ids is None else [str(i) for i in ids])
    return None


def gradebook_tests(resources) -> dict:
    """``{grade_id: (exercise, ids) or None}`` of the notebook's autograded code
    test cells, read from the gradebook (None: not a toyopt check)."""
    from nbgrader.api import Gradebook, MissingEntry

    info = resources["nbgrader"]
    found = {}
    with Gradebook(info["db_url"]) as gb:
        try:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
        except MissingEntry:
            raise ConfigurationError(f"the gradebook has no notebook {info['notebook']!r} of "
                                     f"{info['assignment']!r}: run generate_assignment first") from None
        solutions = {c.name for c in notebook.solution_cells}
        for cell in notebook.grade_cells:
            if cell.cell_type != "code" or cell.name in solutions:
                continue
            source = gb.find_source_cell(cell.name, info["notebook"], info["assignment"]).source
            found[cell.name] = checks_of_source(source)
    return found


# ----------------------------------------------------------------------------- outputs from the sandbox
def _valid_image(mime: str, value: str) -> bool:
    try:
        raw = base64.b64decode(value.replace("\n", ""), validate=True)
    except ValueError:
        return False
    return raw.startswith(_MAGIC[mime])


def clean_outputs(raw, count, budget: list) -> list:
    """Outputs of one cell as sent by the worker, rebuilt from checked fields
    only: text and PNG/JPEG pictures, sizes capped (the worker's caps, applied
    again: the student's code can forge what it sends); anything else dropped."""
    outputs, text = [], 0
    if not isinstance(raw, list):
        return outputs
    for item in raw[:MAX_OUTPUTS]:
        if not isinstance(item, dict):
            continue
        kind = item.get("output_type")
        if kind == "stream" and item.get("name") in ("stdout", "stderr") \
                and isinstance(item.get("text"), str):
            room = min(MAX_CELL_CHARS - text, budget[0])
            value = item["text"][:max(room, 0)]
            if value:
                text += len(value)
                budget[0] -= len(value)
                outputs.append(v4.new_output("stream", name=item["name"], text=value))
        elif kind in ("display_data", "execute_result") and isinstance(item.get("data"), dict):
            data = {}
            for mime in MIME_TYPES:
                value = item["data"].get(mime)
                if not isinstance(value, str):
                    continue
                limit = MAX_CELL_CHARS if mime == "text/plain" else MAX_IMAGE_CHARS
                if len(value) > min(limit, budget[0]):
                    continue
                if mime != "text/plain" and not _valid_image(mime, value):
                    continue
                budget[0] -= len(value)
                data[mime] = value
            if data:
                extra = {"execution_count": count} if kind == "execute_result" else {}
                outputs.append(v4.new_output(kind, data=data, **extra))
        elif kind == "error" and isinstance(item.get("ename"), str) \
                and isinstance(item.get("evalue"), str) and isinstance(item.get("traceback"), list):
            lines = [str(x)[:2000] for x in item["traceback"][-MAX_TRACEBACK_LINES:]]
            size = sum(map(len, lines)) + len(item["evalue"])
            if size <= budget[0]:
                budget[0] -= size
                outputs.append(v4.new_output("error", ename=item["ename"][:200],
                                             evalue=item["evalue"][:2000], traceback=lines))
    return outputs


# ----------------------------------------------------------------------------- the step
class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's execute step with the notebook's code in the sandbox and the
    test cells' outcomes computed by the checks outside it."""

    in_kernel = Bool(False, help="grade in the student's kernel, without the sandbox "
                     "(the student's code can then change its grade; feedback says so)").tag(config=True)
    cell_timeout = Integer(CELL_TIMEOUT, help="seconds a code cell may run").tag(config=True)
    notebook_timeout = Integer(NOTEBOOK_TIMEOUT, help="seconds for all code cells together").tag(config=True)
    budget = Float(60.0, help="seconds of student code per exercise for its checks").tag(config=True)

    def preprocess(self, nb, resources):
        from toyopt.sandbox import bwrap_works

        if self.in_kernel:
            nb, resources = Execute(config=self.config).preprocess(nb, resources)
            nb.cells.insert(0, v4.new_markdown_cell(IN_KERNEL_NOTE))
            return nb, resources
        if not bwrap_works():  # a course configured without SandboxPreflight
            raise SandboxUnavailable(NO_SANDBOX)
        return grade_notebook(nb, resources, cell_timeout=self.cell_timeout,
                              notebook_timeout=self.notebook_timeout, budget=self.budget,
                              log=self.log, hide=self._course_folders(resources))

    def _course_folders(self, resources) -> tuple:
        """The course root and the gradebook's folder, hidden from the sandbox
        wherever they live (the launcher hides the cwd, /work, /home, /root too)."""
        folders = [os.getcwd()]
        course = self.config.get("CourseDirectory", {})
        if course.get("root"):
            folders.append(str(course["root"]))
        db_url = resources.get("nbgrader", {}).get("db_url") or course.get("db_url") or ""
        if db_url.startswith("sqlite:///"):
            folders.append(os.path.dirname(db_url[len("sqlite:///"):]))
        return tuple(folders)


class SandboxPreflight(NotebookExporter):
    """nbgrader's notebook exporter (``c.Autograde.exporter_class``), refusing
    autograde when the sandbox cannot run.  nbgrader builds it once, before its loop
    over the submissions, so an `NbGraderException` here ends ``nbgrader autograde``
    with one logged line and exit status 1, as its own configuration errors do."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from toyopt.sandbox import bwrap_works

        if not SandboxedExecute(config=self.config).in_kernel and not bwrap_works():
            self.log.error(NO_SANDBOX)
            raise NbGraderException(NO_SANDBOX)


def _test_output(results) -> list:
    from toyopt_check.cells import report_line

    lines = "\n".join(report_line(r) for r in results) + "\n"
    failed = [r for r in results if not r.passed]
    outputs = [v4.new_output("stream", name="stdout", text=lines)]
    if failed:
        outputs.append(_failure("\n".join(r.message or f"{r.exercise}: {r.status}" for r in failed)))
    return outputs


def _failure(text: str):
    return v4.new_output("error", ename="TestCellFailed", evalue=text, traceback=[f"TestCellFailed: {text}"])


def grade_notebook(nb, resources, *, cell_timeout=CELL_TIMEOUT, notebook_timeout=NOTEBOOK_TIMEOUT,
                   budget=60.0, log=None, isolation="bwrap", tests=None, hide=()):
    """Run `nb`'s code in the sandbox and write every cell's outputs (see the module doc).
    `tests` (``{grade_id: (exercise, ids)}``) defaults to the gradebook's."""
    tests = gradebook_tests(resources) if tests is None else tests
    code = [(index, cell) for index, cell in enumerate(nb.cells, start=1) if cell.cell_type == "code"]
    specs = {index: tests[gid] for index, cell in code
             if (gid := cell.metadata.get("nbgrader", {}).get("grade_id")) in tests}
    sent = [{"index": index, "source": str(cell.source)} for index, cell in code if index not in specs]
    outputs, by_cell, results, note = _run_in_sandbox(sent, specs, cell_timeout, notebook_timeout, budget,
                                                      isolation, resources, hide)
    if log is not None:
        log.info("toyopt: %s", note)
    budget_left = [MAX_TOTAL_CHARS]
    for index, cell in code:
        if index in specs:
            checks = by_cell[index]
            if checks is None:
                cell.outputs = [_failure("this test cell is not a toyopt check: it cannot be "
                                         "graded in the sandbox")]
            else:
                cell.outputs = _test_output([results[c.id] for c in checks])
            continue
        got = outputs.get(index, {})
        count = got.get("execution_count")
        cell.execution_count = count if isinstance(count, int) else None
        cell.outputs = clean_outputs(got.get("outputs", []), cell.execution_count, budget_left)
        if got.get("truncated") is True:
            cell.outputs.append(v4.new_output("stream", name="stdout", text=TRUNCATED))
    return nb, resources


def resolve_checks(specs: dict):
    """``({cell index: checks or None}, wanted)``: each test cell's checks from its
    gradebook spec (None: not a toyopt check), and all of them once, in registry order."""
    from toyopt_check.cells import select
    from toyopt_check.checks import all_checks

    by_cell = {}
    for index, spec in specs.items():
        try:
            by_cell[index] = select(*spec) if spec else None
        except ConfigurationError:
            by_cell[index] = None
    wanted = {c.id for checks in by_cell.values() for c in checks or ()}
    return by_cell, [c for c in all_checks() if c.id in wanted]


def _run_in_sandbox(sent, specs, cell_timeout, notebook_timeout, budget, isolation, resources,
                    hide=()):
    """``({cell index: raw outputs}, {test cell index: checks}, {check id: CheckResult}, note)``.

    The worker starts first: the checks' imports (torch, every check module) and
    their resolution happen in this process while it boots and runs the cells."""
    from toyopt.grading.target import SandboxSession
    from toyopt.sandbox import WorkerError
    from toyopt.sandbox.submission import NOTEBOOK_FILE
    from toyopt_check.inside.protocol import ProtocolError

    scratch = Path(tempfile.mkdtemp(prefix="toyopt-nbgrader-"))
    cells_file = scratch / NOTEBOOK_FILE
    name = resources.get("nbgrader", {}).get("notebook", "notebook")
    cells_file.write_text(json.dumps({"source": name, "cells": sent, "mode": "execute",
                                      "cell_timeout": cell_timeout}), encoding="utf-8")
    hide = tuple(str(Path(p).resolve()) for p in (*hide, resources.get("metadata", {}).get("path"))
                 if p)
    note, outputs, clock = "", {}, [time.perf_counter()]
    try:
        with SandboxSession(scratch, budget=budget, isolation=isolation, hide=hide) as session:
            clock.append(time.perf_counter())
            worker = session.worker
            try:
                reply = worker.call(NOTEBOOK_PROBE, timeout=float(notebook_timeout))
                cells = reply.get("cells") if isinstance(reply.get("cells"), list) else []
                known = {c["index"] for c in sent}
                for item in cells:
                    if isinstance(item, dict) and item.get("index") in known:
                        outputs.setdefault(item["index"], item)
            except (WorkerError, ProtocolError) as exc:
                worker.close()
                note = f"the notebook's cells did not finish ({exc}); graded on its definitions"
            # A worker started from now on (after a crash in a check) loads the
            # definitions only, as `toyopt grade` does: re-running every cell could
            # crash again in cells that are no exercise. Written by replacing the
            # file (the student's code may have put a link in its place).
            _write_cells(cells_file, {"source": name, "cells": _definitions(sent)})
            clock.append(time.perf_counter())
            by_cell, checks = resolve_checks(specs)
            with _hypothesis_home():
                results = session.run(checks)
            clock.append(time.perf_counter())
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    timing = ", ".join(f"{step} {end - begin:.1f} s"
                       for step, begin, end in zip(("start", "cells", "checks"), clock, clock[1:]))
    return outputs, by_cell, {r.id: r for r in results}, "; ".join(filter(None, (note, f"sandbox: {timing}")))


@contextlib.contextmanager
def _hypothesis_home():
    """Hypothesis (used by the checks) writes a cache under ``./.hypothesis``;
    the cwd is the course folder, so point it at a private temporary one."""
    from hypothesis import configuration

    folder = tempfile.mkdtemp(prefix="toyopt-hypothesis-")
    previous = vars(configuration).get("__hypothesis_home_directory")
    configuration.set_hypothesis_home_dir(folder)
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(previous)
        shutil.rmtree(folder, ignore_errors=True)


def _definitions(sent) -> list:
    kept = []
    for cell in sent:
        try:
            kept.append({"index": cell["index"], "source": definition_statements(no_magics(cell["source"]))})
        except SyntaxError:
            kept.append({"index": cell["index"], "source": cell["source"]})
    return kept


def _write_cells(path: Path, data: dict) -> None:
    """Replace `path` with `data` as JSON; never writes through a link or into
    a folder the student's code may have put there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".toyopt-cells-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(temporary, path)

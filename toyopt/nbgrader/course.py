"""`toyopt nbgrader init`: write a ready nbgrader course folder: ``nbgrader_config.py``
(the sandboxed execute step, timeouts, feedback without hidden tests), the source
notebook under ``source/<assignment>/`` and a ``.gitignore`` that keeps the
gradebook (it holds the hidden tests) and the students' work out of git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from toyopt_check.files import write_text_atomic
from toyopt_check.inside.errors import ConfigurationError

DEFAULT_ASSIGNMENT = "optimisation_and_learning"
DEFAULT_COURSE_ID = "toyopt"
NOTEBOOK_FILE = "optimisation_and_learning.ipynb"

#: nbgrader's per-cell execution timeout (seconds). A test cell runs at most
#: one exercise's time budget of student code (`checks.target.DEFAULT_BUDGET`,
#: 60 s) plus the checks' own work; the margin covers a busy grading machine.
CELL_TIMEOUT = 300

#: stderr outputs matching this are dropped before grading: a library warning
#: (``SomethingWarning: ...``) must not cost a test cell its points.
WARNING_PATTERN = r"\b[A-Za-z]*Warning: "

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

CONFIG_TEMPLATE = '''\
# nbgrader configuration of course {course_id!r}, written by `toyopt nbgrader init`.
# Run every nbgrader command from this folder: nbgrader reads ./nbgrader_config.py.
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                    DeduplicateIds, IgnorePattern, LimitOutput,
                                    OverwriteCells, OverwriteKernelspec, SaveAutoGrades)

from toyopt.nbgrader.execute import SandboxedExecute, SandboxPreflight
from toyopt.nbgrader.feedback import HideHiddenTests
from toyopt.nbgrader.sanitize import DropEmptyMetadata

c = get_config()  # noqa: F821 (defined by nbgrader when it loads this file)
HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = HERE
# The gradebook holds the hidden tests: never publish it (see .gitignore).
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")

# Seconds per cell of in-kernel grading (a test cell runs one check; an exercise gets 60 s).
c.Execute.timeout = {timeout}

# The student's code runs in the sandbox (bubblewrap); the test cells' outcomes are
# computed outside it by the checks. Without bubblewrap autograde refuses, unless you
# choose to grade in the student's own kernel (the student's code can then change its
# grade; every feedback page says so):
# c.SandboxedExecute.in_kernel = True
c.SandboxedExecute.cell_timeout = {timeout}
# Checked once when autograde starts, before any submission is touched.
c.Autograde.exporter_class = SandboxPreflight
c.Autograde.autograde_preprocessors = [
    SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
# A deleted test cell comes back from the gradebook (and is graded); DropEmptyMetadata
# keeps a duplicated test cell from making nbgrader 0.9.6 fail the whole submission.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, DropEmptyMetadata, OverwriteKernelspec, OverwriteCells,
    CheckCellMetadata,
]

# Any stderr output scores a test cell 0: drop library warnings before grading.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = {pattern!r}

# Feedback: nbgrader's own preprocessors, then hidden tests removed from
# cell sources and from the tracebacks of failing hidden tests.
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, HideHiddenTests]
'''

GITIGNORE = """\
# Written by `toyopt nbgrader init`.
# The gradebook holds the hidden tests and every grade: never commit it.
gradebook.db
# Students' work and what nbgrader makes of it.
submitted/
autograded/
feedback/
grades.csv
"""


class CourseExistsError(ConfigurationError):
    """The target folder already holds files; pass ``force=True`` to overwrite."""


@dataclass(frozen=True)
class Course:
    """What `init_course` wrote."""

    root: Path
    assignment: str
    course_id: str
    config: Path
    notebook: Path


def _check_name(what: str, value: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ConfigurationError(
            f"invalid {what} {value!r}: use letters, digits, '_' and '-', starting with a letter or digit")
    return value


def init_course(root, assignment: str = DEFAULT_ASSIGNMENT, course_id: str = DEFAULT_COURSE_ID,
                force: bool = False, hidden=()) -> Course:
    """Write the course folder `root`; refuse a non-empty folder unless `force`.

    With `force`, the config, ``.gitignore`` and the source notebook are
    rewritten; the gradebook and students' folders are left alone.
    `hidden` names checks to hide in this course's notebook besides those
    the registry marks as not visible.
    """
    from toyopt.notebook import render

    _check_name("assignment name", assignment)
    _check_name("course id", course_id)
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ConfigurationError(f"{root} exists and is not a folder")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise CourseExistsError(f"{root} is not empty (an existing course?): "
                                "choose a new folder, or pass --force to overwrite its config and source notebook")
    notebook_text = render(hidden)  # before writing anything: a failure leaves no half course
    source_dir = root / "source" / assignment
    source_dir.mkdir(parents=True, exist_ok=True)
    config = root / "nbgrader_config.py"
    write_text_atomic(config, CONFIG_TEMPLATE.format(course_id=course_id, timeout=CELL_TIMEOUT,
                                                 pattern=WARNING_PATTERN))
    write_text_atomic(root / ".gitignore", GITIGNORE)
    notebook = source_dir / NOTEBOOK_FILE
    write_text_atomic(notebook, notebook_text)
    return Course(root=root, assignment=assignment, course_id=course_id, config=config, notebook=notebook)

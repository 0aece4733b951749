"""`toyopt nbgrader init`: the course folder and its configuration (fast; the real
nbgrader run is in tests/routes/test_nbgrader_e2e.py)."""

import pytest
from traitlets.config.loader import PyFileConfigLoader

from toyopt.cli import main
from toyopt.nbgrader.course import CELL_TIMEOUT, WARNING_PATTERN, CourseExistsError, init_course
from toyopt.nbgrader.feedback import HideHiddenTests
from toyopt.notebook import render
from toyopt_check.inside.errors import ConfigurationError


def test_init_writes_config_gitignore_and_source_notebook(tmp_path):
    course = init_course(tmp_path / "c", assignment="week3", course_id="ml101")
    assert course.notebook == tmp_path / "c" / "source" / "week3" / "optimisation_and_learning.ipynb"
    assert course.notebook.read_text() == render()
    assert "gradebook.db" in (tmp_path / "c" / ".gitignore").read_text()


def test_config_sets_course_gradebook_timeout_ignore_pattern_and_feedback(tmp_path):
    course = init_course(tmp_path / "c", course_id="ml101")
    loader = PyFileConfigLoader(course.config.name, path=str(course.config.parent))
    config = loader.load_config()
    root = str(course.root.resolve())
    assert config.CourseDirectory.course_id == "ml101"
    assert config.CourseDirectory.root == root
    assert config.CourseDirectory.db_url == f"sqlite:///{root}/gradebook.db"
    assert config.Execute.timeout == CELL_TIMEOUT
    assert config.IgnorePattern.enabled is True and config.IgnorePattern.pattern == WARNING_PATTERN
    assert HideHiddenTests in config.GenerateFeedback.preprocessors


@pytest.mark.parametrize("text, ignored", [
    ("/x/y.py:3: UserWarning: something\n  warnings.warn(...)\n", True),
    ("DeprecationWarning: np.cross\n", True),
    ("my own message on stderr\n", False),
])
def test_warning_pattern_matches_library_warnings_only(text, ignored):
    import re

    assert bool(re.search(WARNING_PATTERN, text)) == ignored


def test_init_refuses_a_non_empty_folder_without_force(tmp_path):
    init_course(tmp_path / "c")
    (tmp_path / "c" / "gradebook.db").write_text("grades")
    with pytest.raises(CourseExistsError, match="not empty"):
        init_course(tmp_path / "c")
    init_course(tmp_path / "c", force=True)
    assert (tmp_path / "c" / "gradebook.db").read_text() == "grades"


@pytest.mark.parametrize("kwargs, message", [
    ({"assignment": "week 3"}, "invalid assignment name"),
    ({"assignment": "../up"}, "invalid assignment name"),
    ({"course_id": ""}, "invalid course id"),
])
def test_init_rejects_bad_names_before_writing(tmp_path, kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        init_course(tmp_path / "c", **kwargs)
    assert not (tmp_path / "c").exists()


def test_init_rejects_a_file_as_folder(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(ConfigurationError, match="not a folder"):
        init_course(tmp_path / "f")


def test_cli_reports_an_existing_course_in_one_line(tmp_path, capsys):
    assert main(["nbgrader", "init", str(tmp_path / "c")]) == 0
    assert main(["nbgrader", "init", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("toyopt nbgrader: error: ") and "--force" in err


def test_cli_notebook_check_fails_on_a_stale_file(tmp_path, capsys):
    path = tmp_path / "nb.ipynb"
    assert main(["notebook", "--out", str(path), "--check"]) == 1
    assert main(["notebook", "--out", str(path)]) == 0
    assert main(["notebook", "--out", str(path), "--check"]) == 0

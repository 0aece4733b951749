"""Expected values come from a data file (the kit) or from the live oracles (instructor side)."""

import json

import pytest

from toyopt_check.checks import expect


@pytest.fixture(autouse=True)
def _restore():
    yield
    expect.use_file(None)
    expect._PRODUCERS.pop("test_exercise", None)


def test_file_and_live_sources_agree_on_registered_producer(tmp_path):
    expect.producer("test_exercise")(lambda: {"inputs": [1, 2], "outputs": (0.5, 1.5)})
    expect.use_live()
    live = expect.expected("test_exercise")
    path = tmp_path / "expectations.json"
    path.write_text(json.dumps(expect.build(["test_exercise"])))
    expect.use_file(path)
    assert expect.expected("test_exercise") == live == {"inputs": [1, 2], "outputs": [0.5, 1.5]}


def test_missing_exercise_in_file_is_a_typed_error(tmp_path):
    path = tmp_path / "expectations.json"
    path.write_text("{}")
    expect.use_file(path)
    with pytest.raises(expect.ExpectationsMissing, match="no expectations for nothing_here"):
        expect.expected("nothing_here")

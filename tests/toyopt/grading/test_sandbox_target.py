"""The grading seed of `toyopt.grading.target`: a secret the kit does not hold,
combined with the submission's content, so that a student cannot know the
drawn inputs and a re-grade of the same submission draws the same ones."""

from __future__ import annotations

import stat

import pytest

from toyopt.grading.target import SandboxTarget, content_hash, grading_secret, grading_seed
from toyopt_check.inside.errors import ConfigurationError


def submission(root, text="def spiral_2d(n):\n    pass\n"):
    (root / "exercises").mkdir(parents=True)
    (root / "exercises" / "data.py").write_text(text)
    return root


class FolderOnly:
    """A worker stand-in: SandboxTarget only reads its scratch folder when made."""

    def __init__(self, folder):
        self.scratch_dir = folder


def test_same_content_same_seed_wherever_it_lies(tmp_path):
    first, second = submission(tmp_path / "a"), submission(tmp_path / "b")
    assert grading_seed(first, b"k" * 32) == grading_seed(second, b"k" * 32)


def test_another_secret_or_another_byte_draws_another_seed(tmp_path):
    sub = submission(tmp_path / "a")
    other = submission(tmp_path / "b", "def spiral_2d(n):\n    pass \n")
    assert grading_seed(sub, b"k" * 32) != grading_seed(sub, b"j" * 32)
    assert grading_seed(sub, b"k" * 32) != grading_seed(other, b"k" * 32)


def test_file_names_count_in_the_content_hash(tmp_path):
    sub = submission(tmp_path / "a")
    before = content_hash(sub)
    (sub / "exercises" / "data.py").rename(sub / "exercises" / "model.py")
    assert content_hash(sub) != before


def test_secret_is_created_once_private_and_kept(tmp_path, monkeypatch):
    path = tmp_path / "config" / "grading-secret"
    monkeypatch.setenv("TOYOPT_GRADING_SECRET", str(path))
    secret = grading_secret()
    assert len(secret) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert grading_secret() == secret


def test_a_secret_that_is_not_hex_is_a_configuration_error(tmp_path, monkeypatch):
    path = tmp_path / "grading-secret"
    path.write_text("not hex at all\n")
    monkeypatch.setenv("TOYOPT_GRADING_SECRET", str(path))
    with pytest.raises(ConfigurationError, match="not hexadecimal"):
        grading_secret()


def test_sandbox_target_seeds_from_its_workers_scratch_copy(tmp_path, monkeypatch):
    path = tmp_path / "grading-secret"
    path.write_text("cd" * 32)
    monkeypatch.setenv("TOYOPT_GRADING_SECRET", str(path))
    sub = submission(tmp_path / "a")
    target = SandboxTarget(FolderOnly(sub))
    assert target.grading_seed == grading_seed(sub, bytes.fromhex("cd" * 32))
    assert SandboxTarget(FolderOnly(sub), seed=7).grading_seed == 7

import os
from pathlib import Path

import pytest

import toyopt.checks  # noqa: F401  (the project's tests are the instructor's: hidden checks registered)

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def repo_root():
    return ROOT


@pytest.fixture(autouse=True)
def _one_thread():
    import torch

    torch.set_num_threads(1)
    yield

"""Atomic file writes: a reader sees the old file or the complete new one.

Every file toyopt writes for a user (results, feedback, gradebooks, figures,
generated sources, bundles) goes through `atomic_write`: the content is
written to a temporary file in the same folder, which is then renamed onto
the target (atomic on POSIX) or removed if writing fails or is interrupted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def atomic_write(path, write) -> Path:
    """Call ``write(tmp_path)``, then rename the temporary file onto `path`.

    The parent folder is created if needed; returns `path` as a `Path`.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path, text: str) -> Path:
    """Write `text` (UTF-8) to `path` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json_atomic(path, data) -> Path:
    """Write `data` as indented JSON (with a final newline) to `path` atomically."""
    return write_text_atomic(path, json.dumps(data, indent=2) + "\n")

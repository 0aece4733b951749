"""Turn a SUBMISSION path into a fresh scratch folder the worker can run (trusted side).

A SUBMISSION is one of

* a folder holding an ``exercises/`` package, or the ``exercises/`` folder itself;
* a ``.zip`` of either, of the package's contents (``__init__.py`` at its
  root) or of a notebook, extracted safely: no absolute paths, no
  ``..``, no links, at most :data:`MAX_FILES` files and :data:`MAX_BYTES` bytes
  (counted while extracting, so a lying header cannot make a zip bomb);
* a ``.ipynb`` notebook (or a folder / zip holding exactly one), whose code cells
  are written to :data:`NOTEBOOK_FILE` in the scratch folder for the worker.

Only ``exercises/`` (minus links and ``__pycache__``) is copied; nothing else of
the submission reaches the sandbox.  Errors: :class:`ConfigurationError` when the
path itself is wrong (missing, unsupported kind), :class:`SubmissionError` when
the submission is broken (corrupt zip, no ``exercises/``, notebook not JSON...).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from toyopt.errors import ConfigurationError, SubmissionError

NOTEBOOK_FILE = ".toyopt-notebook.json"
MAX_FILES = 2000
MAX_BYTES = 64 * 1024 * 1024
_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                ast.ClassDef, ast.Assign, ast.AnnAssign, ast.AugAssign)


@dataclass(frozen=True)
class Submission:
    """A materialised submission: ``kind`` is ``"package"`` or ``"notebook"``;
    ``notes`` lists what was skipped (links, notebook cells) for staff."""

    source: Path
    scratch_dir: Path
    kind: str
    notes: tuple[str, ...] = ()

    @property
    def notebook(self) -> str | None:
        """The cells file relative to ``scratch_dir`` (notebooks only)."""
        return NOTEBOOK_FILE if self.kind == "notebook" else None

    def remove(self) -> None:
        """Delete the scratch folder."""
        shutil.rmtree(self.scratch_dir, ignore_errors=True)


def materialise(source: str | os.PathLike, parent: str | os.PathLike | None = None) -> Submission:
    """Copy ``source`` into a new folder under ``parent`` (default: the temp dir)."""
    source = Path(source)
    if not source.exists():
        raise ConfigurationError(f"submission not found: {source}")
    scratch = Path(tempfile.mkdtemp(prefix="toyopt-scratch-", dir=parent))
    try:
        notes: list[str] = []
        if source.is_dir():
            kind = _from_folder(source, scratch, notes)
        elif source.suffix.lower() == ".zip":
            staging = Path(tempfile.mkdtemp(prefix="toyopt-unzip-", dir=parent))
            try:
                _safe_extract(source, staging)
                root = staging
                if (staging / "__init__.py").is_file() and not (staging / "exercises").exists():
                    root = staging / "exercises"  # a zip of the package's contents
                    root.mkdir()
                    for entry in list(staging.iterdir()):
                        if entry != root:
                            entry.rename(root / entry.name)
                kind = _from_folder(root, scratch, notes, label=source.name)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        elif source.suffix.lower() == ".ipynb":
            kind = _from_notebook(source, scratch, notes)
        else:
            raise ConfigurationError(
                f"unsupported submission {source}: expected a folder, a .zip or a .ipynb")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return Submission(source=source, scratch_dir=scratch, kind=kind, notes=tuple(notes))


# ----------------------------------------------------------------------------- folders
def _from_folder(folder: Path, scratch: Path, notes: list[str], label: str | None = None) -> str:
    label = label or str(folder)
    candidates = [folder] if folder.name == "exercises" else [folder / "exercises"]
    entries = [p for p in folder.iterdir() if p.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        candidates.append(entries[0] / "exercises")  # a zip of the folder, not its contents
        inner = entries[0]
    else:
        inner = folder
    for candidate in candidates:
        if candidate.is_dir() and not candidate.is_symlink():
            _copy_tree(candidate, scratch / "exercises", notes)
            return "package"
    notebooks = sorted(p for p in inner.glob("*.ipynb") if p.is_file() and not p.is_symlink())
    if len(notebooks) == 1:
        return _from_notebook(notebooks[0], scratch, notes)
    if len(notebooks) > 1:
        names = ", ".join(p.name for p in notebooks)
        raise SubmissionError(f"{label} holds several notebooks ({names}); submit one")
    raise SubmissionError(f"{label} holds no exercises/ package and no notebook")


def _copy_tree(src: Path, dest: Path, notes: list[str]) -> None:
    """Copy regular files only, within the size and count limits."""
    files = size = 0
    for root, dirs, names in os.walk(src, followlinks=False):
        dirs[:] = [d for d in dirs
                   if d != "__pycache__" and not os.path.islink(os.path.join(root, d))]
        target = dest / os.path.relpath(root, src)
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            path = os.path.join(root, name)
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode):
                notes.append(f"skipped {os.path.relpath(path, src.parent)}: not a regular file")
                continue
            files += 1
            size += info.st_size
            if files > MAX_FILES or size > MAX_BYTES:
                raise SubmissionError(f"exercises/ is too large (limit {MAX_FILES} files, "
                                      f"{MAX_BYTES // 2**20} MiB)")
            shutil.copyfile(path, target / name, follow_symlinks=False)


# ----------------------------------------------------------------------------- zips
def _safe_extract(archive: Path, dest: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_FILES:
                raise SubmissionError(f"{archive.name} holds {len(members)} entries "
                                      f"(limit {MAX_FILES})")
            total = 0
            for info in members:
                name = info.filename
                parts = PurePosixPath(name).parts
                if (name.startswith(("/", "\\")) or "\\" in name or ".." in parts
                        or (parts and ":" in parts[0])):
                    raise SubmissionError(f"{archive.name}: unsafe path {name!r} in the zip")
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise SubmissionError(f"{archive.name}: {name!r} is a symbolic link")
                target = dest.joinpath(*parts) if parts else dest
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 16):
                        total += len(chunk)
                        if total > MAX_BYTES:
                            raise SubmissionError(f"{archive.name} expands to more than "
                                                  f"{MAX_BYTES // 2**20} MiB")
                        out.write(chunk)
    except zipfile.BadZipFile as exc:
        raise SubmissionError(f"{archive.name} is not a valid zip file: {exc}") from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        # unsupported compression, encrypted members, truncated data
        raise SubmissionError(f"{archive.name} cannot be extracted: {exc}") from exc


# ----------------------------------------------------------------------------- notebooks
def _from_notebook(path: Path, scratch: Path, notes: list[str]) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SubmissionError(f"notebook {path.name} is larger than {MAX_BYTES // 2**20} MiB")
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SubmissionError(f"notebook {path.name} is not valid JSON: {exc}") from exc
    raw_cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(raw_cells, list):
        raise SubmissionError(f"notebook {path.name} has no list of cells")
    cells = select_cells(raw_cells, notes)
    if not cells:
        raise SubmissionError(f"notebook {path.name} has no code cell that defines functions")
    (scratch / NOTEBOOK_FILE).write_text(
        json.dumps({"source": path.name, "cells": cells}), encoding="utf-8")
    return "notebook"


def select_cells(raw_cells: list, notes: list[str]) -> list[dict]:
    """The code cells to run, as ``{"index": N (1-based), "source": str}``.

    Kept: nbgrader solution cells, and the top-level imports, definitions and
    assignments of the other cells (after dropping ``%``/``!`` lines; a setup cell
    mixing imports with statements keeps its imports).  Cells that do not parse are
    kept too, so the worker reports their SyntaxError.  Skipped (noted): nbgrader
    test cells and cells with no definition at all.
    """
    kept = []
    for index, cell in enumerate(raw_cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                           for line in source.splitlines())
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        nbgrader = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
        if nbgrader.get("solution") is True:
            kept.append({"index": index, "source": source})
            continue
        if nbgrader.get("grade") is True:
            notes.append(f"cell {index}: skipped (nbgrader test cell)")
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            kept.append({"index": index, "source": source})
            continue
        if all(_is_definition(node) for node in tree.body):
            if tree.body:
                kept.append({"index": index, "source": source})
            continue
        definitions = definition_statements(source, tree)
        if definitions.strip():
            kept.append({"index": index, "source": definitions})
            notes.append(f"cell {index}: ran only its imports and definitions")
        else:
            notes.append(f"cell {index}: skipped (runs statements, not only definitions)")
    return kept


def definition_statements(source: str, tree: ast.Module | None = None) -> str:
    """`source` with only its top-level imports, definitions and assignments,
    each on its original lines (other statements become blank lines, so line
    numbers in messages stay those of the cell)."""
    tree = ast.parse(source) if tree is None else tree
    lines = source.splitlines()
    keep = [""] * len(lines)
    for node in tree.body:
        if _is_definition(node):
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            for i in range(start - 1, node.end_lineno):
                keep[i] = lines[i]
    return "\n".join(keep)


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, _DEFINITIONS):
        return True
    # a bare string (docstring / comment cell) is harmless
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)

"""Turn a SUBMISSION path into a fresh scratch folder the worker can run (trusted side).

A SUBMISSION is a folder holding an ``exercises/`` package (or that folder
itself); a ``.zip`` of either, of the package's contents or of a notebook,
extracted safely (no absolute paths, no ``..``, no links, at most
:data:`MAX_FILES` files and :data:`MAX_BYTES` bytes counted while extracting, so
a lying header cannot make a zip bomb); or a ``.ipynb`` notebook (or a folder /
zip holding exactly one), whose code cells go to :data:`NOTEBOOK_FILE`.  Only
``exercises/`` (minus links and ``__pycache__``) reaches the sandbox.  Odd
entries (over-long names, too deep, file / folder clashes, repeats, special
files, cells whose source is not text) are skipped with a note for the report,
never an unexpected exception.  :class:`ConfigurationError`: the path does not
exist; :class:`SubmissionError`: it holds no submission (its message says what
to submit).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import stat
import tempfile
import zipfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from toyopt_check.inside.errors import ConfigurationError, SubmissionError
from toyopt_check.inside.runtime import EXERCISE_MODULES

NOTEBOOK_FILE = ".toyopt-notebook.json"
#: what the grader accepts, said to a student whose upload is not a submission
WHAT_TO_SUBMIT = ("submit your exercises/ folder, or a .zip of it (`python -m toyopt_check.pack` "
                  "writes submission.zip), or your notebook (.ipynb)")
MAX_FILES = 2000
MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32                     #: folders below the package (or the zip's root)
MAX_NAME_BYTES = 255               #: one path component, as Linux allows
MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024
MAX_NOTEBOOK_VALUES = 2_000_000    #: JSON values of a notebook (an upper bound, as the wire's)
MAX_CELL_CHARS = 1_000_000         #: a code cell longer than this is skipped, not parsed
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

    def remove(self) -> None:
        """Delete the scratch folder (however deep the student made it)."""
        remove_tree(self.scratch_dir)


def shown(name) -> str:
    """A file name as text that can be printed and written as UTF-8 (bytes that
    are not UTF-8 as ``\\xNN``; control characters escaped), at most 120 chars."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= 120 else text[:117] + "..."


def remove_tree(path) -> None:
    """Delete `path` and everything under it; never raises.  Iterative and relative
    to directory fds, one at a time, so a tree thousands of folders deep (past
    PATH_MAX, the recursion limit or the fd limit) goes too; folders are made
    writable on the way; what cannot be removed is left, never retried forever."""
    path = os.fspath(path)
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            return
        fd = os.open(path, flags)
    except OSError:
        return
    names: list[str] = []  # the path from `path` down to fd
    stuck: set[tuple[int, int]] = set()
    while True:
        down = None
        with suppress(OSError):
            os.fchmod(fd, 0o700)
        try:
            with os.scandir(fd) as listing:
                entries = list(listing)
        except OSError:
            entries = []
        for entry in entries:
            with suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    if down is None and (info.st_dev, info.st_ino) not in stuck:
                        down, down_key = entry.name, (info.st_dev, info.st_ino)
                else:
                    os.unlink(entry.name, dir_fd=fd)
        if down is not None:
            try:
                child = os.open(down, flags, dir_fd=fd)
            except OSError:
                stuck.add(down_key)
            else:
                os.close(fd)
                fd = child
                names.append(down)
                continue
        here = os.fstat(fd)
        if not names:
            os.close(fd)
            with suppress(OSError):
                os.rmdir(path)
            return
        try:
            up = os.open("..", flags, dir_fd=fd)
        except OSError:
            os.close(fd)
            return
        os.close(fd)
        fd = up
        try:
            os.rmdir(names.pop(), dir_fd=fd)
        except OSError:
            stuck.add((here.st_dev, here.st_ino))


@contextmanager
def scratch_parent(prefix: str):
    """A fresh temporary folder of ours to materialise submissions in, removed at the
    end: mode 0711, so the fallback's uid passes through it to its own scratch copy
    but cannot list it."""
    folder = tempfile.mkdtemp(prefix=prefix)
    try:
        os.chmod(folder, 0o711)
        yield folder
    finally:
        remove_tree(folder)


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
                _safe_extract(source, staging, notes)
                root = staging
                if (staging / "__init__.py").is_file() and not (staging / "exercises").exists():
                    root = staging / "exercises"  # a zip of the package's contents
                    root.mkdir()
                    for entry in list(staging.iterdir()):
                        if entry != root:
                            entry.rename(root / entry.name)
                kind = _from_folder(root, scratch, notes, label=source.name)
            finally:
                remove_tree(staging)
        elif source.suffix.lower() == ".ipynb":
            kind = _from_notebook(source, scratch, notes)
        else:
            raise SubmissionError(f"{shown(source.name)} is not a submission: {WHAT_TO_SUBMIT}")
        if kind == "package":
            _fill_helpers(scratch / "exercises", notes)
    except OSError as exc:  # whatever the file system says of an odd tree: the submission's
        remove_tree(scratch)
        raise SubmissionError(f"{shown(source.name)} cannot be read: "
                              f"{exc.strerror or exc}") from exc
    except BaseException:
        remove_tree(scratch)
        raise
    return Submission(source=source, scratch_dir=scratch, kind=kind, notes=tuple(notes))


# ----------------------------------------------------------------------------- folders
def _from_folder(folder: Path, scratch: Path, notes: list[str], label: str | None = None) -> str:
    label = shown(label or str(folder))
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
        if candidate.is_symlink():
            notes.append(f"skipped {shown(candidate.name)}: a symbolic link (not followed)")
    if folder.name != "exercises" and any((folder / f"{m}.py").is_file()
                                          and not (folder / f"{m}.py").is_symlink()
                                          for m in EXERCISE_MODULES.values()):
        _copy_tree(folder, scratch / "exercises", notes)  # the package's files at the root
        return "package"
    notebooks = sorted(p for p in inner.glob("*.ipynb") if p.is_file() and not p.is_symlink())
    if len(notebooks) == 1:
        return _from_notebook(notebooks[0], scratch, notes)
    if len(notebooks) > 1:
        names = ", ".join(shown(p.name) for p in notebooks)
        raise SubmissionError(f"{label} holds several notebooks ({names}); submit one")
    raise SubmissionError(f"{label} holds no exercises/ package and no notebook: {WHAT_TO_SUBMIT}")


def _fill_helpers(package: Path, notes: list[str]) -> None:
    """Write the kit's own modules with no exercise in them (``__init__``, ``errors``,
    ``model``) that the upload lacks, so that a student who uploads only ``losses.py``
    is graded on it.  A missing exercise file is not filled: its checks say so."""
    from toyopt.release.stubs import render_exercises
    from toyopt_check.pack import HELPER_FILES

    for name, text in render_exercises().items():
        path = package / name
        if name in HELPER_FILES and not path.exists() and not path.is_symlink():
            path.write_text(text, encoding="utf-8")
            notes.append(f"{name} was missing: the kit's copy was used")


def _copy_tree(src: Path, dest: Path, notes: list[str]) -> None:
    """Copy regular files only, within the size, count and depth limits."""
    files = size = 0
    dest.mkdir(parents=True, exist_ok=True)
    stack = [(os.fspath(src), dest, 0)]
    while stack:
        folder, target, depth = stack.pop()
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            where = shown(os.path.relpath(entry.path, src.parent))
            if entry.is_symlink():
                notes.append(f"skipped {where}: a symbolic link (not followed)")
            elif entry.is_dir(follow_symlinks=False):
                if entry.name == "__pycache__":
                    continue
                if depth + 1 > MAX_DEPTH:
                    notes.append(f"skipped {where}: more than {MAX_DEPTH} folders deep")
                    continue
                (target / entry.name).mkdir()
                stack.append((entry.path, target / entry.name, depth + 1))
            elif not entry.is_file(follow_symlinks=False):
                notes.append(f"skipped {where}: not a regular file")
            else:
                files += 1
                size += entry.stat(follow_symlinks=False).st_size
                if files > MAX_FILES or size > MAX_BYTES:
                    raise SubmissionError(f"exercises/ is too large (limit {MAX_FILES} files, "
                                          f"{MAX_BYTES // 2**20} MiB)")
                shutil.copyfile(entry.path, target / entry.name, follow_symlinks=False)


# ----------------------------------------------------------------------------- zips
def _member_problem(parts: tuple[str, ...]) -> str | None:
    """Why a zip member's path cannot be extracted as it is (None: it can)."""
    if any("\0" in part for part in parts):
        return "a NUL character in its name"
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for part in parts):
        return f"a name longer than {MAX_NAME_BYTES} bytes"
    if len(parts) > MAX_DEPTH + 2:
        return f"more than {MAX_DEPTH} folders deep"
    return None


def _safe_extract(archive: Path, dest: Path, notes: list[str]) -> None:
    label = shown(archive.name)
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_FILES:
                raise SubmissionError(f"{label} holds {len(members)} entries "
                                      f"(limit {MAX_FILES})")
            total = 0
            for info in members:
                name = info.filename
                parts = PurePosixPath(name).parts
                if (name.startswith(("/", "\\")) or "\\" in name or ".." in parts
                        or (parts and ":" in parts[0])):
                    raise SubmissionError(f"{label}: unsafe path {shown(name)!r} in the zip")
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise SubmissionError(f"{label}: {shown(name)!r} is a symbolic link")
                if not parts:
                    continue  # "." or "./": the root itself
                problem = _member_problem(parts)
                target = dest.joinpath(*parts)
                if problem is None:
                    problem = _clash(dest, parts, info.is_dir())
                if problem is not None:
                    notes.append(f"skipped {shown(name)} in {label}: {problem}")
                    continue
                try:
                    if info.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, open(target, "xb") as out:
                        while chunk := src.read(1 << 16):
                            total += len(chunk)
                            if total > MAX_BYTES:
                                raise SubmissionError(f"{label} expands to more than "
                                                      f"{MAX_BYTES // 2**20} MiB")
                            out.write(chunk)
                except OSError as exc:  # what the file system refuses: skip that member
                    notes.append(f"skipped {shown(name)} in {label}: {exc.strerror or exc}")
    except zipfile.BadZipFile as exc:
        raise SubmissionError(f"{label} is not a valid zip file: {exc}") from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, ValueError,
            OSError) as exc:
        # unsupported compression, encrypted members, truncated data, undecodable names
        raise SubmissionError(f"{label} cannot be extracted: {type(exc).__name__}: "
                              f"{shown(str(exc))}") from exc


def _clash(dest: Path, parts: tuple[str, ...], is_dir: bool) -> str | None:
    """A file where a folder is needed, or the other way round, or a repeat."""
    here = dest
    for part in parts[:-1]:
        here = here / part
        if here.exists() and not here.is_dir():
            return f"{shown(part)} is a file in the zip and a folder here"
    target = here / parts[-1]
    if target.exists():
        if target.is_dir() and not is_dir:
            return "a folder of the same name is in the zip"
        if not target.is_dir():
            return "a file of the same name is in the zip" if is_dir else "listed twice"
    return None


# ----------------------------------------------------------------------------- notebooks
def _from_notebook(path: Path, scratch: Path, notes: list[str]) -> str:
    label = shown(path.name)
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"notebook {label} is larger than "
                              f"{MAX_NOTEBOOK_BYTES // 2**20} MiB")
    raw = path.read_bytes()
    values = 1 + sum(raw.count(sep) for sep in (b",", b":", b"[", b"{"))
    if values > MAX_NOTEBOOK_VALUES:
        raise SubmissionError(f"notebook {label} holds too many JSON values "
                              f"(over {MAX_NOTEBOOK_VALUES:,})")
    try:
        notebook = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SubmissionError(f"notebook {label} is not UTF-8 text: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"notebook {label} is not valid JSON: {exc}") from exc
    except RecursionError:
        raise SubmissionError(f"notebook {label} is nested too deeply to be a notebook") from None
    raw_cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(raw_cells, list):
        raise SubmissionError(f"notebook {label} has no list of cells")
    cells = select_cells(raw_cells, notes)
    if not cells:
        raise SubmissionError(f"notebook {label} has no code cell that defines functions")
    (scratch / NOTEBOOK_FILE).write_text(
        json.dumps({"source": shown(path.name), "cells": cells}), encoding="utf-8")
    return "notebook"


def _cell_source(cell: dict, index: int, notes: list[str]) -> str | None:
    """The cell's source as one string (nbformat: a string or a list of strings)."""
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        notes.append(f"cell {index}: skipped (its source is a {type(source).__name__}, "
                     "not text)")
        return None
    if len(source) > MAX_CELL_CHARS:
        notes.append(f"cell {index}: skipped (longer than {MAX_CELL_CHARS:,} characters)")
        return None
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        notes.append(f"cell {index}: skipped (its source is not valid Unicode)")
        return None
    return source


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
        source = _cell_source(cell, index, notes)
        if source is None:
            continue
        source = no_magics(source)
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
        except (SyntaxError, ValueError, RecursionError, MemoryError):  # the worker says why
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


def no_magics(source: str) -> str:
    """`source` with its IPython ``%`` and ``!`` lines blanked (line numbers kept)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


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
    """An import, definition or assignment, or a bare string (a docstring)."""
    return isinstance(node, _DEFINITIONS) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                                              and isinstance(node.value.value, str))

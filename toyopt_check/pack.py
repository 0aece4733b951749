"""``python -m toyopt_check.pack``: pack exactly what the grader accepts.

Run from the kit's folder (the one that holds ``exercises/``)::

    python -m toyopt_check.pack                 # writes submission.zip
    python -m toyopt_check.pack --out my.zip

The zip holds every ``.py`` file of the ``exercises/`` package (no ``__pycache__``,
no links). A package with a module of `PACKAGE_FILES` missing is refused before
anything is written: the grader would fail to import it and score every exercise 0.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from .files import atomic_write
from .inside.runtime import EXERCISE_MODULES

#: The student package's own modules that hold no exercise (helpers, errors).
HELPER_FILES = ("__init__.py", "errors.py", "model.py")
#: The modules of the student package, as the release writes them: the grader
#: imports each (the exercises' modules import ``errors`` and one another).
PACKAGE_FILES = HELPER_FILES + tuple(f"{module}.py" for module in EXERCISE_MODULES.values())
DEFAULT_OUT = "submission.zip"
#: a fixed timestamp: packing twice gives the same bytes
DATE = (2024, 1, 1, 0, 0, 0)


class PackError(Exception):
    """The folder cannot be packed (no ``exercises/``, a module missing); the
    message says what to do."""


def package_files(root) -> list[Path]:
    """The files of ``root/exercises`` that go into the zip, sorted; raise
    `PackError` when the package is missing or incomplete."""
    package = Path(root) / "exercises"
    if not package.is_dir():
        raise PackError(f"no exercises/ folder in {Path(root).resolve()}: run this from the kit's folder "
                        "(the one that holds exercises/), or pass --from FOLDER")
    missing = [name for name in PACKAGE_FILES if not (package / name).is_file()]
    if missing:
        raise PackError(f"exercises/ is missing {', '.join(missing)}: the grader imports the whole package; "
                        "copy the missing files back from the kit")
    return sorted(path for path in package.rglob("*.py")
                  if "__pycache__" not in path.parts and not any(p.is_symlink() for p in (path, *path.parents)))


def pack(root=".", out=DEFAULT_OUT) -> tuple[Path, list[str]]:
    """Write `out`, a zip of ``root/exercises``; return its path and member names."""
    root, out = Path(root), Path(out)
    files = package_files(root)
    names = [path.relative_to(root).as_posix() for path in files]

    def write(tmp):
        with zipfile.ZipFile(tmp, "w") as archive:
            for path, name in zip(files, names):
                info = zipfile.ZipInfo(name, date_time=DATE)
                info.external_attr = 0o100644 << 16
                archive.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)

    atomic_write(out, write)
    return out, names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toyopt_check.pack", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"the zip to write (default: {DEFAULT_OUT})")
    parser.add_argument("--from", dest="root", default=".", metavar="FOLDER",
                        help="the folder that holds exercises/ (default: the current folder)")
    args = parser.parse_args(argv)
    try:
        out, names = pack(args.root, args.out)
    except PackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(names)} files of exercises/): upload this file")
    return 0


if __name__ == "__main__":
    sys.exit(main())

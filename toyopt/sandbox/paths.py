"""What the worker's interpreter needs to see, wherever it lives (trusted side):
the interpreter's prefixes, the user site and the folders ``.pth`` files add are
bound back read-only (`path_view`); the instructor's packages (`HIDDEN_PACKAGES`)
never are.
"""

from __future__ import annotations

import importlib.util
import os
import site
import sys
from dataclasses import dataclass
from pathlib import Path

from toyopt_check.inside.errors import ConfigurationError

#: the instructor's packages: never visible to student code
HIDDEN_PACKAGES = ("toyopt", "toyopt_ref")
#: the host's folders a worker under bubblewrap sees, read-only; the rest of ``/`` is
#: absent (the interpreter and its libraries are bound back wherever they live: `path_view`)
SANDBOX_ROOT = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")
#: the system's own folders (the sandbox shows them read-only anyway)
SYSTEM_DIRS = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/dev",
               "/proc", "/sys", "/tmp", "/var")


def _spec(name: str):
    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None


def package_dirs() -> list[str]:
    """Folders of the installed (or editable, or imported) `HIDDEN_PACKAGES`."""
    found = set()
    for name in HIDDEN_PACKAGES:
        paths = list(getattr(sys.modules.get(name), "__path__", []) or [])
        spec = _spec(name)
        if spec is not None:
            paths += list(spec.submodule_search_locations or [])
            if spec.origin and os.path.isfile(spec.origin):
                paths.append(os.path.dirname(spec.origin))
        found.update(os.path.realpath(p) for p in paths if os.path.isdir(p))
    return sorted(found)


def is_system(path: str) -> bool:
    """``/``, a system folder or an ancestor of one (never hidden), or under ``/tmp``
    (already hidden by the sandbox's own ``/tmp``)."""
    return path == "/" or any(is_under(s, path) for s in SYSTEM_DIRS) or is_under(path, "/tmp")


def python_dirs() -> list[str]:
    """The interpreter's prefixes (a virtualenv's and its base) and the user site, if used."""
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            str(Path(os.path.realpath(sys.executable)).parent.parent),
            os.path.dirname(os.path.abspath(sys.executable))}
    user = user_site()
    if user:
        dirs.add(user)
    found = sorted(os.path.realpath(d) for d in dirs if os.path.isdir(d))
    return [d for d in found if not any(d != o and is_under(d, o) for o in found)]


def user_site() -> str | None:
    """The user site-packages folder when this interpreter uses it (a ``pip --user``
    install); the worker runs with ``-s`` and is told to add it (``--site``)."""
    try:
        folder = site.getusersitepackages()
    except Exception:
        return None
    if site.ENABLE_USER_SITE and folder in sys.path and os.path.isdir(folder):
        return os.path.realpath(folder)
    return None


def is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


#: libraries the worker imports (the probes, the student's code): where they are
#: installed must show inside the sandbox, or `launch` refuses (see `path_view`)
WORKER_LIBRARIES = ("numpy", "torch", "matplotlib")


def site_entries() -> list[str]:
    """The folders the worker's interpreter puts on its ``sys.path`` by itself: the
    site-packages folders, the user site (``--site``) and the folders their ``.pth``
    files name, as `site.addpackage` reads them (real paths, existing, in order).
    ``PYTHONPATH`` and the script's folder are not among them: the worker's
    environment is empty and its code comes from its own folder."""
    sites = [*site.getsitepackages(), *([user_site()] if user_site() else [])]
    found = []
    for folder in sites:
        found.append(folder)
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".pth"))
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                    lines = handle.read().splitlines()
            except OSError:
                continue
            found += [os.path.join(folder, line.rstrip()) for line in lines
                      if line.strip() and not line.startswith(("#", "import ", "import\t"))]
    real = [os.path.realpath(f) for f in found]
    return [f for f in dict.fromkeys(real) if os.path.isdir(f)]


def hidden_packages_in(folder: str) -> list[str]:
    """The instructor's packages (`HIDDEN_PACKAGES`) lying directly in `folder`."""
    return [name for name in HIDDEN_PACKAGES
            if os.path.lexists(os.path.join(folder, name))
            or os.path.lexists(os.path.join(folder, name + ".py"))]


def installed_packages(folder: str) -> bool:
    """Whether `folder` holds installed distributions (``site-packages``, a ``pip
    --target`` folder): libraries then, never course files."""
    if os.path.basename(folder) in ("site-packages", "dist-packages"):
        return True
    try:
        return any(name.endswith((".dist-info", ".egg-info")) for name in os.listdir(folder))
    except OSError:
        return False


@dataclass(frozen=True)
class PathView:
    """What the bubblewrap sandbox shows of this interpreter (see `path_view`)."""

    binds: tuple[str, ...]          #: hidden host folders bound back read-only (outermost only)
    masks: tuple[str, ...]          #: the instructor's packages inside shown folders: emptied


def path_view(protected, needs=WORKER_LIBRARIES) -> PathView:
    """Which folders of the interpreter (its prefixes, the user site, the folders
    ``.pth`` files add: see `site_entries`) the sandbox's root does not show (outside
    `SANDBOX_ROOT`, or in a `protected` folder: ``/tmp``, ``/opt``, ``/root`` ...)
    and are bound back read-only.

    Never shown: a folder that is, or holds, a `protected` one (the caller's cwd,
    a results folder), and a folder holding ``toyopt`` / ``toyopt_ref`` that is not
    an installed-packages folder (a source checkout: the worker needs nothing
    there). In a shown installed-packages folder those two packages are masked.
    Raises `ConfigurationError`, naming the folder, when a library of `needs`
    that this interpreter imports would then be missing inside."""
    protected = [os.path.realpath(h) for h in protected]

    covered = [h for h in protected if not is_system(h)]  # hidden by a mount of their own

    def shown_by_root(folder):
        return (any(is_under(folder, top) for top in SANDBOX_ROOT)
                and not any(is_under(folder, h) for h in covered))

    entries = site_entries()
    binds, masks, left_out = [], [], {}
    for folder in dict.fromkeys([*python_dirs(), *entries]):
        inside = [h for h in protected if is_under(h, folder)]
        packages = hidden_packages_in(folder)
        if folder == "/" or shown_by_root(folder):
            pass  # shown by the read-only root (its hidden packages are masked below)
        elif inside:
            left_out[folder] = f"it holds {inside[0]}, which student code must not read"
            continue
        elif packages and not installed_packages(folder):
            left_out[folder] = f"it holds the instructor's {'/'.join(packages)}"
            continue
        else:
            binds.append(folder)
        masks += [os.path.join(folder, name) for name in packages
                  if os.path.isdir(os.path.join(folder, name))]
    binds = [b for b in binds if not any(b != o and is_under(b, o) for o in binds)]
    for name in needs:
        spec = _spec(name)
        origin = getattr(spec, "origin", None)
        if spec is None or not origin or not os.path.isabs(origin):
            continue  # not installed here (the canary says so), or built in
        where = os.path.realpath(origin)
        if spec.submodule_search_locations:
            where = os.path.dirname(where)
        folder = os.path.dirname(where)
        shown = shown_by_root(folder) or any(is_under(folder, b) for b in binds)
        if not shown:
            why = left_out.get(folder, "it lies in a folder the sandbox hides")
            raise ConfigurationError(
                f"the sandbox cannot show student code {name}, installed in {folder}: {why}; "
                f"install {name} outside that folder")
    return PathView(tuple(binds), tuple(dict.fromkeys(masks)))

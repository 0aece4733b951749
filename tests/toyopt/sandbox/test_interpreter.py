"""The interpreter anywhere: the grader's libraries may sit in a user install
(``PYTHONUSERBASE``), a virtualenv under ``/tmp`` or a folder a ``.pth`` file
adds, in places the bubblewrap sandbox hides (``/tmp``, ``/root``, ``/home``,
``/work``); the worker still imports them, read-only.  A folder that also holds
the instructor's packages is never shown whole: an installed-packages folder is
shown with ``toyopt`` / ``toyopt_ref`` emptied, a source checkout not at all,
and when a library the worker needs lies only there grading refuses with one
line naming the folder.

Each case runs a grader in a child interpreter set up that way (its own
``sys.path``) and starts a worker whose student code imports a library
(``toyopt_fake_lib``) that exists only in the folder under test.  Conda is not
available on our machines: its environments (a prefix like a virtualenv's) are
not tested here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
from pathlib import Path

import pytest
from grade_support import ROOT
from sandbox_support import PROBES, needs_bwrap

LIB = "toyopt_fake_lib"

pytestmark = needs_bwrap

STUDENT = """
import os
def spiral_2d(paths):
    import toyopt_fake_lib
    seen = {}
    for path in paths:
        try:
            seen[path] = sorted(os.listdir(path)) if os.path.isdir(path) else open(path).read()
        except OSError as exc:
            seen[path] = type(exc).__name__
    return {"value": toyopt_fake_lib.VALUE, "seen": seen}
"""

GRADER = """
import json
from pathlib import Path
from toyopt.sandbox import Worker, materialise
package = Path({work!r}) / "src" / "exercises"
package.mkdir(parents=True)
(package / "__init__.py").write_text("")
(package / "data.py").write_text({student!r})
sub = materialise(package.parent, {work!r})
worker = Worker(sub.scratch_dir, {probes!r}, isolation="bwrap")
worker.canary_imports = {imports!r}
try:
    with worker:
        print(json.dumps({{"ok": worker.call("call", 30, exercise="spiral_2d", args=[{paths!r}])["value"]}}))
except Exception as exc:
    print(json.dumps({{"error": type(exc).__name__, "message": str(exc)}}))
"""


def fake_lib(folder: Path) -> Path:
    (folder / LIB).mkdir(parents=True)
    (folder / LIB / "__init__.py").write_text("VALUE = 42\n")
    return folder


def run_grader(tmp_path: Path, python: str = sys.executable, env=None, paths=(),
               imports=(LIB,)) -> dict:
    """Start a worker from a grader run by `python` with `env`; what it reported."""
    work = tmp_path / "work"
    work.mkdir()
    script = GRADER.format(probes=str(PROBES), work=str(work), student=textwrap.dedent(STUDENT),
                           imports=tuple(imports), paths=[str(p) for p in paths])
    done = subprocess.run([python, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-3000:]
    return json.loads(lines[-1])


def user_site(base: Path) -> Path:
    """The user site of `base` (``PYTHONUSERBASE``) for this interpreter."""
    return Path(sysconfig.get_path("purelib", f"{os.name}_user", vars={"userbase": str(base)}))


def venv(folder: Path, system: bool = True) -> tuple[str, Path]:
    """A virtualenv at `folder` (seeing this interpreter's packages when `system`):
    (python, its site folder)."""
    subprocess.run([sys.executable, "-m", "venv", *(["--system-site-packages", "--without-pip"]
                                                     if system else []), str(folder)],
                   check=True, timeout=120)
    python = folder / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    return str(python), Path(site)


def test_a_user_install_in_a_hidden_folder_is_imported(tmp_path):
    base = tmp_path / "userbase"  # under /tmp: the sandbox's /tmp is a fresh tmpfs
    fake_lib(user_site(base))
    report = run_grader(tmp_path, env={"PYTHONUSERBASE": str(base)})
    assert report.get("ok", {}).get("value") == 42, report


def test_a_folder_a_pth_file_adds_is_imported(tmp_path):
    hidden = fake_lib(tmp_path / ".hidden" / "extra-site")
    python, site = venv(tmp_path / "venv")
    (site / "extra.pth").write_text(f"# a site folder elsewhere\n{hidden}\n")
    report = run_grader(tmp_path, python)
    assert report.get("ok", {}).get("value") == 42, report


def test_a_virtualenv_under_tmp_runs_the_worker_with_the_base_libraries(tmp_path):
    python, site = venv(tmp_path / "venv")
    fake_lib(site)
    report = run_grader(tmp_path, python)
    assert report.get("ok", {}).get("value") == 42, report


@pytest.fixture
def outside_root():
    """A folder in a top-level folder that the sandbox's root does not show and does
    not hide either (``/opt``, ``/srv``, ``/mnt``: where a system-wide venv lives)."""
    for top in ("/opt", "/srv", "/mnt"):
        if os.path.isdir(top) and os.access(top, os.W_OK):
            folder = Path(tempfile.mkdtemp(prefix="toyopt-test-", dir=top))
            yield folder
            shutil.rmtree(folder, ignore_errors=True)
            return
    pytest.skip("no writable /opt, /srv or /mnt to put a virtualenv in")


def test_a_virtualenv_outside_the_shown_root_runs_the_worker(tmp_path, outside_root):
    python, site = venv(outside_root / "venv")
    fake_lib(site)
    report = run_grader(tmp_path, python)
    assert report.get("ok", {}).get("value") == 42, report


def test_installed_packages_beside_the_instructors_are_shown_without_them(tmp_path):
    target = fake_lib(tmp_path / "target")  # like `pip install --target`, toyopt in it
    (target / "toyopt_fake_lib-1.0.dist-info").mkdir()
    for package in ("toyopt", "toyopt_ref"):
        (target / package).mkdir()
        (target / package / "secret.py").write_text("ANSWER = 'hidden'\n")
    python, site = venv(tmp_path / "venv")
    (site / "target.pth").write_text(f"{target}\n")
    report = run_grader(tmp_path, python, paths=[target / "toyopt", target / "toyopt_ref / secret.py",
                                                  target / "toyopt_ref"])
    assert report.get("ok", {}).get("value") == 42, report
    assert set(map(str, report["ok"]["seen"].values())) <= {"[]", "FileNotFoundError"}, report


def test_a_library_only_in_a_checkout_of_the_instructors_packages_is_refused_by_name(tmp_path):
    checkout = fake_lib(tmp_path / "course")
    (checkout / "toyopt").mkdir()
    (checkout / "toyopt" / "__init__.py").write_text("")
    python, site = venv(tmp_path / "venv")
    (site / "course.pth").write_text(f"{checkout}\n")
    report = run_grader(tmp_path, python)
    assert report.get("error") == "ConfigurationError", report
    message = report["message"]
    assert "\n" not in message and str(checkout) in message and LIB in message, message
    assert "it holds the instructor's toyopt" in message, message  # says why


@pytest.mark.slow
def test_a_virtualenv_of_its_own_with_torch_runs_the_worker(tmp_path):
    """A real virtualenv under /tmp, torch and NumPy installed in it (from the local
    wheel store: ~30 s on a quiet machine, a few minutes under load)."""
    python, site = venv(tmp_path / "venv", system=False)
    subprocess.run([python, "-m", "pip", "install", "-q", "torch==2.13.0", "numpy"], check=True,
                   timeout=900, capture_output=True)
    fake_lib(site)
    report = run_grader(tmp_path, python, imports=(LIB, "numpy", "torch"))
    assert report.get("ok", {}).get("value") == 42, report

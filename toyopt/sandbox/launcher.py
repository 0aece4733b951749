"""Start the worker process: inside bubblewrap when it works, else a plain subprocess.

Contract: :func:`launch` returns a :class:`Launched` whose process runs
``worker.py`` with the submission's scratch copy as its working folder and the
protocol pipes as two inherited fds; stdout and stderr are pipes for the caller
to drain.  The caller owns the process (see ``client.Worker.close``).

What holds where (see the package docstring for the threat model):

* **bubblewrap** (``isolation="bwrap"``): read-only view of ``/``; fresh ``/dev``,
  ``/proc`` and a size-capped ``/tmp``; ``/work``, ``/home``, ``/root``, the
  caller's cwd and ``hide`` folders and the ``toyopt`` / ``toyopt_ref`` package
  folders replaced by empty read-only tmpfs (the Python prefix is bound back so
  the interpreter still runs); the scratch copy is the only writable host folder
  (``/tmp/scratch``); worker code read-only at ``/tmp/toyopt-worker``; all
  namespaces unshared (no network, own PID namespace: when the worker exits or is
  killed, everything it forked dies), no capabilities, a new session, a minimal
  environment, and the sandbox dies with its parent.
* **subprocess** (``isolation="subprocess"``, the fallback): the same rlimits and
  environment, but the whole file system is readable and writable as the calling
  user and the network is open.  On Linux the worker's first process is a child
  subreaper that SIGKILLs every descendant (``setsid`` daemons included) when the
  worker ends or the parent asks; a :class:`SandboxWarning` says isolation is weaker.

The rlimits (address space, CPU seconds, processes, file size, no core dumps) are
set by the worker's first Python process before any student code runs, rather
than in ``preexec_fn``, which is unsafe when the caller has threads.
``RLIMIT_NPROC`` counts per real uid and is not enforced for root; there only the
PID namespace (bwrap) or the subreaper (fallback) bound what a fork swarm leaves.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from toyopt.errors import ConfigurationError

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SANDBOX_CODE_DIR = "/tmp/toyopt-worker"
SANDBOX_SCRATCH = "/tmp/scratch"
HIDDEN_PACKAGES = ("toyopt", "toyopt_ref")
PROBE_PACKAGE = "toyopt_probes"  #: name of a probe package (a folder) inside the sandbox
HIDDEN_DIRS = ("/work", "/home", "/root")
_SYSTEM_DIRS = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/dev",
                "/proc", "/sys", "/tmp", "/var")
GiB, MiB = 1 << 30, 1 << 20


class SandboxWarning(UserWarning):
    """Student code runs without bubblewrap: isolation is weaker."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker (all per process unless said otherwise)."""

    memory_bytes: int = 4 * GiB          #: RLIMIT_AS (address space)
    cpu_seconds: int = 600               #: RLIMIT_CPU, over the worker's whole life
    max_processes: int = 256             #: RLIMIT_NPROC (per uid; not enforced for root)
    file_size_bytes: int = 64 * MiB      #: RLIMIT_FSIZE: largest file the worker may write
    tmpfs_bytes: int = 256 * MiB         #: size of the sandbox's /tmp (bwrap only)
    output_bytes: int = 10_000           #: stdout/stderr kept, each; the rest is counted
    start_timeout: float = 60.0          #: seconds for the worker to start and load probes
    max_message_bytes: int = 64 * MiB    #: largest frame accepted from the worker
    max_arrays: int = 256                #: most arrays in one frame

    def __post_init__(self):
        for name in ("memory_bytes", "cpu_seconds", "max_processes", "file_size_bytes",
                     "tmpfs_bytes", "output_bytes", "max_message_bytes", "max_arrays"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigurationError(f"invalid limit {name}={value!r}: expected a positive int")
        if not self.start_timeout > 0:
            raise ConfigurationError(f"invalid limit start_timeout={self.start_timeout!r}")


@dataclass
class Launched:
    """A started worker: the process, the parent's pipe ends and how it is isolated."""

    process: subprocess.Popen
    request_fd: int   #: parent writes requests here
    reply_fd: int     #: parent reads replies here
    isolation: str    #: "bwrap" or "subprocess"
    code_dir: Path    #: private copy of worker.py, protocol.py, supervisor.py and the probes (caller removes)


@functools.lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """Whether ``bwrap`` exists and can build a sandbox here (probed once)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    try:
        done = subprocess.run(
            [exe, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all",
             "--die-with-parent", "--new-session", "--", sys.executable, "-c", "pass"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("bubblewrap unusable: %s", exc)
        return False
    if done.returncode != 0:
        log.info("bubblewrap unusable: %s", done.stderr.decode(errors="replace").strip())
    return done.returncode == 0


def package_dirs(names=HIDDEN_PACKAGES) -> list[str]:
    """Folders of the installed (or editable, or imported) packages ``names``."""
    found = set()
    for name in names:
        module = sys.modules.get(name)
        paths = list(getattr(module, "__path__", []) or [])
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None:
            paths += list(spec.submodule_search_locations or [])
            if spec.origin and os.path.isfile(spec.origin):
                paths.append(os.path.dirname(spec.origin))
        found.update(os.path.realpath(p) for p in paths if os.path.isdir(p))
    return sorted(found)


def _is_system(path: str) -> bool:
    """``/``, a system folder or an ancestor of one (never hidden), or under ``/tmp``
    (already hidden by the sandbox's own ``/tmp``)."""
    return path == "/" or any(_under(s, path) for s in _SYSTEM_DIRS) or _under(path, "/tmp")


def _python_dirs() -> list[str]:
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            str(Path(os.path.realpath(sys.executable)).parent.parent)}
    return sorted(os.path.realpath(d) for d in dirs if os.path.isdir(d))


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def bwrap_command(scratch: str, code_dir: str, worker_args: list[str], env: dict,
                  limits: Limits, hide=()) -> list[str]:
    """The ``bwrap`` argument list (order matters: later mounts cover earlier ones)."""
    hidden = {os.path.realpath(h) for h in (*HIDDEN_DIRS, os.getcwd(), *hide) if os.path.isdir(h)}
    # The sandbox's /tmp is a fresh tmpfs: what lies under the host's /tmp is out of sight
    # already, and a mount there would only create empty folders that name it.
    hidden = sorted((h for h in hidden if not _is_system(h) and not _under(h, "/tmp")),
                    key=lambda p: p.count("/"))
    # a folder inside one already hidden would only show up as an empty mount point
    hidden = [h for h in hidden if not any(h != o and _under(h, o) for o in hidden)]
    cmd = [shutil.which("bwrap"), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
           "--size", str(limits.tmpfs_bytes), "--tmpfs", "/tmp"]
    for folder in hidden:
        cmd += ["--size", str(MiB), "--tmpfs", folder]
    rebound = [f for f in _python_dirs() if any(_under(f, h) for h in hidden)]
    for folder in rebound:  # the interpreter may live under /root (pyenv) or /home
        cmd += ["--ro-bind", folder, folder]
    packages = [p for p in package_dirs()  # those not hidden already
                if not _under(p, "/tmp")
                and (not any(_under(p, h) for h in hidden) or any(_under(p, r) for r in rebound))]
    for folder in packages:
        cmd += ["--size", str(MiB), "--tmpfs", folder]
    cmd += ["--ro-bind", code_dir, SANDBOX_CODE_DIR, "--bind", scratch, SANDBOX_SCRATCH]
    for folder in (*hidden, *packages):
        cmd += ["--remount-ro", folder]
    cmd += ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    cmd += ["--chdir", SANDBOX_SCRATCH, "--", sys.executable, "-s", "-B", *worker_args]
    return cmd


def sandbox_env(scratch: str, tmp: str) -> dict:
    """The whole environment of the worker (nothing is inherited)."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": scratch,
        "TMPDIR": tmp,
        "MPLCONFIGDIR": os.path.join(tmp, "matplotlib"),
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }


#: Folder of the worker's code dir holding a copy of the host's matplotlib font list.
FONT_CACHE = "mplcache"


def host_font_cache() -> list[Path]:
    """The host's matplotlib font-list caches (``fontlist-v*.json``), if any.

    Found the way matplotlib finds its cache (``MPLCONFIGDIR``, else
    ``$XDG_CACHE_HOME/matplotlib``, else ``~/.cache/matplotlib``) without
    importing it. The font list names font files of the read-only system the
    sandbox shares, so the copy is valid inside; a stale one is rebuilt there.
    """
    folder = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    try:
        return sorted(p for p in Path(folder).glob("fontlist-v*.json") if p.is_file())[-1:]
    except OSError:
        return []


def launch(scratch_dir, probes_path, limits: Limits, *, isolation: str = "auto",
           hide=()) -> Launched:
    """Start a worker on ``scratch_dir`` with the probes at ``probes_path``: one
    module file, or a package folder (its ``*.py`` files are copied and imported
    as the package ``toyopt_probes``; see ``worker.load_probes``)."""
    scratch = os.path.realpath(scratch_dir)
    if not os.path.isdir(scratch):
        raise ConfigurationError(f"scratch folder not found: {scratch_dir}")
    package = os.path.isdir(probes_path)
    if not package and not os.path.isfile(probes_path):
        raise ConfigurationError(f"probe module not found: {probes_path}")
    if isolation not in ("auto", "bwrap", "subprocess"):
        raise ConfigurationError(f"invalid isolation {isolation!r}: auto, bwrap or subprocess")
    use_bwrap = isolation == "bwrap" or (isolation == "auto" and bwrap_works())
    if isolation == "bwrap" and not bwrap_works():
        raise ConfigurationError("isolation 'bwrap' requested but bubblewrap does not work here")

    code_dir = Path(tempfile.mkdtemp(prefix="toyopt-worker-"))
    copies = [(HERE / name, name) for name in ("worker.py", "protocol.py", "supervisor.py", "notebook_cells.py")]
    if package:  # a probe package (toyopt/probes): its .py files become `toyopt_probes`
        (code_dir / PROBE_PACKAGE).mkdir()
        copies += [(path, f"{PROBE_PACKAGE}/{path.name}")
                   for path in sorted(Path(probes_path).glob("*.py"))]
    else:
        copies.append((Path(probes_path), "probes.py"))
    fonts = host_font_cache()
    if fonts:  # the worker seeds its matplotlib cache with these (saves ~1 s a start)
        (code_dir / FONT_CACHE).mkdir()
        copies += [(path, f"{FONT_CACHE}/{path.name}") for path in fonts]
    for source, name in copies:
        shutil.copyfile(source, code_dir / name)
        os.chmod(code_dir / name, 0o444)
    if fonts:
        os.chmod(code_dir / FONT_CACHE, 0o555)
    if package:
        os.chmod(code_dir / PROBE_PACKAGE, 0o555)
    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    inside_code = SANDBOX_CODE_DIR if use_bwrap else str(code_dir)
    inside_scratch = SANDBOX_SCRATCH if use_bwrap else scratch
    probes_inside = f"{inside_code}/{PROBE_PACKAGE if package else 'probes.py'}"
    worker_args = [f"{inside_code}/worker.py", "--probes", probes_inside,
                   "--request-fd", str(req_r), "--reply-fd", str(rep_w),
                   "--scratch", inside_scratch,
                   "--limit-as", str(limits.memory_bytes), "--limit-cpu", str(limits.cpu_seconds),
                   "--limit-fsize", str(limits.file_size_bytes),
                   "--limit-nproc", str(limits.max_processes)]
    if use_bwrap:
        env = sandbox_env(SANDBOX_SCRATCH, "/tmp")
        cmd, cwd, popen_env = bwrap_command(scratch, str(code_dir), worker_args, env, limits,
                                            hide), None, {"PATH": os.environ.get("PATH", "")}
    else:
        message = ("toyopt: no bubblewrap sandbox; student code runs in a plain "
                   "subprocess with rlimits only (it can read and write your files and "
                   "use the network)")
        warnings.warn(message, SandboxWarning, stacklevel=3)
        log.warning(message)
        cmd = [sys.executable, "-s", "-B", *worker_args, "--supervise"]
        cwd, popen_env = scratch, sandbox_env(scratch, scratch)
    try:
        process = subprocess.Popen(cmd, cwd=cwd, env=popen_env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   pass_fds=(req_r, rep_w), start_new_session=True)
    except OSError as exc:
        for fd in (req_r, req_w, rep_r, rep_w):
            os.close(fd)
        shutil.rmtree(code_dir, ignore_errors=True)
        raise ConfigurationError(f"cannot start the worker: {exc}") from exc
    os.close(req_r)
    os.close(rep_w)
    return Launched(process, req_w, rep_r, "bwrap" if use_bwrap else "subprocess", code_dir)

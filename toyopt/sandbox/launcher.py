"""Start the worker: inside bubblewrap when it works, else a plain subprocess (the
fallback).  What holds in each mode is docs/threat-model.md.

:func:`launch` returns a :class:`Launched` whose process runs ``worker.py`` with
the protocol pipes as two inherited fds and stdout / stderr as pipes for the
caller to drain; the caller owns it (``client.Worker.close``).  The rlimits are
set by the worker's first Python process before any student code runs, not in
``preexec_fn``, which is unsafe when the caller has threads.
"""

from __future__ import annotations

import atexit
import functools
import glob
import itertools
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import suppress
from dataclasses import dataclass, field, fields
from pathlib import Path

from toyopt_check import inside
from toyopt_check.inside import supervisor
from toyopt_check.inside.errors import ConfigurationError, GraderError

from . import cgroups, seccomp
from .paths import (
    SANDBOX_ROOT,
    SYSTEM_DIRS,
    WORKER_LIBRARIES,
    is_system,
    is_under,
    package_dirs,
    path_view,
    python_dirs,
    user_site,
)
from .submission import remove_tree

log = logging.getLogger(__name__)

#: the package that runs inside the sandbox (worker, supervisor, protocol, runtime, probes)
INSIDE = Path(inside.__file__).resolve().parent
INSIDE_PACKAGE = "toyopt_inside"  #: its name inside the sandbox (a copy under the code folder)
SANDBOX_CODE_DIR = "/tmp/toyopt-worker"
SANDBOX_SCRATCH = "/tmp/scratch"
SANDBOX_SUBMISSION = "/tmp/toyopt-submission"  #: the submission, read-only (bwrap); copied into the scratch
HIDDEN_DIRS = ("/work", "/home", "/root")
GiB, MiB = 1 << 30, 1 << 20
NO_BWRAP_ENV = "TOYOPT_NO_BWRAP"  #: "1": act as if bubblewrap did not work (try the fallback)


class SandboxWarning(UserWarning):
    """Student code runs without bubblewrap: isolation is weaker."""


class SandboxBroken(ConfigurationError):
    """The sandbox itself does not work (the worker cannot start, or its canary shows
    a hole): an environment fault, never a student's; grading must stop, not score 0."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker (all per process unless said otherwise)."""

    memory_bytes: int = 4 * GiB          #: RLIMIT_AS (address space)
    cpu_seconds: int = 600               #: RLIMIT_CPU, over the worker's whole life
    max_processes: int = 256             #: RLIMIT_NPROC (per uid; not enforced for root)
    file_size_bytes: int = 64 * MiB      #: RLIMIT_FSIZE: largest file the worker may write
    tmpfs_bytes: int = 256 * MiB         #: size of the sandbox's /tmp (bwrap only)
    scratch_bytes: int = 256 * MiB       #: total size of the scratch folder (bwrap: a tmpfs; fallback: a watch)
    shm_bytes: int = 16 * MiB            #: size of the sandbox's /dev/shm (bwrap only)
    group_memory_bytes: int = 4 * GiB    #: memory of ALL the worker's processes, tmpfs pages included (cgroup)
    group_processes: int = 512           #: processes and threads of the worker together (cgroup pids.max)
    cpu_weight: int = 100                #: CPU share against other workers (cgroup v2 cpu.weight scale)
    output_bytes: int = 10_000           #: stdout/stderr kept, each; the rest is counted
    start_timeout: float = 60.0          #: seconds for the worker to start and load probes
    max_message_bytes: int = 64 * MiB    #: largest frame accepted from the worker
    max_arrays: int = 256                #: most arrays in one frame

    def __post_init__(self):
        for name in (f.name for f in fields(self) if f.name != "start_timeout"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigurationError(f"invalid limit {name}={value!r}: expected a positive int")
        if not self.start_timeout > 0:
            raise ConfigurationError(f"invalid limit start_timeout={self.start_timeout!r}")


@dataclass
class Launched:
    """A started worker: the process, the parent's pipe ends and how it is isolated."""

    process: subprocess.Popen
    request_fd: int
    reply_fd: int
    isolation: str    #: "bwrap" or "subprocess"
    code_dir: Path    #: private copy of the inside package (worker, protocol, probes...)
    uid: int | None = None          #: the sandbox's own uid (root callers), else None
    cgroup: cgroups.Cgroup | None = None
    facts: dict = field(default_factory=dict)  #: what the launcher set up (see `isolation_facts`)
    hidden: tuple = ()              #: host paths the worker's canary must find out of reach
    scratch_copy: Path | None = None  #: the fallback worker's own scratch folder

    def stop(self) -> None:
        """Kill the worker's process tree, then every process of its cgroup and uid,
        and remove the cgroup, the code folder and the scratch copy: nothing of the
        worker survives."""
        proc = self.process
        if self.cgroup is not None:  # everything at once, frozen first (v1)
            self.cgroup.kill()
        if self.isolation == "subprocess" and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # the subreaper SIGKILLs all descendants
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=3.0)
        with suppress(ProcessLookupError, PermissionError):  # bwrap: this tears down the PID namespace
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if self.uid is not None:
            kill_uid(self.uid)
            if self.isolation == "subprocess":  # no tmpfs of its own: /tmp and the like
                remove_files_of(self.uid)
        _release(self.code_dir, self.cgroup, self.scratch_copy)
        _LIVE.pop(id(self), None)


#: what this process has made and not yet removed: live workers, and the folders and
#: groups of a launch in progress; `release_all` (atexit, a signal handler) removes them
_LIVE: dict[int, Launched] = {}
_OWNED_DIRS: set[str] = set()
_OWNED_GROUPS: dict[int, cgroups.Cgroup] = {}


def release_all() -> None:
    """Stop every worker this process started and remove every folder and cgroup
    it made for them (at exit, Ctrl-C and SIGTERM included; never raises)."""
    for launched in list(_LIVE.values()):
        try:
            launched.stop()
        except Exception as exc:  # the rest must go all the same
            log.warning("cleanup of a worker failed: %s", exc)
    for group in list(_OWNED_GROUPS.values()):
        group.remove()
    _OWNED_GROUPS.clear()
    for folder in list(_OWNED_DIRS):
        remove_tree(folder)
    _OWNED_DIRS.clear()


atexit.register(release_all)


#: first uid of the sandboxes of a root caller: one uid per worker, so that neither
#: files nor signals reach another submission graded at the same time
SANDBOX_UID_BASE = 2_100_000_000
_uid_counter = itertools.count()


def sandbox_uid() -> int | None:
    """A fresh unprivileged uid (= gid) for a worker, when this process is root."""
    if os.geteuid() != 0:
        return None
    return SANDBOX_UID_BASE + (os.getpid() % 1_000_000) * 16 + next(_uid_counter) % 16


def _uids_of(pid: str) -> set[int]:
    """The uids of a live process (none for a zombie: it runs nothing any more)."""
    with suppress(OSError, ValueError, IndexError):
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("State:") and line.split()[1] in ("Z", "X"):
                    return set()
                if line.startswith("Uid:"):
                    return {int(v) for v in line.split()[1:]}
    return set()


def kill_uid(uid: int) -> None:
    """SIGKILL every process whose real, effective or saved uid is ``uid`` (for 3 s at most)."""
    end = time.monotonic() + 3.0
    while True:
        found = [int(p) for p in os.listdir("/proc") if p.isdigit() and uid in _uids_of(p)]
        if not found or time.monotonic() > end:
            return
        for pid in found:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def _lend_tree(root: str, gid: int) -> None:
    """Let the sandbox's uid read the submission but not change it: group ``gid`` (the
    uid's only group), folders 0750, files 0640; links are never followed."""
    todo = [root]
    while todo:
        folder = todo.pop()
        os.lchown(folder, -1, gid)
        os.chmod(folder, 0o750)
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    os.lchown(entry.path, -1, gid)
                    os.chmod(entry.path, 0o640)


def remove_files_of(uid: int) -> None:
    """Remove what `uid` (a stopped fallback worker's) left in the world-writable
    temporary folders (`supervisor.TEMP_ROOTS`), the only host folders it could write."""
    for root in supervisor.TEMP_ROOTS:
        todo = [root]
        while todo:
            try:
                with os.scandir(todo.pop()) as entries:
                    listed = list(entries)
            except OSError:
                continue
            for entry in listed:
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if info.st_uid == uid:
                    remove_tree(entry.path)
                elif stat.S_ISDIR(info.st_mode) and info.st_mode & 0o002:
                    todo.append(entry.path)


def fallback_blocker(paths, uid: int) -> str | None:
    """Why the fallback's `uid` (its only group: gid = uid) cannot reach one of the ``(what, path)``
    `paths`, or None: the first folder on the way whose modes shut it out."""
    for what, path in paths:
        real = os.path.realpath(path)
        folders = [real]
        while folders[-1] != "/":
            folders.append(os.path.dirname(folders[-1]))
        for folder in reversed(folders):
            try:
                info = os.stat(folder)
            except OSError as exc:
                return f"{what} {path}: {folder} cannot be inspected ({exc.strerror})"
            mode = info.st_mode & 0o7777
            need = 0o5 if folder == real else 0o1  # list the target itself, pass the others
            granted = ((mode >> 6) if info.st_uid == uid else (mode >> 3) if info.st_gid == uid
                       else mode) & 0o7
            if granted & need != need:
                return (f"{what} {path}: the student's uid {uid} cannot "
                        f"{'read' if folder == real else 'pass'} {folder} "
                        f"(mode {mode:04o}, owner uid {info.st_uid})")
    return None


def interpreter_blocker() -> str | None:
    """Why a root caller's fallback worker could not run this interpreter, or None."""
    return fallback_blocker([("the Python interpreter's folder", d) for d in python_dirs()],
                            SANDBOX_UID_BASE)


FALLBACK_UNREACHABLE = ("toyopt: the fallback (no bubblewrap) runs student code as its own uid, "
                        "which cannot reach {why}; toyopt never changes the modes of folders it "
                        "did not create: install Python and its packages where every user may "
                        "read them (e.g. /opt or /usr/local), or grade where bubblewrap works")


#: files of each instructor folder the canary tries to open (besides listing the folder)
CANARY_FILES = 12


def canary_paths(folders, keep=()) -> tuple[str, ...]:
    """The instructor's `folders` and a few files of each, for the canary to try to
    list and open (a folder closed to listing may still let a known file be opened).
    What the worker needs (`keep`) and the folders on the way to it are left out."""
    keep = [os.path.realpath(k) for k in keep]
    found = []
    for folder in folders:
        if not any(is_under(k, folder) for k in keep):
            found.append(folder)
        files = []
        for visited, (parent, subdirs, names) in enumerate(os.walk(folder)):
            subdirs[:] = sorted(d for d in subdirs if d != "__pycache__"
                                and not any(is_under(os.path.join(parent, d), k) for k in keep))[:8]
            files += [os.path.join(parent, n) for n in sorted(names)[:CANARY_FILES]]
            if len(files) >= CANARY_FILES or visited >= 4 * CANARY_FILES:
                break
        found += files[:CANARY_FILES]
    return tuple(found)


@functools.lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """Whether ``bwrap`` exists and can build a sandbox here (probed once);
    ``TOYOPT_NO_BWRAP=1`` says no, to try the fallback where bubblewrap works."""
    exe = shutil.which("bwrap")
    if exe is None or os.environ.get(NO_BWRAP_ENV) == "1":
        return False
    try:
        done = subprocess.run(
            [exe, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", *_unshare(),
             "--die-with-parent", "--new-session", "--", sys.executable, "-c", "pass"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("bubblewrap unusable: %s", exc)
        return False
    if done.returncode != 0:
        log.info("bubblewrap unusable: %s", done.stderr.decode(errors="replace").strip())
    return done.returncode == 0


def _unshare() -> list[str]:
    """Namespaces of the sandbox.  A root caller keeps the host's user namespace, so
    that the worker's own uid (``supervisor.confine``) is a real unprivileged uid on
    the host (a user namespace would map it back to root)."""
    if os.geteuid() == 0:
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try"]
    return ["--unshare-all"]


def bwrap_command(scratch: str, code_dir: str, worker_args: list[str], env: dict,
                  limits: Limits, hide=(), seccomp_fd: int | None = None,
                  needs=WORKER_LIBRARIES) -> list[str]:
    """The ``bwrap`` argument list (order matters: later mounts cover earlier ones).
    `scratch` (the submission) is bound read-only at `SANDBOX_SUBMISSION`; the
    worker copies it into `SANDBOX_SCRATCH`, a tmpfs of ``limits.scratch_bytes``.
    ``ConfigurationError`` when a library of `needs` would be missing inside."""
    hidden = {os.path.realpath(h) for h in (*HIDDEN_DIRS, os.getcwd(), *hide) if os.path.isdir(h)}
    view = path_view(hidden, needs)
    # Only a folder inside the allowlist `SANDBOX_ROOT` needs a mount to hide it: the rest
    # of / is absent, and the sandbox's /tmp is a fresh tmpfs (`is_system`).  A folder
    # inside one already hidden would only show up as an empty mount point.
    hidden = sorted(h for h in hidden if not is_system(h) and any(is_under(h, top) for top in SANDBOX_ROOT))
    hidden = [h for h in hidden if not any(h != o and is_under(h, o) for o in hidden)]
    cmd = [shutil.which("bwrap")]
    for top in SANDBOX_ROOT:
        if os.path.islink(top):  # /bin -> usr/bin on a merged /usr
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    # /tmp and /dev/shm are world-writable (sticky), as the worker runs as its own uid
    cmd += ["--dev", "/dev", "--proc", "/proc",
            "--perms", "1777", "--size", str(limits.tmpfs_bytes), "--tmpfs", "/tmp",
            "--perms", "1777", "--size", str(limits.shm_bytes), "--tmpfs", "/dev/shm"]
    for device in gpu_devices():  # CUDA's device nodes (the fresh /dev has none)
        cmd += ["--dev-bind", device, device]
    for folder in hidden:
        cmd += ["--size", str(MiB), "--tmpfs", folder]
    # the interpreter and its libraries may live under /root (pyenv), /home (a user
    # install, a .pth file's folder) or /tmp (a virtualenv there, hidden by the
    # sandbox's own /tmp): bind them back, read-only (see `path_view`)
    made = set()
    for folder in view.binds:
        # bwrap makes missing mount points mode 0700: the sandbox's uid could not pass
        for ancestor in reversed(_ancestors_to_make(folder, hidden)):
            if ancestor not in made:
                made.add(ancestor)
                cmd += ["--perms", "0755", "--dir", ancestor]
        cmd += ["--ro-bind", folder, folder]
    packages = [p for p in dict.fromkeys([*package_dirs(), *view.masks])  # those in sight
                if any(is_under(p, r) for r in view.binds)
                or (any(is_under(p, top) for top in SANDBOX_ROOT) and not any(is_under(p, h) for h in hidden))]
    for folder in packages:
        cmd += ["--size", str(MiB), "--tmpfs", folder]
    cmd += ["--ro-bind", code_dir, SANDBOX_CODE_DIR, "--ro-bind", scratch, SANDBOX_SUBMISSION,
            "--perms", "1777", "--size", str(limits.scratch_bytes), "--tmpfs", SANDBOX_SCRATCH]
    for folder in (*hidden, *packages, "/dev"):
        cmd += ["--remount-ro", folder]
    cmd += [*_unshare(), "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if os.geteuid() == 0:  # only to switch to the sandbox's uid; that switch clears every capability
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    if seccomp_fd is not None:
        cmd += ["--seccomp", str(seccomp_fd)]
    cmd += ["--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    # the worker enters the scratch folder once it is its uid and has filled it
    return [*cmd, "--chdir", "/", "--", sys.executable, "-s", "-B", *worker_args]


def _ancestors_to_make(folder: str, tmpfs) -> list[str]:
    """The folders above `folder` that the sandbox lacks (innermost first): those up
    to a tmpfs of `tmpfs` or ``/tmp`` (made inside it), or up to ``/`` when
    `folder` lies outside every bound folder; none inside a bound system folder."""
    made, current = [], os.path.dirname(folder)
    while current != "/":
        if current in tmpfs or current == "/tmp":
            break
        if current in SANDBOX_ROOT:
            return []  # inside a read-only bind: it is there already
        made.append(current)
        current = os.path.dirname(current)
    return made


#: the device nodes CUDA opens (``/dev/nvidia0``, ``nvidiactl``, ``nvidia-uvm``...)
GPU_DEVICES = "/dev/nvidia*"


def gpu_devices() -> list[str]:
    """The NVIDIA device nodes here: the sandbox passes them in, and whether CUDA
    works is measured inside (the canary)."""
    return sorted(glob.glob(GPU_DEVICES))


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
    """The host's matplotlib font-list cache (``fontlist-v*.json``), found as matplotlib
    finds it, without importing it.  It names font files of the read-only system the
    sandbox shares, so the copy is valid inside; a stale one is rebuilt there."""
    folder = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    try:
        return sorted(p for p in Path(folder).glob("fontlist-v*.json") if p.is_file())[-1:]
    except OSError:
        return []


#: ``/bin/sh`` program that writes its pid into each cgroup.procs given before ``--``,
#: then execs the rest: every process of the worker is born in its cgroup
JOIN_CGROUP = ('while [ "$1" != -- ]; do echo $$ > "$1" || exit 97; shift; done; shift; '
               'exec "$@"')


def launch(scratch_dir, probes_path, limits: Limits, *, isolation: str = "auto",
           hide=(), needs=WORKER_LIBRARIES) -> Launched:
    """Start a worker on the submission in ``scratch_dir``, which it copies into a
    scratch folder of its own, capped at ``limits.scratch_bytes``, so that a restart
    starts from the submission again.  ``probes_path``: one module file, or a probe
    package folder (its ``*.py`` become the inside package's ``probes``).  `needs`:
    libraries whose folders the sandbox must show (see `path_view`)."""
    scratch = os.path.realpath(scratch_dir)
    if not os.path.isdir(scratch):
        raise ConfigurationError(f"scratch folder not found: {scratch_dir}")
    package = os.path.isdir(probes_path)
    if not package and not os.path.isfile(probes_path):
        raise GraderError(f"probe module not found: {probes_path} (a broken install of the grader)")
    if isolation not in ("auto", "bwrap", "subprocess"):
        raise ConfigurationError(f"invalid isolation {isolation!r}: auto, bwrap or subprocess")
    use_bwrap = isolation == "bwrap" or (isolation == "auto" and bwrap_works())
    if isolation == "bwrap" and not bwrap_works():
        raise ConfigurationError("isolation 'bwrap' requested but bubblewrap does not work here")

    uid = sandbox_uid() if sys.platform.startswith("linux") else None
    facts = {"sandbox": "bwrap" if use_bwrap else "plain", "uid": uid,
             "cgroup": "none", "seccomp": False, "notes": []}
    code_dir = _code_folder(probes_path, package)
    group = copy_dir = None
    fds: list[int] = []  # closed if the launch fails
    try:
        seccomp_file = None
        if sys.platform.startswith("linux") and seccomp.supported():
            seccomp_file = code_dir / "seccomp.bpf"
            seccomp_file.write_bytes(seccomp.program())
            os.chmod(seccomp_file, 0o444)
        else:
            facts["notes"].append("seccomp: no filter for this platform")
        needed = [("the submission's scratch copy", scratch), ("the worker's code", str(code_dir)),
                  *(("the Python interpreter's folder", d) for d in python_dirs())]
        # /, a system folder or the temporary folder is never an instructor's folder for the
        # canary (``--results /tmp/r.json`` names /tmp)
        shared = {"/", "/tmp", os.path.realpath(tempfile.gettempdir()), *SYSTEM_DIRS}
        instructor = dict.fromkeys(os.path.realpath(p) for p in (*package_dirs(), os.getcwd(), *hide))
        hidden = canary_paths([p for p in instructor if os.path.isdir(p) and p not in shared],
                              keep=[path for _, path in needed])
        if uid is not None:
            try:
                _lend_tree(scratch, uid)
            except OSError as exc:
                raise ConfigurationError(f"cannot prepare the sandbox's files: {exc}") from exc
            if not use_bwrap:  # no mount namespace: the host's file modes are the only wall
                blocked = fallback_blocker(needed, uid)
                if blocked:
                    raise SandboxBroken(FALLBACK_UNREACHABLE.format(why=blocked))
                facts["sandbox"] = "fallback-uid"
        if not use_bwrap:  # the fallback worker's own scratch folder: fresh, its uid's, mode 0700
            copy_dir = Path(tempfile.mkdtemp(prefix="toyopt-copy-"))
            _OWNED_DIRS.add(str(copy_dir))
            if uid is not None:
                os.chown(copy_dir, uid, uid)
        group, why = cgroups.create(limits.group_memory_bytes, limits.group_processes,
                                    limits.cpu_weight)
        if group is None:
            facts["notes"].append(f"cgroup: none ({why})")
        else:
            _OWNED_GROUPS[id(group)] = group
            facts["cgroup"] = group.version
        address_space = _address_space_limit(limits, group, facts)
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        fds += [req_r, req_w, rep_r, rep_w]
        worker_fds = [req_r, rep_w]
        inside_code = SANDBOX_CODE_DIR if use_bwrap else str(code_dir)
        inside_scratch = SANDBOX_SCRATCH if use_bwrap else str(copy_dir)
        probes_inside = f"{inside_code}/{f'{INSIDE_PACKAGE}/probes' if package else 'probes.py'}"
        start = (f"import sys; sys.path[0] = {inside_code!r}; "
                 f"from {INSIDE_PACKAGE}.worker import entry; entry()")
        worker_args = ["-c", start, "--probes", probes_inside,
                       "--request-fd", str(req_r), "--reply-fd", str(rep_w),
                       "--scratch", inside_scratch,
                       "--copy-from", SANDBOX_SUBMISSION if use_bwrap else scratch,
                       "--limit-as", str(address_space), "--limit-cpu", str(limits.cpu_seconds),
                       "--limit-fsize", str(limits.file_size_bytes),
                       "--limit-nproc", str(limits.max_processes)]
        if not use_bwrap:  # no tmpfs of a fixed size: the supervisor watches the total
            worker_args += ["--scratch-cap", str(limits.scratch_bytes)]
        if uid is not None:
            worker_args += ["--uid", str(uid)]
        if user_site():
            worker_args += ["--site", user_site()]
        if use_bwrap:
            seccomp_fd = None
            if seccomp_file is not None:
                seccomp_fd = os.open(seccomp_file, os.O_RDONLY)
                fds.append(seccomp_fd)
                worker_fds.append(seccomp_fd)
            cmd = bwrap_command(scratch, str(code_dir), worker_args, sandbox_env(SANDBOX_SCRATCH, "/tmp"),
                                limits, hide, seccomp_fd, needs=needs)
            cwd, popen_env = None, {"PATH": os.environ.get("PATH", "")}
        else:
            if seccomp_file is not None:  # the supervisor installs it in the worker
                worker_args += ["--seccomp-file", str(seccomp_file)]
            if uid is None:
                message = ("toyopt: no bubblewrap sandbox; student code runs in a plain "
                           "subprocess with rlimits only (it can read and write your files and "
                           "use the network)")
            else:
                message = ("toyopt: no bubblewrap sandbox; student code runs as its own uid "
                           f"{uid} with rlimits (it can read world-readable files and use the "
                           "network)")
            warnings.warn(message, SandboxWarning, stacklevel=3)
            log.warning(message)
            cmd = [sys.executable, "-s", "-B", *worker_args, "--supervise"]
            cwd, popen_env = str(copy_dir), sandbox_env(str(copy_dir), str(copy_dir))
        if group is not None:
            cmd = ["/bin/sh", "-c", JOIN_CGROUP, "sh", *group.join_files, "--", *cmd]
        try:
            process = subprocess.Popen(cmd, cwd=cwd, env=popen_env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       pass_fds=tuple(worker_fds), start_new_session=True)
        except OSError as exc:
            raise ConfigurationError(f"cannot start the worker: {exc}") from exc
    except BaseException:
        for fd in fds:
            os.close(fd)
        _release(code_dir, group, copy_dir)
        raise
    for fd in worker_fds:
        os.close(fd)
    launched = Launched(process, req_w, rep_r, "bwrap" if use_bwrap else "subprocess", code_dir,
                        uid, group, facts, hidden, copy_dir)
    _LIVE[id(launched)] = launched
    return launched


def _code_folder(probes_path, package: bool) -> Path:
    """A fresh folder of the worker's code, read-only: the inside package (as
    `INSIDE_PACKAGE`), the probes (a package's ``*.py`` as its ``probes``, a module as
    ``probes.py``) and the host's matplotlib font list, which the worker seeds its
    cache with (saves ~1 s a start)."""
    code_dir = Path(tempfile.mkdtemp(prefix="toyopt-worker-"))
    _OWNED_DIRS.add(str(code_dir))
    os.chmod(code_dir, 0o755)  # read by the sandbox's own uid
    pkg = INSIDE_PACKAGE
    copies = [(path, f"{pkg}/{path.name}") for path in sorted(INSIDE.glob("*.py"))]
    if package:
        copies += [(path, f"{pkg}/probes/{path.name}") for path in sorted(Path(probes_path).glob("*.py"))]
    else:
        copies.append((Path(probes_path), "probes.py"))
    copies += [(path, f"{pkg}/{FONT_CACHE}/{path.name}") for path in host_font_cache()]
    folders = sorted({(code_dir / name).parent for _, name in copies}, key=lambda p: len(p.parts))
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for source, name in copies:
        shutil.copyfile(source, code_dir / name)
        os.chmod(code_dir / name, 0o444)
    for folder in reversed(folders):
        if folder != code_dir:
            os.chmod(folder, 0o555)
    return code_dir


def _address_space_limit(limits: Limits, group, facts: dict) -> int:
    """``RLIMIT_AS`` of the worker: none where NVIDIA devices are and a cgroup bounds
    memory (CUDA maps tens of GiB at start), else ``limits.memory_bytes``."""
    devices = gpu_devices()
    if not devices:
        return limits.memory_bytes
    if group is None:
        facts["notes"].append(f"GPU: {len(devices)} NVIDIA device nodes, but CUDA may fail to "
                              "start under the address-space limit (no cgroup bounds memory)")
        return limits.memory_bytes
    facts["notes"].append(f"GPU: {len(devices)} NVIDIA device nodes; no address-space "
                          "limit (the cgroup bounds memory)")
    return 0


def _release(code_dir, group, copy_dir) -> None:
    """Remove a launch's cgroup and folders (a stopped worker's, or a failed launch's)."""
    if group is not None:
        group.remove()
        _OWNED_GROUPS.pop(id(group), None)
    for folder in (code_dir, copy_dir):
        if folder is not None:
            remove_tree(folder)
            _OWNED_DIRS.discard(str(folder))

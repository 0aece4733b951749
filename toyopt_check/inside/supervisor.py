"""The worker's confinement (stdlib only): the rlimits, :func:`confine` (the sandbox's
own uid, the seccomp filter), :func:`fill_scratch`, all before any probe is imported,
and the fallback's process supervisor.

Without bubblewrap there is no PID namespace to kill in one go, so with ``--supervise``
the worker's first process becomes a Linux *child subreaper*: it forks the real worker,
and on SIGTERM, on its parent's death or when the worker exits it SIGKILLs every
descendant, ``setsid`` daemons included. Under bubblewrap the scratch folder is a tmpfs
of a fixed size; in the fallback the supervisor watches what the worker writes
(`scratch_usage`) and stops it with `SCRATCH_FULL` past ``--scratch-cap``.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import stat
import time

#: exit status of a fallback worker stopped for filling its scratch folder
SCRATCH_FULL = 95
#: world-writable folders an unprivileged uid can fill besides its scratch folder
TEMP_ROOTS = ("/tmp", "/var/tmp", "/dev/shm")
WATCH_SECONDS = 0.1  #: how often the fallback supervisor measures the scratch folder
#: the rlimits the launcher may set, each an option ``--limit-NAME`` (RLIMIT_NAME)
LIMITS = ("as", "cpu", "fsize", "nproc")


def apply_limits(args) -> None:
    """Set rlimits in this process; every descendant inherits them."""
    import resource

    for name in LIMITS:
        value = getattr(args, f"limit_{name}")
        if value is not None and value > 0:
            resource.setrlimit(getattr(resource, f"RLIMIT_{name.upper()}"), (value, value))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class ConfineError(Exception):
    """The worker could not be confined: it must not serve."""


def confine(args) -> None:
    """With ``--uid`` (a root caller) drop every group and set the real, effective and
    saved uid and gid to the sandbox's, which clears every capability; with
    ``--seccomp-file`` (the fallback: bubblewrap installs it itself) set
    ``no_new_privs`` and install the filter."""
    uid = args.uid
    if uid is not None and os.geteuid() == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        except OSError as exc:
            raise ConfineError(f"cannot switch to uid {uid}: {exc}") from None
        if os.getresuid() != (uid, uid, uid) or os.getresgid() != (uid, uid, uid):
            raise ConfineError(f"the switch to uid {uid} did not hold")
    if args.seccomp_file:
        install_seccomp(args.seccomp_file)


def install_seccomp(path: str) -> None:
    """``prctl(PR_SET_NO_NEW_PRIVS)`` then ``prctl(PR_SET_SECCOMP, FILTER, prog)``."""
    with open(path, "rb") as handle:
        data = handle.read()
    if not data or len(data) % 8:
        raise ConfineError(f"{path} is not a BPF program")

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    program = ctypes.create_string_buffer(data, len(data))
    fprog = SockFprog(len(data) // 8, ctypes.addressof(program))
    if libc.prctl(38, 1, None, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        raise ConfineError(f"PR_SET_NO_NEW_PRIVS failed: errno {ctypes.get_errno()}")
    if libc.prctl(22, 2, ctypes.addressof(fprog), 0, 0) != 0:  # PR_SET_SECCOMP, FILTER
        raise ConfineError(f"installing the seccomp filter failed: errno {ctypes.get_errno()}")


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill_descendants() -> None:
    for _ in range(200):
        pids = descendants(os.getpid())
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _reap()
    _reap()


def _reap() -> None:
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def fill_scratch(args) -> None:
    """Copy ``--copy-from`` (the submission, read-only) into ``--scratch`` and enter it;
    run as the sandbox's uid, so every copy is the worker's own."""
    try:
        for entry in os.scandir(args.copy_from) if args.copy_from else ():
            target = os.path.join(args.scratch, entry.name)
            if entry.is_dir(follow_symlinks=False):
                shutil.copytree(entry.path, target, symlinks=True)
            elif entry.is_file(follow_symlinks=False):
                shutil.copy2(entry.path, target)
        os.chdir(args.scratch)
    except OSError as exc:
        raise ConfineError(f"cannot copy the submission into the scratch folder: {exc}") from None


def disk_usage(folder: str, uid: int | None = None, skip=()) -> int:
    """Bytes of the files under `folder`, `skip` folders left out: all of them, or only
    those of `uid` (then only folders it owns or anyone may write are entered: nowhere
    else can it create files). What vanishes meanwhile is skipped."""
    total, todo = 0, [folder]
    while todo:
        try:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if stat.S_ISDIR(info.st_mode):
                        if entry.path in skip:
                            continue
                        if uid is None or info.st_uid == uid or info.st_mode & 0o002:
                            todo.append(entry.path)
                    elif uid is None or info.st_uid == uid:
                        total += info.st_blocks * 512
        except OSError:
            continue
    return total


def scratch_usage(args) -> int:
    """What the fallback worker has written: its scratch folder, and with ``--uid``
    its files in `TEMP_ROOTS` (where no other process writes as that uid)."""
    used = disk_usage(args.scratch)
    if args.uid is not None:
        used += sum(disk_usage(root, args.uid, skip={args.scratch}) for root in TEMP_ROOTS if os.path.isdir(root))
    return used


def confined(args) -> bool:
    """Confine this process and fill its scratch folder; False (and a line on stderr) if it cannot."""
    try:
        confine(args)
        fill_scratch(args)
    except ConfineError as exc:
        os.write(2, f"toyopt sandbox: {exc}\n".encode())
        return False
    return True


class _Stop(Exception):
    """SIGTERM reached the supervisor: kill everything and leave."""


def supervise(args, serve) -> int:
    """Fork the worker; outlive it only to kill whatever it left behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans of the tree come here
    libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG: parent gone -> clean up
    worker = os.fork()
    if worker == 0:  # the worker: confined; the supervisor stays out of its reach
        return serve(args) if confined(args) else 96
    os.close(args.request_fd)  # the worker's EOF must reach the parent
    os.close(args.reply_fd)

    def on_term(*_):
        raise _Stop  # waitpid() is retried after a handler that returns (PEP 475)

    signal.signal(signal.SIGTERM, on_term)
    status, full, cap = None, False, args.scratch_cap
    try:
        while True:
            try:
                pid, st = os.waitpid(-1, os.WNOHANG if cap else 0)
            except ChildProcessError:
                break
            if pid == worker:
                status = st
                break
            if pid == 0:  # nothing ended: measure what the worker wrote
                used = scratch_usage(args)
                if used > cap:
                    full = True
                    break
                time.sleep(WATCH_SECONDS)
    except _Stop:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _kill_descendants()
    if full:
        os.write(2, (f"toyopt sandbox: the worker wrote {used // 2**20} MiB, past the "
                     f"{cap // 2**20} MiB its scratch folder may hold: it was stopped\n").encode())
        return SCRATCH_FULL
    if status is None:
        return 128 + signal.SIGTERM
    code = os.waitstatus_to_exitcode(status)  # -N: killed by signal N
    return 128 - code if code < 0 else code



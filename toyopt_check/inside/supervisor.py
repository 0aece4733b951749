"""The fallback's process supervisor (no bubblewrap), and the rlimits.

Copied next to ``worker.py`` into the sandbox's code folder; stdlib only.
Without bubblewrap there is no PID namespace to kill in one go, so with
``--supervise`` the worker's first process becomes a Linux *child subreaper*:
it forks the real worker (``serve``), and on SIGTERM, on its parent's death or
when the worker exits it SIGKILLs every descendant, ``setsid`` daemons included.
"""

from __future__ import annotations

import os
import signal


def apply_limits(args) -> None:
    """Set rlimits in this process; every descendant inherits them."""
    import resource

    def cap(which, value):
        if value is not None and value > 0:
            resource.setrlimit(which, (value, value))

    cap(resource.RLIMIT_AS, args.limit_as)
    cap(resource.RLIMIT_CPU, args.limit_cpu)
    cap(resource.RLIMIT_FSIZE, args.limit_fsize)
    cap(resource.RLIMIT_NPROC, args.limit_nproc)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _descendants(root: int) -> list[int]:
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
        pids = _descendants(os.getpid())
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _reap()
    _reap()


def _reap() -> int | None:
    status = None
    while True:
        try:
            pid, st = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return status
        if pid == 0:
            return status
        status = st


class _Stop(Exception):
    """SIGTERM reached the supervisor: kill everything and leave."""


def supervise(args, serve) -> int:
    """Fork the worker; outlive it only to kill whatever it left behind."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans of the tree come here
    libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG: parent gone -> clean up
    worker = os.fork()
    if worker == 0:
        return serve(args)
    os.close(args.request_fd)  # the worker's EOF must reach the parent
    os.close(args.reply_fd)

    def on_term(*_):
        raise _Stop  # waitpid() is retried after a handler that returns (PEP 475)

    signal.signal(signal.SIGTERM, on_term)
    status = None
    try:
        while True:
            try:
                pid, st = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            if pid == worker:
                status = st
                break
    except _Stop:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _kill_descendants()
    if status is None:
        return 128 + signal.SIGTERM
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)



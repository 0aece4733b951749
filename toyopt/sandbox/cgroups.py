"""One control group per worker: memory (tmpfs pages included: the kernel charges
them to the writer's group, and its OOM killer then kills a process *of that
group*), process count and CPU share for all its processes together, their CPU
time (`Cgroup.cpu_seconds`), and a kill that leaves nothing behind.

:func:`create` makes the group below this process's own (v2, or v1's ``memory``,
``pids``, ``cpu`` and ``freezer``, and ``cpuacct`` where it is a hierarchy of its own,
not mounted with ``cpu``), or says why it cannot: every report carries the reason.
The worker is born inside it (``launcher.JOIN_CGROUP``).
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from contextlib import suppress
from dataclasses import dataclass, field

ROOT = "/sys/fs/cgroup"
V1_CONTROLLERS = ("memory", "pids", "cpu", "freezer")
_counter = itertools.count()


@dataclass
class Cgroup:
    """A created group: ``version`` ``"v1"`` / ``"v2"``; ``dirs`` controller -> folder."""

    version: str
    dirs: dict = field(default_factory=dict)

    @property
    def join_files(self) -> list[str]:
        return [os.path.join(d, "cgroup.procs") for d in dict.fromkeys(self.dirs.values())]

    def pids(self) -> set[int]:
        found = set()
        for path in self.join_files:
            with suppress(OSError, ValueError):
                with open(path) as handle:
                    found.update(int(line) for line in handle if line.strip())
        return found

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by every process and thread of the group, read from the
        kernel (v2 ``cpu.stat`` ``usage_usec``, kept whether the cpu controller is
        enabled or not; v1 ``cpuacct.usage``, ns); None where the kernel keeps none."""
        if self.version == "v2":
            for line in (_read(os.path.join(self.dirs["cpu"], "cpu.stat")) or "").splitlines():
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) / 1e6
            return None
        usage = _read(os.path.join(self.dirs.get("cpuacct", self.dirs["cpu"]), "cpuacct.usage"))
        return int(usage) / 1e9 if usage else None

    def kill(self, timeout: float = 5.0) -> bool:
        """SIGKILL every process of the group (v2: ``cgroup.kill``, or freeze and kill
        each; v1: freeze, kill each, thaw); True once it is empty."""
        if self.version == "v2":
            folder = self.dirs["memory"]
            if not _write(os.path.join(folder, "cgroup.kill"), "1"):
                _write(os.path.join(folder, "cgroup.freeze"), "1")
                self._kill_members()
                _write(os.path.join(folder, "cgroup.freeze"), "0")
        else:
            freezer = self.dirs.get("freezer")
            frozen = freezer is not None and _write(os.path.join(freezer, "freezer.state"),
                                                    "FROZEN")
            if frozen:  # wait until no task can run (and fork) any more
                end = time.monotonic() + 1.0
                while _read(os.path.join(freezer, "freezer.state")) == "FREEZING" \
                        and time.monotonic() < end:
                    time.sleep(0.01)
            for _ in range(3):
                self._kill_members()
            if frozen:
                _write(os.path.join(freezer, "freezer.state"), "THAWED")
        end = time.monotonic() + timeout
        while self.pids():
            if time.monotonic() > end:
                return False
            self._kill_members()
            time.sleep(0.02)
        return True

    def _kill_members(self) -> None:
        for pid in self.pids():
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)

    def remove(self) -> None:
        """Kill what is left and delete the group's folders (best effort)."""
        self.kill()
        for folder in dict.fromkeys(self.dirs.values()):
            for _ in range(50):
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _read(path: str) -> str | None:
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return None


def _write(path: str, value: str) -> bool:
    try:
        with open(path, "w") as handle:
            handle.write(value)
        return True
    except OSError:
        return False


def _own_paths() -> dict[str, str]:
    """``controller -> path`` of this process's groups (``""`` for v2's single one)."""
    paths = {}
    with suppress(OSError, ValueError):
        with open("/proc/self/cgroup") as handle:
            for line in handle:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for name in controllers.split(",") if controllers else [""]:
                    paths[name] = path
    return paths


def detect() -> tuple[str | None, str]:
    """``("v2" | "v1" | None, why)`` for this machine."""
    if not os.path.isdir(ROOT):
        return None, f"{ROOT} is not mounted"
    if os.path.isfile(os.path.join(ROOT, "cgroup.controllers")):
        return "v2", "cgroup v2"
    missing = [c for c in V1_CONTROLLERS if not os.path.isfile(os.path.join(ROOT, c, "cgroup.procs"))]
    if not missing:
        return "v1", "cgroup v1"
    return None, "no cgroup v2 and no v1 " + ", ".join(missing) + " controller"


def _parents(version: str) -> dict[str, str]:
    """controller (``""`` on v2) -> the folder our groups are made in (see `create`)."""
    own = _own_paths()
    if version == "v2":
        return {"": os.path.join(ROOT, own.get("", "/").lstrip("/"))}
    controllers = list(V1_CONTROLLERS)
    accounting = os.path.join(ROOT, "cpuacct")
    if os.path.isfile(os.path.join(accounting, "cgroup.procs")) and \
            os.path.realpath(accounting) != os.path.realpath(os.path.join(ROOT, "cpu")):
        controllers.append("cpuacct")  # a hierarchy of its own (else cpu's folder holds cpuacct.usage)
    return {c: os.path.join(ROOT, c, own.get(c, "/").lstrip("/")) for c in controllers}


def sweep(owners) -> int:
    """Kill and remove the groups that the processes `owners` (pids) made next to
    ours and left behind (a pool process killed mid-grading); how many.  A group
    is known by its name, ``toyopt-<pid>-...`` (see `create`)."""
    version, _ = detect()
    prefixes = tuple(f"toyopt-{pid}-" for pid in owners)
    if version is None or not prefixes:
        return 0
    found: dict[str, dict] = {}
    for controller, parent in _parents(version).items():
        try:
            names = [n for n in os.listdir(parent) if n.startswith(prefixes)]
        except OSError:
            continue
        for name in names:
            folder = os.path.join(parent, name)
            if os.path.isdir(folder):
                found.setdefault(name, {})[controller] = folder
    for dirs in found.values():
        Cgroup(version, dict.fromkeys(V1_CONTROLLERS, dirs[""]) if version == "v2" else dirs).remove()
    return len(found)


def create(memory_bytes: int, max_pids: int, cpu_weight: int = 100):
    """``(Cgroup, "")`` with the limits set, or ``(None, why not)``."""
    version, why = detect()
    if version is None:
        return None, why
    parents = _parents(version)
    name = f"toyopt-{os.getpid()}-{next(_counter)}-{os.urandom(3).hex()}"  # `sweep` finds it by pid
    made: list[str] = []
    try:
        if version == "v2":
            parent = parents[""]
            enabled = (_read(os.path.join(parent, "cgroup.subtree_control")) or "").split()
            wanted = [c for c in ("memory", "pids", "cpu") if c not in enabled]
            if wanted and not _write(os.path.join(parent, "cgroup.subtree_control"),
                                     " ".join(f"+{c}" for c in wanted)):
                return None, (f"cgroup v2: cannot enable {', '.join(wanted)} in {parent} "
                              "(not delegated, or the group holds processes)")
            folder = os.path.join(parent, name)
            os.mkdir(folder)
            made.append(folder)
            group = Cgroup("v2", dict.fromkeys(V1_CONTROLLERS, folder))  # one folder for all
            settings = [("memory.max", str(memory_bytes)), ("pids.max", str(max_pids)),
                        ("cpu.weight", str(cpu_weight))]
            optional = [("memory.swap.max", "0"), ("memory.oom.group", "1")]
        else:
            dirs = {}
            for controller, parent in parents.items():
                folder = os.path.join(parent, name)
                os.mkdir(folder)
                made.append(folder)
                dirs[controller] = folder
            group = Cgroup("v1", dirs)
            settings = [("memory.limit_in_bytes", str(memory_bytes)),
                        ("pids.max", str(max_pids)),
                        # v1 weighs a group like ONE task of its parent: as many as
                        # there are cores, so a sandbox is not slowed by the host's load
                        ("cpu.shares", str(max(2, cpu_weight * 1024 // 100
                                               * (os.cpu_count() or 1))))]
            optional = [("memory.memsw.limit_in_bytes", str(memory_bytes)),
                        ("memory.swappiness", "0")]
        for file, value in settings:
            controller = file.split(".")[0]
            path = os.path.join(group.dirs[controller], file)
            if not _write(path, value):
                raise OSError(f"cannot write {path}")
        for file, value in optional:
            _write(os.path.join(group.dirs[file.split(".")[0]], file), value)
        return group, ""
    except Exception as exc:
        for folder in reversed(made):
            with suppress(OSError):
                os.rmdir(folder)
        return None, f"{version}: cannot create a group: {exc}"

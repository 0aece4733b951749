"""A seccomp filter that denies the calls one process uses to read or steer another.

:func:`program` returns a classic-BPF program (an array of ``struct sock_filter``,
8 bytes each) in the form bubblewrap's ``--seccomp FD`` reads and
``prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)`` installs (the fallback's
supervisor does that, see ``supervisor.confine``).  It returns ``EPERM`` for

* ``ptrace`` (attach to, read or write a process: the namespace's init included),
* ``process_vm_readv`` / ``process_vm_writev`` (read or write another process's memory),
* ``pidfd_getfd`` (steal another process's file descriptors),

and for every system call of a foreign ABI (32-bit ``int 0x80`` calls on x86-64,
x32 calls), whose numbers differ and would bypass the list.  Everything else is
allowed: the filter narrows what the rest of the sandbox already holds.

Why a few lines of Python rather than a library: the program is six to nine
instructions; libseccomp's Python bindings exist only as Debian's
``python3-seccomp`` (for the system interpreter, not a virtualenv's) or unofficial
PyPI builds, and ``pyseccomp`` loads the C library through ctypes anyway.  A
hand-written program has no dependency to install on the grading image and can be
read in full (the tests check that ptrace is refused inside the sandbox).
"""

from __future__ import annotations

import errno
import platform
import struct

from toyopt_check.inside.errors import ConfigurationError

# classic BPF opcodes (linux/filter.h) and seccomp return values (linux/seccomp.h)
_LD_W_ABS = 0x20      # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15         # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35         # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06         # BPF_RET | BPF_K
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
_NR, _ARCH = 0, 4     # offsets in struct seccomp_data
_X32_BIT = 0x40000000

#: machine -> (AUDIT_ARCH_*, {name: number}, whether x32 numbers must be refused)
ARCHES = {
    "x86_64": (0xC000003E, {"ptrace": 101, "process_vm_readv": 310,
                            "process_vm_writev": 311, "pidfd_getfd": 438}, True),
    "aarch64": (0xC00000B7, {"ptrace": 117, "process_vm_readv": 270,
                             "process_vm_writev": 271, "pidfd_getfd": 438}, False),
}
ARCHES["amd64"] = ARCHES["x86_64"]
ARCHES["arm64"] = ARCHES["aarch64"]
DENIED = ("ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd")


def supported(machine: str | None = None) -> bool:
    return (machine or platform.machine()).lower() in ARCHES


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine: str | None = None, denied=DENIED) -> bytes:
    """The filter for ``machine`` (default: this one) as bytes of ``sock_filter``."""
    machine = (machine or platform.machine()).lower()
    if machine not in ARCHES:
        raise ConfigurationError(f"no seccomp filter for the {machine} architecture")
    arch, numbers, x32 = ARCHES[machine]
    nrs = [numbers[name] for name in denied]
    deny = _insn(_RET_K, RET_ERRNO | errno.EPERM)
    # layout: [arch check][load nr][x32 check][one jeq per call] allow deny
    body = [_insn(_LD_W_ABS, _NR)]
    tests = ([(_JGE_K, _X32_BIT)] if x32 else []) + [(_JEQ_K, nr) for nr in nrs]
    for i, (code, k) in enumerate(tests):
        to_deny = len(tests) - i  # skip the remaining tests and the allow
        body.append(_insn(code, k, jt=to_deny, jf=0))
    body.append(_insn(_RET_K, RET_ALLOW))
    body.append(deny)
    head = [_insn(_LD_W_ABS, _ARCH),
            _insn(_JEQ_K, arch, jt=0, jf=len(body) - 1)]  # a foreign ABI goes to deny
    return b"".join(head + body)

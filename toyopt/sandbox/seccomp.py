"""A seccomp filter that denies the calls one process uses to read or steer another.

:func:`program` returns a classic-BPF program (``struct sock_filter`` entries, 8
bytes each) as bubblewrap's ``--seccomp FD`` reads it and the fallback's
supervisor installs it (``supervisor.confine``).  It returns ``EPERM`` for
``ptrace``, ``process_vm_readv`` / ``process_vm_writev`` (another process's memory),
``pidfd_getfd`` (its file descriptors), and every call of a foreign ABI (32-bit
``int 0x80`` and x32 on x86-64), whose numbers would bypass the list; everything
else is allowed.  Hand-written rather than libseccomp: its Python bindings exist
only for the system interpreter, and a program of nine or ten instructions can be
read in full with nothing to install on the grading image.
"""

from __future__ import annotations

import errno
import platform
import struct

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


def supported() -> bool:
    return platform.machine().lower() in ARCHES


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def program() -> bytes:
    """The filter for this machine (one that is `supported`) as bytes of ``sock_filter``."""
    arch, numbers, x32 = ARCHES[platform.machine().lower()]
    # layout: [arch check][load nr][x32 check][one jeq per call] allow deny
    body = [_insn(_LD_W_ABS, _NR)]
    tests = ([(_JGE_K, _X32_BIT)] if x32 else []) + [(_JEQ_K, nr) for nr in numbers.values()]
    for i, (code, k) in enumerate(tests):
        to_deny = len(tests) - i  # skip the remaining tests and the allow
        body.append(_insn(code, k, jt=to_deny, jf=0))
    body += [_insn(_RET_K, RET_ALLOW), _insn(_RET_K, RET_ERRNO | errno.EPERM)]
    head = [_insn(_LD_W_ABS, _ARCH),
            _insn(_JEQ_K, arch, jt=0, jf=len(body) - 1)]  # a foreign ABI goes to deny
    return b"".join(head + body)

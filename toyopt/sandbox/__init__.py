"""The trust boundary: student code runs only in a worker process; the trusted
process receives plain data.

Layout (one job per module):

* ``submission`` -- trusted: copy a folder / zip / notebook into a fresh scratch dir.
* ``launcher``   -- trusted: start ``worker.py`` inside bubblewrap, or a subprocess.
* ``client``     -- trusted: :class:`Worker` calls probes, kills the process tree,
  turns every fault into a typed error.
* ``protocol``   -- both sides: length-prefixed JSON frames, arrays as ``.npy``
  loaded with ``allow_pickle=False``; never unpickles.
* ``worker``     -- untrusted side: loads the probe module and the student's
  functions, runs one probe per request.
* ``supervisor`` -- untrusted side, fallback only: rlimits, and a subreaper that
  kills every descendant of the worker at the end.

Threat model
------------
The student is assumed hostile and knows this code.  Inside the worker they can
do anything a Python process can, including forging replies on the protocol
pipe (its fd number is on the command line): so replies are *data to check*,
never verdicts.  The trusted side validates every frame (size, array count,
plain dtypes, header-vs-payload length), and a forged or malformed frame is a
:class:`ProtocolError` that stops the worker.  Verdicts must be computed in the
trusted process from inputs it chose (that is the grading layer's job).

What holds **with bubblewrap** (Linux, ``bwrap`` works; checked once per process):

* the student cannot read ``toyopt``, ``toyopt_ref`` (wherever installed,
  editable installs included), ``/work``, ``/home``, ``/root`` (except the Python
  prefix, bound back read-only), the caller's cwd or ``hide`` folders;
* the only writable host folder is the private scratch copy; the rest of ``/``
  is read-only, ``/tmp`` is a size-capped tmpfs;
* no network (own network namespace: even loopback connections fail);
* own PID namespace: killing the worker kills everything it forked, daemons
  that ``setsid`` included; the sandbox dies with its parent;
* no capabilities, minimal environment, rlimits (address space, CPU seconds,
  file size, no core dumps).

What holds **without bubblewrap** (fallback, with a :class:`SandboxWarning`):
the rlimits, the minimal environment, the typed faults and bounded output; on
Linux a subreaper kills every descendant at close (unless the student first
kills the subreaper, a process of the same user).  The student CAN read and
write the user's files and use the network: use it only for trusted code.

Known limits: ``RLIMIT_NPROC`` is per uid and not enforced for root (the PID
namespace or the subreaper clean up instead, so a fork swarm lives until the
call ends); the scratch folder's total size is not capped (each file is);
CPU time is per process; a Worker must be used from one long-lived thread
(``--die-with-parent`` follows the starting thread).
"""

from .client import (EXERCISE_MODULES, CapturedOutput, ProbeFailed, SandboxBroken, Worker,
                     WorkerCrashed, WorkerError, WorkerTimeout)
from .launcher import Limits, SandboxWarning, bwrap_works
from .protocol import ProtocolError
from .submission import Submission, materialise

__all__ = ["EXERCISE_MODULES", "CapturedOutput", "Limits", "ProbeFailed", "ProtocolError",
           "SandboxBroken", "SandboxWarning", "Submission", "Worker", "WorkerCrashed", "WorkerError",
           "WorkerTimeout", "bwrap_works", "materialise"]

"""The trust boundary: student code runs only in a worker process; the trusted
process receives plain data.

Trusted side, here: ``submission`` (copy a folder / zip / notebook into a fresh
scratch dir), ``launcher`` (start the worker in bubblewrap or the fallback),
``paths`` (what of ``sys.path`` the worker sees), ``client`` (:class:`Worker`:
calls probes, kills the process tree, types every fault), ``cgroups`` and
``seccomp``.  The untrusted side (``protocol``, ``worker``, ``supervisor``, the
probes) lives in ``toyopt_check/inside/``, which imports nothing from here.

Threat model
------------
**What a student's process may reach, on every route** (``toyopt grade`` under
bubblewrap or in the fallback, the Gradescope bundle, ``nbgrader autograde``):
it may read its submission, its scratch folder, the student runtime
(``toyopt_check``), the third-party libraries and the system's files, and write
only its scratch folder (and temporary files, which die with the worker).  It
may never read the reference (``toyopt_ref``), the hidden checks, the oracles,
the grader's sources (``toyopt``), course files and gradebooks, other
submissions, the instructor's checkout or results files.  Where a route cannot
make this hold, grading refuses; it never grades with less.

The student is assumed hostile and to know this code.  In the worker they can do
anything a Python process can, including forging replies on the protocol pipe
(its fd number is on the command line): replies are *data to check*, never
verdicts.  The trusted side validates every frame (size, array count, plain
dtypes, header-vs-payload length); a bad frame is a :class:`ProtocolError` that
stops the worker.  Verdicts are computed in the trusted process from inputs it
chose (the grading layer's job).

**With bubblewrap** (Linux, ``bwrap`` works; checked once per process):

* ``/`` is an allowlist (``launcher.SANDBOX_ROOT``: ``/usr``, ``/etc``, the
  ``/lib`` and ``/bin`` folders, ``/sys``), read-only: a course folder in
  ``/srv``, ``/opt``, ``/work``, ``/home`` or ``/root`` is absent, not merely
  hidden (``tests/routes/test_conformance_bwrap.py`` walks every readable file);
* ``toyopt``, ``toyopt_ref`` (wherever installed, editable installs included),
  the caller's cwd and ``hide`` folders are out of reach;
* no host folder is writable: the submission is bound read-only and the worker
  copies it into its scratch folder, a tmpfs of ``Limits.scratch_bytes`` (256
  MiB) counted in its memory cgroup; a write past it fails with ENOSPC in that
  probe only, and every worker (a restart too) starts from the submission again;
  ``/tmp`` is a size-capped tmpfs;
* the interpreter's prefixes, the user site and the folders ``.pth`` files add
  are bound back read-only (``paths.path_view``), never ``toyopt`` /
  ``toyopt_ref``: emptied inside an installed-packages folder; a folder holding
  them otherwise (a checkout), the caller's cwd or a results folder is not
  shown, and a library the worker needs that lies only there stops grading with
  one line naming the folder;
* NVIDIA device nodes (``/dev/nvidia*``) are passed in and, where a cgroup
  bounds memory, the address-space rlimit is lifted (CUDA maps tens of GiB);
  whether the CUDA checks run is what the worker's canary measured before any
  student code, not what the trusted process sees;
* no network (own network namespace, loopback included); own PID namespace:
  killing the worker kills everything it forked, ``setsid`` daemons included,
  and the sandbox dies with its parent;
* no capabilities, a minimal environment, rlimits (address space, CPU seconds,
  file size, no core dumps); ``/dev`` read-only, ``/dev/shm`` a 16 MiB tmpfs;
* a root caller's worker runs as its own uid (one per worker, no groups), a
  real unprivileged uid on the host (no user namespace is made for root).

**In both modes**, where the kernel offers it (each report says which):

* a cgroup per worker (v2, or the v1 memory/pids/cpu/freezer controllers):
  memory of all its processes, tmpfs pages included, a process limit and a CPU
  share; close() kills the whole group (v2 ``cgroup.kill``; v1 freeze, SIGKILL,
  thaw), then every process of the worker's uid: nothing survives it;
* seccomp: ``ptrace``, ``process_vm_readv/writev``, ``pidfd_getfd`` and foreign
  ABIs fail with EPERM (bwrap ``--seccomp``; the fallback installs it itself);
* a canary in the grading worker's first reply, measured before any student
  code (uid, seccomp mode, which instructor folders it can list and which of
  their files it can open, libraries importable); a hole or a worker that
  cannot start is :class:`SandboxBroken`: no grade is written.

**Without bubblewrap** (the fallback, with a :class:`SandboxWarning`; ``toyopt
grade`` uses it only with ``--allow-fallback``, the Gradescope bundle always):
the rlimits, the minimal environment, the typed faults and bounded output; on
Linux a root-owned subreaper kills every descendant at close.  Each worker's
scratch folder is a fresh copy of the submission, and the subreaper measures
its size (and, for a root caller, the sandbox uid's files in ``/tmp``,
``/var/tmp`` and ``/dev/shm``, removed at close) every 0.1 s: past
``Limits.scratch_bytes`` it stops the worker, costing the exercise running
then.  It is a watch, not a wall: a burst may pass the cap by what can be
written in 0.1 s (each file at most ``RLIMIT_FSIZE``), files deleted while open
are not seen, other world-writable folders are not watched.  As **root**
(``fallback-uid``, e.g. a Gradescope container where namespaces cannot be made)
student code runs as its own uid and the host's file modes are the only wall:
toyopt changes the mode of no folder it did not create.  The scratch copy is
the uid's own, the submission only readable (group); if the uid cannot reach
the interpreter, the worker's code or the submission, the launcher refuses
(:class:`SandboxBroken`, naming the folder).  The canary then tries to list the
instructor's folders (``toyopt``/``toyopt_ref``, the cwd, the results folder,
``hide``) and open some of their files: one that opens is
:class:`SandboxBroken`, and nothing is graded (the Gradescope bundle keeps its
instructor side in a root-only ``/opt/toyopt-grader``, 0700).  The uid CAN read
every other world-readable file and use the network.  Not as root (``plain``):
the student CAN read and write the user's files and use the network: use it
only for trusted code.

The wire (``toyopt_check.inside.protocol``, ``toyopt_check.inside.replies``): a reply
frame is refused at its header over 8 MiB, and before parsing when it holds over
50,000 JSON values; after parsing, depth (32), string length (4 MiB: a picture
of a notebook cell), Unicode and the number of arrays (256) are bounded, and
every probe's reply is held to its schema (keys, types, array kinds, an element
budget from the call's arguments).  Anything else is a failed probe, never a
grader crash.

Measurements (issue 10): no verdict rests on a fact measured where student code
runs.  Vectorisation is judged from the submitted source's syntax tree (parsed
in the trusted process) and from call timings taken outside the worker; train
and eval mode, autograd during evaluation and the number of updates show in the
outputs of a network the grader builds, compared against a replay in the
trusted process; figures come back rendered (a PNG decoded in the trusted
process, size first), and every point must show in its colour where the axes
put it.  What a student could still forge, each at least as hard as solving:

* ``spiral_2d.vectorised``: the source text arrives through a probe; a loop
  hidden from the parser (another module, ``getattr``) that still costs under
  5x NumPy's work at sizes drawn at grading and returns the exact spiral would
  pass (the measured ratios of such loops are in the docstring of
  ``toyopt_check/checks/spiral_2d.py``);
* ``spiral_2d.bad_input``, ``epoch_loop.returns``, ``circular_mse.dtype_device``:
  exception class names, types, dtypes and devices are reported by the probe;
  faking the report means returning (or raising) the right thing anyway;
* ``plot_datasets.points_once`` (a point drawn twice looks the same in pixels),
  ``titles_in_order``, ``legend``, ``suptitle`` (pixels prove text is drawn in
  its box, the summary says what it reads);
* ``epoch_loop.eval_no_side_effects`` and ``circular_mse.gradients`` read
  ``.grad`` in the student's process (forging needs the right gradients, and
  the finite differences of the student's own values must agree);
* the epoch_loop probe network has no switches: its forward pass reads only
  ``self.training`` and whether autograd records; code that replaces it must
  compute the right values on inputs drawn at grading;
* the visible checks' expected values ship in the kit (``expectations.json``)
  for its fixed inputs; at grading the same checks also run on inputs drawn from
  the grading seed (the instructor's secret and the submission's hash) against
  the live oracle, so a table of the kit's values earns only what it computed.

Nothing is left behind: every worker, code folder, scratch copy and cgroup a
process makes is registered (``launcher.release_all`` removes them at exit);
``toyopt grade`` turns SIGTERM into KeyboardInterrupt, and a bulk grading's pool
processes, stopped with SIGTERM, release theirs before they exit; one killed
outright has its temporary folders in the run's folder (removed) and its
cgroups swept by pid (``cgroups.sweep``).  Only a SIGKILL of the grader itself
leaves its cgroups and folders (its sandboxes die with it).

Known limits: ``RLIMIT_NPROC`` is per uid and not enforced for root (a root
caller's worker has its own uid, and the cgroup's pids limit holds anyway);
without a cgroup, memory is bounded per process only; the fallback's scratch
cap is a watch; CPU time is per process; a Worker must be used from one
long-lived thread (``--die-with-parent`` follows the starting thread).
"""

from .client import CapturedOutput, Worker, WorkerCrashed, WorkerError, WorkerTimeout
from .launcher import Limits, SandboxBroken, SandboxWarning, bwrap_works
from .submission import materialise

__all__ = ["CapturedOutput", "Limits", "SandboxBroken", "SandboxWarning", "Worker", "WorkerCrashed",
           "WorkerError", "WorkerTimeout", "bwrap_works", "materialise"]

"""Run a notebook's code cells as a Jupyter kernel would, inside the sandbox: for a
notebook sent in ``"execute"`` mode (the nbgrader route), in an in-process IPython
``InteractiveShell`` (magics such as ``%matplotlib inline``, ``display()``, the value
of a cell's last line).

Each cell's outputs are recorded as plain nbformat v4 output dicts (``stream``,
``display_data``, ``execute_result``, ``error``), in the order they happened, capped
in size here (a courtesy: the trusted side validates and caps them again, since the
student's code can forge anything in this process). A cell runs at most
``cell_timeout`` seconds (a ``SIGALRM`` interrupts it; the grader's own deadline on
the whole run stops a cell that blocks the alarm).
"""

from __future__ import annotations

import base64
import io
import os
import signal
import sys
import types

#: MIME types kept from displays: text and pictures (no HTML or JavaScript,
#: which would run in the feedback page)
MIME_TYPES = ("text/plain", "image/png", "image/jpeg")
MAX_CELL_CHARS = 100_000      #: text kept per cell (streams and errors together)
MAX_IMAGE_CHARS = 4 * 2**20   #: one picture, base64
MAX_TOTAL_CHARS = 16 * 2**20  #: the whole notebook
MAX_OUTPUTS = 64              #: outputs per cell


class CellTimeout(BaseException):
    """A cell ran past its time limit (a BaseException: `except Exception` in
    the student's code does not swallow it)."""


class _Recorder:
    """The outputs of one cell, bounded."""

    def __init__(self, budget: list):
        self.outputs: list[dict] = []
        self.text_chars = 0
        self.budget = budget  # [chars left for the notebook], shared
        self.truncated = False

    def _room(self, size: int, cap: int) -> bool:
        if len(self.outputs) >= MAX_OUTPUTS or size > cap or size > self.budget[0]:
            self.truncated = True
            return False
        self.budget[0] -= size
        return True

    def stream(self, name: str, text: str) -> None:
        room = min(MAX_CELL_CHARS - self.text_chars, self.budget[0])  # never negative
        if len(text) > room:
            text, self.truncated = text[:room], True
        if not text:
            return
        self.text_chars += len(text)
        self.budget[0] -= len(text)
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        elif len(self.outputs) < MAX_OUTPUTS:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})
        else:
            self.truncated = True

    def data(self, kind: str, data, count=None) -> None:
        if not isinstance(data, dict):
            return
        kept = {}
        for mime in MIME_TYPES:
            value = data.get(mime)
            if isinstance(value, bytes):  # some formatters give raw PNG bytes
                value = base64.b64encode(value).decode("ascii")
            if isinstance(value, str):
                kept[mime] = value
        size = sum(len(v) for v in kept.values())
        if not kept or not self._room(size, MAX_IMAGE_CHARS + MAX_CELL_CHARS):
            return
        output = {"output_type": kind, "data": kept, "metadata": {}}
        if kind == "execute_result":
            output["execution_count"] = count
        self.outputs.append(output)

    def error(self, exc: BaseException, frames: list[str]) -> None:
        try:
            ename = type(exc).__name__
            evalue = str(exc)
        except Exception:
            ename, evalue = "Exception", "<message could not be printed>"
        evalue = evalue[:2000]
        lines = [f"  {f}" for f in frames] + [f"{ename}: {evalue}"]
        size = sum(len(x) for x in lines)
        if self._room(size, MAX_CELL_CHARS):
            self.outputs.append({"output_type": "error", "ename": ename, "evalue": evalue, "traceback": lines})


class _Stream(io.TextIOBase):
    def __init__(self, state, name: str):
        self._state, self._name = state, name

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        self._state.current.stream(self._name, text)
        return len(text)


def _make_shell(state, student_frames):
    from IPython.core.compilerop import CachingCompiler
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            state.current.data("execute_result", format_dict, self.shell.execution_count)

    class Publisher(DisplayPublisher):
        def publish(self, data, *args, **kwargs):
            state.current.data("display_data", data)

        def clear_output(self, wait=False):
            pass

    class Compiler(CachingCompiler):
        def get_code_name(self, raw_code, transformed_code, number):
            return f"<cell {state.index}>"  # the sandbox's name for student frames

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):
            pass  # ``%matplotlib inline`` needs no event loop

        def showtraceback(self, exc_tuple=None, *args, **kwargs):
            exc = (exc_tuple or sys.exc_info())[1]
            if exc is not None:
                state.current.error(exc, student_frames(exc))

        def showsyntaxerror(self, *args, **kwargs):
            self.showtraceback()

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "NoColor"
    return Shell.instance(config=config, displayhook_class=Hook, display_pub_class=Publisher, compiler_class=Compiler)


def run_cells(cells: list, scratch: str, cell_timeout: float, student_frames):
    """Run `cells` (``[{"index", "source"}]``) in one IPython namespace; return
    ``(namespace, [{"index", "execution_count", "outputs", "truncated"}])``."""
    os.environ.setdefault("IPYTHONDIR", os.path.join(scratch, ".ipython"))
    os.environ.setdefault("MPLBACKEND", "agg")
    budget = [MAX_TOTAL_CHARS]
    state = types.SimpleNamespace(index=0, current=_Recorder(budget))  # the cell running now
    shell = _make_shell(state, student_frames)

    def on_alarm(signum, frame):
        raise CellTimeout(f"this cell ran past its time limit of {cell_timeout:g} s")

    results = []
    out, err = _Stream(state, "stdout"), _Stream(state, "stderr")
    for count, cell in enumerate(cells, start=1):
        state.index, state.current = cell["index"], _Recorder(budget)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            signal.signal(signal.SIGALRM, on_alarm)  # again: a cell may have replaced it
            signal.setitimer(signal.ITIMER_REAL, cell_timeout)
            try:
                shell.run_cell(cell["source"], store_history=False, silent=False)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except CellTimeout as exc:  # raised outside IPython's own handler
            state.current.error(exc, [])
        finally:
            sys.stdout, sys.stderr = saved
        results.append({"index": cell["index"], "execution_count": count, "outputs": state.current.outputs,
                        "truncated": state.current.truncated})
    return shell.user_ns, results

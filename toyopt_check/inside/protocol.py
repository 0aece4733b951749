"""Framing of the messages that cross the sandbox boundary.

* A *frame* is an 8-byte big-endian length, then that many bytes of UTF-8 JSON holding
  one JSON object. NumPy arrays travel inside it as ``{"__ndarray__": "<base64 .npy>"}``,
  loaded with ``allow_pickle=False`` once their ``.npy`` header is checked: plain
  numeric, bool or string dtypes, and exactly the byte count the header promises (a
  lying header cannot make the reader allocate). Nothing is ever unpickled.
* Limits, checked before anything is built from the bytes: the announced length
  (``max_bytes``, 8 MiB by default: the largest grading reply is under 1 MiB), read
  exactly, so malformed bytes never hang the reader; an upper bound of the values the
  JSON holds, `MAX_VALUES`, so that parsing allocates a few times the frame at most;
  then, walked without recursion, the nesting depth (`MAX_DEPTH`), the strings
  (`MAX_STRING` characters, no lone surrogates) and at most ``max_arrays`` arrays.
  Anything else is a `ProtocolError`; decoding takes milliseconds whatever the content
  (``bench/bench_wire.py``). What each probe may send back is :mod:`.replies`' business.
* Reads and writes take an absolute ``deadline`` (``time.monotonic()``, or ``None``
  to block): past it, `FrameTimeout`; the other end closing its pipe, `FrameEOF`.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
import select
import struct
import time

import numpy as np

from .errors import SubmissionError as _Base  # toyopt's typed hierarchy starts here

HEADER = struct.Struct(">Q")
MAX_BYTES = 8 * 1024 * 1024
MAX_ARRAYS = 256
MAX_VALUES = 50_000
MAX_DEPTH = 32
#: one string: a notebook cell's picture travels base64-encoded (at most 4 MiB of it,
#: ``notebook_cells.MAX_IMAGE_CHARS``); the frame's 8 MiB and the value count bound the rest
MAX_STRING = 4 * 1024 * 1024
ARRAY_KEY = "__ndarray__"
#: dtype kinds allowed to cross: bool, signed/unsigned int, float, complex, str, bytes.
ALLOWED_KINDS = frozenset("biufcSU")


class ProtocolError(_Base):
    """Bytes from the other side are not a valid frame (or cannot be sent)."""


class FrameTimeout(ProtocolError):
    """The deadline passed before a whole frame was read or written."""


class FrameEOF(ProtocolError):
    """The other end closed its pipe (for the parent: the worker is gone)."""


def encode(message: dict, *, max_bytes: int = MAX_BYTES, max_arrays: int = MAX_ARRAYS) -> bytes:
    """Serialise ``message`` (a dict of JSON values and ndarrays) into one frame."""
    counter = [0]
    plain = _to_plain(message, counter, max_arrays, "message", 0)
    try:
        body = json.dumps(plain, allow_nan=True, separators=(",", ":")).encode("utf-8")
    except ValueError as exc:  # an int of more digits than Python prints
        raise ProtocolError(f"message cannot be written as JSON: {exc}") from exc
    if len(body) > max_bytes:
        raise ProtocolError(f"message of {len(body)} bytes exceeds the limit of {max_bytes} bytes")
    _count_values(body)  # what the reader will refuse, refused here
    return HEADER.pack(len(body)) + body


def _to_plain(value, counter, max_arrays, where, depth):
    if depth > MAX_DEPTH:
        raise ProtocolError(f"{where} is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise ProtocolError(f"{where} is a string of {len(value)} characters (limit {MAX_STRING})")
    if value is None or isinstance(value, (bool, str)) or type(value) in (int, float):
        return value
    if isinstance(value, np.generic):
        if value.dtype.kind in "biuf":
            return value.item()
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        counter[0] += 1
        if counter[0] > max_arrays:
            raise ProtocolError(f"message holds more than {max_arrays} arrays")
        return {ARRAY_KEY: _array_to_b64(value, where)}
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise ProtocolError(f"{where} has a non-string key {key!r:.60}")
            if key == ARRAY_KEY:
                raise ProtocolError(f"{where} uses the reserved key {ARRAY_KEY!r}")
            out[key] = _to_plain(item, counter, max_arrays, f"{where}[{key!r}]", depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [_to_plain(v, counter, max_arrays, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    raise ProtocolError(f"{where} is a {type(value).__name__}, which cannot cross the "
                        "sandbox boundary (only JSON values and NumPy arrays can)")


def _array_to_b64(array: np.ndarray, where: str) -> str:
    # A base-class copy: subclasses, views and memory maps become a plain array.
    plain = np.array(array, copy=True, subok=False)
    if plain.dtype.kind not in ALLOWED_KINDS or plain.dtype.hasobject or plain.dtype.names:
        raise ProtocolError(f"{where} has dtype {plain.dtype}, which cannot cross the sandbox "
                            "boundary (numeric, bool and string arrays only)")
    buffer = io.BytesIO()
    np.save(buffer, plain, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def decode(body: bytes, *, max_arrays: int = MAX_ARRAYS) -> dict:
    """Parse a frame's body (without its length header) into a dict, within the
    bounds of the module docstring (checked before the JSON is parsed)."""
    _count_values(body)
    counter = [0]

    def hook(obj):
        if ARRAY_KEY in obj:
            if len(obj) != 1 or not isinstance(obj[ARRAY_KEY], str):
                raise ProtocolError("malformed array entry")
            counter[0] += 1
            if counter[0] > max_arrays:
                raise ProtocolError(f"message holds more than {max_arrays} arrays")
            return _b64_to_array(obj[ARRAY_KEY])
        return obj

    try:
        message = json.loads(body.decode("utf-8"), object_hook=hook)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"frame is not valid JSON: {type(exc).__name__}: {exc}"[:300]) from exc
    if not isinstance(message, dict):
        raise ProtocolError(f"frame holds a {type(message).__name__}, not a JSON object")
    _check_shape(message)
    return message


def _count_values(body: bytes) -> None:
    """Refuse a body that may hold more than `MAX_VALUES` JSON values: each but the first
    follows a ``,`` ``:`` ``[`` or ``{``, counted in C over the raw bytes (an upper bound:
    separators inside strings count too; base64 arrays hold none)."""
    count = 1 + sum(body.count(sep) for sep in (b",", b":", b"[", b"{"))
    if count > MAX_VALUES:
        raise ProtocolError(f"frame may hold {count} JSON values, over the limit of {MAX_VALUES}")


def _check_shape(message: dict) -> None:
    """Nesting depth and strings of a parsed message, walked without recursion."""
    stack = [(message, 0)]  # depths as in encode: the message is level 0
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise ProtocolError(f"frame holds a string of {len(value)} characters (limit {MAX_STRING})")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ProtocolError("frame holds a string that is not valid Unicode (a lone surrogate)") from None
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise ProtocolError(f"frame is nested deeper than {MAX_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    stack.append((key, depth))
                stack.append((item, depth + 1))


def _b64_to_array(text: str) -> np.ndarray:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise ProtocolError(f"array is not valid base64: {exc}") from exc
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ProtocolError(f"unsupported .npy version {version}")
    except (ValueError, TypeError, SyntaxError, OverflowError) as exc:
        raise ProtocolError(f"array has a malformed .npy header: {exc}"[:300]) from exc
    if dtype.hasobject or dtype.kind not in ALLOWED_KINDS or dtype.names:
        raise ProtocolError(f"array of dtype {dtype} refused (numeric, bool and string only)")
    expected = math.prod(shape) * dtype.itemsize
    if expected != len(raw) - stream.tell():
        raise ProtocolError(f"array header promises {expected} bytes of data, {len(raw) - stream.tell()} are there")
    stream.seek(0)
    try:
        return np.load(stream, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ProtocolError(f"array cannot be loaded: {exc}"[:300]) from exc


def _wait(fd: int, event: int, deadline) -> None:
    """Block until ``fd`` is ready for ``event`` (poll, so any fd number works)."""
    poller = select.poll()
    poller.register(fd, event)
    while True:
        timeout_ms = -1
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise FrameTimeout("deadline passed")
            timeout_ms = max(1, int(left * 1000) + 1)
        if poller.poll(timeout_ms):
            return  # readable, writable, or hung up: the read/write says which


def _read_exact(fd: int, n: int, deadline) -> bytes:
    chunks, got = [], 0
    while got < n:
        _wait(fd, select.POLLIN, deadline)
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise FrameEOF(f"pipe closed after {got} of {n} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None, *, max_bytes: int = MAX_BYTES,
               max_arrays: int = MAX_ARRAYS) -> dict:
    """Read and decode one frame from ``fd`` (see the module docstring)."""
    (length,) = HEADER.unpack(_read_exact(fd, HEADER.size, deadline))
    if length > max_bytes:
        raise ProtocolError(f"frame announces {length} bytes, over the limit of {max_bytes}")
    return decode(_read_exact(fd, length, deadline), max_arrays=max_arrays)


def write_frame(fd: int, message: dict, deadline: float | None = None) -> None:
    """Encode ``message`` and write it whole to ``fd`` before ``deadline``."""
    data = memoryview(encode(message))
    was_blocking = os.get_blocking(fd)
    os.set_blocking(fd, False)  # a partial write must never block past the deadline
    try:
        while data:
            _wait(fd, select.POLLOUT, deadline)
            try:
                written = os.write(fd, data[: 1 << 16])
            except BlockingIOError:
                continue
            except BrokenPipeError as exc:
                raise FrameEOF("pipe closed by the reader") from exc
            data = data[written:]
    finally:
        os.set_blocking(fd, was_blocking)

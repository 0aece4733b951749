# Attack: spiral_2d writes a forged reply frame ({{KIND}}) straight onto the
# worker's reply pipe (its fd number is on the command line), with the id of
# the request being served (found on the worker's stack), then ends the worker
# so that nothing else answers.  The grader must refuse or bound every kind,
# keep its own memory small, and cost the submission only spiral_2d.
import base64 as _b64
import io as _io
import json as _json
import os as _os
import struct as _struct
import sys as _sys

import numpy as _np


def _reply_fd():
    args = open("/proc/self/cmdline", "rb").read().split(b"\0")
    return int(args[args.index(b"--reply-fd") + 1])


def _request_id():
    frame = _sys._getframe()
    while frame is not None:
        request = frame.f_locals.get("request")
        if isinstance(request, dict) and "id" in request:
            return request["id"]
        frame = frame.f_back
    return 1


def _npy(array, shape=None):
    buffer = _io.BytesIO()
    _np.save(buffer, array)
    raw = buffer.getvalue()
    if shape is not None:  # a header that lies about the data behind it
        end = raw.index(b"\n") + 1
        header = raw[:end].replace(repr(array.shape).encode(), repr(shape).encode())
        raw = header[:end - 1].ljust(end - 1) + b"\n" + raw[end:] if len(header) <= end \
            else header + raw[end:]
    return {"__ndarray__": _b64.b64encode(raw).decode()}


def _spiral(points, labels, **extra):
    reply = {"returned_type": "tuple", "length": 2, "points_type": "numpy.ndarray",
             "points_is_ndarray": True, "points_dtype": "float64",
             "points_shape": [len(points), 2], "points": _npy(points),
             "labels_type": "numpy.ndarray", "labels_is_ndarray": True, "labels_dtype": "int64",
             "labels_shape": [len(labels)], "labels": _npy(labels)}
    reply.update(extra)
    return reply


def _body(kind, rid):
    head = b'{"id":%d,"ok":true,"result":' % rid
    size = 60 * 2**20 if kind == "announce_huge" else 8 * 2**20 - 64
    if kind in ("announce_huge", "value_flood"):
        return head + b'{"points":[' + b"0," * ((size - len(head)) // 2 - 20) + b"0]}}"
    if kind == "deep":
        depth = (size - len(head)) // 2 - 10
        return head + b"[" * depth + b"]" * depth + b"}"
    if kind == "lying_npy":
        result = _spiral(_np.zeros((2, 2)), _np.zeros(2, dtype=_np.int64))
        result["points"] = _npy(_np.zeros((2, 2)), shape=(10**9, 2))
    elif kind == "many_arrays":
        result = _spiral(_np.zeros((2, 2)), _np.zeros(2, dtype=_np.int64),
                         extra=[_npy(_np.zeros(1)) for _ in range(20_000)])
    elif kind == "big_points":  # 2.4 MB on the wire: once cost 3.9 GB of figures
        result = _spiral(_np.random.rand(150_000, 2), _np.zeros(150_000, dtype=_np.int64))
    elif kind == "wrong_types":
        result = _spiral(_np.zeros((2, 2)), _np.zeros(2, dtype=_np.int64),
                         points_shape="(400, 2)", length=[1] * 1000)
    elif kind == "surrogate":
        return head + b'{"returned_type":"\\udcff"}}'
    else:
        raise ValueError(kind)
    return head + _json.dumps(result).encode() + b"}"


def spiral_2d(num_points):
    body = _body("{{KIND}}", _request_id())
    length = 64 * 2**20 if "{{KIND}}" == "announce_huge" else len(body)
    fd = _reply_fd()
    _os.set_blocking(fd, True)
    try:
        _os.write(fd, _struct.pack(">Q", length))
        view = memoryview(body)
        while view:
            view = view[_os.write(fd, view[: 1 << 16]):]
    except OSError:
        pass
    _os._exit(0)

"""Frames: round trips, and hostile bytes rejected with ProtocolError, never unpickled."""

import base64
import io
import json
import os
import pickle
import struct
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from toyopt_check.inside import protocol
from toyopt_check.inside.errors import SubmissionError
from toyopt_check.inside.protocol import FrameEOF, FrameTimeout, ProtocolError


def frame(body: bytes) -> bytes:
    return struct.pack(">Q", len(body)) + body


def npy(array, allow_pickle=False) -> str:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return base64.b64encode(buf.getvalue()).decode()


def roundtrip(message, **kwargs):
    data = protocol.encode(message, **kwargs)
    return protocol.decode(data[8:], **{k: v for k, v in kwargs.items() if k == "max_arrays"})


def test_protocol_error_is_a_submission_error():
    assert issubclass(ProtocolError, SubmissionError)


@settings(derandomize=True, deadline=None, database=None, max_examples=60)
@given(hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.bool_, np.uint8,
                                   np.complex128]),
                  hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
def test_arrays_roundtrip_bit_for_bit(array):
    out = roundtrip({"a": array, "nested": [{"b": array}]})
    for got in (out["a"], out["nested"][0]["b"]):
        assert type(got) is np.ndarray and got.dtype == array.dtype and got.shape == array.shape
        assert got.tobytes() == array.tobytes()


def test_json_values_and_numpy_scalars_roundtrip():
    msg = {"s": "é", "i": 3, "f": 0.5, "n": None, "t": (1, 2), "np": np.float32(1.5),
           "nan": float("nan")}
    out = roundtrip(msg)
    assert out["t"] == [1, 2] and out["np"] == 1.5 and out["s"] == "é" and np.isnan(out["nan"])


@pytest.mark.parametrize("bad", [
    {"x": np.array([object()], dtype=object)},
    {"x": b"bytes"},
    {"x": {1: "non-string key"}},
    {"__ndarray__": "reserved"},
    {"x": object()},
])
def test_encoding_refuses_what_cannot_cross(bad):
    with pytest.raises(ProtocolError):
        protocol.encode(bad)


def test_encoding_refuses_too_large_and_too_many():
    with pytest.raises(ProtocolError, match="exceeds the limit"):
        protocol.encode({"x": np.zeros(1000)}, max_bytes=1000)
    with pytest.raises(ProtocolError, match="more than 2 arrays"):
        protocol.encode({"x": [np.zeros(1)] * 3}, max_arrays=2)


@pytest.mark.parametrize("body", [
    pickle.dumps({"ok": True}),
    b"\xff\xfe not utf-8",
    b"[1, 2]",
    b"{" * 100000,
    json.dumps({"v": {"__ndarray__": npy(np.array([{"a": 1}], dtype=object), True)}}).encode(),
    json.dumps({"v": {"__ndarray__": "!!! not base64"}}).encode(),
    json.dumps({"v": {"__ndarray__": base64.b64encode(pickle.dumps([1])).decode()}}).encode(),
    json.dumps({"v": {"__ndarray__": npy(np.zeros(3)), "extra": 1}}).encode(),
    json.dumps({"v": [{"__ndarray__": npy(np.zeros(1))}] * 5}).encode(),
], ids=["pickle", "not-utf8", "not-object", "deep", "object-npy", "not-base64", "pickle-npy",
        "extra-key", "too-many-arrays"])
def test_hostile_bodies_raise_protocol_error(body):
    with pytest.raises(ProtocolError):
        protocol.decode(body, max_arrays=4)


def test_lying_npy_header_cannot_make_the_reader_allocate():
    raw = base64.b64decode(npy(np.zeros(2)))
    header_end = raw.index(b"\n") + 1
    header = raw[:header_end].replace(b"(2,)", b"(10000000000,)")
    forged = base64.b64encode(header + raw[header_end:]).decode()
    with pytest.raises(ProtocolError, match="promises"):
        protocol.decode(json.dumps({"v": {"__ndarray__": forged}}).encode())


def test_announced_length_over_limit_is_refused_before_reading():
    r, w = os.pipe()
    try:
        os.write(w, struct.pack(">Q", 1 << 40))
        with pytest.raises(ProtocolError, match="over the limit"):
            protocol.read_frame(r, time.monotonic() + 1)
    finally:
        os.close(r), os.close(w)


def test_truncated_frame_times_out_instead_of_hanging():
    r, w = os.pipe()
    try:
        os.write(w, struct.pack(">Q", 100) + b"{")
        start = time.monotonic()
        with pytest.raises(FrameTimeout):
            protocol.read_frame(r, time.monotonic() + 0.3)
        assert time.monotonic() - start < 1.0
    finally:
        os.close(r), os.close(w)


def test_closed_pipe_is_eof():
    r, w = os.pipe()
    os.write(w, frame(b"{}")[:5])
    os.close(w)
    with pytest.raises(FrameEOF):
        protocol.read_frame(r, time.monotonic() + 1)
    os.close(r)


def test_write_to_a_full_pipe_respects_the_deadline():
    r, w = os.pipe()
    try:
        start = time.monotonic()
        with pytest.raises(FrameTimeout):  # nobody reads: 4 MB cannot fit a pipe
            protocol.write_frame(w, {"x": np.zeros(1 << 19)}, time.monotonic() + 0.3)
        assert time.monotonic() - start < 1.0
    finally:
        os.close(r), os.close(w)


def test_frames_cross_a_pipe():
    r, w = os.pipe()
    try:
        protocol.write_frame(w, {"id": 1, "x": np.arange(3)}, time.monotonic() + 1)
        out = protocol.read_frame(r, time.monotonic() + 1)
    finally:
        os.close(r), os.close(w)
    assert out["id"] == 1 and out["x"].tolist() == [0, 1, 2]


# Forged frames as large as the protocol lets through: each is refused before
# anything much is built from it, in well under a second and a few frames of memory.
FLOODS = {
    "value-flood": lambda n: b"[" + b"0," * (n // 2 - 1) + b"0]",
    "string-flood": lambda n: b"[" + b'"",' * (n // 3 - 1) + b'""]',
    "deep": lambda n: b"[" * (n // 2) + b"]" * (n // 2),
    "deep-in-budget": lambda n: b'{"a":' + b"[" * 40 + b"]" * 40 + b"}",
    "long-string": lambda n: b'{"a":"' + b"x" * (n - 10) + b'"}',
    "lone-surrogate": lambda n: b'{"a":"\\udcff"}',
    "huge-int": lambda n: b'{"a":' + b"9" * (n - 10) + b"}",
}


@pytest.mark.parametrize("kind", sorted(FLOODS))
def test_forged_floods_are_refused_quickly(kind):
    import tracemalloc

    body = FLOODS[kind](protocol.MAX_BYTES - 16)
    assert len(body) <= protocol.MAX_BYTES
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ProtocolError):
            protocol.decode(body)
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seconds < 2.0, seconds
    assert peak < 6 * protocol.MAX_BYTES, peak  # the decoded text and a copy, not 2 GB


def test_a_frame_of_escapes_decodes_quickly_within_a_few_frames():
    """8 MiB of ``\\u0041`` is a 1.4 M-character string: under `MAX_STRING` (a cell's
    picture travels as one), so it is accepted, in bounded time and memory."""
    import tracemalloc

    n = protocol.MAX_BYTES - 16
    body = b'{"a":"' + b"\\u0041" * ((n - 10) // 6) + b'"}'
    tracemalloc.start()
    start = time.perf_counter()
    try:
        value = protocol.decode(body)
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(value["a"]) == (n - 10) // 6
    assert seconds < 2.0, seconds
    assert peak < 6 * protocol.MAX_BYTES, peak


def test_decoding_a_full_frame_of_arrays_stays_within_a_few_frames():
    import tracemalloc

    message = {"a": [np.zeros(20_000) for _ in range(36)]}  # 5.8 MB of float64, 7.7 MB base64
    body = protocol.encode(message)[8:]
    assert len(body) > 0.9 * protocol.MAX_BYTES
    tracemalloc.start()
    try:
        out = protocol.decode(body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert all(a.shape == (20_000,) for a in out["a"])
    assert peak < 5 * protocol.MAX_BYTES, peak


def test_encoding_refuses_what_the_reader_would_refuse():
    with pytest.raises(ProtocolError, match="JSON values"):
        protocol.encode({"x": list(range(protocol.MAX_VALUES))})
    with pytest.raises(ProtocolError, match="characters"):
        protocol.encode({"x": "y" * (protocol.MAX_STRING + 1)})
    nested = []
    for _ in range(protocol.MAX_DEPTH + 1):
        nested = [nested]
    with pytest.raises(ProtocolError, match="deeper"):
        protocol.encode({"x": nested})
    deep_ok = []
    for _ in range(protocol.MAX_DEPTH - 2):
        deep_ok = [deep_ok]
    assert protocol.decode(protocol.encode({"x": deep_ok})[8:])["x"] == deep_ok

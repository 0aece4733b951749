"""Replies held to what each probe may return (`toyopt_check.inside.replies`), and
the wire's structural bounds, on the trusted side."""

from __future__ import annotations

import numpy as np
import pytest

from toyopt_check.checks.core import all_checks, run_checks
from toyopt_check.checks.target import InProcessTarget
from toyopt_check.inside import protocol
from toyopt_check.inside.probes import load_probes, load_replies
from toyopt_check.inside.replies import ReplyRejected, check_reply


class WireTarget:
    """The reference in this process, every reply sent through the wire
    (encode, decode with the protocol's bounds) and `check_reply`, as the
    sandboxed grader receives it."""

    def __init__(self):
        self.inner = InProcessTarget.reference()
        self.budget, self.used = self.inner.budget, self.inner.used
        self.largest: dict[str, int] = {}
        self.cpu_counts_all, self.cpu_seconds = self.inner.cpu_counts_all, self.inner.cpu_seconds

    def probe(self, name, **kwargs):
        out = self.inner.probe(name, **kwargs)
        frame = protocol.encode({"id": 1, "ok": True, "result": out})
        self.largest[name] = max(self.largest.get(name, 0), len(frame))
        result = protocol.decode(frame[protocol.HEADER.size:])["result"]
        return check_reply(name, kwargs, result)


def test_every_registered_probe_has_a_reply_schema():
    assert set(load_probes()) == set(load_replies()), set(load_probes()) ^ set(load_replies())


def test_reference_replies_fit_their_schemas_and_score_full_marks():
    target = WireTarget()
    results = run_checks(target, all_checks(), cuda_available=False)
    failed = [(r.id, r.message, r.staff_detail[-400:]) for r in results
              if r.status not in ("passed", "skipped")]
    assert not failed
    assert set(target.largest) == set(load_replies())  # every schema was exercised
    assert max(target.largest.values()) < protocol.MAX_BYTES // 8


def spiral_reply(points):
    return {"returned_type": "tuple", "length": 2, "points_type": "numpy.ndarray",
            "points_is_ndarray": True, "points_dtype": "float64",
            "points_shape": list(points.shape), "points": points,
            "labels_type": "numpy.ndarray", "labels_is_ndarray": True, "labels_dtype": "int64",
            "labels_shape": [len(points)], "labels": np.zeros(len(points), dtype=np.int64)}


def test_a_wrong_shape_within_budget_reaches_the_checks():
    reply = spiral_reply(np.zeros((400, 3)))
    assert check_reply("spiral_2d.call", {"num_points": 400, "seed": 0}, reply) is reply


@pytest.mark.parametrize("change, needle", [
    (lambda r: r.update(points=np.zeros((150_000, 2))), "at most"),
    (lambda r: r.update(points_shape="(400, 2)"), "points_shape"),
    (lambda r: r.update(extra=1), "unexpected key 'extra'"),
    (lambda r: r.update(points=np.array(["a"] * 400)), "fits none"),
    (lambda r: r.update(length=True), "length"),
    (lambda r: r.update(points={"a": 1}), "points"),
])
def test_replies_that_do_not_fit_are_rejected_with_where(change, needle):
    reply = spiral_reply(np.zeros((400, 2)))
    change(reply)
    with pytest.raises(ReplyRejected, match=needle):
        check_reply("spiral_2d.call", {"num_points": 400, "seed": 0}, reply)


def test_plot_summary_points_are_bounded_by_the_points_sent():
    axes = {"title": "", "title_left": "", "title_right": "", "aspect": "equal",
            "has_legend": False, "position": [0.1, 0.1, 0.8, 0.8],
            "points": np.zeros((1_000_000, 2)), "facecolors": np.zeros((1, 4)),
            "edgecolors": np.zeros((1, 4))}
    reply = {"returned_type": "Figure", "is_figure": True, "suptitle": "", "axes": [axes],
             "pyplot_figures_opened": 0}
    kwargs = {"datasets": [["a", np.zeros((24, 2)), np.zeros(24)]], "title": None}
    with pytest.raises(ReplyRejected, match="at most"):
        check_reply("plot_datasets.summary", kwargs, reply)

# Attack (issue 20.3): no training code at all. The kit's expectations.json
# ({{EXPECTATIONS}}: its "epoch_loop" entry, pasted) lists every scenario's
# batches, starting weights and, call by call, the results and the parameters
# after the call. This loop recognises a call by its batch and the model's
# current parameters, copies in the recorded parameters and returns the
# recorded results; anything else gets a plausible default. Genuine work: none.
import json as _json

_EXPECTED = _json.loads(r"""{{EXPECTATIONS}}""")


def _digest(points, flat_params, train):
    return (len(points), round(float(_np_lt.asarray(points, dtype=float).sum()), 5),
            round(float(sum(flat_params)), 3), bool(train))


import numpy as _np_lt  # noqa: E402  (appended to the stub, after its own code)

_TABLE = {}
for _scenarios in _EXPECTED.values():
    for _sc in _scenarios:
        _before = _sc["probe"]["weights"]
        for _call, _want in zip(_sc["probe"]["calls"], _sc["want"]):
            _flat = [float(v) for name in sorted(_before) for v in _np_lt.ravel(_before[name])]
            _TABLE[_digest(_call["points"], _flat, _call["train"])] = _want
            _before = _want["params"]


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points = _np_lt.asarray(db[0], dtype=float)
    params = dict(model.named_parameters())
    flat = [float(v) for name in sorted(params) for v in params[name].detach().cpu().reshape(-1)]
    want = _TABLE.get(_digest(points, flat, optimiser is not None))
    if want is None:
        return 50.0, 0.0, _np_lt.zeros(len(points), dtype=bool)
    with torch.no_grad():
        for name, param in params.items():
            param.copy_(torch.as_tensor(_np_lt.asarray(want["params"][name]), dtype=param.dtype))
    return float(want["acc"]), float(want["loss"]), _np_lt.asarray(want["labels"], dtype=bool)

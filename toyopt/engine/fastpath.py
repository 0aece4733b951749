"""Fast per-epoch steps for `toyopt.engine.lean.train` that keep the tutorial's numbers bit for bit.

Each shortcut is taken only when it cannot change the maths: `plain_sgd_lr` (one
``torch._foreach_add_`` instead of the optimiser), `Simple2DSteps` (the network's backward
replayed with autograd's own kernels) and `CriterionGrad`. docs/performance-train.md says what
each one does and why it gives the same bits.
"""

import torch
from torch import nn
from torch.autograd.variable import Variable
from torch.optim import optimizer as _optim_module

from toyopt_ref.model import Simple2DNetwork


def plain_sgd_lr(optimiser, params):
    """The learning rate if `optimiser` is a plain SGD over exactly `params`, else None.

    "Plain": type exactly `torch.optim.SGD`, one parameter group holding the
    same tensors as `params` (all requiring grad, no tensor hooks), a float
    learning rate, no momentum, dampening irrelevant, no weight decay,
    Nesterov, ``maximize``, ``differentiable`` or ``fused``, and no step hooks
    (instance or global) and no patched ``step``/``zero_grad``.
    """
    if (type(optimiser) is not torch.optim.SGD or "step" in vars(optimiser) or "zero_grad" in vars(optimiser)
            or optimiser._optimizer_step_pre_hooks or optimiser._optimizer_step_post_hooks
            or _optim_module._global_optimizer_pre_hooks or _optim_module._global_optimizer_post_hooks
            or len(optimiser.param_groups) != 1):
        return None
    group = optimiser.param_groups[0]
    lr, group_params = group["lr"], group["params"]
    if (group.get("momentum", 0) != 0 or group.get("weight_decay", 0) != 0 or group.get("nesterov")
            or group.get("maximize") or group.get("differentiable") or group.get("fused")
            or isinstance(lr, bool) or not isinstance(lr, (int, float))):
        return None
    if len(group_params) != len(params) or any(a is not b for a, b in zip(group_params, params)):
        return None
    if any(not p.requires_grad or p._backward_hooks or p._post_accumulate_grad_hooks for p in params):
        return None
    return float(lr)


def _module_hooks(module):
    return module._forward_hooks or module._forward_pre_hooks or module._backward_hooks or module._backward_pre_hooks


def _global_module_hooks():
    m = nn.modules.module
    return (m._global_forward_hooks or m._global_forward_pre_hooks or m._global_backward_hooks
            or m._global_backward_pre_hooks)


def simple2d_params(model, device):
    """``[w1, b1, w2, b2]`` if `model` qualifies for `Simple2DSteps`, else None."""
    if type(model) is not Simple2DNetwork or _global_module_hooks():
        return None
    l1, l2 = model.linear1, model.linear2
    if type(l1) is not nn.Linear or type(l2) is not nn.Linear or any(_module_hooks(m) for m in model.modules()):
        return None
    params = [l1.weight, l1.bias, l2.weight, l2.bias]
    # a bias set to None, or an extra parameter, changes the count
    model_params = list(model.parameters())
    if len(model_params) != 4 or any(a is not b for a, b in zip(model_params, params)):
        return None
    for p in params:
        if p.dtype != torch.float32 or p.device != device or not p.is_contiguous() or p.layout != torch.strided:
            return None
    if l1.weight.shape[1] != 2 or l2.weight.shape[0] != 1:
        return None
    return params


class Simple2DSteps:
    """Forward and backward of `Simple2DNetwork` with the calls autograd makes for
    ``addmm`` and ``relu`` (docs/performance-train.md lists them), so the same bits as
    ``loss.backward()``. The loss gradient reaches the network unsqueezed to ``(n, 1)``."""

    def __init__(self, model, params):
        w1, self.b1, self.w2, self.b2 = params
        self.relu = bool(model.nonlinearity)
        # Views of the parameters: they follow the in-place updates.
        self.w1t, self.w2t = w1.t(), self.w2.t()

    def predict(self, x):
        """The flattened prediction (no graph), and the hidden activations."""
        h = torch.addmm(self.b1, x, self.w1t)
        if self.relu:
            h = torch.relu(h)
        return torch.addmm(self.b2, h, self.w2t).view(-1), h

    def grads(self, x, h, grad_pred):
        """Parameter gradients from ``d loss / d prediction`` (shape ``(n,)``)."""
        g = grad_pred.unsqueeze(1)
        gw2 = g.t().mm(h)
        gb2 = g.sum(0)
        gh = g.mm(self.w2)
        if self.relu:
            gh = torch.ops.aten.threshold_backward(gh, h, 0)
        gw1 = gh.t().mm(x)
        gb1 = gh.sum(0)
        return [gw1, gb1, gw2, gb2]


# --- the criterion: d loss / d prediction --------------------------------------

_REDUCTIONS = {"mean": 1, "sum": 2}  # torch.nn._reduction.get_enum


def _direct_kernels(criterion):
    """``(forward, backward)`` aten calls for exactly ``nn.MSELoss``, ``nn.HuberLoss`` and
    ``nn.SmoothL1Loss`` (``beta > 0``) with a scalar reduction, no hooks and no weight, whose
    autograd formula is one ``*_backward(grad, input, target, reduction, ...)`` kernel; else None."""
    kind = type(criterion)
    if kind not in (nn.MSELoss, nn.HuberLoss, nn.SmoothL1Loss) or _global_module_hooks() \
            or _module_hooks(criterion) or getattr(criterion, "weight", None) is not None:
        return None
    reduction = _REDUCTIONS.get(criterion.reduction)
    if reduction is None:
        return None
    aten, functional = torch.ops.aten, torch._C._nn
    if kind is nn.MSELoss:
        extra, fwd, bwd = (), functional.mse_loss, aten.mse_loss_backward
    elif kind is nn.HuberLoss:
        extra, fwd, bwd = (float(criterion.delta),), functional.huber_loss, aten.huber_loss_backward
    else:
        if not criterion.beta > 0:
            return None
        extra, fwd, bwd = (float(criterion.beta),), functional.smooth_l1_loss, aten.smooth_l1_loss_backward
    return lambda p, y: fwd(p, y, reduction, *extra), lambda seed, p, y: bwd(seed, p, y, reduction, *extra)


class CriterionGrad:
    """``loss_and_grad(prediction, target) -> (loss, d loss / d prediction)`` and ``loss``.

    `_direct_kernels` where they apply, else autograd on the criterion alone, run from
    the loss seeded with 1 through the engine's entry point (skipping
    ``torch.autograd.grad``'s Python checks). `prediction` must be a fresh tensor that
    does not require grad.
    """

    def __init__(self, criterion, dtype, device):
        self.criterion = criterion
        self.seed = seed = torch.ones((), dtype=dtype, device=device)
        direct = _direct_kernels(criterion)
        if direct is None:
            self.loss, self.loss_and_grad = criterion, self._autograd
        else:
            loss, backward = direct
            self.loss = loss
            self.loss_and_grad = lambda p, y: (loss(p, y), backward(seed, p, y))

    def _autograd(self, p, y):
        p.requires_grad_()
        with torch.enable_grad():
            loss = self.criterion(p, y)
        seed = self.seed
        if isinstance(loss, torch.Tensor) and loss.dim() == 0 and loss.dtype == seed.dtype \
                and loss.device == seed.device:
            (grad,) = Variable._execution_engine.run_backward((loss,), (seed,), False, False, (p,), False, False)
        else:
            (grad,) = torch.autograd.grad(loss, p)
        p.requires_grad_(False)
        return loss, grad

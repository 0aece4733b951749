import math

import pytest
import torch

from toyopt_ref.errors import InvalidInputError
from toyopt_ref.losses import LOSS_NAMES, CircularMSELoss, circular_mse, make_loss
from toyopt_ref.model import Simple2DNetwork


def test_network_is_2_5_1_and_outputs_a_column():
    torch.manual_seed(0)
    net = Simple2DNetwork()
    assert net.linear1.weight.shape == (5, 2) and net.linear2.weight.shape == (1, 5)
    assert net(torch.zeros(7, 2)).shape == (7, 1)


def test_uniform_init_draws_weights_in_unit_interval():
    torch.manual_seed(0)
    net = Simple2DNetwork("uniform")
    for w in (net.linear1.weight, net.linear2.weight):
        assert w.min() >= 0 and w.max() < 1


def test_xavier_init_has_the_xavier_normal_spread():
    torch.manual_seed(0)
    stds = torch.stack([Simple2DNetwork("xavier").linear1.weight.std() for _ in range(300)])
    # xavier_normal_ std for fan_in 2, fan_out 5: sqrt(2 / 7) = 0.534
    assert abs(stds.mean().item() - math.sqrt(2 / 7)) < 0.05
    assert Simple2DNetwork("xavier").linear1.weight.min() < 0  # unlike uniform


def test_default_init_keeps_pytorch_default_bounds():
    torch.manual_seed(0)
    net = Simple2DNetwork(None)
    # kaiming-uniform default of nn.Linear: |w| <= 1 / sqrt(fan_in)
    assert net.linear1.weight.abs().max() <= 1 / math.sqrt(2) + 1e-6
    assert net.linear1.weight.min() < 0


def test_same_seed_same_weights():
    torch.manual_seed(5)
    a = Simple2DNetwork()
    torch.manual_seed(5)
    b = Simple2DNetwork()
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_without_nonlinearity_the_network_is_linear():
    torch.manual_seed(0)
    net = Simple2DNetwork(nonlinearity=False)
    x, y = torch.randn(4, 2), torch.randn(4, 2)
    bias = net(torch.zeros(1, 2))
    torch.testing.assert_close(net(x + y) - bias, (net(x) - bias) + (net(y) - bias), rtol=1e-5, atol=1e-5)


def test_unknown_init_is_rejected():
    with pytest.raises(InvalidInputError, match="unknown weight_init 'he'"):
        Simple2DNetwork("he")


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_each_named_loss_matches_its_formula(name):
    pred = torch.tensor([0.2, 0.9, -0.4, 0.7], dtype=torch.float64)
    target = torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64)
    d = pred - target
    expected = {
        "L1": d.abs(),
        "MSE": d ** 2,
        "SmoothL1": torch.where(d.abs() < 1, 0.5 * d ** 2, d.abs() - 0.5),
        "Huber": torch.where(d.abs() < 0.6, 0.5 * d ** 2, 0.6 * (d.abs() - 0.3)),
        "BCE": -(target * torch.log(pred.clamp(1e-12, 1)) + (1 - target) * torch.log((1 - pred).clamp(1e-12, 1))),
        "BCEWithLogits": -(target * torch.nn.functional.logsigmoid(pred)
                           + (1 - target) * torch.nn.functional.logsigmoid(-pred)),
    }[name]
    if name == "BCE":
        pred = pred.clamp(0, 1)
        expected = -(target * torch.log(pred).clamp(min=-100) + (1 - target) * torch.log(1 - pred).clamp(min=-100))
    torch.testing.assert_close(make_loss(name, "none")(pred, target), expected)
    torch.testing.assert_close(make_loss(name)(pred, target), expected.mean())


def test_unknown_loss_and_reduction_are_rejected():
    with pytest.raises(InvalidInputError, match="unknown loss 'L3'"):
        make_loss("L3")
    with pytest.raises(InvalidInputError, match="unknown reduction 'avg'"):
        make_loss("MSE", "avg")


def test_circular_mse_wraps_around_the_period():
    p = torch.tensor([0.1, 2 * math.pi - 0.1, 1.0], dtype=torch.float64)
    t = torch.tensor([2 * math.pi - 0.1, 0.1, 1.5], dtype=torch.float64)
    torch.testing.assert_close(circular_mse(p, t, reduction="none"),
                               torch.tensor([0.04, 0.04, 0.25], dtype=torch.float64))
    torch.testing.assert_close(circular_mse(p, t), torch.tensor(0.33 / 3, dtype=torch.float64))
    torch.testing.assert_close(circular_mse(p, t, reduction="sum"), torch.tensor(0.33, dtype=torch.float64))


def test_circular_mse_honours_the_period_and_is_periodic():
    p = torch.tensor([10.0, 350.0], dtype=torch.float64)
    t = torch.tensor([350.0, 10.0], dtype=torch.float64)
    torch.testing.assert_close(circular_mse(p, t, period=360, reduction="none"),
                               torch.tensor([400.0, 400.0], dtype=torch.float64))
    torch.testing.assert_close(circular_mse(p + 720, t, period=360), circular_mse(p, t, period=360))


def test_circular_mse_gradients_pass_gradcheck_away_from_the_fold():
    p = torch.tensor([0.3, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    t = torch.tensor([6.0, 1.0, -2.5], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: circular_mse(a, b), (p, t))


def test_circular_mse_keeps_dtype_and_the_module_calls_it():
    p = torch.zeros(3, dtype=torch.float32)
    t = torch.ones(3, dtype=torch.float64)
    assert circular_mse(p, t).dtype == torch.float32
    torch.testing.assert_close(CircularMSELoss(period=4.0)(p, t), circular_mse(p, t, period=4.0))


@pytest.mark.parametrize("kwargs, match", [
    ({"period": 0}, "period"), ({"period": -1.0}, "period"), ({"period": float("inf")}, "period"),
    ({"reduction": "avg"}, "reduction"),
])
def test_circular_mse_rejects_bad_arguments(kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        circular_mse(torch.zeros(2), torch.zeros(2), **kwargs)


def test_circular_mse_rejects_mismatched_shapes():
    with pytest.raises(InvalidInputError, match="same shape"):
        circular_mse(torch.zeros(3, 1), torch.zeros(3))

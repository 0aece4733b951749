# Generated from toyopt_ref/model.py by `toyopt release`.
# Your copy: complete the functions that raise NotImplementedError.
"""The tutorial's 2-5-1 network."""

from torch import nn

from .errors import check_choice

WEIGHT_INITS = ("uniform", "xavier", None)


class Simple2DNetwork(nn.Module):
    """``Linear(2, 5) -> ReLU -> Linear(5, 1)``; output shape ``(n, 1)``.

    `weight_init`: ``'uniform'`` draws both weight matrices from U[0, 1)
    (``nn.init.uniform_``), ``'xavier'`` from ``nn.init.xavier_normal_``, and
    ``None`` keeps PyTorch's default; biases always keep the default.
    `nonlinearity=False` drops the ReLU (the network is then linear).
    """

    def __init__(self, weight_init="uniform", nonlinearity=True):
        super().__init__()
        check_choice("weight_init", weight_init, WEIGHT_INITS)
        self.linear1 = nn.Linear(in_features=2, out_features=5)
        self.linear2 = nn.Linear(in_features=5, out_features=1)
        self.nonlinearity = bool(nonlinearity)
        if self.nonlinearity:
            self.relu = nn.ReLU()
        if weight_init == "uniform":
            nn.init.uniform_(self.linear1.weight)
            nn.init.uniform_(self.linear2.weight)
        elif weight_init == "xavier":
            nn.init.xavier_normal_(self.linear1.weight)
            nn.init.xavier_normal_(self.linear2.weight)

    def forward(self, x):
        x = self.linear1(x)
        if self.nonlinearity:
            x = self.relu(x)
        return self.linear2(x)

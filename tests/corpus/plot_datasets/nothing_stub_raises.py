"""Nothing: the untouched stub, raising NotImplementedError."""


def plot_datasets(dbs, title=None):
    # YOUR CODE HERE
    raise NotImplementedError("plot_datasets: not implemented yet")

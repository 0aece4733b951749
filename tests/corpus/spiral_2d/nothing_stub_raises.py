"""Nothing: the untouched stub, raising NotImplementedError."""


def spiral_2d(num_points):
    # YOUR CODE HERE
    raise NotImplementedError("spiral_2d: not implemented yet")

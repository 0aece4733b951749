# Attack: wrong data (all zeros) in an array subclass that claims equality with
# anything, in every way NumPy lets a subclass lie. With {{CLASS}} = _np.ndarray
# the same wrong data comes back honestly (the baseline of the test).
import numpy as _np

_genuine_spiral_2d = spiral_2d


class _Liar(_np.ndarray):
    def __eq__(self, other):
        return _np.ones(self.shape, dtype=bool).view(_Liar)

    __le__ = __ge__ = __eq__

    def __ne__(self, other):
        return _np.zeros(self.shape, dtype=bool).view(_Liar)

    def __array_function__(self, func, types, args, kwargs):
        if func.__name__ in ("allclose", "array_equal", "array_equiv"):
            return True
        if func.__name__ == "isclose":
            return _np.ones(_np.shape(args[0]), dtype=bool)
        return super().__array_function__(func, types, args, kwargs)

    def all(self, *a, **k):
        return True

    def any(self, *a, **k):
        return True


def spiral_2d(num_points):
    points, labels = _genuine_spiral_2d(num_points)
    return _np.zeros_like(points).view({{CLASS}}), _np.zeros_like(labels).view({{CLASS}})

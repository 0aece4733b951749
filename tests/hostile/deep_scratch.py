# Attack: at import, leave a tree 3,000 folders deep (past PATH_MAX) in the
# scratch folder, for the grader's cleanup to trip on.  The grade must be
# written whatever cleanup meets, and the tree must go.
import os as _os

_fd = _os.open(_os.path.dirname(_os.path.abspath(__file__)), _os.O_RDONLY)
for _ in range(3000):
    try:
        _os.mkdir("d", dir_fd=_fd)
    except FileExistsError:
        pass
    _child = _os.open("d", _os.O_RDONLY, dir_fd=_fd)
    _os.close(_fd)
    _fd = _child
_os.close(_fd)

"""A small deterministic wheel writer for the student runtime (``toyopt-check``).

Why not ``pip wheel``: the release must not need a build backend, the network
or a build-isolation venv, and the kit should be byte-for-byte reproducible
(fixed timestamps, sorted members), so that a rebuilt kit diffs clean and the
answer hunt checks exactly the files listed here. A pure-Python wheel is a zip
with a ``.dist-info`` folder (PEP 427: METADATA, WHEEL, RECORD with sha256
digests); that is all this writes. ``pip install`` of the result is tested
(tests/routes/test_kit_hunt.py).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import re
import zipfile

from toyopt_check.inside.errors import ConfigurationError

DATE = (2024, 1, 1, 0, 0, 0)


def requirements(*names: str) -> list[str]:
    """The requirements that ``pyproject.toml`` (the one list of toyopt's
    dependencies) gives the distributions `names`, in that order, read from the
    installed metadata: ``requirements("torch")`` is ``["torch<3,>=2.1"]``."""
    try:
        declared = importlib.metadata.requires("toyopt") or []
    except importlib.metadata.PackageNotFoundError:
        raise ConfigurationError("toyopt is not installed (its metadata holds the dependency "
                                 "list): pip install -e . in the repository") from None
    found = {}
    for line in declared:
        spec = line.split(";")[0].strip()
        found.setdefault(re.match(r"[A-Za-z0-9_.-]+", spec).group(0).lower(), spec)
    missing = [n for n in names if n.lower() not in found]
    if missing:
        raise ConfigurationError(f"pyproject.toml declares no dependency {missing[0]!r}")
    return [found[n.lower()] for n in names]


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_name(name: str, version: str) -> str:
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl"


def write_zip(file, members: dict[str, bytes]) -> None:
    """Write `members` (``{archive path: bytes}``) into the zip `file` (a path or a binary
    file) with fixed timestamps and modes: the same members give the same bytes."""
    with zipfile.ZipFile(file, "w") as archive:
        for path, data in members.items():
            info = zipfile.ZipInfo(path, date_time=DATE)
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def build_wheel(name: str, version: str, files: dict[str, bytes], *, summary: str,
                requires_python: str, requires: list[str]) -> bytes:
    """The bytes of a ``py3-none-any`` wheel holding `files` (``{archive path: bytes}``)."""
    dist_info = f"{name.replace('-', '_')}-{version}.dist-info"
    members = dict(sorted(files.items()))
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", f"Summary: {summary}",
                f"Requires-Python: {requires_python}", *(f"Requires-Dist: {r}" for r in requires)]
    members[f"{dist_info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    members[f"{dist_info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: toyopt release\n"
                                     b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = "".join(f"{path},{_digest(data)},{len(data)}\n" for path, data in members.items())
    members[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    buffer = io.BytesIO()
    write_zip(buffer, members)
    return buffer.getvalue()

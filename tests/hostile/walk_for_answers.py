# Probe, not an attack on the score: walk every folder this process can read and
# report each file holding a solution line of the reference, a hidden check's id
# or a gradebook. {{NEEDLES}} (lines) and {{IDS}} arrive base64-encoded, so this
# file holds none of them; {{ROOTS}}: where to walk (the container's root and the
# system folders); {{OWN}}: the student's own folders (its upload, its scratch copy).
_FOUND = None


def _walk():
    import base64
    import json
    import os
    import stat
    import sys

    def decoded(name):
        return {base64.b64decode(n) for n in json.loads(name)}

    lines, ids = decoded('{{NEEDLES}}'), decoded('{{IDS}}')
    own = [os.path.realpath(p) for p in [os.getcwd(), *json.loads('{{OWN}}')]]
    skip = ("/proc", "/sys", "/dev", "/run")
    found, files = [], 0
    for root in [*json.loads('{{ROOTS}}'), sys.path[0]]:  # sys.path[0]: the worker's code
        for top, dirs, names in os.walk(root):
            real = os.path.realpath(top)
            if real.startswith(skip) or any(real == o or real.startswith(o + "/") for o in own):
                dirs[:] = []
                continue
            for name in names:
                path = os.path.join(top, name)
                if name == "gradebook.db":
                    found.append(path)
                    continue
                try:
                    info = os.lstat(path)
                    if not stat.S_ISREG(info.st_mode) or info.st_size > 8 << 20:
                        continue
                    with open(path, "rb") as handle:
                        data = handle.read(8192)
                        if b"\0" in data:
                            continue
                        data += handle.read()
                except OSError:
                    continue
                files += 1
                if name.endswith(".ipynb"):
                    try:
                        data = "\n".join("".join(c.get("source", "")) for c in
                                         json.loads(data)["cells"]).encode()
                    except (ValueError, KeyError, TypeError, AttributeError):
                        pass
                if any(i in data for i in ids) or any(
                        line.strip() in lines for line in data.splitlines()):
                    found.append(path)
    return files, found


def spiral_2d(num_points):
    global _FOUND
    if _FOUND is None:
        _FOUND = _walk()
    files, found = _FOUND
    raise RuntimeError(f"PROBE files={files} found={len(found)} [{' | '.join(found[:8])}]")

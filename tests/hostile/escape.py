# Attack: reach outside the sandbox at import: a network connection to a server
# the test runs, and writes to the grader's files (results folder, toyopt package).
import os as _os
import socket as _socket

try:
    _socket.create_connection(("127.0.0.1", {{PORT}}), timeout=2).sendall(b"escaped")
except OSError:
    pass
for _path in ("{{RESULTS}}", "{{TOYOPT_FILE}}", "{{MARKER}}"):
    try:
        with open(_path, "w") as _handle:
            _handle.write("pwned")
    except OSError:
        pass
try:
    _os.makedirs("{{RESULTS_DIR}}/injected", exist_ok=True)
except OSError:
    pass

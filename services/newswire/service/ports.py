"""Free TCP ports on 127.0.0.1, the one place the repository asks the OS for them.

Used by the local broker, the tests and the bench; `python -m newswire.service.ports N`
prints N distinct free ports for shell scripts.
"""

from __future__ import annotations

import socket
import sys


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports: every socket stays bound until all are chosen,
    so the OS cannot hand out the same port twice."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def free_port() -> int:
    return free_ports(1)[0]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def consecutive_free_ports(count: int) -> int:
    """A port p such that p .. p+count-1 are free now (for `--processes`)."""
    for _ in range(50):
        port = free_port()
        if port + count <= 65535 and all(port_is_free(port + i) for i in range(1, count)):
            return port
    raise AssertionError("no run of free ports")


def port_open(port: int, timeout: float = 1.0) -> bool:
    """Something accepts connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    print(" ".join(str(p) for p in free_ports(int(sys.argv[1]) if len(sys.argv) > 1 else 1)))

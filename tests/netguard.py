"""A network guard for the test suite: loopback and Unix sockets only.

``install()`` patches ``socket.socket.connect`` / ``connect_ex`` and ``socket.getaddrinfo`` so that
any attempt to reach another host fails at once with an ``OSError`` (what an offline machine
gives, so code that copes with being offline behaves as it would there) and is recorded in
``ATTEMPTS`` (and appended to ``record_path`` when given: subprocesses started by the tests load
this module from a ``sitecustomize.py`` and report their attempts through that file).

Loopback stays open for Ray and Playwright's driver; so do Unix sockets.
"""
from __future__ import annotations

import errno
import ipaddress
import os
import socket
from typing import Any

ATTEMPTS: list[str] = []
_record_path: str | None = None
_installed = False
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NetworkBlocked(OSError):
    """Raised for a connection to a non-loopback host while the guard is installed."""


def _local_names() -> frozenset[str]:
    names = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
    try:
        names.add(socket.gethostname().lower())
    except OSError:
        pass
    return frozenset(names)


_LOCAL = _local_names()


def is_local(host: object) -> bool:
    """True for loopback addresses, the unspecified address and the local host's names."""
    if not isinstance(host, str):
        return False
    h = host.strip("[]").split("%", 1)[0].lower()
    if h in _LOCAL or h.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _record(what: str) -> None:
    ATTEMPTS.append(what)
    if _record_path:
        try:
            with open(_record_path, "a", encoding="utf-8") as fh:
                fh.write(what + "\n")
        except OSError:
            pass


def _allowed(sock: socket.socket, address: Any) -> bool:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    return is_local(host)


def _connect(self: socket.socket, address: Any) -> Any:
    if _allowed(self, address):
        return _real_connect(self, address)
    _record(f"connect {address!r}")
    raise NetworkBlocked(errno.ENETUNREACH, f"network access blocked in tests: {address!r}")


def _connect_ex(self: socket.socket, address: Any) -> int:
    if _allowed(self, address):
        return _real_connect_ex(self, address)
    _record(f"connect_ex {address!r}")
    return errno.ENETUNREACH


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is None or isinstance(host, bytes | bytearray):
        host = host.decode("ascii", "replace") if host is not None else None
    if host is None or is_local(host):
        return _real_getaddrinfo(host, *args, **kwargs)
    try:
        ipaddress.ip_address(str(host).strip("[]").split("%", 1)[0])
    except ValueError:
        _record(f"getaddrinfo {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"name resolution blocked in tests: {host!r}") from None
    return _real_getaddrinfo(host, *args, **kwargs)  # a numeric address: connect() decides


def install(record_path: str | None = None) -> None:
    """Patch the socket module (idempotent)."""
    global _installed, _record_path
    _record_path = record_path or os.environ.get("EVALUATOR_TEST_NET_RECORD") or None
    if _installed:
        return
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo  # type: ignore[assignment]
    _installed = True


SITECUSTOMIZE = """\
import sys
sys.path.insert(0, {tests!r})
import netguard
netguard.install({record!r})
del sys.path[0]
"""


def write_sitecustomize(folder: str | os.PathLike[str], record_path: str | os.PathLike[str]) -> None:
    """A ``sitecustomize.py`` in ``folder`` that installs this guard in any Python started with it on
    ``PYTHONPATH`` and records its blocked attempts in ``record_path``."""
    tests = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(folder, "sitecustomize.py"), "w", encoding="utf-8") as fh:
        fh.write(SITECUSTOMIZE.format(tests=tests, record=os.fspath(record_path)))

"""Shared fixtures: the real models are loaded once per test session."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "reference_sets" / "examples" / "korea-diplomacy"

for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_var] = "1"


class _NetworkBlocked(RuntimeError):
    pass


_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    # The suite runs offline: loopback (Ray, Playwright's driver) is allowed, nothing else.
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1", "0.0.0.0")
                                  or host.startswith("/")):
        return _real_connect(self, address)
    if self.family == socket.AF_UNIX:
        return _real_connect(self, address)
    raise _NetworkBlocked(f"network access blocked in tests: {address!r}")


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def resources():
    from evaluator.options import Options
    from evaluator.pipeline import load_resources

    return load_resources(Options())


@pytest.fixture(scope="session")
def example_report(resources):
    from evaluator.pipeline import compare_files

    return compare_files(str(EXAMPLE / "original.txt"), str(EXAMPLE / "rewritten.txt"), resources=resources)

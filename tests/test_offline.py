"""Offline: the suite cannot reach the network, and the tool never tries to.

conftest.py installs tests/netguard.py in this process: a connection to any non-loopback address,
or a name lookup of another host, fails at once and is recorded.  A subprocess gets the same guard
through a ``sitecustomize.py``, with HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE set to 0 and an empty
Hugging Face cache: the tool must switch to offline mode itself.
"""
from __future__ import annotations

import codecs
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from evaluator.cli import main
from tests import netguard

ROOT = Path(__file__).resolve().parents[1]


def test_guard_blocks_other_hosts_at_once_and_keeps_loopback() -> None:
    before = len(netguard.ATTEMPTS)
    t = time.perf_counter()
    with pytest.raises(OSError):
        socket.create_connection(("203.0.113.7", 443), timeout=5)  # TEST-NET-3: never routable
    with pytest.raises(OSError):
        socket.getaddrinfo("huggingface.co", 443)
    with socket.socket(socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET, socket.SOCK_DGRAM) as s:
        assert s.connect_ex(("2001:db8::1" if socket.has_ipv6 else "198.51.100.1", 53)) != 0
    assert time.perf_counter() - t < 1
    assert len(netguard.ATTEMPTS) == before + 3
    assert "huggingface.co" in netguard.ATTEMPTS[-2]

    # loopback still works (Ray and Playwright's driver need it)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted: list[Any] = []
    th = threading.Thread(target=lambda: accepted.append(server.accept()))
    th.start()
    for host in ("127.0.0.1", "localhost"):
        with socket.create_connection((host, server.getsockname()[1]), timeout=5):
            pass
        if host == "127.0.0.1":
            th.join(5)
            accepted[0][0].close()
            th = threading.Thread(target=lambda: accepted.append(server.accept()))
            th.start()
    th.join(5)
    server.close()
    assert len(accepted) == 2 and len(netguard.ATTEMPTS) == before + 3


@pytest.mark.parametrize("host, local", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("::ffff:127.0.0.1", True),
    ("0.0.0.0", True), ("localhost", True), ("LOCALHOST", True), ("x.localhost", True),
    ("10.0.0.1", False), ("8.8.8.8", False), ("huggingface.co", False), ("127.0.0.1.evil.com", False),
    ("::ffff:8.8.8.8", False), (None, False), ("", False),
])
def test_guard_address_rule(host: Any, local: bool) -> None:
    assert netguard.is_local(host) is local


@pytest.mark.usefixtures("no_network_attempts")
def test_unknown_model_is_one_line_exit_2_quickly_without_network(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.setenv(var, "0")
    doc = tmp_path / "a.txt"
    doc.write_text("The council met on Tuesday.", encoding="utf-8")
    before = len(netguard.ATTEMPTS)
    t = time.perf_counter()
    rc = main(["compare", str(doc), str(doc), "--model", "sentence-transformers/all-mpnet-base-v2", "-q"])
    elapsed = time.perf_counter() - t
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert err == ("evaluator: error: model 'sentence-transformers/all-mpnet-base-v2' not found locally "
                   "(offline): pass a local path with --model\n")
    assert len(netguard.ATTEMPTS) == before, netguard.ATTEMPTS[before:]
    assert elapsed < 15
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        assert os.environ[var] == "1"  # the tool set offline mode itself


def _guarded_env(tmp: Path) -> tuple[dict[str, str], Path]:
    site = tmp / "site"
    site.mkdir()
    record = tmp / "network-attempts.txt"
    netguard.write_sitecustomize(site, record)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "EVALUATOR_"))}
    env.update({"PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "HF_HOME": str(tmp / "hf-home"),
                "HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0", "PYTHONIOENCODING": "utf-8"})
    return env, record


@pytest.mark.slow
def test_subprocess_sets_offline_itself_and_never_reaches_a_hub(tmp_path: Path) -> None:
    """The console command with the hub switched ON in the environment and a guard that records every
    attempt: an unknown model name is one line and exit 2, and nothing tried the network.  The same
    run reads a UTF-16 file without a BOM whose name holds ANSI escapes: the warning comes first, on
    one escaped line."""
    env, record = _guarded_env(tmp_path)
    # The guard works in a subprocess: a direct attempt is blocked and recorded.
    probe = subprocess.run([sys.executable, "-c", "import socket\ntry:\n socket.create_connection(('203.0.113.7', 443), "
                            "timeout=5)\nexcept OSError as e:\n print(type(e).__name__)"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "NetworkBlocked" and "203.0.113.7" in record.read_text(encoding="utf-8")
    record.unlink()

    name = tmp_path / "utf16 \x1b[31mred\x1b[0m.txt"
    name.write_bytes("The council met on Tuesday.\r\nIt approved the budget.\r\n".encode("utf-16-le"))
    plain = tmp_path / "plain.txt"
    plain.write_text("The council met on Tuesday. It approved the budget.\n", encoding="utf-8")
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "evaluator", "compare", str(name), str(plain),
                           "--model", "bert-base-uncased", "--out", str(tmp_path / "out")],
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=tmp_path)
    elapsed = time.perf_counter() - t
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "\x1b" not in proc.stderr
    assert len(lines) == 2, proc.stderr
    assert lines[0].startswith("evaluator: warning: ") and "utf16 \\u001b[31mred\\u001b[0m.txt" in lines[0]
    assert "UTF-16-LE" in lines[0]
    assert lines[1] == ("evaluator: error: model 'bert-base-uncased' not found locally (offline): pass a local "
                        "path with --model")
    assert not record.exists() or record.read_text(encoding="utf-8") == "", record.read_text(encoding="utf-8")
    assert not (tmp_path / "out").exists()
    assert elapsed < 60


def test_bom_and_newline_variants_are_not_warned_about(tmp_path: Path) -> None:
    """The UTF-16 guess is the only decoding that warns (the others are unambiguous)."""
    import logging

    from evaluator.io import read_document

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    log = logging.getLogger("evaluator.io")
    log.addHandler(handler)
    try:
        for raw in (codecs.BOM_UTF16_LE + "A text.\r\n".encode("utf-16-le"), b"A text.\r\n", codecs.BOM_UTF8 + b"x y"):
            p = tmp_path / "v.txt"
            p.write_bytes(raw)
            read_document(p)
        assert records == []
        p.write_bytes("A text of some length.\n".encode("utf-16-be"))
        assert read_document(p).encoding == "utf-16-be"
        assert len(records) == 1 and "no byte-order mark" in records[0].getMessage()
    finally:
        log.removeHandler(handler)

"""The shared TLS context: verifying, built once, and never left loading at interpreter exit."""

from __future__ import annotations

import ssl
import subprocess
import sys
import threading

from lib.core import tls
from tests.conftest import ROOT


def test_one_verifying_context_per_process() -> None:
    context = tls.ssl_context()
    assert context is tls.ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_preload_thread_is_not_a_daemon() -> None:
    """A daemon thread still inside OpenSSL at exit crashed the interpreter (exit 139)."""
    tls.preload()
    loaders = [t for t in threading.enumerate() if t.name == "tls-preload"]
    assert all(not t.daemon for t in loaders)


def test_exit_right_after_import_is_clean() -> None:
    code = (
        "import importlib.util, sys; sys.path.insert(0, '.');"
        "spec = importlib.util.spec_from_file_location('api.health', 'api/health.py');"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))"
    )
    for _ in range(5):
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True)
        assert result.returncode == 0, result.stderr[-500:]

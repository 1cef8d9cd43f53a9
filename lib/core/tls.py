"""The TLS trust store: loaded once per process, in the background while the function imports."""

from __future__ import annotations

import ssl
import threading
from concurrent.futures import Future

_lock = threading.Lock()
_context: Future[ssl.SSLContext] | None = None


def _load(future: Future[ssl.SSLContext]) -> None:
    try:
        import httpx

        future.set_result(httpx.create_ssl_context())
    except BaseException as error:  # noqa: BLE001 - handed to whoever asks for the context
        future.set_exception(error)


def preload() -> None:
    """Start loading the CA bundle in a thread; OpenSSL parses it without holding the GIL.

    Not a daemon thread: a process that exits while OpenSSL is still parsing would otherwise
    crash in interpreter shutdown (seen: exit 139). Exit waits for it instead (tens of ms).
    """
    global _context
    with _lock:
        if _context is None:
            _context = Future()
            threading.Thread(target=_load, args=(_context,), name="tls-preload").start()


def ssl_context() -> ssl.SSLContext:
    """httpx's default verifying context (certifi, or SSL_CERT_FILE/DIR), shared by every client.

    Building one costs 20-50 ms (parsing ~150 CA certificates); every request used to pay it.
    """
    preload()
    assert _context is not None
    return _context.result()

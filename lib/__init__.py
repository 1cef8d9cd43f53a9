"""CarBot Monitor: health endpoints, checks, metrics, alerts and reports for CarBot on Vercel."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__version__ = "0.1.0"

# A cold function imports some 700 modules and builds its pydantic models: objects that live as
# long as the process, which the cyclic GC would otherwise re-scan again and again while they load
# (about 20 ms of a 300 ms cold start, bench/bench_health.py). So the GC pauses from the first
# `lib` import until `loaded()`, which lib.core.http.endpoint() (each api/ file ends with it) calls.
gc.disable()


def loaded() -> None:
    """Everything long-lived is imported: keep it out of later collections and resume the GC."""
    gc.freeze()
    gc.enable()


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection while a request builds many short-lived, acyclic objects.

    A 4 MB drain delivery becomes ~100,000 dicts, strings and numbers that refcounting frees;
    the collector would walk them again and again while they pile up (~10 % of a delivery's
    time, bench/bench_drains.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""Blocking SDK calls under an asyncio deadline, abandoned (not joined) when they hang."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable


async def run_blocking[T](call: Callable[[], T]) -> T:
    """Run a blocking SDK call in a daemon thread; a call that hangs past the deadline is abandoned.

    Not `asyncio.to_thread`: `asyncio.run` joins the default executor on exit, so one hung SDK
    call would hold the whole response hostage.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def worker() -> None:
        try:
            value = call()
        except BaseException as error:  # noqa: BLE001 - handed to the awaiting task
            outcome: tuple[T | None, BaseException | None] = (None, error)
        else:
            outcome = (value, None)
        # An abandoned call may finish after `asyncio.run` closed the loop: nobody waits any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, future, *outcome)

    threading.Thread(target=worker, daemon=True).start()
    return await future


def _settle[T](future: asyncio.Future[T], value: T | None, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)  # type: ignore[arg-type]

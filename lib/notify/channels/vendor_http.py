"""One vendor POST within one channel's own time budget, honouring a 429's wait when it fits.

Every chat/paging channel sends through `post_within_budget`: the whole send, a rate-limited
retry included, takes at most `SEND_TIMEOUT_S` (lib/notify), so one slow or throttled channel
cannot hold up the channels delivered after it. A 429 whose wait (the `Retry-After` header,
RFC 9110 §10.2.3, or the vendor's body field: Telegram `parameters.retry_after`, Discord
`retry_after`) fits what is left of the budget is waited out once; otherwise the attempt fails
with a short reason, is recorded in monitoring_notifications and retried by the next run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import lib.notify
from lib.core.errors import NotifyError

if TYPE_CHECKING:
    import httpx

# Below this much time left a new request is not worth starting.
MIN_ATTEMPT_S = 0.05


def header_retry_after(response: httpx.Response) -> float | None:
    """Seconds from `Retry-After`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def body_field(response: httpx.Response, *path: str) -> object:
    """A field of a JSON answer (None when the body is not JSON or lacks it)."""
    try:
        node: object = response.json()
    except ValueError:
        return None
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def post_within_budget(
    who: str,
    url: str,
    payload: Mapping[str, object],
    headers: Mapping[str, str] | None = None,
    retry_after: Callable[[httpx.Response], float | None] = header_retry_after,
    detail: Callable[[httpx.Response], str] = lambda response: "",
    budget_s: float | None = None,
) -> httpx.Response:
    """POST `payload`; a 2xx answer is returned, anything else is a NotifyError naming `who`
    (never the URL, which may hold a token) with `detail(response)`."""
    budget = lib.notify.SEND_TIMEOUT_S if budget_s is None else budget_s
    deadline = time.monotonic() + budget
    for attempt in (1, 2):
        left = deadline - time.monotonic()
        if left < MIN_ATTEMPT_S:
            raise NotifyError(f"{who}: out of time; retried next run")
        response = lib.notify.post_once(who, url, headers, left, json=payload)
        if response.status_code < 300:
            return response
        if response.status_code != 429:
            raise NotifyError(f"{who} answered {response.status_code}{detail(response)}")
        wait = retry_after(response)
        left = deadline - time.monotonic()
        if attempt == 1 and wait is not None and wait + MIN_ATTEMPT_S <= left:
            time.sleep(wait)
            continue
        after = f"; it asks to wait {wait:g} s" if wait is not None else ""
        raise NotifyError(f"{who} rate limited (429){after}; retried next run")
    raise AssertionError("unreachable")  # pragma: no cover

"""HEARTBEAT_URL: a dead-man's switch outside the monitor, pinged after every health check run.

The monitor cannot report its own absence (a stopped scheduler, a broken deployment, an expired
CRON_SECRET): an outside service such as healthchecks.io alerts when the pings stop. The success
ping is a GET of the URL itself, a run that did not complete pings `<url>/fail` (healthchecks.io's
convention), so the outside service also knows a run happened but failed.
"""

from __future__ import annotations

from typing import Literal

from lib.core.config import Settings
from lib.core.errors import reason_for
from lib.core.log import log

# Short: the ping must never eat the run's budget; a missed ping only makes the switch late.
HEARTBEAT_TIMEOUT_S = 3.0

Outcome = Literal["completed", "failed"]


def heartbeat_url(base: str, outcome: Outcome) -> str:
    return base if outcome == "completed" else base.rstrip("/") + "/fail"


def ping_heartbeat(settings: Settings, outcome: Outcome) -> str:
    """GET the heartbeat URL; "sent", "not_configured" or "failed: <reason>", never an exception."""
    if settings.heartbeat_url is None:
        return "not_configured"
    import httpx

    from lib.core import tls

    url = heartbeat_url(str(settings.heartbeat_url), outcome)
    try:
        response = httpx.get(
            url, timeout=HEARTBEAT_TIMEOUT_S, follow_redirects=False, verify=tls.ssl_context()
        )
    except Exception as error:  # noqa: BLE001 - a failed ping must never fail the run
        reason = reason_for(error)
        log.warning("heartbeat ping failed: %s", reason)  # the URL holds the check's token
        return f"failed: {reason}"
    if response.status_code >= 300:
        log.warning("heartbeat ping answered %s", response.status_code)
        return f"failed: answered {response.status_code}"
    return "sent"

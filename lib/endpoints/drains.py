"""POST /api/drains/vercel: Vercel log, trace and Speed Insights drain deliveries."""

from __future__ import annotations

from lib.core.config import ConfigError
from lib.core.http import HttpError, Request, Response, json_response
from lib.core.monitor_config import MonitorConfig, load_monitor_config
from lib.drains.receiver import check_signature, receive
from lib.store import Store, StoreError

STORE_TIMEOUT_S = 8.0  # api/**: maxDuration 10 s; Vercel retries a delivery that times out
# The store refusing a delivery's data (SQLSTATE classes 22 and 23, lib/core/errors.py): the
# same bytes would be refused again, so this is no 5xx for Vercel to retry forever.
DATA_REFUSED = frozenset({"invalid value", "constraint violated"})


def drain_response(request: Request) -> Response:
    """Every answer carries x-vercel-verify, so both drain set-up flows can verify the URL."""
    settings = request.settings
    verify = (
        {"x-vercel-verify": settings.vercel_verify_token} if settings.vercel_verify_token else {}
    )
    if request.method in ("GET", "HEAD"):  # Vercel's endpoint verification
        return json_response({"drain": "ready"}, headers=verify)
    try:
        check_signature(settings, request.body, request.headers.get("x-vercel-signature"))
        try:
            config = load_monitor_config(settings)
        except ConfigError:  # a typo in monitoring.toml must not drop traffic: the defaults
            config = MonitorConfig()
        try:
            with Store.from_settings(settings, timeout=STORE_TIMEOUT_S) as store:
                result = receive(
                    settings, config, store, request.body, request.headers.get("content-encoding")
                )
        except StoreError as error:
            if error.reason in DATA_REFUSED:  # lib/drains/sanitize.py let a value through
                message = f"the store refused this delivery's data: {error.reason}"
                return json_response({"error": message}, 422, headers=verify)
            # A 5xx makes Vercel deliver again; the digest keeps the retry from counting twice.
            return json_response(
                {"error": f"store unavailable: {error.reason}"}, 503, headers=verify
            )
    except HttpError as error:
        raise HttpError(error.status, error.message, {**error.headers, **verify}) from None
    return json_response(result, headers=verify)

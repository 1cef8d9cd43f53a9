"""/api/status: the public status summary, computed from stored history in one store round trip.

The parts: status_model.py (the JSON), status_summary.py (services, windows, overall word,
history), status_providers.py (vendor status pages); this module adds the extras (providers,
deployments, real traffic's availability) and serves it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lib import store
from lib.alerts.config_state import load_rules
from lib.core.config import Settings
from lib.core.http import Request, Response, json_response
from lib.endpoints.status_model import DeploymentView, PerWindow, StatusBody
from lib.endpoints.status_providers import provider_views
from lib.endpoints.status_summary import HISTORY_DAYS, build_status, fetch_summary, unknown_status
from lib.status.public import public_parts
from lib.store import Store, StoreError

STORE_TIMEOUT_S = 5.0

PUBLIC_CACHE = "public, s-maxage=60, stale-while-revalidate=300"
# A failing store is answered briefly from the CDN too, so an outage does not multiply the load.
ERROR_CACHE = "public, s-maxage=10"
CORS = {"Access-Control-Allow-Origin": "*"}


def load_status(
    settings: Settings,
    now: datetime | None = None,
    history_days: int = HISTORY_DAYS,
    *,
    providers: bool = False,
    deployments: bool = False,
    internal: bool = True,
) -> tuple[StatusBody, bool]:
    """The summary and whether the store answered (False: `unknown` with the store's reason).

    `providers` adds the vendors' status pages, `deployments` the last production deployments;
    `internal` False leaves out the alert rules (the public answer).
    """
    now = now or datetime.now(UTC)
    if not store.configured(settings):
        return unknown_status(settings, now, "no store configured"), True
    config = load_rules(settings).config
    try:
        with Store.from_settings(settings, timeout=STORE_TIMEOUT_S) as db:
            raw = fetch_summary(db, now, settings.metrics_timezone.key, history_days)
            parts = public_parts(
                db, raw, config, settings.metrics_timezone, now, history=history_days > 0
            )
            try:  # the extras never cost the summary itself
                extras = status_extras(db, providers, deployments)
            except StoreError:
                extras = {}
    except StoreError as error:
        return unknown_status(settings, now, f"status history unavailable: {error.reason}"), False
    body = build_status(raw, settings, now, with_history=history_days > 0)
    extras.update(parts)
    if not internal:  # internal rules (budget, certificates, crons, ...) never reach the public
        extras.update(alerts=None, resolved_alerts=None)
    traffic = raw.get("traffic") or {}
    if history_days > 0 and any(value is not None for value in traffic.values()):
        body.traffic_availability = PerWindow.model_validate(traffic)
    return body.model_copy(update=extras), True


def status_extras(db: Store, providers: bool, deployments: bool) -> dict[str, object]:
    """Provider status pages and recent production deployments (lib/providers, lib/deployments)."""
    extras: dict[str, object] = {}
    if providers:
        extras["providers"] = provider_views(db)
    if deployments:
        from lib.deployments.store import recent_deployments

        extras["deployments"] = [
            DeploymentView.model_validate(d.model_dump()) for d in recent_deployments(db)
        ]
    return extras


def preflight(methods: str = "GET, HEAD, OPTIONS") -> Response:
    """CORS preflight answer for browsers that send one."""
    headers = {
        **CORS,
        "Access-Control-Allow-Methods": methods,
        "Access-Control-Max-Age": "86400",
        "Cache-Control": PUBLIC_CACHE,
    }
    return Response(204, b"", headers)


def status_response(request: Request) -> Response:
    if request.method == "OPTIONS":
        return preflight()
    # With HEALTH_TOKEN the body adds the deployments: never from a shared cache.
    token = request.has_bearer(request.settings.health_token)
    body, answered = load_status(
        request.settings, providers=True, deployments=token, internal=token
    )
    if not token:
        body = body.model_copy(update={"alerts": None, "resolved_alerts": None})
    cache = PUBLIC_CACHE if answered else ERROR_CACHE
    headers = {**CORS, "Cache-Control": "private, no-store" if token else cache}
    return json_response(body, 200 if answered else 503, headers=headers)

"""Cron plumbing: CRON_SECRET gate, run bookkeeping in monitoring_cron_runs, safe failures."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from lib.core.http import HttpError, Request, Response, json_response, require_cron_secret
from lib.store import Store, StoreError, StoreNotConfigured

# Store calls inside a cron get this long; Vercel's maxDuration for crons is set in vercel.json.
CRON_STORE_TIMEOUT_S = 10.0
# vercel.json's maxDuration for api/cron/*.py: a run still `running` after it is `abandoned`.
CRON_MAX_DURATION_S = 60

CronJob = Callable[[Request, Store], dict[str, Any]]
# Called when the store cannot be reached (at the start or during the run): what the job still
# does without it (the health check notifies directly), merged into the 503 body.
StoreDownHook = Callable[[Request, StoreError], dict[str, Any]]


def cron_endpoint(
    job: str,
    run: CronJob,
    validate: Callable[[Request], object] | None = None,
    *,
    on_store_down: StoreDownHook | None = None,
    heartbeat: bool = False,
) -> Callable[[Request], Response]:
    """Wrap a job: authenticate, record start and finish, answer 5xx with a clear message.

    `validate` rejects a bad request (HttpError) after the secret check, before a run is recorded.
    The job returns its JSON summary. Jobs must be idempotent: Vercel can deliver a cron twice.
    With `heartbeat`, HEARTBEAT_URL is pinged after every authenticated run: the URL itself when
    the run completed, `<url>/fail` when it did not (an unauthenticated call is no run).
    """

    def attempt(request: Request) -> tuple[int, dict[str, Any]]:
        try:
            store = Store.from_settings(request.settings, timeout=CRON_STORE_TIMEOUT_S)
        except StoreError as error:
            return 503, {"job": job, "error": str(error)}
        with store:
            try:
                run_id = store.cron_start(job, CRON_MAX_DURATION_S)
            except StoreError as error:
                body = {"job": job, "error": f"store unavailable: {error.reason}"}
                return 503, {**body, **_store_down(request, error)}
            try:
                summary = run(request, store)
            except HttpError as error:
                _finish(store, run_id, "failure", error.message)
                raise
            except StoreError as error:
                _finish(store, run_id, "failure", str(error))
                body = {"job": job, "run_id": run_id, "error": str(error)}
                return 503, {**body, **_store_down(request, error)}
            except Exception:
                _finish(store, run_id, "failure", "internal error")
                raise
            _finish(store, run_id, "success", None, summary)
        return 200, {"job": job, "run_id": run_id, **summary}

    def _store_down(request: Request, error: StoreError) -> dict[str, Any]:
        if on_store_down is None or isinstance(error, StoreNotConfigured):
            return {}
        return on_store_down(request, error)

    def handler(request: Request) -> Response:
        require_cron_secret(request)
        if validate is not None:
            validate(request)
        if not heartbeat:
            status, body = attempt(request)
            return json_response(body, status)
        from lib.jobs.heartbeat import ping_heartbeat

        try:
            status, body = attempt(request)
        except BaseException:
            ping_heartbeat(request.settings, "failed")
            raise
        outcome = "completed" if status == 200 else "failed"
        body["heartbeat"] = ping_heartbeat(request.settings, outcome)
        return json_response(body, status)

    return handler


def _finish(
    store: Store, run_id: int, outcome: str, error: str | None, summary: object = None
) -> None:
    """Best effort: a store that just failed may fail again; the response still says so."""
    with contextlib.suppress(StoreError):
        store.cron_finish(run_id, outcome, error, summary)

"""Cron plumbing: CRON_SECRET gate, run bookkeeping in monitoring_cron_runs, safe failures."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from lib.core.http import HttpError, Request, Response, json_response, require_cron_secret
from lib.store import Store, StoreError

# Store calls inside a cron get this long; Vercel's maxDuration for crons is set in vercel.json.
CRON_STORE_TIMEOUT_S = 10.0
# vercel.json's maxDuration for api/cron/*.py: a run still `running` after it is `abandoned`.
CRON_MAX_DURATION_S = 60

CronJob = Callable[[Request, Store], dict[str, Any]]


def cron_endpoint(
    job: str, run: CronJob, validate: Callable[[Request], object] | None = None
) -> Callable[[Request], Response]:
    """Wrap a job: authenticate, record start and finish, answer 5xx with a clear message.

    `validate` rejects a bad request (HttpError) after the secret check, before a run is recorded.
    The job returns its JSON summary. Jobs must be idempotent: Vercel can deliver a cron twice.
    """

    def handler(request: Request) -> Response:
        require_cron_secret(request)
        if validate is not None:
            validate(request)
        try:
            store = Store.from_settings(request.settings, timeout=CRON_STORE_TIMEOUT_S)
        except StoreError as error:
            return json_response({"job": job, "error": str(error)}, 503)
        with store:
            try:
                run_id = store.cron_start(job, CRON_MAX_DURATION_S)
            except StoreError as error:
                return json_response(
                    {"job": job, "error": f"store unavailable: {error.reason}"}, 503
                )
            try:
                summary = run(request, store)
            except HttpError as error:
                _finish(store, run_id, "failure", error.message)
                raise
            except StoreError as error:
                _finish(store, run_id, "failure", str(error))
                return json_response({"job": job, "run_id": run_id, "error": str(error)}, 503)
            except Exception:
                _finish(store, run_id, "failure", "internal error")
                raise
            _finish(store, run_id, "success", None, summary)
        return json_response({"job": job, "run_id": run_id, **summary})

    return handler


def _finish(
    store: Store, run_id: int, outcome: str, error: str | None, summary: object = None
) -> None:
    """Best effort: a store that just failed may fail again; the response still says so."""
    with contextlib.suppress(StoreError):
        store.cron_finish(run_id, outcome, error, summary)

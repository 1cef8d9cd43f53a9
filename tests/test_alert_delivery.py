"""Alert delivery (lib/alerts/delivery.py): each notification per channel is claimed in its own
row and never sent twice; a retried webhook carries the same idempotency key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from lib.core.config import Settings
from lib.core.errors import StoreError
from lib.jobs.health_check import check_and_alert
from lib.probes import Level, ProbeResult
from lib.store import AlertRow, Store
from lib.store.postgres import PostgresTransport
from tests.alerting import T0, notify_settings, only_rules
from tests.fakes.vendors import FakeResend
from tests.fakes.webhook import FakeWebhook

MIN = timedelta(minutes=1)
KEY = "service_unresponsive:database"


class LosesTheFinalWrite(Store):
    """The database fails right after the sends: the `pending` clean-up is never written."""

    def alert_cas(self, rule: str, expected_version: int, patch: dict[str, Any]) -> AlertRow | None:
        pending = patch.get("pending", {}) or {}
        if set(patch) == {"pending"} and pending.get("claimed_at") is None:
            raise StoreError("connection failed", "monitoring_alert_cas")
        return super().alert_cas(rule, expected_version, patch)


@pytest.fixture
def settings(
    migrated_db: str, tmp_path: Path, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> Settings:
    config = only_rules(tmp_path, "service_unresponsive")
    return notify_settings(migrated_db, fake_resend.url, fake_webhook.hook_url, config)


def run(store: Store, settings: Settings, minutes: int) -> dict[str, Any]:
    results = {"database": ProbeResult(level=Level.DOWN, latency_ms=15, reason="timeout")}
    return check_and_alert(store, settings, T0 + minutes * MIN, results=results)


def test_sent_but_not_recorded_in_pending_is_not_sent_again(
    migrated_db: str, settings: Settings, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    with Store(PostgresTransport(migrated_db, timeout=5)) as store:
        run(store, settings, 0)
    failing = LosesTheFinalWrite(PostgresTransport(migrated_db, timeout=5))
    with failing, pytest.raises(StoreError):
        run(failing, settings, 5)  # fires, sends both, then loses the clean-up write
    assert len(fake_resend.emails) == 1 and len(fake_webhook.payloads) == 1
    with Store(PostgresTransport(migrated_db, timeout=5)) as store:
        assert store.alerts()[KEY].pending is not None  # still queued: it looks unsent
        summary = run(store, settings, 10)  # the claim lease (2 min) has expired
        assert summary["notifications"]["queued"] == 0
        assert store.alerts()[KEY].pending is None
        last = store.last_notification("webhook")
        assert last is not None and last.sent_at == T0 + 5 * MIN and last.error is None
    assert len(fake_resend.emails) == 1, "the e-mail is not sent twice"
    assert len(fake_webhook.payloads) == 1, "the webhook is not called twice"


def test_webhook_retry_carries_the_same_idempotency_key(
    migrated_db: str, settings: Settings, fake_webhook: FakeWebhook
) -> None:
    with Store(PostgresTransport(migrated_db, timeout=5)) as store:
        run(store, settings, 0)
        fake_webhook.mode = "500"  # e.g. answered after our timeout: delivered or not, unknown
        run(store, settings, 5)
        last = store.last_notification("webhook")
        assert last is not None and last.sent_at is None and last.error == "webhook answered 500"
        fake_webhook.mode = "ok"
        run(store, settings, 10)
    posts = [r for r in fake_webhook.requests if r.method == "POST"]
    assert len(posts) == 2
    keys = {r.headers["idempotency-key"] for r in posts}
    assert keys == {f"carbot-alert-{fake_webhook.payloads[0]['id']}"}

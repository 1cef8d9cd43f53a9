"""Notifiers: Resend requests and the fake's answers match the official spec; webhook shape."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from lib.core.config import load_settings
from lib.notify import Notification, NotifyError, configured_notifiers
from lib.notify.message import format_duration, html_body, subject, text_body
from lib.notify.resend import ResendNotifier
from lib.notify.webhook import WebhookNotifier
from tests.alerting import EMAIL_FROM, T0
from tests.conftest import SECRETS, assert_no_secret, dead_url
from tests.fakes.shapes import validate, validate_resend_error, validate_response
from tests.fakes.vendors import FakeResend
from tests.fakes.webhook import FakeWebhook

EVENT = Notification(
    id="0f3c",
    rule="payment_failure_rate",
    title="Payment failure rate",
    event="firing",
    severity="critical",
    message="7.5 % of payments failed on 2026-11-19 <script>",
    value=7.5,
    threshold=5.0,
    unit="%",
    since=T0,
    at=T0,
    environment="production",
)


def resend(fake: FakeResend, to: str = "ops@carbot.de, cto@carbot.de") -> ResendNotifier:
    settings = load_settings(
        resend_api_key=SECRETS["RESEND_API_KEY"],
        resend_api_url=fake.url,
        alert_email_to=to,
        alert_email_from=EMAIL_FROM,
    )
    return ResendNotifier(settings)


def test_email_request_and_response_match_the_resend_spec(fake_resend: FakeResend) -> None:
    resend(fake_resend).send(EVENT)
    (request,) = fake_resend.requests
    validate("resend", {"$ref": "#/components/schemas/SendEmailRequest"}, request.body)
    assert request.headers["idempotency-key"] == "carbot-alert-0f3c"
    body = request.body
    assert body["to"] == ["ops@carbot.de", "cto@carbot.de"]
    assert body["subject"] == "[CRITICAL] CarBot Firing: Payment failure rate"
    assert "&lt;script&gt;" in body["html"] and "<script>" not in body["html"]
    assert "Observed: 7.5 %" in body["text"] and "Threshold: 5 %" in body["text"]
    answer = httpx.post(fake_resend.url + "/emails", json=body).json()
    validate_response("resend", "POST", "/emails", 200, answer)
    error = httpx.post(fake_resend.url + "/emails", json={"to": "x"}).json()
    validate_resend_error(error)


@pytest.mark.parametrize("mode", ["500", "429", "hang"])
def test_email_failures_are_short_reasons(fake_resend: FakeResend, mode: str) -> None:
    fake_resend.mode = mode
    if mode == "hang":
        import lib.notify as module

        original, module.SEND_TIMEOUT_S = module.SEND_TIMEOUT_S, 0.3
    try:
        with pytest.raises(NotifyError) as caught:
            resend(fake_resend).send(EVENT)
    finally:
        if mode == "hang":
            module.SEND_TIMEOUT_S = original
    expected = {
        "500": "resend answered 500 (internal_server_error)",
        "429": "resend answered 429 (rate_limit_exceeded)",
        "hang": "resend: timeout",
    }
    assert caught.value.reason == expected[mode]
    assert_no_secret(caught.value.reason)


def test_webhook_payload_is_slack_compatible(fake_webhook: FakeWebhook) -> None:
    resolved = EVENT.model_copy(
        update={"event": "resolved", "at": T0 + timedelta(minutes=42), "duration_s": 2520.0}
    )
    WebhookNotifier(fake_webhook.hook_url).send(resolved)
    (payload,) = fake_webhook.payloads
    assert payload["text"] == (
        ":white_check_mark: [CRITICAL] CarBot Resolved after 42 min: Payment failure rate"
        " - 7.5 % of payments failed on 2026-11-19 &lt;script&gt;"  # Slack's escaping
    )
    assert payload["event"] == "resolved" and payload["duration_s"] == 2520.0
    fake_webhook.mode = "500"
    with pytest.raises(NotifyError, match="webhook answered 500"):
        WebhookNotifier(fake_webhook.hook_url).send(EVENT)
    with pytest.raises(NotifyError) as caught:
        WebhookNotifier(dead_url() + "/hook/secret-token").send(EVENT)
    assert caught.value.reason == "webhook: connection refused"


def test_configured_notifiers() -> None:
    assert configured_notifiers(load_settings()) == []
    partial = load_settings(resend_api_key="re_x", alert_email_to="ops@carbot.de")
    assert configured_notifiers(partial) == [], "no sender address: no e-mail"
    full = load_settings(
        resend_api_key="re_x",
        alert_email_to="ops@carbot.de",
        alert_email_from=EMAIL_FROM,
        alert_webhook_url="https://hooks.example/x",
    )
    assert [n.name for n in configured_notifiers(full)] == ["email", "webhook"]


def test_subject_starts_with_severity_and_durations_read_well() -> None:
    warning = EVENT.model_copy(update={"severity": "warning", "event": "reminder"})
    reminder = warning.model_copy(update={"at": T0 + timedelta(hours=6, minutes=3)})
    assert subject(reminder).startswith("[WARNING] CarBot Still firing for 6 h 3 min:")
    assert [format_duration(s) for s in (30, 600, 3600, 90000)] == [
        "0 min",
        "10 min",
        "1 h",
        "1 d 1 h",
    ]


def test_messages_state_the_reminder_interval() -> None:
    footer = "CarBot Monitor (reminders at most every 6 h while firing)"
    assert text_body(EVENT).endswith(f"\n-- {footer}\n")
    assert f"<p style='color:#666'>{footer}</p></body></html>" in html_body(EVENT)

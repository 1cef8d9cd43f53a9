"""Notifiers: Resend requests and the fake's answers match the official spec; webhook shape."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from pathlib import Path

import httpx
import pytest

from lib.core.config import ConfigError, load_settings
from lib.core.not_configured import NotConfigured
from lib.jobs.health_check import check_and_alert
from lib.notify import (
    Notification,
    NotifyError,
    accepts,
    channel_states,
    configured_notifiers,
    post_json,
)
from lib.notify.channels import CHANNELS
from lib.notify.channels.email import EmailChannel
from lib.notify.channels.webhook import WebhookChannel
from lib.notify.message import format_duration, html_body, subject, text_body
from lib.probes import Level, ProbeResult
from tests.alerting import EMAIL_FROM, T0, only_rules, open_store, settings_for
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


def resend(fake: FakeResend, to: str = "ops@carbot.de, cto@carbot.de") -> EmailChannel:
    settings = load_settings(
        resend_api_key=SECRETS["RESEND_API_KEY"],
        resend_api_url=fake.url,
        alert_email_to=to,
        alert_email_from=EMAIL_FROM,
    )
    return EmailChannel.from_settings(settings)


def webhook(url: str) -> WebhookChannel:
    return WebhookChannel.from_settings(load_settings(alert_webhook_url=url))


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
def test_email_failures_are_short_reasons(
    fake_resend: FakeResend, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_resend.mode = mode
    if mode == "hang":
        import lib.notify.channels.email as email_module

        # post_json's `timeout` defaults to SEND_TIMEOUT_S (5 s) bound when it was defined, so
        # patching lib.notify.SEND_TIMEOUT_S did not reach it; the channel's call gets 0.3 s.
        monkeypatch.setattr(email_module, "post_json", partial(post_json, timeout=0.3))
    with pytest.raises(NotifyError) as caught:
        resend(fake_resend).send(EVENT)
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
    webhook(fake_webhook.hook_url).send(resolved)
    (payload,) = fake_webhook.payloads
    assert payload["text"] == (
        ":white_check_mark: [CRITICAL] CarBot Resolved after 42 min: Payment failure rate"
        " - 7.5 % of payments failed on 2026-11-19 &lt;script&gt;"  # Slack's escaping
    )
    assert payload["event"] == "resolved" and payload["duration_s"] == 2520.0
    fake_webhook.mode = "500"
    with pytest.raises(NotifyError, match="webhook answered 500"):
        webhook(fake_webhook.hook_url).send(EVENT)
    with pytest.raises(NotifyError) as caught:
        webhook(dead_url() + "/hook/secret-token").send(EVENT)
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


# -- the channel contract (lib/notify/channels) ---------------------------------------------------


def test_each_channel_reads_its_own_settings_and_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "https://hooks.example/services/T0/B0/secret-path")
    monkeypatch.setenv("ALERT_WEBHOOK_SEVERITIES", " critical , warning ")
    settings = load_settings()
    states = channel_states(settings)
    # Every registered channel has a state; e-mail and the webhook come first (delivery order).
    assert list(states)[:2] == ["email", "webhook"] and len(states) == len(CHANNELS)
    assert states["email"] == NotConfigured(
        settings=("RESEND_API_KEY", "ALERT_EMAIL_FROM", "ALERT_EMAIL_TO")
    )
    assert str(states["email"]) == (
        "RESEND_API_KEY, ALERT_EMAIL_FROM and ALERT_EMAIL_TO are not set"
    )
    (hook,) = configured_notifiers(settings)
    assert hook.name == "webhook" and hook.severities == {"critical", "warning"}
    assert accepts(hook, EVENT) and not accepts(hook, EVENT.model_copy(update={"severity": "info"}))
    # The channel's URL holds a token: redacted like every core secret.
    assert "/services/T0/B0/secret-path" in settings.secret_values()
    # E-mail and webhook receive every severity unless told otherwise.
    email = EmailChannel.from_settings(
        load_settings(resend_api_key="re_x", alert_email_to="a@b.de", alert_email_from=EMAIL_FROM)
    )
    assert email.severities == {"critical", "warning", "info"}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "ALERT_WEBHOOK_SEVERITIES",
            "loud",
            "ALERT_WEBHOOK_SEVERITIES: unknown severity; known: critical, info, warning",
        ),
        ("ALERT_WEBHOOK_URL", "not a url", "ALERT_WEBHOOK_URL: Input should be a valid URL"),
    ],
)
def test_an_invalid_channel_setting_is_named_and_never_echoed(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    import lib.notify.channels  # noqa: F401 - registers the channels' settings

    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"invalid configuration: {expected}")
    assert value not in str(caught.value)


class BrokenChannel(WebhookChannel):
    """A channel with a bug: it must cost only its own delivery."""

    name = "broken"

    def deliver(self, notification: Notification) -> None:
        raise KeyError("a secret key name")


def test_a_channel_bug_is_a_short_notify_error(fake_webhook: FakeWebhook) -> None:
    broken = BrokenChannel.from_settings(load_settings(alert_webhook_url=fake_webhook.hook_url))
    with pytest.raises(NotifyError) as caught:
        broken.send(EVENT)
    assert caught.value.reason == "broken: unexpected error; see the function log"


def test_severity_filter_and_a_broken_channel_through_the_engine(
    migrated_db: str, tmp_path: Path, fake_webhook: FakeWebhook
) -> None:
    """The webhook takes warnings only and another channel is broken: the critical alert
    fails on the broken one (recorded, retried), never reaches the webhook, the run completes."""
    config = only_rules(tmp_path, "service_unresponsive")
    settings = settings_for(migrated_db, config, alert_webhook_url=fake_webhook.hook_url)
    warnings_only = load_settings(
        alert_webhook_url=fake_webhook.hook_url, alert_webhook_severities="warning"
    )
    channels = [BrokenChannel.from_settings(settings), WebhookChannel.from_settings(warnings_only)]
    down = {"database": ProbeResult(level=Level.DOWN, latency_ms=15, reason="refused")}
    with open_store(migrated_db) as store:
        for minutes in (0, 5):
            at = T0 + timedelta(minutes=minutes)
            summary = check_and_alert(store, settings, at, results=down, notifiers=channels)
        alert = summary["alerts"]["service_unresponsive:database"]
        assert (alert["state"], alert["event"]) == ("firing", "firing")
        assert summary["notifications"]["errors"] == [
            "service_unresponsive:database broken: broken: unexpected error; see the function log"
        ]
        assert summary["notifications"]["queued"] == 1
        last = store.last_notification("broken")
        assert last is not None and last.error == "broken: unexpected error; see the function log"
        assert store.last_notification("webhook") is None
    assert fake_webhook.payloads == [], "a critical alert never reaches a warning-only channel"

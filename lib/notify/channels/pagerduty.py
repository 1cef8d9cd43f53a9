"""PagerDuty Events API v2: trigger, acknowledge and resolve one alert per episode.

https://developer.pagerduty.com/docs/events-API-v2/trigger-events/ (PagerDuty/developer-docs,
docs/events-API-v2/02-Trigger-Events.md): POST `/v2/enqueue` with `routing_key`, `event_action`
(`trigger`, `acknowledge`, `resolve`), `dedup_key` (at most 255 characters) and, for a trigger,
`payload.summary` (at most 1024), `payload.source` and `payload.severity` (`critical`, `error`,
`warning`, `info`). Events with the same `dedup_key` apply to the same open alert, so the
episode (Notification.episode) is the key: a reminder re-triggers it, an acknowledgement
acknowledges it, the resolve closes it. Answers: 202 `{"status": "success", "message": "Event
processed", "dedup_key": ...}`, 400 `{"status": "invalid event", "message": ..., "errors":
[...]}`, 429 when the ~120 events a minute per key are exceeded
(https://developer.pagerduty.com/docs/events-API-v2/rate-limits/).
"""

from __future__ import annotations

import hashlib

from pydantic import HttpUrl, SecretStr
from pydantic_settings import SettingsConfigDict

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, missing
from lib.core.safe_text import https_link, plain
from lib.notify import Notification
from lib.notify.channels.base import Channel, ChannelSettings, Severities
from lib.notify.channels.vendor_http import post_within_budget
from lib.notify.message import ack_link, channel_facts, event_headline

SUMMARY = 1024
DEDUP_KEY = 255
ACTION = {
    "firing": "trigger",
    "reminder": "trigger",
    "acknowledged": "acknowledge",
    "resolved": "resolve",
}


class PagerDutySettings(ChannelSettings):
    """PAGERDUTY_ROUTING_KEY, PAGERDUTY_EVENTS_URL, PAGERDUTY_SEVERITIES (critical)."""

    model_config = SettingsConfigDict(env_prefix="PAGERDUTY_")

    routing_key: SecretStr | None = None
    events_url: HttpUrl = HttpUrl("https://events.pagerduty.com")
    severities: Severities = frozenset({"critical"})


def dedup_key(n: Notification) -> str:
    """One key per episode: the incident-response episode id, else the rule and its start."""
    episode = n.episode or f"{n.rule}@{n.since.isoformat()}"
    key = f"carbot:{plain(episode, DEDUP_KEY)}"
    if len(key) <= DEDUP_KEY:
        return key
    return "carbot:" + hashlib.sha256(episode.encode()).hexdigest()


class PagerDutyChannel(Channel[PagerDutySettings]):
    """Pages through the service's escalation policy; acknowledged/resolved follow ours."""

    name = "pagerduty"
    settings_model = PagerDutySettings

    @classmethod
    def not_configured(cls, config: PagerDutySettings, settings: Settings) -> NotConfigured | None:
        return missing(PAGERDUTY_ROUTING_KEY=config.routing_key)

    def __init__(self, config: PagerDutySettings, settings: Settings) -> None:
        super().__init__(config, settings)
        assert config.routing_key is not None
        self._key = config.routing_key
        self._url = str(config.events_url).rstrip("/") + "/v2/enqueue"

    def payload(self, n: Notification) -> dict[str, object]:
        event: dict[str, object] = {
            "routing_key": self._key.get_secret_value(),
            "event_action": ACTION[n.event],
            "dedup_key": dedup_key(n),
        }
        if event["event_action"] != "trigger":
            return event  # acknowledge and resolve need only the key
        details: dict[str, object] = dict(channel_facts(n))
        details["Message"] = plain(n.message, 1000)
        if n.runbook:
            details["What to do"] = [plain(step) for step in n.runbook[:30]]
        event["payload"] = {
            "summary": f"[{n.severity.upper()}] {event_headline(n)}"[:SUMMARY],
            "source": f"carbot-monitor/{plain(n.environment, 100)}",
            "severity": n.severity,  # ours are a subset of PagerDuty's four
            "timestamp": n.at.isoformat(),
            "component": plain(n.rule, 200),
            "group": plain(n.environment, 100),
            "class": plain(n.rule.split(":")[0], 200),
            "custom_details": details,
        }
        event["client"] = "CarBot Monitor"
        links = []
        link = ack_link(n)
        if link:
            links.append({"href": link, "text": "Acknowledge in CarBot Monitor"})
        if n.incident is not None and (incident := https_link(n.incident.url)):
            links.append({"href": incident, "text": plain(n.incident.name, 200)})
        if links:
            event["links"] = links
        return event

    def deliver(self, notification: Notification) -> None:
        post_within_budget("pagerduty", self._url, self.payload(notification))

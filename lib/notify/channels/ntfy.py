"""ntfy push to phones: a JSON publish, the priority from the severity.

https://docs.ntfy.sh/publish/#publish-as-json: POST the JSON to the server's root URL with
`topic`, `message`, `title`, `priority` (1 min … 5 max), `tags`, `click` and `actions`
(https://docs.ntfy.sh/publish/#action-buttons); an access token as `Authorization: Bearer`
(https://docs.ntfy.sh/publish/#access-tokens). A message over 4096 bytes becomes an attachment
(https://docs.ntfy.sh/config/#message-limits), so ours stays below. Errors are
`{"code": 42901, "http": 429, "error": "limit reached: too many requests", "link": ...}`
(https://docs.ntfy.sh/publish/#limitations, https://docs.ntfy.sh/config/#rate-limiting).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import HttpUrl, SecretStr
from pydantic_settings import SettingsConfigDict

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, missing
from lib.core.safe_text import plain
from lib.notify import Notification
from lib.notify.channels.base import Channel, ChannelSettings, Severities
from lib.notify.channels.vendor_http import body_field, post_within_budget
from lib.notify.message import ack_link, bounded_steps, channel_facts, event_subject, message

if TYPE_CHECKING:
    import httpx

MESSAGE_BYTES = 4096
PRIORITY = {"critical": 5, "warning": 4, "info": 3}
TAGS = {"firing": "rotating_light", "reminder": "bell", "resolved": "white_check_mark"}


class NtfySettings(ChannelSettings):
    """NTFY_URL (server), NTFY_TOPIC, NTFY_TOKEN (optional), NTFY_SEVERITIES (critical)."""

    model_config = SettingsConfigDict(env_prefix="NTFY_")

    url: HttpUrl = HttpUrl("https://ntfy.sh")
    topic: SecretStr | None = None  # on ntfy.sh the topic name is the password
    token: SecretStr | None = None
    severities: Severities = frozenset({"critical"})


class NtfyChannel(Channel[NtfySettings]):
    """A phone push: short title, plain text, an Acknowledge action button."""

    name = "ntfy"
    settings_model = NtfySettings

    @classmethod
    def not_configured(cls, config: NtfySettings, settings: Settings) -> NotConfigured | None:
        return missing(NTFY_TOPIC=config.topic)

    def __init__(self, config: NtfySettings, settings: Settings) -> None:
        super().__init__(config, settings)
        assert config.topic is not None
        self._url = str(config.url).rstrip("/") + "/"
        self._topic = config.topic.get_secret_value()
        self._token = config.token

    @staticmethod
    def body(n: Notification) -> str:
        lines = [message(n), *(f"{label}: {value}" for label, value in channel_facts(n))]
        text = "\n".join(lines)
        room = MESSAGE_BYTES // 4 * 3 - len(text.encode())  # bytes; leave headroom
        if n.runbook and room > 200:
            text += "\n\nWhat to do:\n" + bounded_steps(n.runbook, plain, room // 4)
        return text

    def payload(self, n: Notification) -> dict[str, object]:
        priority = 3 if n.event in ("resolved", "acknowledged") else PRIORITY[n.severity]
        body: dict[str, object] = {
            "topic": self._topic,
            "title": event_subject(n),
            "message": self.body(n),
            "priority": priority,
            "tags": [TAGS.get(n.event, "eyes"), n.severity],
        }
        link = ack_link(n)
        if link:
            body["click"] = link
            body["actions"] = [{"action": "view", "label": "Acknowledge", "url": link}]
        return body

    def deliver(self, notification: Notification) -> None:
        headers = {}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        post_within_budget(
            "ntfy", self._url, self.payload(notification), headers, detail=_ntfy_error
        )


def _ntfy_error(response: httpx.Response) -> str:
    code = body_field(response, "code")
    return f" (code {code})" if isinstance(code, int) else ""

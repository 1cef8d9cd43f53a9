"""monitoring.toml `[[components]]` and `[status]`: CarBot's public parts and how they are told."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_ID = re.compile(r"^[a-z0-9-]{1,40}$")


def _component_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("use lower-case letters, digits and '-' (at most 40)")
    return value


ComponentId = Annotated[str, AfterValidator(_component_id)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class LocalText(Strict):
    """One text in German and English (outside text: shown only through lib/core/safe_text)."""

    de: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)


class Component(Strict):
    """A public part of CarBot, fed by health-check services and alert keys (or `prefix:`)."""

    id: ComponentId
    name: LocalText
    services: list[str] = []
    alerts: list[str] = []

    def maps_alert(self, key: str) -> bool:
        return any(key == a or (a.endswith(":") and key.startswith(a)) for a in self.alerts)


class StatusOptions(Strict):
    """[status]: drafting and announcing (docs/status.md)."""

    auto_publish: bool = False  # a critical alert's draft incident is published at once
    announce_ahead_h: int = Field(24, ge=1, le=168)  # maintenance mailed this long before start


DEFAULT_COMPONENTS: tuple[Component, ...] = (
    Component(
        id="website",
        name=LocalText(de="Webseite", en="Website"),
        services=["check:home"],
        alerts=["error_rate", "response_time", "function_crashes", "check_down:"],
    ),
    Component(
        id="workshop-app",
        name=LocalText(de="Werkstatt-App", en="Workshop app"),
        services=["database"],
        alerts=[
            "service_down:database",
            "service_unresponsive:database",
            "database_connection_errors",
        ],
    ),
    Component(
        id="chat",
        name=LocalText(de="Chat", en="Chat"),
        services=["openai"],
        alerts=["service_down:openai", "service_unresponsive:openai"],
    ),
    Component(
        id="payments",
        name=LocalText(de="Zahlungen", en="Payments"),
        services=["stripe"],
        alerts=["service_down:stripe", "service_unresponsive:stripe", "payment_failure_rate"],
    ),
    Component(
        id="email",
        name=LocalText(de="E-Mail", en="E-mail"),
        services=["email"],
        alerts=["service_down:email", "service_unresponsive:email", "email_bounce_rate"],
    ),
)


def components_or_defaults(configured: list[Component]) -> tuple[Component, ...]:
    return tuple(configured) if configured else DEFAULT_COMPONENTS

"""The channel contract: a settings section, a not-configured check, a severity filter, a send."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Annotated, ClassVar, Self, get_args

from pydantic import field_validator
from pydantic_settings import NoDecode

from lib.core.config import Settings, SettingsSection
from lib.core.errors import NotifyError
from lib.core.log import log
from lib.core.not_configured import NotConfigured
from lib.notify import Notification, Severity

EVERY_SEVERITY: frozenset[Severity] = frozenset(get_args(Severity))
# A comma list in the environment (`critical,warning`), not JSON.
Severities = Annotated[frozenset[Severity], NoDecode]
# What chat channels receive by default: a warning is worth a message, not a phone call.
CHAT_SEVERITIES: frozenset[Severity] = frozenset({"critical", "warning"})


class ChannelSettings(SettingsSection):
    """A channel's own variables (`env_prefix` + field): `<PREFIX>SEVERITIES` is the comma list
    of severities it receives; critical only unless the channel says otherwise."""

    section_base: ClassVar[bool] = True
    severities: Severities = frozenset({"critical"})

    @field_validator("severities", mode="before")
    @classmethod
    def _parse_severities(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        names = frozenset(part.strip().lower() for part in value.split(",") if part.strip())
        if not names or names - EVERY_SEVERITY:  # the value is not echoed
            raise ValueError(f"unknown severity; known: {', '.join(sorted(EVERY_SEVERITY))}")
        return names


class Channel[Config: ChannelSettings](ABC):
    """One notification channel. A subclass names itself, declares its settings model, says
    what is missing and delivers; `send` (what the alert engine calls) turns any unexpected
    error into a NotifyError, so one broken channel never stops the others."""

    name: ClassVar[str]
    settings_model: ClassVar[type[ChannelSettings]]

    def __init__(self, config: Config, settings: Settings) -> None:
        self.config = config
        self.severities = config.severities

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """This channel built from the settings (its own section read from the same inputs)."""
        return cls(settings.section(cls.settings_model), settings)  # type: ignore[arg-type]

    @classmethod
    @abstractmethod
    def not_configured(cls, config: Config, settings: Settings) -> NotConfigured | None:
        """The settings still to set, or None when the channel can send."""

    @abstractmethod
    def deliver(self, notification: Notification) -> None:
        """Send it or raise NotifyError with a short reason (never a URL or a key)."""

    def send(self, notification: Notification) -> None:
        try:
            self.deliver(notification)
        except NotifyError:
            raise
        except Exception as error:  # noqa: BLE001 - a bug in one channel must not stop the rest
            log.error("notifier %s failed unexpectedly: %s", self.name, type(error).__name__)
            raise NotifyError(f"{self.name}: unexpected error; see the function log") from None

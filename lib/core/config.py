"""Settings read from the environment (and a local `.env`), validated once, secrets kept secret."""

from __future__ import annotations

import os
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    HttpUrl,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from lib import __version__
from lib.core.errors import ConfigError

SERVICES: tuple[str, ...] = ("database", "openai", "stripe", "email")
_PG_SCHEMES = ("postgres", "postgresql")


class SettingsSection(BaseSettings):
    """A plugin's own settings (a notification channel's), read like Settings from the same
    environment, `.env` file and overrides; its variables are `env_prefix` + field, upper-cased.
    Defining a subclass registers it: load_settings validates it, secret_values redacts it."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", frozen=True)
    registered: ClassVar[list[type[SettingsSection]]] = []
    section_base: ClassVar[bool] = False  # True on a shared base class, declaring no variables

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if not cls.__dict__.get("section_base", False):  # a base such as ChannelSettings is not
            SettingsSection.registered.append(cls)

    @classmethod
    def env_names(cls) -> dict[str, str]:
        """Field name → environment variable (`url` → `ALERT_WEBHOOK_URL`)."""
        prefix = cls.model_config.get("env_prefix", "")
        return {name: (prefix + name).upper() for name in cls.model_fields}

    def secret_values(self) -> list[str]:
        """Values to redact from logs and answers; a URL holding a token adds it here."""
        return [
            value.get_secret_value()
            for value in (getattr(self, name) for name in type(self).model_fields)
            if isinstance(value, SecretStr)
        ]


Section = TypeVar("Section", bound=SettingsSection)


class Settings(BaseSettings):
    """Every setting of docs/configuration.md; names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", frozen=True)

    vercel_env: Literal["production", "preview", "development"] = "development"
    app_version: str = __version__

    supabase_url: HttpUrl | None = None
    supabase_service_role_key: SecretStr | None = None
    database_url: SecretStr | None = None

    openai_api_key: SecretStr | None = None
    openai_base_url: HttpUrl = HttpUrl("https://api.openai.com/v1")
    openai_model: str | None = None
    openai_admin_key: SecretStr | None = None

    stripe_secret_key: SecretStr | None = None
    stripe_api_base: HttpUrl = HttpUrl("https://api.stripe.com")

    resend_api_key: SecretStr | None = None
    resend_api_url: HttpUrl = HttpUrl("https://api.resend.com")
    resend_domain: str | None = None

    health_token: SecretStr | None = None
    cron_secret: SecretStr | None = None
    health_timeout_ms: int = Field(2500, ge=100, le=60_000)
    # Anonymous /api/health callers share a live evaluation this recent (0: always fresh).
    health_anonymous_reuse_ms: int = Field(5000, ge=0, le=60_000)
    critical_services: Annotated[frozenset[str], NoDecode] = frozenset({"database"})
    db_storage_quota_mb: int = Field(8192, gt=0)
    metrics_timezone: Annotated[ZoneInfo, NoDecode] = ZoneInfo("Europe/Berlin")

    # Shared by the e-mail channel and the reports; each channel's own settings live in its module
    # (lib/notify/channels/).
    alert_email_from: str | None = None
    report_email_to: str | None = None
    site_url: HttpUrl | None = None
    # Status communication (docs/status.md): the monitor's public URL for links in subscriber
    # mails, the key that signs their links and webhook bodies, Resend's webhook signing secret.
    status_url: HttpUrl | None = None
    status_email_from: str | None = None
    status_secret: SecretStr | None = None
    resend_webhook_secret: SecretStr | None = None
    monitor_config: str | None = None
    # A dead-man's switch outside the monitor (docs/operations.md); its path is the check's token.
    heartbeat_url: HttpUrl | None = None
    # How often the health check is called (vercel.json, or an outside scheduler): with the store
    # down, the first run of each 30-minute window sends the direct notification.
    health_check_every_min: int = Field(5, ge=1, le=1440)
    vercel_webhook_secret: SecretStr | None = None  # signs POST /api/webhooks/vercel
    vercel_drain_secret: SecretStr | None = None  # signs POST /api/drains/vercel
    vercel_verify_token: str | None = None  # sent back as x-vercel-verify (drain set-up)
    # The share of requests the drains were configured to send: counts are scaled by 1/sampling.
    vercel_drain_sampling: float = Field(1.0, gt=0, le=1)
    # Read the vendors' status pages: unset, on in preview and production, off in development so a
    # local run calls no one on the internet (_provider_status_default).
    provider_status: bool = True
    # Supabase Management API (lib/platform): backups, project health, advisors, Auth logs.
    supabase_access_token: SecretStr | None = None
    supabase_project_ref: str | None = Field(None, pattern=r"^[a-z0-9]{1,40}$")
    supabase_api_url: HttpUrl = HttpUrl("https://api.supabase.com")
    # Visitors, security and capacity (docs/visitors.md): Vercel's Web Analytics REST API where
    # no analytics drain exists (Hobby), the plan's included transfer, the OpenAI budget.
    vercel_api_token: SecretStr | None = None
    vercel_team_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    vercel_project_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]{1,100}$")
    vercel_api_url: HttpUrl = HttpUrl("https://api.vercel.com")
    vercel_bandwidth_quota_gb: float | None = Field(None, gt=0)
    vercel_billing_cycle_day: int = Field(1, ge=1, le=28)  # the day a Vercel billing cycle starts
    openai_monthly_budget_usd: float | None = Field(None, gt=0)

    # What this object was built from, so a SettingsSection reads the very same inputs.
    _inputs: dict[str, Any] = PrivateAttr(default_factory=dict)
    _sections: dict[type[SettingsSection], SettingsSection] = PrivateAttr(default_factory=dict)

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._inputs = dict(values)

    def section(self, model: type[Section]) -> Section:
        """A plugin's settings from this object's inputs; invalid: a ConfigError naming them."""
        found = self._sections.get(model)
        if found is None:
            names = model.env_names()
            given = {
                f: self._inputs[e.lower()] for f, e in names.items() if e.lower() in self._inputs
            }
            try:
                found = model(_env_file=self._inputs.get("_env_file"), **given)  # type: ignore[call-arg]
            except ValidationError as error:
                raise ConfigError(describe_errors(error, names)) from None
            self._sections[model] = found
        assert isinstance(found, model)
        return found

    @model_validator(mode="before")
    @classmethod
    def _provider_status_default(cls, data: object) -> object:
        """PROVIDER_STATUS unset: true outside development, false in a local run."""
        if isinstance(data, dict) and data.get("provider_status") is None:
            environment = data.get("vercel_env") or "development"
            return {**data, "provider_status": environment != "development"}
        return data

    @field_validator("critical_services", mode="before")
    @classmethod
    def _parse_services(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        names = frozenset(part.strip() for part in value.split(",") if part.strip())
        if names - set(SERVICES):  # the value is not echoed: it reaches logs and bodies
            raise ValueError(f"unknown service name; known: {', '.join(SERVICES)}")
        return names

    @field_validator("metrics_timezone", mode="before")
    @classmethod
    def _parse_timezone(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    "unknown time zone (use an IANA name like Europe/Berlin)"
                ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: SecretStr | None) -> SecretStr | None:
        # libpq URIs may have an empty host (Unix socket in ?host=), which URL types reject.
        if value is not None and urlsplit(value.get_secret_value()).scheme not in _PG_SCHEMES:
            raise ValueError("not a postgresql:// URL")
        return value

    @property
    def production(self) -> bool:
        return self.vercel_env == "production"

    @property
    def supabase_configured(self) -> bool:
        return self.supabase_url is not None and self.supabase_service_role_key is not None

    @property
    def db_storage_quota_bytes(self) -> int:
        return self.db_storage_quota_mb * 1024 * 1024

    def secret_values(self) -> list[str]:
        """Every configured secret (DATABASE_URL's password, the webhook URL too), for redaction."""
        values = [
            field.get_secret_value()
            for field in (
                self.supabase_service_role_key,
                self.database_url,
                self.openai_api_key,
                self.openai_admin_key,
                self.stripe_secret_key,
                self.resend_api_key,
                self.health_token,
                self.cron_secret,
                self.status_secret,
                self.resend_webhook_secret,
                self.vercel_webhook_secret,
                self.vercel_drain_secret,
                self.supabase_access_token,
                self.vercel_api_token,
            )
            if field is not None
        ]
        if self.database_url is not None:
            password = urlsplit(self.database_url.get_secret_value()).password
            if password:
                values.append(password)
        for model in SettingsSection.registered:  # the channels' (webhook URLs hold tokens)
            try:
                values += self.section(model).secret_values()
            except ConfigError:
                continue
        if self.heartbeat_url is not None:  # healthchecks.io: the check's UUID is the path
            values += [str(self.heartbeat_url), self.heartbeat_url.path or ""]
        return [v for v in values if len(v) >= 4]


def describe_errors(error: ValidationError, names: dict[str, str] | None = None) -> str:
    """A one-line message naming each bad setting by its variable, never echoing the value."""
    parts = []
    for item in error.errors(include_input=False, include_url=False):
        field = str(item["loc"][0]) if item["loc"] else "settings"
        name = (names or {}).get(field, field.upper())
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{name}: {message}")
    return "invalid configuration: " + "; ".join(parts)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and the `.env` file named by ENV_FILE (default `.env`)."""
    env_file = os.environ.get("ENV_FILE", ".env") or None
    named = os.environ.get("ENV_FILE")
    if named and not os.path.isfile(named):
        # Named explicitly, a missing file is a mistake; only the default `.env` is optional.
        raise ConfigError(f"ENV_FILE: no such file {named} (unset ENV_FILE to use .env)")
    try:
        settings = Settings(_env_file=env_file, **overrides)
    except ValidationError as error:
        raise ConfigError(describe_errors(error)) from None
    for model in SettingsSection.registered:  # fail fast on a channel's settings too
        settings.section(model)
    return settings


@cache
def get_settings() -> Settings:
    """The process-wide settings (a Vercel function's environment does not change while it runs)."""
    return load_settings()

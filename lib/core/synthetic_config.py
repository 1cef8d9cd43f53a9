"""monitoring.toml `[[checks]]` (synthetic checks of CarBot) and `[[heartbeats]]` (its jobs)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

# `${NAME}` in a URL, header or body: the value of environment variable NAME, read at run time,
# so a secret is named in monitoring.toml, never written there.
ENV_REFERENCE = re.compile(r"\$\{([A-Z_][A-Z0-9_]{0,63})\}")
# `{{name}}` in a flow step: a value an earlier step extracted.
FLOW_REFERENCE = re.compile(r"\{\{([a-z][a-z0-9_]{0,39})\}\}")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")


def _check_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError("use 1-40 of a-z, 0-9, _ and -, starting with a letter")
    return value


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError("not an environment variable name (A-Z, 0-9, _)")
    return value


CheckName = Annotated[str, AfterValidator(_check_name)]
EnvName = Annotated[str, AfterValidator(_env_name)]
Seconds = Annotated[float, Field(strict=False, gt=0, le=3600 * 24 * 31)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Conditions(_Strict):
    """Gatus-style conditions; each one given must hold, the first that fails names the reason."""

    status: list[int] | None = None  # accepted status codes (default: any 2xx)
    max_response_ms: int | None = Field(None, gt=0)
    body_contains: list[str] = []
    body_not_contains: list[str] = []
    # {"$.status": "ok"}: the JSON value at the path equals (compared as text) ...
    json_equals: dict[str, str | int | float | bool] = {}
    # ... or exists / is a non-empty value
    json_present: list[str] = []
    headers: dict[str, str] = {}  # header name → exact value (names case-insensitive)
    min_certificate_days: int | None = Field(None, ge=0)


class Request(_Strict):
    """One HTTP request: `${ENV}` references are filled in at run time."""

    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    url: str
    headers: dict[str, str] = {}
    body: str | None = None
    # The environment variable holding a bearer token, sent as `Authorization: Bearer <value>`.
    secret_env: EnvName | None = None
    follow_redirects: bool = False
    conditions: Conditions = Conditions()

    @model_validator(mode="after")
    def _http_url(self) -> Request:
        if not self.url.startswith(("http://", "https://", "${")):
            raise ValueError("url must start with http:// or https://")
        return self


class FlowStep(Request):
    """A flow step: a request, plus values to extract for the steps after it."""

    name: CheckName
    # {"token": "$.access_token", "lead": "header:X-Lead-Id"}: used later as {{token}}
    extract: dict[str, str] = {}


class CheckConfig(_Strict):
    """One `[[checks]]`: exactly one of http (a request), dns (names) or flow (steps)."""

    name: CheckName
    interval: Seconds = 300.0  # at least the health check's own period (5 min) in practice
    timeout: Seconds = 10.0  # per request
    critical: bool = False  # check_down:<name> is critical after 2 min down, else a warning
    http: Request | None = None
    dns: DnsCheck | None = None
    flow: list[FlowStep] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> CheckConfig:
        if sum(kind is not None for kind in (self.http, self.dns, self.flow)) != 1:
            raise ValueError("give exactly one of http, dns or flow")
        if self.flow is not None and not 1 <= len(self.flow) <= 10:
            raise ValueError("a flow has 1 to 10 steps")
        return self

    @property
    def kind(self) -> Literal["http", "dns", "flow"]:
        return "http" if self.http else "dns" if self.dns else "flow"

    @property
    def service(self) -> str:
        """The row name in monitoring_health_checks (and the status page's component)."""
        return f"check:{self.name}"


RecordType = Literal["A", "AAAA", "CNAME", "MX", "TXT", "NS"]


class DnsCheck(_Strict):
    """Names that must resolve: `site_url = true` adds SITE_URL's host."""

    names: list[str] = []
    site_url: bool = True
    record: RecordType = "A"
    expect: list[str] = []  # each must be among the answers (empty: any answer)
    # "127.0.0.1:5353": ask this resolver instead of the system's (tests, split horizon).
    resolver: str | None = None


class HeartbeatConfig(_Strict):
    """One `[[heartbeats]]`: a CarBot job that pings /api/ping/<token> when it runs."""

    name: CheckName
    # The environment variable holding this heartbeat's token (at least 24 characters).
    token_env: EnvName
    period: Seconds | None = None  # expected every `period` seconds ...
    schedule: str | None = None  # ... or on this cron schedule (5 fields)
    tz: str = "UTC"
    grace: Seconds = 3600.0

    @model_validator(mode="after")
    def _one_timing(self) -> HeartbeatConfig:
        if (self.period is None) == (self.schedule is None):
            raise ValueError("give either period or schedule")
        if self.schedule is not None:
            from croniter import croniter

            if not croniter.is_valid(self.schedule) or len(self.schedule.split()) != 5:
                raise ValueError("schedule is not a 5-field cron expression")
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone (use an IANA name like Europe/Berlin)") from None
        return self


CheckConfig.model_rebuild()


def _unique[T: (CheckConfig, HeartbeatConfig)](items: list[T]) -> list[T]:
    names = [item.name for item in items]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"names must be unique; repeated: {', '.join(duplicated)}")
    return items


CheckList = Annotated[list[CheckConfig], AfterValidator(_unique)]
HeartbeatList = Annotated[list[HeartbeatConfig], AfterValidator(_unique)]

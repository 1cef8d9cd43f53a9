"""Unit tests: settings parsing and status aggregation."""

from __future__ import annotations

import pytest

from lib.core.config import ConfigError, load_settings
from lib.core.http import redact, utc_timestamp
from lib.probes import Level, ProbeResult
from lib.probes.health import aggregate, service_word


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV_FILE", "")
    for name in ("HEALTH_TIMEOUT_MS", "CRITICAL_SERVICES", "DATABASE_URL", "METRICS_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.vercel_env == "development"
    assert settings.health_timeout_ms == 2500
    assert settings.critical_services == frozenset({"database"})
    assert settings.db_storage_quota_mb == 8192
    assert str(settings.metrics_timezone) == "Europe/Berlin"
    assert str(settings.openai_base_url) == "https://api.openai.com/v1"
    assert settings.secret_values() == []


def test_parses_lists_and_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRITICAL_SERVICES", " database , stripe ")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:pa55word-long@db.example:6543/postgres")
    monkeypatch.setenv("OPENAI_API_KEY", "")  # empty means unset
    settings = load_settings()
    assert settings.critical_services == frozenset({"database", "stripe"})
    assert settings.openai_api_key is None
    assert "pa55word-long" in settings.secret_values()
    assert "pa55word-long" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("HEALTH_TIMEOUT_MS", "fast", "HEALTH_TIMEOUT_MS: Input should be a valid integer"),
        ("HEALTH_TIMEOUT_MS", "7", "HEALTH_TIMEOUT_MS: Input should be greater than or equal"),
        ("CRITICAL_SERVICES", "database,redis", "CRITICAL_SERVICES: unknown service name; known"),
        ("METRICS_TIMEZONE", "Mars/Base", "METRICS_TIMEZONE: unknown time zone"),
        ("DATABASE_URL", "mysql://u:hunter22@h/db", "DATABASE_URL: not a postgresql:// URL"),
        ("STRIPE_API_BASE", "not a url", "STRIPE_API_BASE: Input should be a valid URL"),
        ("VERCEL_ENV", "staging", "VERCEL_ENV: Input should be 'production'"),
    ],
)
def test_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert expected in str(caught.value)
    assert value not in str(caught.value), "the message must not echo the (possibly secret) value"


def test_dotenv_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("HEALTH_TIMEOUT_MS=1234\nRESEND_DOMAIN=carbot.de\n")
    monkeypatch.setenv("ENV_FILE", str(env_file))
    settings = load_settings()
    assert settings.health_timeout_ms == 1234
    assert settings.resend_domain == "carbot.de"


@pytest.mark.parametrize(
    ("environment", "given", "expected"),
    [
        (None, None, False),  # a local run reads no vendor page on the internet
        ("development", None, False),
        ("preview", None, True),
        ("production", None, True),
        ("development", "true", True),  # set explicitly, it wins either way
        ("production", "false", False),
    ],
)
def test_provider_status_defaults_to_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: str | None, given: str | None, expected: bool
) -> None:
    for name, value in (("VERCEL_ENV", environment), ("PROVIDER_STATUS", given)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert load_settings().provider_status is expected


def result(level: Level) -> ProbeResult:
    return ProbeResult(level=level)


@pytest.mark.parametrize(
    ("levels", "critical", "expected"),
    [
        ({"database": Level.OK, "openai": Level.OK}, {"database"}, "healthy"),
        ({"database": Level.DOWN, "openai": Level.OK}, {"database"}, "unhealthy"),
        ({"database": Level.OK, "openai": Level.DOWN}, {"database"}, "degraded"),
        ({"database": Level.DEGRADED, "openai": Level.OK}, {"database"}, "degraded"),
        ({"database": Level.OK, "stripe": Level.DOWN}, {"database", "stripe"}, "unhealthy"),
        ({"database": Level.NOT_CONFIGURED, "openai": Level.OK}, {"database"}, "healthy"),
        ({"database": Level.OK, "email": Level.NOT_CONFIGURED}, {"database"}, "healthy"),
        ({"database": Level.DEGRADED, "stripe": Level.DEGRADED}, {"stripe"}, "degraded"),
    ],
)
def test_aggregate(levels: dict[str, Level], critical: set[str], expected: str) -> None:
    results = {name: result(level) for name, level in levels.items()}
    assert aggregate(results, frozenset(critical)) == expected


def test_service_words() -> None:
    assert [service_word("database", lv) for lv in Level] == [
        "connected",
        "slow",
        "disconnected",
        "not_configured",
    ]
    assert [service_word("openai", lv) for lv in Level] == [
        "operational",
        "degraded",
        "down",
        "not_configured",
    ]


def test_timestamp_format() -> None:
    from datetime import UTC, datetime

    assert utc_timestamp(datetime(2026, 11, 27, 10, 0, tzinfo=UTC)) == "2026-11-27T10:00:00.000Z"


def test_redact_longest_first() -> None:
    assert redact("key=abcdef123 pw=abcdef", ["abcdef", "abcdef123"]) == "key=*** pw=***"


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ('FATAL:  password authentication failed for user "postgres"', "authentication failed"),
        ('FATAL:  database "carbot" does not exist', "unknown database"),
        ('FATAL:  role "carbot" does not exist', "unknown user"),
        ("connection refused", "connection refused"),
    ],
)
def test_postgres_connection_errors_in_words(message: str, reason: str) -> None:
    """What a wrong DATABASE_URL gives, never the server's text (it names users and hosts)."""
    import psycopg

    from lib.core.errors import reason_for

    error = psycopg.OperationalError(f'connection to server at "10.0.0.1" failed: {message}')
    assert reason_for(error) == reason


def test_reason_for_while_another_thread_imports_a_client_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A threaded server: one request imports httpx lazily while another's store call fails.
    sys.modules then holds httpx half-initialised, without HTTPError yet; the failure must still
    get its words, not an AttributeError that turns a 503 into a 500 (seen in test_dashboard)."""
    import sys
    import types

    import psycopg

    from lib.core.errors import reason_for

    for name in ("httpx", "postgrest.exceptions"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))  # no classes yet
    error = psycopg.OperationalError('connection to server at "127.0.0.1" failed: refused')
    assert reason_for(error) == "connection refused"
    assert reason_for(ConnectionRefusedError()) == "connection refused"


def test_not_configured_states_it_and_says_what_to_do() -> None:
    from lib.core.not_configured import NotConfigured, missing, unless
    from lib.probes.database import STORE_NOT_CONFIGURED

    one = missing(OPENAI_ADMIN_KEY=None, OPENAI_API_KEY="sk-set")
    assert one == NotConfigured(settings=("OPENAI_ADMIN_KEY",))
    assert (str(one), one.fix) == ("OPENAI_ADMIN_KEY is not set", "set OPENAI_ADMIN_KEY")
    two = unless(False, "RESEND_API_KEY", "RESEND_DOMAIN", note="domain check")
    assert two is not None and unless(True, "RESEND_API_KEY") is None
    assert str(two) == "RESEND_API_KEY and RESEND_DOMAIN are not set (domain check)"
    assert two.fix == "set RESEND_API_KEY and RESEND_DOMAIN (domain check)"
    assert STORE_NOT_CONFIGURED.fix == (
        "set DATABASE_URL, or SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY"
    )
    assert missing(A="x", B="y") is None

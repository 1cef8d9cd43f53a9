"""Shared fixtures: a real throwaway PostgreSQL, local fake vendors, and the dev server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

import lib
from lib.local.localpg import LocalPostgres, free_port
from tests.browser import chromium
from tests.db_reset import DatabaseBaseline
from tests.fakes.supabase_management import FakeManagement
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe
from tests.fakes.webhook import FakeWebhook
from tests.local_http import LOCAL_HTTP

ROOT = Path(__file__).resolve().parent.parent
lib.loaded()  # a test session is long: keep the cyclic GC that `import lib` paused
# Tests never reach the internet: no provider status page unless a test points one at a fake.
os.environ.setdefault("PROVIDER_STATUS", "false")

# Secrets configured in test servers; no response body may ever contain any of them.
SECRETS = {
    "OPENAI_API_KEY": "sk-test-openai-SECRET-0001",
    "OPENAI_ADMIN_KEY": "sk-admin-openai-SECRET-0002",
    "STRIPE_SECRET_KEY": "sk_test_stripe_SECRET_0003",
    "RESEND_API_KEY": "re_test_resend_SECRET_0004",
    "HEALTH_TOKEN": "health-token-SECRET-0005",
    "CRON_SECRET": "cron-secret-SECRET-0006",
    "SUPABASE_SERVICE_ROLE_KEY": "supabase-service-role-SECRET-0007",
}
DB_PASSWORD = "db-password-SECRET-0008"


def assert_no_secret(text: str) -> None:
    for name, value in [*SECRETS.items(), ("DATABASE_URL password", DB_PASSWORD)]:
        assert value not in text, f"{name} leaked"
        assert value[-10:] not in text, f"a fragment of {name} leaked"


def start_cluster(tmp_path_factory: pytest.TempPathFactory, name: str) -> LocalPostgres:
    """Start a throwaway cluster; failing to start fails the run loudly, never skips."""
    cluster = LocalPostgres(tmp_path_factory.mktemp(name) / "cluster")
    try:
        cluster.start()
    except RuntimeError as error:
        pytest.fail(f"could not start the test PostgreSQL ({name}): {error}", pytrace=False)
    return cluster


@pytest.fixture(scope="session")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPostgres]:
    """A real PostgreSQL cluster for the whole run, started here; failing to start fails loudly."""
    cluster = start_cluster(tmp_path_factory, "pg")
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"alter role postgres password '{DB_PASSWORD}'")
    yield cluster
    cluster.stop()


@pytest.fixture
def fresh_db(pg: LocalPostgres) -> Iterator[str]:
    """An empty database for one test; dropped afterwards. Yields its URL (with the password)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(f"create database {name}")
    yield f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{pg.port}/{name}"
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def fake_resend() -> Iterator[FakeResend]:
    fake = FakeResend()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def fake_webhook() -> Iterator[FakeWebhook]:
    fake = FakeWebhook()
    yield fake
    fake.close()


@pytest.fixture(autouse=True)
def _reset_fakes(request: pytest.FixtureRequest) -> None:
    for name in ("fake_openai", "fake_stripe", "fake_resend", "fake_webhook"):
        if name in request.fixturenames:
            request.getfixturevalue(name).reset()


def dead_url() -> str:
    """An address on 127.0.0.1 where nothing listens: connections are refused."""
    return f"http://127.0.0.1:{free_port()}"


class DevServer:
    """`python -m lib.local.devserver` in a subprocess with its own environment."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        full_env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", str(ROOT)),
            "ENV_FILE": "",
            "DEV_SERVER_QUIET": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PROVIDER_STATUS": "false",
            **env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lib.local.devserver", "--port", str(self.port)],
            cwd=ROOT,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dev server exited: {self.process.stdout.read()}")  # type: ignore[union-attr]
            try:
                LOCAL_HTTP.get(self.url + "/api/__ping__", timeout=0.5)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("dev server did not start within 20 s")

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return LOCAL_HTTP.get(self.url + path, **kwargs)  # type: ignore[arg-type]

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        return LOCAL_HTTP.request(method, self.url + path, **kwargs)  # type: ignore[arg-type]

    def close(self) -> str:
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output or ""


@pytest.fixture
def dev_server() -> Iterator[Callable[[dict[str, str]], DevServer]]:
    """Factory: start a dev server with the given environment; all are stopped after the test.

    The server's own log must not contain a secret either; that is checked at teardown.
    """
    servers: list[DevServer] = []

    def start(env: dict[str, str]) -> DevServer:
        server = DevServer(env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        assert_no_secret(server.close())


def vendor_env(
    openai: FakeOpenAI,
    stripe: FakeStripe,
    resend: FakeResend,
    database_url: str | None,
    **extra: str,
) -> dict[str, str]:
    """Every secret set, every vendor at its local fake, the database (None: no DATABASE_URL key);
    `extra` on top."""
    database = {} if database_url is None else {"DATABASE_URL": database_url}
    return {
        **SECRETS,
        **database,
        "OPENAI_BASE_URL": openai.base_url,
        "OPENAI_MODEL": "gpt-4o-mini",
        "STRIPE_API_BASE": stripe.url,
        "RESEND_API_URL": resend.url,
        "RESEND_DOMAIN": "carbot.de",
        **extra,
    }


SUPABASE_ROLES = (
    "create role anon nologin",
    "create role authenticated nologin",
    "create role service_role nologin bypassrls",
)
SERVICE_KEY = SECRETS["SUPABASE_SERVICE_ROLE_KEY"]
ANON_KEY = "anon-key-not-secret"


def migrated_database(cluster: LocalPostgres, name: str) -> str:
    """Create database `name` with every migration applied; returns its superuser URL."""
    from lib.local.migrate import migrate

    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"create database {name}")
    url = cluster.url_for(name)
    migrate(url)
    return url


def _clone(cluster: LocalPostgres, template: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"create database {name} template {template}")
    yield name
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")


@pytest.fixture(scope="session")
def monitor_template(pg: LocalPostgres) -> str:
    """A migrated database to clone per test; returns its name."""
    migrated_database(pg, "monitor_template")
    return "monitor_template"


@pytest.fixture
def migrated_db(
    request: pytest.FixtureRequest, pg: LocalPostgres, monitor_template: str
) -> Iterator[str]:
    """A database with every migration applied (plain PostgreSQL, no Supabase roles). Yields URL.

    In a module marked `reuse_module_db` it is the module's database emptied for this test
    (`emptied_module_db`): the state of a fresh clone in a tenth of a clone's time under load."""
    if request.node.get_closest_marker("reuse_module_db"):
        yield request.getfixturevalue("emptied_module_db")
        return
    for name in _clone(pg, monitor_template):
        yield f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{pg.port}/{name}"


@pytest.fixture(scope="session")
def supabase_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPostgres]:
    """A second cluster where Supabase's roles exist (roles are cluster-wide)."""
    cluster = start_cluster(tmp_path_factory, "supabase-pg")
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        for statement in SUPABASE_ROLES:
            conn.execute(statement)
        conn.execute("grant anon, authenticated, service_role to postgres")
    migrated_database(cluster, "monitor_template")
    yield cluster
    cluster.stop()


@pytest.fixture
def supabase_db(supabase_pg: LocalPostgres) -> Iterator[str]:
    """A migrated database on the Supabase-like cluster. Yields its superuser URL."""
    for name in _clone(supabase_pg, "monitor_template"):
        yield supabase_pg.url_for(name)


@pytest.fixture
def postgrest(supabase_db: str) -> Iterator[object]:
    """The PostgREST stand-in over `supabase_db`."""
    from tests.postgrest_bridge import PostgrestBridge

    bridge = PostgrestBridge(supabase_db, {SERVICE_KEY: "service_role", ANON_KEY: "anon"})
    yield bridge
    bridge.close()


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A folder the server's own user can reach (pytest's tmp root is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="carbot-dev-"))
    path.chmod(0o755)
    yield path / "data"
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium (tests/browser.py), launched once per page-test module (~1-2 s a
    launch); tests open their own context on it. Missing, it fails loudly. Not per session:
    Playwright's sync API keeps its asyncio loop marked running in the test thread while it is
    open, so a later module calling code that uses asyncio.run (probes, synthetic checks) in
    the same worker would fail."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def management_server() -> Iterator[FakeManagement]:
    """The fake Supabase Management API, one per module (tests/fakes/supabase_management.py)."""
    fake = FakeManagement()
    yield fake
    fake.close()


@pytest.fixture
def fake_management(management_server: FakeManagement) -> FakeManagement:
    """The module's fake Management API, reset to its documented defaults for this test."""
    management_server.reset()
    return management_server


@pytest.fixture
def spec_checked_management(fake_management: FakeManagement) -> Iterator[FakeManagement]:
    """The fake, and afterwards the check that every body it served is in the official OpenAPI
    document's shape (the fake records each violation)."""
    yield fake_management
    assert fake_management.violations == []


@pytest.fixture(scope="module")
def module_db(pg: LocalPostgres, monitor_template: str) -> Iterator[str]:
    """A migrated database shared by the tests of one module (e.g. behind `vendor_server`)."""
    for name in _clone(pg, monitor_template):
        yield pg.url_for(name)


@pytest.fixture(scope="module")
def vendor_server(
    module_db: str, fake_openai: FakeOpenAI, fake_stripe: FakeStripe, fake_resend: FakeResend
) -> Iterator[DevServer]:
    """One dev server per module: every secret, every vendor at its fake, over `module_db`.

    Its log must not contain a secret either; that is checked at teardown."""
    dev = DevServer(vendor_env(fake_openai, fake_stripe, fake_resend, module_db))
    yield dev
    assert_no_secret(dev.close())


@pytest.fixture(params=["postgres", "supabase"])
def store_and_url(request: pytest.FixtureRequest) -> Iterator[tuple[Any, str]]:
    """(Store, superuser URL of its database) for each transport: direct and PostgREST."""
    from tests.stores import postgres_store, supabase_store

    if request.param == "postgres":
        url = request.getfixturevalue("migrated_db")
        store = postgres_store(url)
    else:
        url = request.getfixturevalue("supabase_db")
        store = supabase_store(request.getfixturevalue("postgrest"))
    with store:
        yield store, url


@pytest.fixture
def clean_module_db(pg: LocalPostgres, monitor_template: str, module_db: str) -> str:
    """`module_db` cloned afresh from the template for this test, under the same name: what
    `migrated_db` gives, for tests that share the module's dev server instead of starting one
    each (a start is 0.3 s idle, seconds under load). The server opens a connection per request,
    so dropping the old copy (with force) between tests is invisible to it."""
    name = module_db.rsplit("/", 1)[1]
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")
        conn.execute(f"create database {name} template {monitor_template}")
    return module_db


@pytest.fixture(scope="session")
def monitor_template_baseline(pg: LocalPostgres, monitor_template: str) -> DatabaseBaseline:
    return DatabaseBaseline(pg.url_for(monitor_template))


@pytest.fixture
def emptied_module_db(
    pg: LocalPostgres,
    monitor_template: str,
    monitor_template_baseline: DatabaseBaseline,
    module_db: str,
) -> str:
    """`module_db` as a fresh clone of the template has it, for this test: what `migrated_db` and
    `clean_module_db` give, in a tenth of the time under load (a clone copies ~540 relations;
    this truncates the few tables the last test wrote). When a test changed the schema (or the
    rows the template itself holds), the database is cloned afresh instead, as
    `clean_module_db` does. Left as they are: the cumulative statistics (pg_stat_*)."""
    if not monitor_template_baseline.empty_if_unchanged(module_db):
        name = module_db.rsplit("/", 1)[1]
        with psycopg.connect(pg.url, autocommit=True) as conn:
            conn.execute(f"drop database if exists {name} with (force)")
            conn.execute(f"create database {name} template {monitor_template}")
    return module_db

"""Store traffic of one /api/cron/health_check run with nothing firing, on both transports.

The cron endpoint runs in the dev server over real HTTP, once on the direct PostgreSQL transport
and once through the PostgREST bridge (tests/postgrest_bridge.py, the Supabase path). Per run it
prints the store calls (the `monitoring_*` functions called, from pg_stat_statements on the direct
transport and from the bridge's own log on the other) and the SQL statements the monitor's
connections sent (pg_stat_statements, top level), beside the baseline measured on the code
before the store was asked once per run (main at 31b001e: every call BEGIN + set_config + the
call + COMMIT, each rule asking for itself) and the target of issue 24 (<= 8 calls, each one
round trip), and the wall time of a run over each transport. Today a call on the direct
transport is one simple-protocol query (set_config; the call): one round trip, two statements.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import announce, pick  # noqa: E402
from lib.local.localpg import throwaway  # noqa: E402
from tests.conftest import SERVICE_KEY, SUPABASE_ROLES, DevServer, migrated_database  # noqa: E402
from tests.postgrest_bridge import PostgrestBridge  # noqa: E402

SECRET = "bench-cron-secret"
WARMUP = 2  # the first runs create the alert rows: not the steady state measured
RUNS = pick(7, 1)
# Measured with this benchmark on main at 31b001e (--quick, one run; a full run gave ~1.9 s over
# the bridge): calls, statements, wall ms per transport.
BASELINE = {
    "direct PostgreSQL": (34, 137, 76.0),
    "PostgREST bridge": (34, 295, 1763.0),
}
ISSUE_24 = {"calls": 39, "statements": 157}  # as the issue counted them, direct transport
TARGET_CALLS = 8
_OWN = "query not ilike '%%pg_stat_statements%%'"  # the bench's own queries are not counted


def reset(admin: psycopg.Connection) -> None:
    admin.execute("select pg_stat_statements_reset()")


def statements(admin: psycopg.Connection, database: str) -> Counter[str]:
    """Top-level statements run in `database` since the last reset, by normalised text."""
    rows = admin.execute(
        f"""select s.query, s.calls from pg_stat_statements s
            join pg_database d on d.oid = s.dbid where d.datname = %s and {_OWN}""",
        (database,),
    ).fetchall()
    return Counter({query: calls for query, calls in rows})


def store_calls(seen: Counter[str]) -> Counter[str]:
    """The direct transport's calls: its `select to_jsonb(public.monitoring_…(…))` statements."""
    calls: Counter[str] = Counter()
    for query, n in seen.items():
        if query.startswith("select to_jsonb(public."):
            calls[query.removeprefix("select to_jsonb(public.").split("(")[0].strip('"')] += n
    return calls


def run_once(server: DevServer) -> float:
    started = time.perf_counter()
    answer = httpx.get(
        f"{server.url}/api/cron/health_check",
        headers={"Authorization": f"Bearer {SECRET}"},
        timeout=60,
    )
    took = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # "Nothing firing": a run that fires or notifies is not the one measured here.
    assert not body.get("fired") and not body.get("notified"), body
    return took


def measure(
    server: DevServer, admin: psycopg.Connection, database: str, bridge: PostgrestBridge | None
) -> tuple[Counter[str], int, int, list[float]]:
    """Calls and statements of the quietest run, the most calls of any run, each run's wall time.

    The quietest run is the steady state: a run in which some rule's state moves (a compare-and-
    set) is one call more.
    """
    for _ in range(WARMUP):
        run_once(server)
    walls, runs = [], []
    for _ in range(RUNS):
        reset(admin)
        if bridge is not None:
            bridge.calls.clear()
        walls.append(run_once(server))
        seen = statements(admin, database)
        calls = Counter(bridge.calls) if bridge is not None else store_calls(seen)
        runs.append((calls, sum(seen.values())))
    calls, count = min(runs, key=lambda run: sum(run[0].values()))
    return calls, count, max(sum(c.values()) for c, _ in runs), walls


def main() -> None:
    announce()
    results = {}
    with throwaway(prefix="bench-health-check-") as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            for statement in SUPABASE_ROLES:
                conn.execute(statement)
            conn.execute("grant anon, authenticated, service_role to postgres")
            conn.execute("create extension if not exists pg_stat_statements")
        direct_url, bridged_url = (
            migrated_database(cluster, name) for name in ("direct", "bridged")
        )
        with psycopg.connect(cluster.url, autocommit=True) as admin:
            env = {"CRON_SECRET": SECRET}
            server = DevServer({**env, "DATABASE_URL": direct_url})
            try:
                results["direct PostgreSQL"] = measure(server, admin, "direct", None)
            finally:
                server.close()
            bridge = PostgrestBridge(bridged_url, {SERVICE_KEY: "service_role"})
            server = DevServer(
                {**env, "SUPABASE_URL": bridge.url, "SUPABASE_SERVICE_ROLE_KEY": SERVICE_KEY}
            )
            try:
                results["PostgREST bridge"] = measure(server, admin, "bridged", bridge)
            finally:
                server.close()
                bridge.close()
    print(f"one /api/cron/health_check run with nothing firing (after {WARMUP} warm-up runs):")
    print(f"quietest of {RUNS} measured runs; 'most' is the most calls of any of them")
    header = ("transport", "calls", "before", "most", "statements", "before", "median ms", "before")
    print("{:<18} {:>6} {:>7} {:>5} {:>11} {:>7} {:>10} {:>7}".format(*header))
    for label, (calls, count, most, walls) in results.items():
        calls_before, statements_before, wall_before = BASELINE[label]
        print(
            f"{label:<18} {sum(calls.values()):>6} {calls_before:>7} {most:>5} {count:>11}"
            f" {statements_before:>7} {statistics.median(walls):>10.0f} {wall_before:>7.0f}"
        )
    print(
        f"{'issue 24 (direct)':<18} {ISSUE_24['calls']:>6} {'':>7} {'':>5}"
        f" {ISSUE_24['statements']:>11}   target: <= {TARGET_CALLS} calls per run,"
        " each one round trip"
    )
    bridge_walls = results["PostgREST bridge"][3]
    print(
        f"wall time of a run over the bridge: {statistics.median(bridge_walls):.0f} ms"
        f" (before {BASELINE['PostgREST bridge'][2]:.0f} ms,"
        f" {BASELINE['PostgREST bridge'][2] / statistics.median(bridge_walls):.1f}x)"
    )
    (direct, direct_count, _, _), (bridged, _, _, _) = results.values()
    print(
        f"direct: {direct_count / max(1, sum(direct.values())):.1f} statements per call;"
        f" calls / target {sum(direct.values()) / TARGET_CALLS:.1f}"
    )
    # The database probe is `select 1` on its own connection directly, a `monitoring_ping` RPC
    # through PostgREST (lib/probes/database.py): every other call must be the same.
    # A compare-and-set is written only when a rule's state or reported value moves (the
    # database probe's round trip time does most runs): not part of the comparison.
    same = Counter(monitoring_ping=1, monitoring_alert_transition=99)
    assert direct - same == bridged - same, (direct, bridged)
    # A count, not a timing: judged in quick runs too.
    assert sum((direct - same).values()) <= TARGET_CALLS, direct
    print("\nstore calls per run, by function (direct | bridge):")
    for function, n in bridged.most_common():
        print(f"  {function:<40} {direct[function]:>3} | {n}")


if __name__ == "__main__":
    main()

"""Run the built /api/health function the way Vercel's Lambda does and check its answers.

The function folder is materialized from its `.vc-config.json` `filePathMap` (exactly the files
Vercel would upload), then `python3.12 -S` imports the built handler shim, which loads the bundled
`vercel_runtime.vc_init`, and calls `vc_handler(event, None)` for each request. Upstreams are the
local fakes of tests/fakes and a throwaway PostgreSQL from lib/localpg.py, all on 127.0.0.1.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.vercel_output import BuiltFunction, CheckFailed

ROUTE = "/api/health"
INVOKER = Path(__file__).resolve().parent / "vercel_invoke.py"
RUN_TIMEOUT_S = 60
SECRETS = {
    "OPENAI_API_KEY": "sk-vercel-check-openai-SECRET-1",
    "STRIPE_SECRET_KEY": "sk_test_vercel_check_SECRET_2",
    "RESEND_API_KEY": "re_vercel_check_SECRET_3",
    "HEALTH_TOKEN": "vercel-check-health-token-SECRET-4",
    "CRON_SECRET": "vercel-check-cron-SECRET-5",
}
# The key each fake (OpenAI, Stripe, Resend) must have received.
KEYS = ("OPENAI_API_KEY", "STRIPE_SECRET_KEY", "RESEND_API_KEY")
DB_PASSWORD = "vercel-check-db-password-SECRET-6"  # noqa: S105 - a throwaway test value
HEALTHY_SERVICES = {
    "database": "connected",
    "openai": "operational",
    "stripe": "operational",
    "email": "operational",
}
PUBLIC_CACHE = "public, s-maxage=30, stale-while-revalidate=60"


@dataclass
class Answer:
    """One response of the function, decoded from the Lambda result."""

    status: int
    headers: dict[str, str]
    body: bytes
    ms: int

    def json(self) -> Any:
        return json.loads(self.body)


def materialize(function: BuiltFunction, project: Path, destination: Path) -> Path:
    """The folder Vercel would deploy: the .func files plus every file of its filePathMap."""
    if destination.exists():
        shutil.rmtree(destination)
    shutil.copytree(function.folder, destination)
    for target, source in function.file_map.items():
        origin = Path(source) if Path(source).is_absolute() else project / source
        path = destination / target
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(origin, path)
        except OSError:
            shutil.copy2(origin, path)
    return destination


def event(method: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A Lambda event as Vercel's proxy sends it to a Python function."""
    request = {
        "method": method,
        "path": ROUTE,
        "headers": {
            "host": "carbot-monitor.vercel.app",
            "x-forwarded-proto": "https",
            **(headers or {}),
        },
        "body": "",
    }
    return {"body": json.dumps(request)}


def invoke(
    folder: Path, env: dict[str, str], events: list[dict[str, Any]]
) -> tuple[list[Answer], str]:
    """One cold Python 3.12 process answering every event; the answers and its stderr."""
    python = Path(sys.base_prefix) / "bin" / "python3.12"
    lines = "".join(json.dumps(e) + "\n" for e in events)
    try:
        result = subprocess.run(
            [str(python), "-S", str(INVOKER)],
            cwd=folder, env=env, input=lines, capture_output=True, text=True,
            timeout=RUN_TIMEOUT_S, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"the function did not answer within {RUN_TIMEOUT_S} s") from None
    outputs = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or len(outputs) != len(events) + 1:
        raise CheckFailed(
            f"the function process failed (exit {result.returncode}):\n{result.stderr[-3000:]}"
        )
    answers = []
    for output in outputs[1:]:
        raw = output["result"]
        body = raw.get("body", "")
        data = base64.b64decode(body) if raw.get("encoding") == "base64" else body.encode()
        headers = {k.lower(): ", ".join(v) for k, v in raw.get("headers", {}).items()}
        answers.append(Answer(raw["statusCode"], headers, data, output["ms"]))
    return answers, result.stderr


@contextmanager
def upstreams() -> Iterator[dict[str, str]]:
    """Fake OpenAI/Stripe/Resend and a throwaway PostgreSQL; yields the function's settings."""
    from lib.local.localpg import throwaway
    from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe

    fakes = [FakeOpenAI(), FakeStripe(), FakeResend()]
    openai, stripe, resend = fakes
    with ExitStack() as stack:
        for fake in fakes:
            stack.callback(fake.close)
        try:  # only the start becomes CheckFailed, not a RuntimeError of the caller's block
            cluster = stack.enter_context(throwaway(preload=(), prefix="vercel-check-pg-"))
        except RuntimeError as error:
            raise CheckFailed(f"could not start the throwaway PostgreSQL: {error}") from None
        yield {
            **SECRETS,
            "DATABASE_URL": f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{cluster.port}/postgres",
            "OPENAI_BASE_URL": openai.base_url,
            "OPENAI_MODEL": "gpt-4o-mini",
            "STRIPE_API_BASE": stripe.url,
            "RESEND_API_URL": resend.url,
            "RESEND_DOMAIN": "carbot.de",
        }
        for fake, key in zip(fakes, KEYS, strict=True):
            wanted = f"Bearer {SECRETS[key]}"
            if not any(r.headers.get("authorization") == wanted for r in fake.requests):
                raise CheckFailed(f"the fake {fake.name} was never called with {key}")


def function_env(function: BuiltFunction, settings: dict[str, str], home: Path) -> dict[str, str]:
    """What the Lambda sees: its .vc-config environment plus the project's settings."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        "VERCEL": "1",
        "VERCEL_ENV": "production",
        **function.config.get("environment", {}),
        **settings,
    }


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def check_answers(answers: list[Answer], stderr: str) -> None:
    """Status, JSON body, headers of each request; no secret anywhere."""
    anonymous, authorized, draft, head, post = answers
    for answer in answers:
        text = answer.body.decode(errors="replace")
        for secret in [*SECRETS.values(), DB_PASSWORD]:
            expect(secret not in text and secret[-10:] not in text, "a secret leaked in a body")
    for secret in [*SECRETS.values(), DB_PASSWORD]:
        expect(secret not in stderr, "a secret leaked in the function log")

    # Every answer carries the functions' security headers (lib/core/http.py).
    for answer in answers:
        csp = answer.headers.get("content-security-policy", "")
        expect(
            "default-src 'none'" in csp and "frame-ancestors 'none'" in csp,
            f"{answer.status}: Content-Security-Policy {csp!r}",
        )
        expect(answer.headers.get("x-frame-options") == "DENY", "X-Frame-Options missing")
        expect(answer.headers.get("x-content-type-options") == "nosniff", "nosniff missing")
        expect("referrer-policy" in answer.headers, "Referrer-Policy missing")
    for answer in (anonymous, authorized):
        vary = {v.strip().lower() for v in answer.headers.get("vary", "").split(",")}
        expect("authorization" in vary, f"GET: Vary {answer.headers.get('vary')!r}")

    expect(anonymous.status == 200, f"GET: status {anonymous.status}: {anonymous.body[:500]!r}")
    body = anonymous.json()
    expect(body.get("status") == "healthy", f"GET: status word {body.get('status')!r}: {body}")
    expect(body.get("services") == HEALTHY_SERVICES, f"GET: services {body.get('services')}")
    expect(body.get("environment") == "production", f"GET: environment {body.get('environment')}")
    expect("checks" not in body, "GET without the token shows `checks`")
    expect(anonymous.headers.get("content-type") == "application/json", "GET: content type")
    expect(anonymous.headers.get("cache-control") == PUBLIC_CACHE, "GET: Cache-Control")

    expect(authorized.status == 200, f"GET with token: status {authorized.status}")
    checks = authorized.json().get("checks") or {}
    expect(set(checks) == set(HEALTHY_SERVICES), f"GET with token: checks {sorted(checks)}")
    expect(
        all({"status", "latency_ms", "reason"} <= set(c) for c in checks.values()),
        "GET with token: a check lacks status/latency_ms/reason",
    )
    expect("public" not in authorized.headers.get("cache-control", ""), "token answer cacheable")

    expect(draft.status == 200, f"health+json: status {draft.status}")
    expect(draft.headers.get("content-type") == "application/health+json", "health+json type")
    expect(draft.json().get("status") == "pass", f"health+json: {draft.json()}")

    expect(head.status == 200 and head.body == b"", f"HEAD: {head.status} {head.body[:80]!r}")

    expect(post.status == 405, f"POST: status {post.status}")
    allow = {m.strip() for m in post.headers.get("allow", "").split(",")}
    expect({"GET", "HEAD"} <= allow and "POST" not in allow, f"POST: Allow {allow}")
    expect(post.headers.get("content-type") == "application/json", "POST: content type")


def check_health_function(project: Path, functions: dict[str, BuiltFunction], work: Path) -> str:
    """Materialize and run the built /api/health; a one-line summary, or CheckFailed."""
    function = functions.get(ROUTE)
    if function is None:
        raise CheckFailed(f"no built function for {ROUTE}")
    folder = materialize(function, project, work / "functions" / "api-health.func")
    events = [
        event("GET"),
        event("GET", {"authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}),
        event("GET", {"accept": "application/health+json"}),
        event("HEAD"),
        event("POST", {"content-type": "application/json"}),
    ]
    try:
        with upstreams() as settings:
            answers, stderr = invoke(folder, function_env(function, settings, work), events)
            try:
                check_answers(answers, stderr)
            except CheckFailed as failure:
                detail = answers[1].body.decode(errors="replace")[:1500]
                raise CheckFailed(f"{failure}\n  with the token: {detail}") from None
    except CheckFailed as failure:
        raise CheckFailed(f"built {ROUTE} under vercel_runtime: {failure}") from None
    first, rest = answers[0].ms, max(a.ms for a in answers[1:])
    return (
        f"{ROUTE}: 200 healthy (4/4), checks with token only, health+json, HEAD, POST 405, "
        "security headers and Vary: Authorization; "
        f"first request {first} ms, warm ≤ {rest} ms"
    )


def check_every_function_loads(
    project: Path, functions: dict[str, BuiltFunction], work: Path
) -> list[str]:
    """Each other built function imports under vercel_runtime from its own bundle alone."""
    problems = []
    for route, function in sorted(functions.items()):
        if route == ROUTE:
            continue  # run in full above
        name = route.strip("/").replace("/", "-") + ".func"
        folder = materialize(function, project, work / "functions" / name)
        try:
            invoke(folder, function_env(function, {}, work), [])
        except CheckFailed as failure:
            problems.append(f"{route} does not load under vercel_runtime: {failure}")
    return problems

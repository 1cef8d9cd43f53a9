"""HTTP checks and multi-step flows: fill in secrets and extracted values, send, judge, extract."""

from __future__ import annotations

import os
import ssl
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import httpx

from lib.checks import CheckOutcome, StepTiming
from lib.checks.conditions import Answer, first_failure
from lib.checks.jsonpath import MISSING, as_text, find
from lib.core.errors import reason_for
from lib.core.synthetic_config import ENV_REFERENCE, FLOW_REFERENCE, FlowStep, Request

MAX_BODY = 1_000_000  # bytes of an answer read for conditions (a page, an API answer)
USER_AGENT = "CarBot-Monitor-Check/1.0"


class StepFailed(Exception):
    """A request or condition failed; `reason` is shown (secret-free)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def fill(text: str, values: Mapping[str, str], env: Mapping[str, str]) -> str:
    """`${ENV}` from the environment, `{{name}}` from earlier steps; a missing one is a failure
    that names it (names are configuration, never secret)."""

    def from_env(match: object) -> str:
        name = match.group(1)  # type: ignore[attr-defined]
        if name not in env:
            raise StepFailed(f"environment variable {name} is not set")
        return env[name]

    def from_flow(match: object) -> str:
        name = match.group(1)  # type: ignore[attr-defined]
        if name not in values:
            raise StepFailed(f"{{{{{name}}}}} was not extracted by an earlier step")
        return values[name]

    return FLOW_REFERENCE.sub(from_flow, ENV_REFERENCE.sub(from_env, text))


def _certificate_days(response: httpx.Response) -> float | None:
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is None:
        return None
    peer = ssl_object.getpeercert()
    if not peer or "notAfter" not in peer:
        return None
    not_after = ssl.cert_time_to_seconds(peer["notAfter"])
    return (not_after - datetime.now(UTC).timestamp()) / 86400


async def send(
    client: httpx.AsyncClient,
    request: Request,
    timeout: float,
    values: Mapping[str, str],
    env: Mapping[str, str] | None = None,
) -> Answer:
    """One request, its conditions judged; StepFailed names the first failure."""
    env = os.environ if env is None else env
    url = fill(request.url, values, env)
    headers = {"User-Agent": USER_AGENT}
    headers.update({k: fill(v, values, env) for k, v in request.headers.items()})
    if request.secret_env is not None:
        headers["Authorization"] = "Bearer " + fill(f"${{{request.secret_env}}}", values, env)
    body = fill(request.body, values, env).encode() if request.body is not None else None
    started = time.perf_counter()
    try:
        async with client.stream(
            request.method,
            url,
            headers=headers,
            content=body,
            timeout=timeout,
            follow_redirects=request.follow_redirects,
        ) as response:
            days = _certificate_days(response)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= MAX_BODY:
                    break
    except httpx.TimeoutException:
        raise StepFailed(f"no answer within {timeout:g} s") from None
    except httpx.InvalidURL:
        raise StepFailed("invalid URL") from None
    except (httpx.HTTPError, ssl.SSLError, OSError) as error:
        raise StepFailed(reason_for(error)) from None
    latency_ms = round((time.perf_counter() - started) * 1000)
    answer = Answer(
        status=response.status_code,
        headers={k.lower(): v for k, v in response.headers.items()},
        body=b"".join(chunks)[:MAX_BODY].decode(response.encoding or "utf-8", "replace"),
        latency_ms=latency_ms,
        certificate_days=days,
    )
    failure = first_failure(request.conditions, answer)
    if failure is not None:
        raise StepFailed(failure)
    return answer


def extract(step: FlowStep, answer: Answer) -> dict[str, str]:
    """The step's `extract` values from the JSON body (`$.x`) or a header (`header:Name`)."""
    found = {}
    for name, where in step.extract.items():
        if where.lower().startswith("header:"):
            value = answer.headers.get(where[7:].strip().lower())
            value = MISSING if value is None else value
        else:
            value = find(answer.json(), where)
        if value is MISSING or value is None or isinstance(value, dict | list):
            raise StepFailed(f"could not extract {name} from {where}")
        found[name] = as_text(value)
    return found


async def run_http(client: httpx.AsyncClient, request: Request, timeout: float) -> CheckOutcome:
    try:
        answer = await send(client, request, timeout, {})
    except StepFailed as failed:
        return CheckOutcome(up=False, reason=failed.reason)
    return CheckOutcome(up=True, latency_ms=answer.latency_ms)


async def run_flow(
    client: httpx.AsyncClient, steps: list[FlowStep], timeout: float
) -> CheckOutcome:
    """Each step in turn with the values extracted so far; the first failing step ends the flow
    and the reason names it."""
    values: dict[str, str] = {}
    timings: list[StepTiming] = []
    started = time.perf_counter()
    for step in steps:
        step_started = time.perf_counter()
        try:
            answer = await send(client, step, timeout, values)
            values.update(extract(step, answer))
        except StepFailed as failed:
            spent = round((time.perf_counter() - step_started) * 1000)
            timings.append(StepTiming(name=step.name, latency_ms=spent, ok=False))
            reason = f"step {step.name!r} failed: {failed.reason}"
            return CheckOutcome(up=False, reason=reason, steps=timings)
        timings.append(StepTiming(name=step.name, latency_ms=answer.latency_ms, ok=True))
    total = round((time.perf_counter() - started) * 1000)
    return CheckOutcome(up=True, latency_ms=total, steps=timings)

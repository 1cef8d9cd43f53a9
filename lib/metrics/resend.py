"""Resend: sent, delivered and bounced e-mails of the day from `GET /emails/metrics`."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from lib.core.clock import utc_timestamp
from lib.core.errors import status_reason
from lib.core.not_configured import NotConfigured, missing
from lib.metrics import SourceContext, SourceError

REQUEST_TIMEOUT_S = 10.0
WANTED = {"sent": "emails_sent", "delivered": "emails_delivered", "bounced": "emails_bounced"}


class EmailMetrics(BaseModel):
    """`GetEmailsMetricsResponse`, the fields we rely on."""

    object: str
    totals: dict[str, int | float]


def describe(error: Exception) -> str:
    """The reason for a ResendError: the SDK folds transport failures into code 500."""
    code = getattr(error, "code", 500)
    message = str(error)
    if getattr(error, "error_type", None) == "HttpClientError":
        lowered = message.lower()
        if "timed out" in lowered or "timeout" in lowered:
            return "timeout"
        return "connection refused" if "refused" in lowered else "connection failed"
    if "decode json" in message.lower():
        return "malformed response"
    try:
        return status_reason(int(code))
    except ValueError:
        return "malformed response"


class ResendEmails:
    """Account-wide totals for the day's window (datetimes, so the local day is exact)."""

    name = "resend"
    uses_store = False

    def missing(self, ctx: SourceContext) -> NotConfigured | None:
        return missing(RESEND_API_KEY=ctx.settings.resend_api_key)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        # The SDK keeps its key, base URL and HTTP client in module globals: set them per call.
        import resend

        settings = ctx.settings
        assert settings.resend_api_key is not None
        resend.api_key = settings.resend_api_key.get_secret_value()
        resend.api_url = str(settings.resend_api_url).rstrip("/")
        # The SDK's requests client never retries; its default timeout is 30 s.
        resend.default_http_client = resend.RequestsClient(timeout=ctx.timeout(REQUEST_TIMEOUT_S))  # type: ignore[arg-type]
        params: resend.Emails.MetricsParams = {
            "start_date": utc_timestamp(ctx.window.start),
            "end_date": utc_timestamp(ctx.window.end),
            "metrics": list(WANTED),  # type: ignore[typeddict-item]
        }
        try:
            body = EmailMetrics.model_validate(dict(resend.Emails.metrics(params)))
        except resend.exceptions.ResendError as error:
            raise SourceError(describe(error)) from None
        except (ValidationError, TypeError, KeyError, AttributeError, ValueError):
            # The SDK hands back whatever it parsed: a body it cannot read is a malformed response.
            raise SourceError("malformed response") from None
        missing = [name for name in WANTED if name not in body.totals]
        if missing:
            raise SourceError(f"malformed response (no {', '.join(missing)})")
        return {metric: body.totals[name] for name, metric in WANTED.items()}

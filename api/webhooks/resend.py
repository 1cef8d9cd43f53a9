"""POST /api/webhooks/resend: Resend's signed events; bounces and complaints remove addresses."""

from lib.core.http import endpoint
from lib.endpoints.status_subscriptions import resend_webhook_response

app = endpoint(resend_webhook_response, methods=("POST",))

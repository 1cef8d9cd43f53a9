"""POST /api/webhooks/vercel: Vercel account webhooks (deployments, certificates, budget)."""

from lib.core.http import endpoint
from lib.endpoints.vercel_webhook import vercel_webhook_response

app = endpoint(vercel_webhook_response, methods=("POST",))

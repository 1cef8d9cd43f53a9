"""GET|HEAD /api/health/integrations: OpenAI, Stripe webhooks, e-mail and Realtime (token)."""

from lib.http import endpoint
from lib.integrations import integrations_response

app = endpoint(integrations_response)

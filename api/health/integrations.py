"""GET|HEAD /api/health/integrations: OpenAI, Stripe webhooks, e-mail and Realtime (token)."""

from lib.core.http import endpoint
from lib.endpoints.integrations import INTEGRATION_PROBES, integrations_response
from lib.probes import warm_up

warm_up(INTEGRATION_PROBES)
app = endpoint(integrations_response)

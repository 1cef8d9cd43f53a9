"""Every notification channel, one module each; a new channel is one file and one line here."""

from __future__ import annotations

from lib.notify.channels import email, webhook
from lib.notify.channels.base import Channel

# The order is the order of delivery (and of the cron's `notifiers` list).
CHANNELS: tuple[type[Channel], ...] = (
    email.EmailChannel,
    webhook.WebhookChannel,
)

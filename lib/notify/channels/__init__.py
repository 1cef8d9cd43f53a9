"""Every notification channel, one module each; a new channel is one file and one line here."""

from __future__ import annotations

from lib.notify.channels import discord, email, ntfy, pagerduty, slack, teams, telegram, webhook
from lib.notify.channels.base import Channel

# The order is the order of delivery (and of the cron's `notifiers` list).
CHANNELS: tuple[type[Channel], ...] = (
    email.EmailChannel,
    webhook.WebhookChannel,
    slack.SlackChannel,
    discord.DiscordChannel,
    teams.TeamsChannel,
    telegram.TelegramChannel,
    ntfy.NtfyChannel,
    pagerduty.PagerDutyChannel,
)

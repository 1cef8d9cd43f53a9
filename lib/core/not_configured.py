"""The one way a probe, metric source, channel, doctor check or provider says it cannot run."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class NotConfigured(BaseModel):
    """What to set before this part can run: the environment variables, and why if it helps.

    Two sentences from one value, the same everywhere (docs/configuration.md, "Not configured"):
    `str()` states it (`OPENAI_ADMIN_KEY is not set`: the daily-metrics cron's `skipped`, the
    doctor's evidence), `fix` says what to do (`set OPENAI_ADMIN_KEY`: the `reason` of a
    `not_configured` service in the health endpoints, the doctor's fix).
    """

    model_config = ConfigDict(frozen=True)

    settings: tuple[str, ...]  # the variables to set, e.g. ("OPENAI_ADMIN_KEY",)
    instead: tuple[str, ...] = ()  # or all of these instead (SUPABASE_URL and its key)
    note: str | None = None  # "no Vercel drain: Pro plan feature"

    def __str__(self) -> str:
        """`OPENAI_ADMIN_KEY is not set`, `A and B are not set (note)`."""
        verb = "is" if len(self.settings) == 1 and not self.instead else "are"
        return self._with_note(f"{self.names} {verb} not set")

    def __contains__(self, text: str) -> bool:
        """`"OPENAI_ADMIN_KEY" in missing`: read like the sentence it stands for."""
        return text in str(self)

    @property
    def fix(self) -> str:
        """`set A and B`, `set DATABASE_URL, or SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY`."""
        return self._with_note(f"set {self.names}")

    @property
    def names(self) -> str:
        text = _names(self.settings)
        return f"{text}, or {_names(self.instead)}" if self.instead else text

    def _with_note(self, text: str) -> str:
        return f"{text} ({self.note})" if self.note else text


def _names(settings: tuple[str, ...]) -> str:
    if len(settings) <= 2:
        return " and ".join(settings)
    return ", ".join(settings[:-1]) + f" and {settings[-1]}"


def missing(**settings: object) -> NotConfigured | None:
    """NotConfigured naming every keyword whose value is None (or empty), else None:
    `missing(RESEND_API_KEY=s.resend_api_key, ALERT_EMAIL_TO=c.to)`."""
    unset = tuple(name for name, value in settings.items() if value is None or value == "")
    return NotConfigured(settings=unset) if unset else None


def unless(ready: bool, *settings: str, note: str | None = None) -> NotConfigured | None:
    """None when `ready`, else NotConfigured naming `settings` (all of a probe's, as documented)."""
    return None if ready else NotConfigured(settings=settings, note=note)

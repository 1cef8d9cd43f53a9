"""The one way a probe, metric source, channel, doctor check or provider says it cannot run."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class NotConfigured(BaseModel):
    """What to set before this part can run: the environment variables, and why if it helps."""

    model_config = ConfigDict(frozen=True)

    settings: tuple[str, ...]  # the variables to set, e.g. ("OPENAI_ADMIN_KEY",)
    note: str | None = None  # "no Vercel drain: Pro plan feature"

    def __str__(self) -> str:
        """`OPENAI_ADMIN_KEY is not set`, `A and B are not set (note)`: every endpoint says this."""
        verb = "is" if len(self.settings) == 1 else "are"
        text = f"{_names(self.settings)} {verb} not set"
        return f"{text} ({self.note})" if self.note else text

    @property
    def fix(self) -> str:
        """`set A and B`: the doctor's one-line fix."""
        return f"set {_names(self.settings)}"


def _names(settings: tuple[str, ...]) -> str:
    if len(settings) <= 2:
        return " and ".join(settings)
    return ", ".join(settings[:-1]) + f" and {settings[-1]}"


def missing(**settings: object) -> NotConfigured | None:
    """NotConfigured naming every keyword whose value is None (or empty), else None:
    `missing(RESEND_API_KEY=s.resend_api_key, ALERT_EMAIL_TO=c.to)`."""
    unset = tuple(name for name, value in settings.items() if value is None or value == "")
    return NotConfigured(settings=unset) if unset else None

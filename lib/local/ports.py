"""Ports of the local tooling (PORT, LOCAL_PG_PORT): read once, each mistake one clear line."""

from __future__ import annotations

import errno
import os

from lib.core.errors import ConfigError


def env_port(name: str, default: int) -> int:
    """The port in environment variable `name`, or `default`; a ConfigError naming the fix."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return checked_port(raw, name)


def checked_port(raw: str, name: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ConfigError(f"{name}: not a port number (1-65535), e.g. {name}={default_for(name)}")
    return int(raw)


def default_for(name: str) -> int:
    return {"PORT": 3000, "LOCAL_PG_PORT": 54329}.get(name, 8000)


def busy_port_error(error: OSError, name: str, port: int) -> ConfigError:
    """What to say when binding `port` failed: busy (another `make dev`?) or not allowed."""
    if error.errno == errno.EADDRINUSE:
        return ConfigError(
            f"{name}: port {port} is already in use (another `make dev`?); stop it, "
            f"or choose another port: {name}={port + 1}"
        )
    return ConfigError(f"{name}: cannot listen on port {port} ({error.strerror})")

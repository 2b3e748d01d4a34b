"""Typed environment for ClusterLink: every knob the deployment can turn, with safe embedded defaults."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BASE_DIR = Path(__file__).resolve().parent.parent

# The embedded mode may run with this key; production must set its own.
DEV_SECRET_KEY = "clusterlink-embedded-development-key-not-for-production"


class Environment(BaseSettings):
    """Read once at start-up from CLUSTERLINK_* variables (and DATABASE_URL)."""

    model_config = SettingsConfigDict(env_prefix="CLUSTERLINK_", extra="ignore")

    debug: bool = False
    production: bool = False
    secret_key: str = DEV_SECRET_KEY
    allowed_hosts: list[str] = ["127.0.0.1", "localhost", "testserver"]
    csrf_trusted_origins: list[str] = []
    database_url: str = f"sqlite:///{BASE_DIR / 'var' / 'clusterlink.sqlite3'}"
    static_root: Path = BASE_DIR / "static_build"
    media_root: Path = BASE_DIR / "var" / "media"
    email_backend: str = "django.core.mail.backends.console.EmailBackend"
    default_from_email: str = "ClusterLink <noreply@clusterlink.local>"
    # Background work: the database backend needs no server; "immediate" runs tasks inline.
    tasks_backend: str = "django_tasks_db.DatabaseBackend"
    # Failed sign-ins per account and client address, and per client address over any accounts,
    # within the window; then that pair, or that address, waits for the window to pass.
    login_attempts_per_window: Annotated[int, Field(ge=1)] = 5
    login_attempts_per_address: Annotated[int, Field(ge=1)] = 50
    login_window_seconds: Annotated[int, Field(ge=1)] = 900
    # Addresses or networks of the reverse proxies in front of the app, e.g.
    # '["127.0.0.1", "10.0.0.0/8"]': X-Forwarded-For is believed only from these (empty: never,
    # and the client is REMOTE_ADDR).
    trusted_proxies: list[str] = []
    # Seconds browsers remember to use only HTTPS (production only; 0 sends no HSTS header).
    hsts_seconds: Annotated[int, Field(ge=0)] = 31_536_000
    # Send the Content-Security-Policy header (turn off only to debug a page).
    content_security_policy: bool = True
    max_upload_bytes: int = 20 * 1024 * 1024
    # Anonymous directory searches are answered from the cache for this long (0: never).
    directory_cache_seconds: int = 60
    # redis://host:port/db for the cache; empty: the database's cache table.
    cache_url: str = Field("", pattern=r"^(|rediss?://.+|unix://.+)$")

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError as exc:
                raise ValueError(f"not an IP address or network: {entry!r}") from exc
        return value

    def trusted_proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(entry.strip(), strict=False) for entry in self.trusted_proxies]

    @model_validator(mode="after")
    def _production_has_secrets(self) -> Environment:
        if self.production and self.secret_key == DEV_SECRET_KEY:
            raise ValueError("CLUSTERLINK_SECRET_KEY must be set when CLUSTERLINK_PRODUCTION=true")
        if self.production and self.debug:
            raise ValueError("CLUSTERLINK_DEBUG must be false when CLUSTERLINK_PRODUCTION=true")
        return self


def read_environment() -> Environment:
    import os

    values: dict[str, str] = {}
    # DATABASE_URL is the name every PaaS and CI uses; accept it without the prefix.
    if "DATABASE_URL" in os.environ and "CLUSTERLINK_DATABASE_URL" not in os.environ:
        values["database_url"] = os.environ["DATABASE_URL"]
    return Environment(**values)  # type: ignore[arg-type]

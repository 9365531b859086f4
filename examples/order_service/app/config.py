"""Settings for the order service, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional


@dataclass(frozen=True)
class Settings:
    """Where the database and the other services are, and how to call them."""

    database_url: str = "postgresql+psycopg://order_service_user@localhost:5432/trading"
    strategy_service_url: str = "http://algo-engine:8001"
    account_service_url: str = "http://user-service:8011"
    market_data_service_url: str = "http://market-data:8089"
    analytics_service_url: str = "http://analytics:8015"
    service_timeout_seconds: float = 5.0
    service_max_attempts: int = 3
    service_backoff_seconds: float = 0.2
    service_identity: str = "order_service"

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        """Build settings from ``DATABASE_URL``, ``STRATEGY_SERVICE_URL``, ... ."""
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            database_url=env.get("DATABASE_URL", defaults.database_url),
            strategy_service_url=env.get("STRATEGY_SERVICE_URL", defaults.strategy_service_url),
            account_service_url=env.get("ACCOUNT_SERVICE_URL", defaults.account_service_url),
            market_data_service_url=env.get("MARKET_DATA_SERVICE_URL", defaults.market_data_service_url),
            analytics_service_url=env.get("ANALYTICS_SERVICE_URL", defaults.analytics_service_url),
            service_timeout_seconds=float(env.get("SERVICE_CLIENT_TIMEOUT", defaults.service_timeout_seconds)),
            service_max_attempts=int(env.get("SERVICE_CLIENT_MAX_ATTEMPTS", defaults.service_max_attempts)),
            service_backoff_seconds=float(env.get("SERVICE_CLIENT_BACKOFF", defaults.service_backoff_seconds)),
            service_identity=env.get("SERVICE_IDENTITY", defaults.service_identity),
        )


_settings: Optional[Settings] = None


def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def override_settings(settings: Optional[Settings]) -> None:
    """Replace the process-wide settings (tests, or ``None`` to re-read the env)."""
    global _settings
    _settings = settings

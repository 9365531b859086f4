"""HTTP clients for the services that own the data the order service used to query directly."""

from app.clients.base import (
    ServiceClient,
    ServiceClientError,
    ServiceNotFoundError,
    ServiceResponseError,
    ServiceTimeoutError,
    ServiceUnavailableError,
    close_shared_clients,
)

__all__ = [
    "ServiceClient",
    "ServiceClientError",
    "ServiceNotFoundError",
    "ServiceResponseError",
    "ServiceTimeoutError",
    "ServiceUnavailableError",
    "close_shared_clients",
]

"""What every service client shares: one httpx.AsyncClient, retries, errors.

A client is built with a base URL (from settings), a timeout and a retry
policy. Requests are retried with exponential backoff on connection errors,
and, for idempotent requests, on timeouts and 5xx answers. Everything that
goes wrong comes out as a ``ServiceClientError`` subclass naming the service.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, ClassVar, Dict, Mapping, Optional, Type, TypeVar

import anyio
import httpx

from app.config import Settings, get_settings

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
# A 502/503 means the request never reached a worker: safe to repeat even a POST.
_NOT_PROCESSED_STATUS = frozenset({502, 503})
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class ServiceClientError(Exception):
    """A call to another service failed."""

    def __init__(self, service: str, message: str, *, status_code: Optional[int] = None) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.status_code = status_code


class ServiceUnavailableError(ServiceClientError):
    """The service could not be reached or kept answering 5xx, after retries."""


class ServiceTimeoutError(ServiceUnavailableError):
    """The service did not answer in time, after retries."""


class ServiceNotFoundError(ServiceClientError):
    """The service answered 404: the resource does not exist."""


class ServiceResponseError(ServiceClientError):
    """The service refused the request (4xx) or answered with a body we cannot use."""


class ServiceClient:
    """Base class of the clients in this package.

    Subclasses set ``service_name`` and ``settings_url_field`` and add one
    method per endpoint on top of ``_request``.

    Args:
        base_url: root URL of the service, e.g. ``http://algo-engine:8001``.
        timeout: seconds for connect, read, write and pool waits.
        max_attempts: tries per request, the first included.
        backoff_seconds: delay before the second try; doubles each time.
        max_backoff_seconds: cap on one delay (also on a ``Retry-After``).
        transport: an httpx transport (tests pass ``httpx.MockTransport``).
        sleep: how to wait between tries (tests pass a recorder).
    """

    service_name: ClassVar[str] = "service"
    settings_url_field: ClassVar[str] = ""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        max_attempts: int = 3,
        backoff_seconds: float = 0.2,
        max_backoff_seconds: float = 2.0,
        transport: Optional[httpx.AsyncBaseTransport] = None,
        headers: Optional[Mapping[str, str]] = None,
        sleep: Callable[[float], Awaitable[Any]] = anyio.sleep,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._transport = transport
        self._headers = {"Accept": "application/json", **(headers or {})}
        self._sleep = sleep
        self._http: Optional[httpx.AsyncClient] = None

    @classmethod
    def from_settings(cls: Type["_C"], settings: Optional[Settings] = None, **kwargs: Any) -> "_C":
        """A client configured from the service settings (URL, timeout, retries)."""
        settings = settings or get_settings()
        options: Dict[str, Any] = {
            "timeout": settings.service_timeout_seconds,
            "max_attempts": settings.service_max_attempts,
            "backoff_seconds": settings.service_backoff_seconds,
            "headers": {"X-Service-Identity": settings.service_identity},
        }
        options.update(kwargs)
        return cls(getattr(settings, cls.settings_url_field), **options)

    def _client(self) -> httpx.AsyncClient:
        if self._http is None or self._http.is_closed:
            self._http = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=httpx.Timeout(self.timeout),
                headers=self._headers,
                transport=self._transport,
            )
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self: "_C") -> "_C":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    def _error(self, cls: Type[ServiceClientError], message: str, status: Optional[int] = None) -> ServiceClientError:
        return cls(self.service_name, message, status_code=status)

    def _backoff(self, attempt: int, response: Optional[httpx.Response]) -> float:
        delay = self.backoff_seconds * (2 ** (attempt - 1))
        if response is not None:
            retry_after = response.headers.get("Retry-After", "")
            if retry_after.isdigit():
                delay = float(retry_after)
        return min(delay, self.max_backoff_seconds)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
        idempotent: Optional[bool] = None,
    ) -> Any:
        """Send one request with retries and return the decoded JSON body.

        Args:
            idempotent: whether repeating the request is harmless; defaults to
                true for GET/PUT/DELETE, false for POST.

        Returns:
            The JSON body, or None for 204.

        Raises:
            ServiceNotFoundError: 404.
            ServiceResponseError: another 4xx, or a body that is not JSON.
            ServiceTimeoutError: timed out on the last try.
            ServiceUnavailableError: no connection or 5xx on the last try.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        for attempt in range(1, self.max_attempts + 1):
            response: Optional[httpx.Response] = None
            try:
                response = await self._client().request(method, path, params=params, json=json)
            except httpx.TimeoutException as exc:
                failure = self._error(ServiceTimeoutError, f"{method} {path} timed out ({type(exc).__name__})")
                retry = idempotent or isinstance(exc, httpx.ConnectTimeout)
            except httpx.ConnectError as exc:
                failure = self._error(ServiceUnavailableError, f"{method} {path}: cannot connect ({exc})")
                retry = True  # nothing was sent
            except httpx.TransportError as exc:
                failure = self._error(ServiceUnavailableError, f"{method} {path}: {type(exc).__name__}: {exc}")
                retry = idempotent
            else:
                status = response.status_code
                if status not in RETRYABLE_STATUS:
                    return self._decode(method, path, response)
                failure = self._error(ServiceUnavailableError, f"{method} {path} answered {status}", status)
                retry = idempotent or status in _NOT_PROCESSED_STATUS
            if not retry or attempt == self.max_attempts:
                raise failure
            delay = self._backoff(attempt, response)
            logger.warning(
                "%s call failed (attempt %d/%d): %s; retrying in %.2fs",
                self.service_name, attempt, self.max_attempts, failure, delay,
            )
            await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _decode(self, method: str, path: str, response: httpx.Response) -> Any:
        status = response.status_code
        if status == 404:
            raise self._error(ServiceNotFoundError, f"{method} {path}: not found", status)
        if status >= 400:
            detail = response.text[:200]
            raise self._error(ServiceResponseError, f"{method} {path} answered {status}: {detail}", status)
        if status == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise self._error(ServiceResponseError, f"{method} {path}: body is not JSON", status) from None


_C = TypeVar("_C", bound=ServiceClient)
_shared_clients: Dict[type, ServiceClient] = {}


def shared_client(cls: Type[_C], build: Optional[Callable[[], _C]] = None) -> _C:
    """The process-wide instance of a client class, built on first use."""
    client = _shared_clients.get(cls)
    if client is None:
        client = (build or cls.from_settings)()
        _shared_clients[cls] = client
    return client  # type: ignore[return-value]


def set_shared_client(cls: Type[_C], client: Optional[_C]) -> None:
    """Install (or with None, forget) the shared instance: for tests and wiring."""
    if client is None:
        _shared_clients.pop(cls, None)
    else:
        _shared_clients[cls] = client


async def close_shared_clients() -> None:
    """Close every shared client (application shutdown)."""
    clients = list(_shared_clients.values())
    _shared_clients.clear()
    for client in clients:
        await client.aclose()

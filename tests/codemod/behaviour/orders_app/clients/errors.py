class ServiceError(Exception):
    """A call to another service failed: not configured, unreachable, or a non-2xx answer."""

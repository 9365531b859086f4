"""Business logic of the order service."""

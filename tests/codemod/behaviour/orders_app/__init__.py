"""The orders service: the consumer whose SQL reaches into other services' tables."""

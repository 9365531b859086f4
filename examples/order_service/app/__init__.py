"""The order service: orders, trades, positions and GTT triggers of a trading platform."""

"""Rules: predicates over a message, each in its own module."""

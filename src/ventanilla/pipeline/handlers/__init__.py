"""Handlers: the steps that act on a message, each in its own module."""

"""The api app's management commands."""

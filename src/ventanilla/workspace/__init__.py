"""The agent workspace: server-rendered pages (Django templates + htmx) where agents work."""

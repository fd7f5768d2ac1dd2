"""Template filters of the workspace."""

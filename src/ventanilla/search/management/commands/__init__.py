"""The search app's commands: ventanilla search QUERY, search reindex."""

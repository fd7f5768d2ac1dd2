"""The suggest app's commands: ventanilla suggest backfill."""

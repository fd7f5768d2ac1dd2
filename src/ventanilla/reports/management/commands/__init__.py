"""The ``ventanilla reports`` command."""

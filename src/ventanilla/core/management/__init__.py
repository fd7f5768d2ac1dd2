"""Management commands of the core app (``ventanilla run``, ``ventanilla demo``)."""

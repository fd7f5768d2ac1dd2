"""``ventanilla run`` and ``ventanilla demo``."""

"""``ventanilla apitoken``."""

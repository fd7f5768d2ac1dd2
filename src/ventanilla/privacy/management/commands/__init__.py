"""``ventanilla privacy ...``."""

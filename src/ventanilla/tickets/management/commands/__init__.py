"""``ventanilla tickets ...`` commands."""

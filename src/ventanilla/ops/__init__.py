"""Operations: health, status, the admin site, the ``ventanilla`` commands and the demo data."""

"""Search over tickets and knowledge articles: full-text backends, ranking, suggestions."""

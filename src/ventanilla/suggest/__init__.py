"""Suggestions on the ticket view: relevant articles and similar solved tickets."""

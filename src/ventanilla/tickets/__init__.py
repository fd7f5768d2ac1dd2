"""Tickets: the cases, their conversation (articles), participants and audit history."""

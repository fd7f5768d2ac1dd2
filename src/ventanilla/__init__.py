"""Ventanilla: an email-first helpdesk."""

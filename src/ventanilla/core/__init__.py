"""Shared pieces with no domain of their own: signing, addresses, health."""

"""Customers: the people who write to the support address."""

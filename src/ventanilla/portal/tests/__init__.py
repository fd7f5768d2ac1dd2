"""Tests of the customer portal."""

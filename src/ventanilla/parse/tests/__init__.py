"""Tests of the pure parsing functions."""

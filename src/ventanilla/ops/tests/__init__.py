"""Tests of health, the admin, the commands and the demo."""

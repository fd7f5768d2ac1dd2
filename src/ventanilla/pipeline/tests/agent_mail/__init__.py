"""Tests of the ``agent-mail`` step: an agent answering a notification by mail."""

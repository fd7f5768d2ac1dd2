"""Agents, teams (queues), roles, availability and in-app notifications."""

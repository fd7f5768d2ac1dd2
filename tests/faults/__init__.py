"""Fault tests: killed workers, a failing relay, the database going away."""

"""Real servers (Dovecot, ...) started by the tests themselves on free loopback ports."""

"""End-to-end tests over real sockets: our SMTP listener in, an SMTP sink as the relay out."""

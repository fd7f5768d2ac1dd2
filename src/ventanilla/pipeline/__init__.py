"""The inbound pipeline: parse, a chain of rules, then handlers in an explicit order."""

"""Everything that touches RFC 5322 bytes: intake, the pipeline, outgoing mail."""

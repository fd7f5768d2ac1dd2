"""How mail comes in: ``ingest_raw`` (the one door) and the edges that call it.

SMTP, LMTP, IMAP, the MTA pipe and HTTP, plus the intake tasks.
"""

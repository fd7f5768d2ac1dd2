"""Pure functions over RFC 5322 bytes; no models, no database.

Parsing and MIME repair, HTML, quoted replies, language, delivery reports, sender trust.
"""

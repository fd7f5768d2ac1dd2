"""Data rights: export and erasure of a customer's data, and the retention policy."""

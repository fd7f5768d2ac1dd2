"""Several hosts on one PostgreSQL: network namespaces, a SIGKILLed host, nothing lost."""

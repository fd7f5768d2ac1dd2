"""What a newcomer reads on the ticket page, in Spanish and English."""

"""The customer portal: passwordless links to a ticket, all my requests, public knowledge."""

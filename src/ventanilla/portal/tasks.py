"""huey task of the portal: mail a sign-in link after the page has answered."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from ventanilla.portal.signin_links import portal_signin_deliver


@db_task()
def portal_signin_deliver_task(email: str, language: str) -> bool:
    """Look ``email`` up and mail it a sign-in link if it is a customer's (see the service)."""
    return portal_signin_deliver(email=email, language=language)

"""The roles a host can play (``ventanilla run --role web,intake,worker``).

* ``web``: the workspace, the portal, the admin, the API, ``/healthz`` and the HTTP intake
  endpoint (the production WSGI server);
* ``intake``: the mail listeners (SMTP, LMTP when configured, IMAP IDLE when switched on);
* ``worker``: the huey consumer (the pipeline, the outbox, the periodic tasks).

One host may play all three (the embedded default) or any subset; the database (and the
queue and the blob store, see README "Running on several hosts") are what they share.
"""

from __future__ import annotations

ROLES = ("web", "intake", "worker")
ALL_ROLES = frozenset(ROLES)


def roles_parse(text: str) -> frozenset[str]:
    """Parse a comma list of roles (``"all"`` for every one); raise ValueError if unknown."""
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    if names == {"all"}:
        return ALL_ROLES
    unknown = sorted(names - ALL_ROLES)
    if unknown or not names:
        msg = f"--role takes a comma list of {', '.join(ROLES)} (or all), not {text!r}"
        raise ValueError(msg)
    return frozenset(names)


def roles_text(roles: frozenset[str]) -> str:
    """Return ``roles`` as a comma list in the canonical order (web, intake, worker)."""
    return ",".join(role for role in ROLES if role in roles)

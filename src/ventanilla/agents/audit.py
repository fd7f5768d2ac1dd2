"""Writes and reads of the sensitive-action log (``agents/audit_log.py``), and who is acting.

Who acted is known to the request, not to a model's ``save()``: ``AuditActorMiddleware``
keeps the signed-in user and the client's address in a context variable for the length of
the request, so a role change made in the admin is logged with its author. Outside a request
(a management command, the worker) the actor is empty unless the caller names one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from ventanilla.agents.audit_log import SensitiveAction, SensitiveKind
from ventanilla.agents.login import client_ip


@dataclass(frozen=True)
class Acting:
    """The user acting in the current request or command, and his address."""

    user: User | None
    ip: str | None


# The request's user stays Django's lazy object until a write asks for it, so a request
# that logs nothing costs no session lookup.
_acting: ContextVar[tuple[Any, str | None] | None] = ContextVar("ventanilla_acting", default=None)


def acting() -> Acting:
    """Return who is acting now (no user, no address outside a request or command)."""
    current = _acting.get()
    if current is None:
        return Acting(user=None, ip=None)
    user, ip = current
    real = user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None
    return Acting(user=cast("User | None", real), ip=ip)


@contextmanager
def acting_as(*, user: AbstractBaseUser | AnonymousUser | None, ip: str | None) -> Iterator[None]:
    """Name the acting user (and address) for the writes made inside the block."""
    token = _acting.set((user, ip))
    try:
        yield
    finally:
        _acting.reset(token)


class AuditActorMiddleware:
    """Keep the request's user and address as the acting one while the view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Standard middleware constructor."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Run the view with the acting user set (the user is read lazily, once asked)."""
        with acting_as(user=getattr(request, "user", None), ip=client_ip(request)):
            return self.get_response(request)


def _username(user: User | None) -> str:
    return user.get_username() if user is not None else ""


@transaction.atomic
def sensitive_action_record(
    *,
    kind: SensitiveKind,
    target: str,
    data: Mapping[str, Any] | None = None,
    actor: User | None = None,
    actor_name: str | None = None,
    ip: str | None = None,
) -> SensitiveAction:
    """Append one row to the log; the actor and address default to the acting ones."""
    now = acting()
    who = actor if actor is not None else now.user
    return SensitiveAction.objects.create(
        kind=kind,
        actor=who if who is not None and who.pk is not None else None,
        actor_name=(actor_name if actor_name is not None else _username(who))[:150],
        target=target[:200],
        ip=ip if ip is not None else now.ip,
        data=dict(data or {}),
    )


def sensitive_actions_for(*, target: str) -> QuerySet[SensitiveAction]:
    """Return the log rows about ``target`` (e.g. ``customer:12``), newest first."""
    return SensitiveAction.objects.filter(target=target).order_by("-created_at", "-id")

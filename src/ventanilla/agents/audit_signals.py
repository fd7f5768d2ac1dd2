"""Receivers that log sign-ins and role changes in the sensitive-action log.

Role changes are whatever widens or narrows what an agent may do: Django's ``is_staff``,
``is_superuser`` and ``is_active`` flags, his groups, his teams (what he sees) and his
``AgentProfile.role``. They are caught at the model, so a change made in the admin, by a
command or by a service is logged alike; the actor comes from ``audit.acting()``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.http import HttpRequest

from ventanilla.agents.audit import sensitive_action_record
from ventanilla.agents.audit_log import SensitiveKind
from ventanilla.agents.login import client_ip
from ventanilla.agents.models import AgentProfile, Team

USER_FLAGS = ("is_staff", "is_superuser", "is_active")
# Where pre_save leaves the values before the change, for post_save to compare.
BEFORE = "_ventanilla_audit_before"


def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kw: Any) -> None:
    sensitive_action_record(
        kind=SensitiveKind.SIGNIN,
        target=f"user:{user.get_username()}",
        actor=user,
        ip=client_ip(request),
    )


def _signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kw: Any) -> None:
    if user is None:
        return
    sensitive_action_record(
        kind=SensitiveKind.SIGNOUT,
        target=f"user:{user.get_username()}",
        actor=user,
        ip=client_ip(request),
    )


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    # Django has already masked the password in ``credentials``; only the name is kept.
    username = str(credentials.get(User.USERNAME_FIELD) or "")[:150]
    sensitive_action_record(
        kind=SensitiveKind.SIGNIN_FAILED,
        target=f"user:{username}",
        actor_name="",
        ip=client_ip(request),
    )


def _remember(instance: Any, fields: tuple[str, ...], update_fields: Any) -> None:
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(fields)):
        setattr(instance, BEFORE, None)
        return
    before = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    setattr(instance, BEFORE, before)


def _changes(instance: Any, fields: tuple[str, ...]) -> dict[str, list[Any]]:
    before = getattr(instance, BEFORE, None)
    if not before:
        return {}
    return {
        f: [before[f], getattr(instance, f)] for f in fields if before[f] != getattr(instance, f)
    }


def _user_before(sender: Any, instance: User, update_fields: Any = None, **kw: Any) -> None:
    _remember(instance, USER_FLAGS, update_fields)


def _user_after(sender: Any, instance: User, created: bool = False, **kw: Any) -> None:
    changes = {"created": True} if created else _changes(instance, USER_FLAGS)
    if created and not (instance.is_staff or instance.is_superuser):
        return
    if changes:
        flags = {f: getattr(instance, f) for f in USER_FLAGS} if created else {}
        sensitive_action_record(
            kind=SensitiveKind.ROLE_CHANGED,
            target=f"user:{instance.get_username()}",
            data={**changes, **flags},
        )


def _profile_before(
    sender: Any, instance: AgentProfile, update_fields: Any = None, **kw: Any
) -> None:
    _remember(instance, ("role",), update_fields)


def _profile_after(sender: Any, instance: AgentProfile, created: bool = False, **kw: Any) -> None:
    changes = {"role": [None, instance.role]} if created else _changes(instance, ("role",))
    if changes:
        sensitive_action_record(
            kind=SensitiveKind.ROLE_CHANGED,
            target=f"user:{instance.user.get_username()}",
            data=changes,
        )


def _membership(what: str, model: type[Any], members: str) -> Any:
    """Return an ``m2m_changed`` receiver that logs users joining or leaving groups/teams.

    ``what`` is the user's side (``groups``, ``teams``), ``members`` the other side's
    accessor of its users (``user_set``, ``members``).
    """

    def receiver(sender: Any, instance: Any, action: str, pk_set: Any, **kw: Any) -> None:
        if action not in ("post_add", "post_remove", "pre_clear"):
            return
        verb = "added" if action == "post_add" else "removed"
        if isinstance(instance, User):
            ids = pk_set or ()
            if action == "pre_clear":
                ids = list(getattr(instance, what).values_list("pk", flat=True))
            users = [instance]
            names = sorted(str(o) for o in model.objects.filter(pk__in=ids))
        else:
            ids = pk_set or ()
            if action == "pre_clear":
                ids = list(getattr(instance, members).values_list("pk", flat=True))
            users = list(User.objects.filter(pk__in=ids))
            names = [str(instance)]
        for user in users if names else ():
            sensitive_action_record(
                kind=SensitiveKind.ROLE_CHANGED,
                target=f"user:{user.get_username()}",
                data={what: {verb: names}},
            )

    return receiver


def connect() -> None:
    """Connect every receiver (from ``AgentsConfig.ready``), once.

    The membership receivers are closures: held strongly (``weak=False``), or the signal's
    weak reference would let them be collected at once.
    """
    from django.contrib.auth.models import Group

    user_logged_in.connect(_signed_in, dispatch_uid="audit-signin")
    user_logged_out.connect(_signed_out, dispatch_uid="audit-signout")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit-signin-failed")
    pre_save.connect(_user_before, sender=User, dispatch_uid="audit-user-before")
    post_save.connect(_user_after, sender=User, dispatch_uid="audit-user-after")
    pre_save.connect(_profile_before, sender=AgentProfile, dispatch_uid="audit-profile-before")
    post_save.connect(_profile_after, sender=AgentProfile, dispatch_uid="audit-profile-after")
    m2m_changed.connect(
        _membership("groups", Group, "user_set"),
        sender=User.groups.through,
        weak=False,
        dispatch_uid="audit-groups",
    )
    m2m_changed.connect(
        _membership("teams", Team, "members"),
        sender=Team.members.through,
        weak=False,
        dispatch_uid="audit-teams",
    )

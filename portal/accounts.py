"""Who may give which privileges to a back-office account.

A superuser may grant anything. A platform administrator (平台管理员) manages the accounts of
departments' contact persons: it may give them the 填报人 role and back-office access, but it
never grants superuser status, direct permissions or the 审核人/平台管理员 roles, never
changes its own roles or access, and never touches an account that holds more than the
填报人 role (else it could reset a superuser's password and act as one). The user admin
applies these rules (read-only fields, form validation); this module is the rule itself,
so a crafted POST meets the same check."""

from django.core.exceptions import ValidationError

from .roles import EDITOR

ONLY_SUPERUSER = "只有超级用户可以修改超级用户、审核人、平台管理员或带单独权限的账号。"
NO_SUPERUSER = "只有超级用户可以授予超级用户权限。"
NO_PERMISSIONS = "只有超级用户可以给账号单独分配权限；请改为选择角色。"
ONLY_EDITOR_ROLE = "平台管理员只能授予“填报人”角色；“{}”角色只能由超级用户授予。"
NOT_OWN_ROLES = "不能修改自己的角色、后台访问或启用状态；请联系超级用户。"


def is_privileged(user):
    """True for an account that holds more than the 填报人 role: only a superuser manages it."""
    if user.pk is None:
        return False
    return (
        user.is_superuser
        or user.user_permissions.exists()
        or user.groups.exclude(name=EDITOR).exists()
    )


def may_manage(actor, user):
    """Whether `actor` may change `user`'s account at all (its own account included, for
    personal details)."""
    return actor.is_superuser or user.pk == actor.pk or not is_privileged(user)


def check_account_change(*, actor, user, changes):
    """Raise ValidationError (in Chinese) unless `actor` may save `user` with `changes`.

    `changes` maps the privilege fields being set (`is_superuser`, `is_staff`, `is_active`,
    `groups`, `user_permissions`) to their new values; a field left out keeps its value.
    `user` is the stored account (unsaved for a new one)."""
    if actor.is_superuser:
        return
    if not may_manage(actor, user):
        raise ValidationError(ONLY_SUPERUSER)
    stored = {
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "is_active": user.is_active,
        "groups": set(user.groups.all()) if user.pk else set(),
        "user_permissions": set(user.user_permissions.all()) if user.pk else set(),
    }
    new = {
        name: set(value) if name in ("groups", "user_permissions") else value
        for name, value in changes.items()
    }
    changed = {name for name, value in new.items() if value != stored[name]}
    errors = []
    if new.get("is_superuser"):
        errors.append(NO_SUPERUSER)
    if "user_permissions" in changed:
        errors.append(NO_PERMISSIONS)
    if user.pk == actor.pk and changed & {"groups", "is_staff", "is_active"}:
        errors.append(NOT_OWN_ROLES)
    errors += [
        ONLY_EDITOR_ROLE.format(group.name)
        for group in new.get("groups", set()) - stored["groups"]
        if group.name != EDITOR
    ]
    if errors:
        raise ValidationError(errors)

"""Who reaches which department's data. One rule, used by every admin screen, import,
export and workflow step: a user with `manage_all_departments` (reviewers, the finance
bureau, site administrators) reaches all; anyone else only the departments they belong to."""

ALL_DEPARTMENTS = "organizations.manage_all_departments"


def reaches_all(user):
    return user.is_active and (user.is_superuser or user.has_perm(ALL_DEPARTMENTS))


def scope(queryset, user, path):
    """`queryset` narrowed to what `user` reaches; `path` leads from its model to a
    Department ("" for Department itself, "department", "unit__department" …)."""
    if not user.is_active:
        return queryset.none()
    if reaches_all(user):
        return queryset
    lookup = f"{path}__members" if path else "members"
    return queryset.filter(**{lookup: user}).distinct()


def reaches(user, department_id):
    """Whether `user` may see and change data of this department."""
    if department_id is None:
        return reaches_all(user)
    return reaches_all(user) or user.departments.filter(pk=department_id).exists()

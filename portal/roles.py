"""The three roles, as groups with permissions (installed by a migration, refreshed by
`manage.py install_roles`). A user's departments are `Department.members`."""

EDITOR, REVIEWER, SITE_ADMIN = "填报人", "审核人", "平台管理员"

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = (VIEW, ADD, CHANGE, DELETE)

REFERENCE_MODELS = {
    "organizations": ["region", "staffingkind", "departmentsuccession"],
    "budgets": [
        "classificationversion",
        "functionalitem",
        "economicitem",
        "incomesource",
        "officialexpenseitem",
        "procurementcategory",
        "vehiclekind",
        "narrativetemplate",
    ],
}
DEPARTMENT_MODELS = {
    "organizations": ["unit", "unityear", "duty", "section", "staffingquota"],
    "budgets": [
        "disclosure",
        "incomeline",
        "expenditureline",
        "basicexpenditureline",
        "officialexpenseline",
        "procurementline",
        "vehicleline",
        "keyproject",
        "disclosurecheck",
    ],
    "glossary": ["disclosureterm"],
}


def _perms(models, actions):
    return [
        (app, f"{action}_{model}")
        for app, names in models.items()
        for model in names
        for action in actions
    ]


ROLES = {
    # A department's contact person: edits its own department's data and submits.
    EDITOR: [
        *_perms(DEPARTMENT_MODELS, ALL),
        *_perms(REFERENCE_MODELS, (VIEW,)),
        ("organizations", "view_department"),
        ("glossary", "view_term"),
        ("glossary", "add_term"),
        ("budgets", "view_statuschange"),
        ("budgets", "view_exemption"),
        ("budgets", "view_notice"),  # their own department's (the notice admin is scoped)
        ("budgets", "submit_disclosure"),
    ],
    # The finance bureau's reviewers: read everything, approve, publish, return.
    REVIEWER: [
        *_perms(DEPARTMENT_MODELS, (VIEW,)),
        *_perms(REFERENCE_MODELS, (VIEW,)),
        ("organizations", "view_department"),
        ("organizations", "manage_all_departments"),
        ("glossary", "view_term"),
        ("budgets", "view_statuschange"),
        ("budgets", "view_exemption"),
        ("budgets", "approve_disclosure"),
        ("budgets", "publish_disclosure"),
        ("budgets", "return_disclosure"),
    ],
    # Site administrators: departments, users, reference data, exemptions; watch progress.
    SITE_ADMIN: [
        *_perms(DEPARTMENT_MODELS, (VIEW,)),
        *_perms(REFERENCE_MODELS, ALL),
        *_perms(
            {"organizations": ["department"], "glossary": ["term"], "budgets": ["exemption"]}, ALL
        ),
        # Accounts, never the role groups themselves: only a superuser changes what a role
        # may do (portal/accounts.py has the rules for the accounts).
        *_perms({"auth": ["user"]}, ALL),
        ("organizations", "manage_all_departments"),
        ("budgets", "view_statuschange"),
        ("budgets", "view_notice"),
        ("portal", "view_auditevent"),
        # Locked-out logins (django-axes): deleting a record unlocks it.
        ("portal", "view_loginlock"),
        ("portal", "delete_loginlock"),
    ],
}


def install(apps, skip_missing=False):
    """Create or refresh the role groups with exactly their permissions (`skip_missing`: for
    an early migration, before a later one has created some of the models)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for app_label, codename in wanted:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None and skip_missing:
                continue
            if permission is None:
                raise LookupError(f"权限 {app_label}.{codename} 不存在")
            permissions.append(permission)
        group.permissions.set(permissions)


def install_in_migration(apps, skip_missing=False):
    """`install` from a migration: permissions are normally created after all migrations,
    the groups need them now."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    install(apps, skip_missing=skip_missing)

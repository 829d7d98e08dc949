"""Who may grant which privileges: a platform administrator manages department contact
persons' accounts, never its own roles, and never makes anyone a reviewer, a platform
administrator or a superuser; a superuser may. Tried with crafted POSTs."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal import roles
from portal.accounts import check_account_change
from tests.adminforms import form_values


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def crafted(client, superuser_client, user, **changes):
    """POST the user's change form (as a superuser sees it, so every privilege field is
    present) with `changes`, as `client`."""
    data = form_values(superuser_client.get(change_url(user)).content.decode(), "user_form")
    # An empty multiple choice is not submitted by a browser.
    data = {name: value for name, value in data.items() if value or name != "user_permissions"}
    data.update(changes)
    return client.post(change_url(user), data)


@pytest.fixture
def superuser_client(client, superuser):
    from django.test import Client

    other = Client()
    other.force_login(superuser)
    return other


@pytest.fixture
def site_admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


def group(name):
    return str(Group.objects.get(name=name).pk)


def privileges(user):
    user.refresh_from_db()
    return (
        user.is_superuser,
        user.is_staff,
        sorted(user.groups.values_list("name", flat=True)),
        list(user.user_permissions.all()),
    )


def test_a_platform_administrator_cannot_make_itself_reviewer_or_superuser(
    site_admin_client, superuser_client, site_admin
):
    before = privileges(site_admin)
    crafted(
        site_admin_client,
        superuser_client,
        site_admin,
        is_superuser="on",
        groups=[group(roles.REVIEWER), group(roles.SITE_ADMIN)],
        user_permissions=[str(Permission.objects.get(codename="publish_disclosure").pk)],
    )
    assert privileges(site_admin) == before == (False, True, [roles.SITE_ADMIN], [])


def test_a_platform_administrator_cannot_make_a_contact_person_a_reviewer(
    site_admin_client, superuser_client, editor
):
    response = crafted(site_admin_client, superuser_client, editor, groups=[group(roles.REVIEWER)])
    assert response.status_code == 200
    assert privileges(editor)[2] == [roles.EDITOR]


def test_a_platform_administrator_cannot_give_a_contact_person_permissions_or_superuser(
    site_admin_client, superuser_client, editor
):
    publish = str(Permission.objects.get(codename="publish_disclosure").pk)
    crafted(
        site_admin_client, superuser_client, editor, is_superuser="on", user_permissions=[publish]
    )
    assert privileges(editor) == (False, True, [roles.EDITOR], [])


def test_a_platform_administrator_cannot_change_a_superusers_account_or_password(
    site_admin_client, superuser_client, superuser
):
    crafted(site_admin_client, superuser_client, superuser, email="taken@example.com")
    password = reverse("admin:auth_user_password_change", args=[superuser.pk])
    response = site_admin_client.post(
        password, {"password1": "Taken-over-123", "password2": "Taken-over-123"}
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "" and superuser.check_password("pw-root-1")


def test_a_platform_administrator_gives_a_new_contact_person_the_editor_role(
    site_admin_client, superuser_client, django_user_model, site_admin
):
    newcomer = django_user_model.objects.create_user("newcomer", password="pw-newcomer-1")
    response = crafted(
        site_admin_client,
        superuser_client,
        newcomer,
        is_staff="on",
        groups=[group(roles.EDITOR)],
        first_name="新",
    )
    assert response.status_code == 302
    assert privileges(newcomer) == (False, True, [roles.EDITOR], [])


def test_a_superuser_makes_a_contact_person_a_reviewer(superuser_client, editor):
    response = crafted(superuser_client, superuser_client, editor, groups=[group(roles.REVIEWER)])
    assert response.status_code == 302
    assert privileges(editor)[2] == [roles.REVIEWER]


def test_a_platform_administrator_cannot_change_the_permissions_of_a_role(
    site_admin_client, site_admin
):
    site_role = Group.objects.get(name=roles.SITE_ADMIN)
    before = set(site_role.permissions.all())
    url = reverse("admin:auth_group_change", args=[site_role.pk])
    site_admin_client.post(
        url, {"name": roles.SITE_ADMIN, "permissions": [p.pk for p in Permission.objects.all()]}
    )
    assert set(site_role.permissions.all()) == before
    assert not site_admin.has_perm("budgets.publish_disclosure")


def test_the_account_rule_refuses_without_the_admin(site_admin, editor):
    with pytest.raises(ValidationError, match="只能授予“填报人”角色"):
        check_account_change(
            actor=site_admin,
            user=editor,
            changes={"groups": [Group.objects.get(name=roles.REVIEWER)]},
        )
    with pytest.raises(ValidationError, match="不能修改自己的角色"):
        check_account_change(actor=site_admin, user=site_admin, changes={"is_staff": False})


def test_a_platform_administrator_cannot_open_the_role_groups(site_admin_client):
    """Only a superuser sees and changes what a role may do: the platform administrator's
    own role holds no permission on the groups."""
    site_role = Group.objects.get(name=roles.SITE_ADMIN)
    change = reverse("admin:auth_group_change", args=[site_role.pk])
    assert site_admin_client.get(change).status_code == 403
    assert site_admin_client.post(change, {"name": "改名"}).status_code == 403
    delete = reverse("admin:auth_group_delete", args=[site_role.pk])
    assert site_admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert site_admin_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert Group.objects.filter(name=roles.SITE_ADMIN).exists()


def test_the_roles_install_without_any_permission_on_the_groups(db):
    from django.apps import apps

    roles.install(apps)
    roles.install(apps)  # refreshing twice changes nothing
    for name in roles.ROLES:
        granted = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert len(granted) == len(roles.ROLES[name])
        assert not {p for p in granted if p.endswith("_group")}
    site = Group.objects.get(name=roles.SITE_ADMIN).permissions
    assert site.filter(content_type__app_label="auth", codename="change_user").exists()

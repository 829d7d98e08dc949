"""Public pages: plain function views that render the structures of `portal.pages`."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from budgets.rules import amounts_are_filled_in
from organizations.access import reaches

from . import pages
from .search import search_data


def home(request):
    return render(request, "portal/home.html", pages.home_data())


def region(request, pk):
    return render(request, "portal/region.html", pages.region_data(pk, request.GET.get("page")))


def department(request, pk):
    return render(request, "portal/department.html", pages.department_data(pk))


def compare(request, pk):
    return render(request, "portal/compare.html", pages.compare_data(pk))


def search(request):
    return render(request, "portal/search.html", search_data(request.GET))


def disclosure(request, pk):
    return render(
        request, "portal/disclosure.html", pages.disclosure_data(pages.get_disclosure(pk))
    )


def glossary(request):
    return render(request, "portal/glossary.html", pages.glossary_data())


@staff_member_required
def preview(request, pk):
    """Staff see any version exactly as the public page would show it, marked as a preview;
    never another department's (they get a 404, as if it did not exist)."""
    disclosure = pages.get_disclosure(pk, published_only=False)
    if not reaches(request.user, disclosure.department_id):
        raise Http404("没有这份公开文件。")
    context = {
        **pages.disclosure_data(disclosure, preview=True),
        # The amounts not entered yet, so an unfinished draft shows what is missing (read
        # from the figures already loaded: the preview's query count stays fixed).
        "findings": [] if disclosure.is_published else list(amounts_are_filled_in(disclosure)),
    }
    response = render(request, "portal/disclosure.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_member_required
def guide(request):
    """“如何填报”: the contact person's steps, in the back office's frame."""
    context = {
        **admin.site.each_context(request),
        "title": "如何填报",
        "deadline_days": settings.DISCLOSURE_DEADLINE_DAYS,
    }
    return render(request, "admin/guide.html", context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a user name or address is locked: the login page again, with
    a message the person can act on (HTTP 429)."""
    minutes = settings.AXES_COOLOFF_TIME
    context = {
        **admin.site.each_context(request),
        "title": "登录已暂时锁定",
        "form": AdminAuthenticationForm(request),
        "app_path": reverse("admin:login"),
        "next": reverse("admin:index"),
        "cooloff_minutes": int(minutes.total_seconds() // 60) if minutes else None,
    }
    return render(request, "admin/locked_out.html", context, status=429)

"""Public pages: plain function views that render the structures of `portal.pages`."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import render

from organizations.access import reaches

from . import pages


def home(request):
    return render(request, "portal/home.html", pages.home_data())


def department(request, pk):
    return render(request, "portal/department.html", pages.department_data(pk))


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
    context = {**pages.disclosure_data(disclosure), "preview": True}
    response = render(request, "portal/disclosure.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response

"""Public pages: plain function views that render the structures of `portal.pages`."""

import base64
import logging

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from budgets.rules import amounts_are_filled_in
from organizations.access import reaches

from . import page_cache, pages
from .download_views import content_disposition
from .opendata import datasets
from .part_preview import part_html
from .search import search_data

logger = logging.getLogger(__name__)


def home(request):
    """Regions and their departments' latest years: cached like a published page (page_cache)."""
    return page_cache.home_page(request)


def region(request, pk):
    return render(request, "portal/region.html", pages.region_data(pk, request.GET.get("page")))


def department(request, pk):
    return render(request, "portal/department.html", pages.department_data(pk))


def compare(request, pk):
    return render(request, "portal/compare.html", pages.compare_data(pk))


def search(request):
    return render(request, "portal/search.html", search_data(request.GET))


def disclosure(request, pk):
    """A published version's page: cached, revalidated with 304s, compressed (page_cache)."""
    return page_cache.disclosure_page(request, pk)


def glossary(request):
    return render(request, "portal/glossary_index.html", pages.glossary_index_data())


def region_glossary(request, pk):
    return render(request, "portal/glossary.html", pages.glossary_data(pk))


def disclosure_pdf(request, pk):
    """The PDF rendered at the version's publication, with its SHA-256 as ETag and
    Content-Digest (RFC 9530) so any copy can be checked; 404 for a version without one."""
    disclosure = pages.get_disclosure(pk)
    if not disclosure.pdf:
        raise Http404("这份公开文件没有 PDF。")
    checksum = disclosure.pdf_checksum
    try:
        file = disclosure.pdf.open("rb")
    except FileNotFoundError:  # storage lost it: say so in the log, not with a 500 page
        logger.error("公开文件 %s 的 PDF %s 不在存储中", disclosure.pk, disclosure.pdf.name)
        raise Http404("这份公开文件的 PDF 暂时无法提供。") from None
    response = FileResponse(file, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"{disclosure.title}（第{disclosure.revision}版）.pdf", f"disclosure-{disclosure.pk}.pdf"
    )
    response["ETag"] = f'"{checksum}"'
    response["Content-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(checksum)).decode()}:"
    response["Cache-Control"] = "public, max-age=86400"
    return response


def open_data(request):
    return render(request, "portal/open_data.html", datasets.open_data_index())


def dataset(request, name):
    return render(request, "portal/dataset.html", datasets.dataset_data(name))


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


@xframe_options_sameorigin  # shown in a frame beside the form; never framed by other sites
@csp_replace({"frame-ancestors": [SELF]})
@staff_member_required
def preview_part(request, pk, section):
    """One part of a version's preview, alone (the disclosure form shows it beside the part
    being filled): the same rendering as the whole preview, for staff who reach the
    department only."""
    disclosure = pages.get_disclosure(pk, published_only=False)
    if not reaches(request.user, disclosure.department_id):
        raise Http404("没有这份公开文件。")
    body = pages.published_body(disclosure, preview=True)
    context = {"disclosure": disclosure, "part": part_html(body, section), "section": section}
    response = render(request, "portal/preview_part.html", context)
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

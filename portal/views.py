"""Public pages: plain function views that render the structures of `portal.pages`."""

from django.shortcuts import render

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

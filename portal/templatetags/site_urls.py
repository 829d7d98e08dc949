"""`{% site_url %}` and `{% site_static %}`: the addresses every page's frame links to (the
site's own pages without arguments, its static files), looked up once per process instead of
once per request (issue 12: `{% url %}` and `{% static %}` took over a third of the
published page's frame). An address depends only on the URL configuration, the script prefix
and the static files storage: the memo is keyed by the first two and cleared when a setting
changes (tests)."""

import functools

from django import template
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@functools.lru_cache(maxsize=256)  # bounded: the script prefix comes from the server
def _reverse(name, urlconf, prefix):
    return reverse(name, urlconf=urlconf)


@functools.lru_cache(maxsize=256)
def _static(path):
    return staticfiles_storage.url(path)


@register.simple_tag
def site_url(name):
    """`{% url name %}` for a page without arguments."""
    return _reverse(name, get_urlconf(), get_script_prefix())


@register.simple_tag
def site_static(path):
    """`{% static path %}`."""
    return _static(path)


def _forget(**kwargs):
    _reverse.cache_clear()
    _static.cache_clear()


setting_changed.connect(_forget)

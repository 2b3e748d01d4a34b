"""The address of the current page in another interface language, for the language switch.

Django's `set_language` translates `next` only when it is in the language the request was
activated with (cookie or browser), so a visitor on /en/… whose cookie says zh-hans would be
sent back to /en/…. The switch therefore posts the already translated address.
"""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation

register = template.Library()


@register.simple_tag
def path_in_language(request: HttpRequest, language: str) -> str:
    """The path of `request` with the URL prefix of `language` (query string not included)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        with translation.override(language):
            try:
                return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                pass
    return translate_url(request.path, language)

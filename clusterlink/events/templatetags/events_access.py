"""Template tags through which the pages ask the events app's access rules instead of
repeating them (which buttons a meeting gets)."""

from __future__ import annotations

from typing import Any

from django import template

from clusterlink.accounts.access import viewer_for
from clusterlink.events import access
from clusterlink.events.models import Event, Meeting

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_actions(context: Any, meeting: Meeting, event: Event) -> tuple[str, ...]:
    """What the page's user may do to `meeting` now (see access.meeting_actions):
    `{% meeting_actions m event as actions %}{% if "confirmed" in actions %}…`."""
    return access.meeting_actions(viewer_for(context["request"].user), event, meeting)

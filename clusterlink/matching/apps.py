from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "clusterlink.matching"
    label = "matching"
    verbose_name = _("matching")

    def ready(self) -> None:
        from clusterlink.agreements.signals import agreement_cancelled

        agreement_cancelled.connect(_release, dispatch_uid="matching-release-cancelled")


def _release(*, actor: Any, agreement: Any, **_: Any) -> None:
    """A cancelled agreement that came from a match frees the capacity it reserved."""
    from clusterlink.matching.services import proposal_withdraw

    proposal_withdraw(actor=actor, agreement=agreement)

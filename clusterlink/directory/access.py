"""Who may see and do what in the directory, decided once; the services and selectors call these.

A firm's membership of its cluster is granted by the cluster's operators (the platform admin for
a firm that names no cluster), never declared by the firm. The firm's owners ask; operators
decide. Every refusal is a NotFoundError, so that nobody learns of a firm they may not see.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.access import MATCH_ALL, Viewer
from clusterlink.common.errors import CommonErrorCode, NotFoundError, PermissionError_
from clusterlink.directory.models import LISTED, ClusterStatus, Enterprise


def enterprise_visible_q(viewer: Viewer) -> Q:
    """Firms the viewer may see: listed, approved firms for everyone; the others only for those
    who see their private data (their own people, and their cluster's operators, who review them).
    Every rule that names a firm (an agreement's counterparty, a quote request, a match run)
    accepts only these, so an unlisted firm cannot be told apart from a missing one."""
    return LISTED | viewer.private_enterprise_q()


def may_review_membership(viewer: Viewer, enterprise: Enterprise) -> bool:
    """Operators of the firm's cluster decide; a firm without a cluster is the platform admin's."""
    if enterprise.cluster_id is None:
        return viewer.is_platform_admin
    return viewer.operates(enterprise.cluster_id)


def membership_reviewable_q(viewer: Viewer) -> Q:
    """Firms whose membership requests this viewer decides (any status)."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    return Q(cluster_id__in=viewer.operator_cluster_ids)


def access_membership_review(viewer: Viewer, enterprise: Enterprise) -> None:
    if not may_review_membership(viewer, enterprise):
        raise NotFoundError()


def access_membership_request(viewer: Viewer, enterprise: Enterprise) -> None:
    """Only the firm's owners ask for it to join its cluster."""
    if enterprise.pk not in viewer.owner_enterprise_ids:
        raise NotFoundError()


# What the operators checked when they approved a firm: changing it re-opens their review.
REVIEWED_FIELDS = ("legal_name", "credit_code")


def access_enterprise_edit(viewer: Viewer, enterprise: Enterprise) -> None:
    """Owners of the firm and operators of its cluster change its profile."""
    if not viewer.may_edit_enterprise(enterprise.pk, enterprise.cluster_id):
        raise NotFoundError()


def change_reopens_review(viewer: Viewer, enterprise: Enterprise, changed: set[str]) -> bool:
    """An approved firm whose owner changes its name or credit code is another firm from the
    operators' point of view: it waits for their approval again. Its operators' own edits do
    not."""
    return (
        is_cluster_member(enterprise)
        and not may_review_membership(viewer, enterprise)
        and bool(changed & set(REVIEWED_FIELDS))
    )


def is_cluster_member(enterprise: Enterprise) -> bool:
    """Whether the cluster's operators approved the firm (the one-row form of LISTED's approval)."""
    return enterprise.cluster_status == ClusterStatus.APPROVED


def may_export_lists(viewer: Viewer) -> bool:
    """Whole lists as files (every firm, capacity week or demand the viewer may see) are for
    signed-in users. The public pages stay open to everyone, but a full-directory file per
    anonymous request would let anyone copy the directory again and again at no cost."""
    return viewer.is_authenticated


def access_bulk_export(viewer: Viewer) -> None:
    if not may_export_lists(viewer):
        raise PermissionError_(
            _("Sign in to download whole lists."), code=CommonErrorCode.PERMISSION
        )

"""Who a user is for access decisions: platform admin, operator of clusters, member of firms.

Every selector that returns private data takes a Viewer and filters by it; templates and
endpoints never decide access themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

# An always-true Q: an empty Q() vanishes when OR-ed with another, so it cannot mean "everything".
MATCH_ALL = Q(pk__isnull=False)


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    is_platform_admin: bool = False
    operator_cluster_ids: frozenset[int] = field(default_factory=frozenset)
    enterprise_ids: frozenset[int] = field(default_factory=frozenset)
    owner_enterprise_ids: frozenset[int] = field(default_factory=frozenset)
    # Clusters of the viewer's firms that the clusters' operators approved (not merely named).
    member_cluster_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_operator(self) -> bool:
        return self.is_platform_admin or bool(self.operator_cluster_ids)

    def operates(self, cluster_id: int | None) -> bool:
        return self.is_platform_admin or (
            cluster_id is not None and cluster_id in self.operator_cluster_ids
        )

    def is_member_of(self, enterprise_id: int) -> bool:
        return enterprise_id in self.enterprise_ids

    def may_see_private_of(self, enterprise_id: int, cluster_id: int | None) -> bool:
        """Prices, capacity and contacts of a firm: its members and its cluster's operators."""
        return self.is_member_of(enterprise_id) or self.operates(cluster_id)

    def may_edit_enterprise(self, enterprise_id: int, cluster_id: int | None) -> bool:
        return enterprise_id in self.owner_enterprise_ids or self.operates(cluster_id)

    def private_enterprise_q(self, prefix: str = "") -> Q:
        """Q over enterprises (or rows reached through `prefix`) whose private data this viewer sees."""
        if self.is_platform_admin:
            return MATCH_ALL
        return Q(**{f"{prefix}id__in": self.enterprise_ids}) | Q(
            **{f"{prefix}cluster_id__in": self.operator_cluster_ids}
        )


ANONYMOUS = Viewer()


def viewer_for(user: Any) -> Viewer:
    """Build the Viewer of a Django user (anonymous users get ANONYMOUS); cached on the user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached: Viewer | None = getattr(user, "_clusterlink_viewer", None)
    if cached is not None:
        return cached
    from clusterlink.accounts.models import Membership, OperatorScope

    memberships = list(
        Membership.objects.filter(user_id=user.pk).values_list(
            "enterprise_id", "role", "enterprise__cluster_id", "enterprise__cluster_status"
        )
    )
    viewer = Viewer(
        user_id=user.pk,
        is_platform_admin=bool(user.is_superuser),
        operator_cluster_ids=frozenset(
            OperatorScope.objects.filter(user_id=user.pk).values_list("cluster_id", flat=True)
        ),
        enterprise_ids=frozenset(e for e, _, _, _ in memberships),
        owner_enterprise_ids=frozenset(
            e for e, role, _, _ in memberships if role == Membership.Role.OWNER
        ),
        # Membership of a cluster is granted by its operators: a firm awaiting approval (or
        # rejected) makes its people no members of the cluster, whatever cluster it names.
        member_cluster_ids=frozenset(
            c for _, _, c, status in memberships if c is not None and status == "approved"
        ),
    )
    user._clusterlink_viewer = viewer
    return viewer

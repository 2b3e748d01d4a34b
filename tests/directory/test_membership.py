"""Cluster membership is granted by the cluster's operators, never declared by the firm."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusterlink.accounts.access import viewer_for
from clusterlink.accounts.models import Membership, User
from clusterlink.directory.models import Enterprise
from clusterlink.market.models import Visibility
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory
from tests.market.factories import DemandFactory

pytestmark = pytest.mark.django_db

PENDING = Enterprise.ClusterStatus.PENDING
APPROVED = Enterprise.ClusterStatus.APPROVED
REJECTED = Enterprise.ClusterStatus.REJECTED


def url(name: str, lang: str = "en", *args: object) -> str:
    with translation.override(lang):
        return reverse(name, args=args or None)


def signed_up_owner(client: Client, cluster_pk: int) -> User:
    response = client.post(
        url("accounts:signup"),
        {
            "username": "mallory",
            "email": "mallory@example.cn",
            "display_name": "M",
            "password1": "Str0ng-enough-pass",
            "password2": "Str0ng-enough-pass",
            "language": "en",
            "firm_name": "莆田市冒名鞋业有限公司",
            "firm_cluster": str(cluster_pk),
            "firm_role": "oem_factory",
        },
    )
    assert response.status_code == 302
    return User.objects.get(username="mallory")


def operator_of(cluster: object) -> User:
    return User.objects.get(operator_scopes=OperatorScopeFactory(cluster=cluster))


def test_a_firm_that_signs_up_into_a_cluster_is_pending_and_sees_what_the_public_sees(
    client: Client,
) -> None:
    # given a cluster with a members-only demand and a listed member
    cluster = ClusterFactory(slug="putian")
    member_demand = DemandFactory(
        owner=EnterpriseFactory(cluster=cluster, roles=["brand"]),
        title="CANARY-MEMBERS-ONLY",
        visibility=Visibility.CLUSTER,
    )

    # when a stranger signs up declaring a firm of that cluster
    user = signed_up_owner(client, cluster.pk)

    # then the firm waits for the operators and makes its owner no member of the cluster
    firm = Enterprise.objects.get(legal_name="莆田市冒名鞋业有限公司")
    assert (firm.cluster_id, firm.cluster_status) == (cluster.pk, PENDING)
    assert viewer_for(user).member_cluster_ids == frozenset()
    # the members-only demand stays hidden, on the page and in the API
    board = client.get(url("market:demand_list"))
    assert "CANARY-MEMBERS-ONLY" not in board.content.decode()
    assert client.get(f"/api/demands/{member_demand.pk}").status_code == 404
    # the firm is not listed: the public directory does not show it
    anonymous = Client()
    listing = anonymous.get("/api/enterprises", {"q": "冒名"}).json()
    assert listing["count"] == 0
    assert anonymous.get(f"/api/enterprises/{firm.pk}").status_code == 404
    # its owner sees the firm's status on "my enterprise"
    page = client.get(url("mine:overview", "en", firm.pk)).content.decode()
    assert 'data-testid="membership-status"' in page
    assert client.get(f"/api/enterprises/{firm.pk}").json()["membership"]["status"] == "pending"


def test_operators_of_the_cluster_see_the_request_with_what_the_firm_gave_and_approve_it(
    client: Client,
) -> None:
    cluster = ClusterFactory(slug="putian")
    firm = EnterpriseFactory(
        cluster=cluster, cluster_status=PENDING, credit_code="", contact_phone="13912345678"
    )
    owner = MembershipFactory(enterprise=firm).user
    operator = operator_of(cluster)
    client.force_login(operator)

    page = client.get(url("memberships:queue")).content.decode()
    assert firm.legal_name in page and "13912345678" in page
    listed = client.get("/api/membership-requests").json()
    assert [row["id"] for row in listed["items"]] == [firm.pk]
    assert listed["items"][0]["asked_by"] == [owner.username]

    response = client.post(url("memberships:decide", "en", firm.pk), {"action": "approve"})

    assert response.status_code == 302
    firm.refresh_from_db()
    assert (firm.cluster_status, firm.cluster_reviewed_by_id) == (APPROVED, operator.pk)
    assert firm.history.first().history_user_id == operator.pk
    assert viewer_for(User.objects.get(pk=owner.pk)).member_cluster_ids == {cluster.pk}
    assert client.get("/api/membership-requests").json()["count"] == 0


def test_an_operator_of_another_cluster_or_a_stranger_can_neither_see_nor_decide(
    client: Client,
) -> None:
    cluster = ClusterFactory(slug="putian")
    firm = EnterpriseFactory(cluster=cluster, cluster_status=PENDING, legal_name="待审鞋业")
    strangers = [operator_of(ClusterFactory(slug="xiaobeihe")), UserFactory()]
    for user in strangers:
        client.force_login(user)
        queue = client.get(url("memberships:queue"))
        assert "待审鞋业" not in queue.content.decode()
        page = client.post(url("memberships:decide", "en", firm.pk), {"action": "approve"})
        api = client.post(
            f"/api/enterprises/{firm.pk}/membership/decision",
            {"approve": True},
            content_type="application/json",
        )
        assert (page.status_code, api.status_code) == (404, 404)
    firm.refresh_from_db()
    assert (firm.cluster_status, firm.cluster_reviewed_by_id) == (PENDING, None)
    assert firm.history.count() == 1


def test_a_rejection_needs_a_reason_which_the_firm_reads_and_it_may_ask_again(
    client: Client,
) -> None:
    cluster = ClusterFactory(slug="putian")
    firm = EnterpriseFactory(cluster=cluster, cluster_status=PENDING)
    owner = MembershipFactory(enterprise=firm).user
    client.force_login(operator_of(cluster))

    refused = client.post(
        f"/api/enterprises/{firm.pk}/membership/decision",
        {"approve": False, "reason": "  "},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert refused.status_code == 400
    assert list(refused.json()["details"]) == ["reason"]
    firm.refresh_from_db()
    assert firm.cluster_status == PENDING

    decided = client.post(
        f"/api/enterprises/{firm.pk}/membership/decision",
        {"approve": False, "reason": "信用代码与营业执照不符"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert decided.json()["membership"]["status"] == "rejected"
    again = client.post(
        f"/api/enterprises/{firm.pk}/membership/decision",
        {"approve": True},
        content_type="application/json",
    )
    assert again.status_code == 409

    client.force_login(owner)
    page = client.get(url("mine:overview", "zh-hans", firm.pk)).content.decode()
    assert "信用代码与营业执照不符" in page
    client.post(url("memberships:ask", "en", firm.pk), {"note": "已更正信用代码"})
    firm.refresh_from_db()
    assert (firm.cluster_status, firm.cluster_request_note, firm.cluster_review_reason) == (
        PENDING,
        "已更正信用代码",
        "",
    )


def test_only_owners_ask_and_a_member_firm_cannot_ask(client: Client) -> None:
    cluster = ClusterFactory(slug="putian")
    rejected = EnterpriseFactory(cluster=cluster, cluster_status=REJECTED)
    plain_member = MembershipFactory(enterprise=rejected, role=Membership.Role.MEMBER).user
    client.force_login(plain_member)
    assert client.post(url("memberships:ask", "en", rejected.pk)).status_code == 404
    rejected.refresh_from_db()
    assert rejected.cluster_status == REJECTED

    approved = EnterpriseFactory(cluster=cluster)
    client.force_login(MembershipFactory(enterprise=approved).user)
    response = client.post(
        f"/api/enterprises/{approved.pk}/membership/request",
        {"note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_registering_a_firm_through_the_api_is_a_request_unless_an_operator_adds_it(
    client: Client,
) -> None:
    cluster = ClusterFactory(slug="putian")
    client.force_login(UserFactory())
    own = client.post(
        "/api/enterprises",
        {"legal_name": "自报家门鞋业", "cluster": "putian"},
        content_type="application/json",
    )
    assert own.status_code == 201
    assert own.json()["membership"]["status"] == "pending"

    client.force_login(operator_of(cluster))
    added = client.post(
        "/api/enterprises",
        {"legal_name": "运营方录入鞋业", "cluster": "putian"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert added.json()["membership"]["status"] == "approved"


def test_an_owner_renaming_an_approved_firm_puts_it_back_in_the_queue(client: Client) -> None:
    cluster = ClusterFactory(slug="putian")
    firm = EnterpriseFactory(cluster=cluster)
    client.force_login(MembershipFactory(enterprise=firm).user)

    contacts = client.patch(
        f"/api/enterprises/{firm.pk}",
        {"contact_phone": "13912345678"},
        content_type="application/json",
    )
    assert contacts.json()["membership"]["status"] == "approved"

    renamed = client.patch(
        f"/api/enterprises/{firm.pk}",
        {"legal_name": "完全不同的公司", "credit_code": ""},
        content_type="application/json",
    )

    assert renamed.status_code == 200
    assert renamed.json()["membership"]["status"] == "pending"
    assert Client().get(f"/api/enterprises/{firm.pk}").status_code == 404


def test_an_operator_correcting_a_firms_name_keeps_it_approved(client: Client) -> None:
    cluster = ClusterFactory(slug="putian")
    firm = EnterpriseFactory(cluster=cluster)
    client.force_login(operator_of(cluster))

    response = client.patch(
        f"/api/enterprises/{firm.pk}",
        {"legal_name": "莆田市更正名称鞋业有限公司"},
        content_type="application/json",
    )

    assert response.json()["membership"]["status"] == "approved"

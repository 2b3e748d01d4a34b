"""The agreements API: access per role, recording with located errors, the pipeline, history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clusterlink.agreements.models import Agreement
from clusterlink.directory.models import Enterprise
from tests.agreements.factories import AgreementFactory
from tests.api_fixtures import ApiClient, World
from tests.api_fixtures import client_for as token_client_for
from tests.directory.factories import EnterpriseFactory

pytest_plugins = ["tests.api_fixtures"]


def client_for(user: Any) -> ApiClient:
    client = token_client_for(user)
    client.headers.setdefault("Accept-Language", "en")
    return client


def _agreement(world: World) -> Agreement:
    return AgreementFactory(
        buyer=world.brand, supplier=world.factory, pairs=120_000, amount_rmb=Decimal("5400000.00")
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("outsider", 404),
        ("owner", 200),
        ("operator", 200),
        ("other_operator", 404),
        ("admin", 200),
    ],
)
def test_agreement_detail_per_role(world: World, role: str, status: int) -> None:
    agreement = _agreement(world)
    response = client_for(world.role_users()[role]).get(f"/agreements/{agreement.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["pairs"] == 120_000
        assert body["amount_rmb"] == "5400000.00"
        assert body["buyer"] == {
            "id": world.brand.pk,
            "name": world.brand.display_name,
            "cluster": "putian",
        }
    elif status == 404:
        assert "5400000" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "count"),
    [("outsider", 0), ("owner", 1), ("operator", 1), ("other_operator", 0), ("admin", 1)],
)
def test_agreement_list_shows_only_ones_own(world: World, role: str, count: int) -> None:
    _agreement(world)
    response = client_for(world.role_users()[role]).get("/agreements")
    assert response.status_code == 200
    assert response.json()["count"] == count


def _body(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "agreement_type": "processing_order",
        "buyer_id": world.brand.pk,
        "supplier_id": world.factory.pk,
        "pairs": 50_000,
        "amount_rmb": "2250000.00",
        "title": "运动鞋加工",
        **overrides,
    }


def test_a_party_records_an_intention_and_moves_it_along(world: World) -> None:
    client = client_for(world.factory_owner)
    response = client.post("/agreements", _body(world))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "intention"
    assert created["amount_rmb"] == "2250000.00"
    assert [row["kind"] for row in created["history"]] == ["+"]
    moved = client.post(
        f"/agreements/{created['id']}/transitions", {"to_status": "signed", "note": "签约"}
    )
    # one party's signature leaves it awaiting the other's
    assert moved.status_code == 200
    body = moved.json()
    assert (body["status"], body["awaiting_status"], body["awaiting_party"]) == (
        "intention",
        "signed",
        "buyer",
    )
    confirmed = client_for(world.brand_owner).post(
        f"/agreements/{created['id']}/transitions", {"to_status": "signed", "note": "确认"}
    )
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert (body["status"], body["awaiting_status"], body["awaiting_party"]) == (
        "signed",
        None,
        None,
    )
    assert [(row["status"], row["user"], row["note"]) for row in body["history"]] == [
        ("intention", str(world.factory_owner), ""),
        ("intention", str(world.factory_owner), "签约"),
        ("signed", str(world.brand_owner), "确认"),
    ]
    assert body["history"][1]["changes"] == ["awaiting confirmation"]
    assert body["history"][2]["changes"] == ["status", "signed on", "awaiting confirmation"]
    assert [(c["to_status"], c["party"], c["user"]) for c in body["confirmations"]] == [
        ("signed", "supplier", str(world.factory_owner)),
        ("signed", "buyer", str(world.brand_owner)),
    ]


def test_signing_takes_the_day_it_was_signed_and_refuses_a_future_one(world: World) -> None:
    agreement = _agreement(world)
    client = client_for(world.factory_owner)
    url = f"/agreements/{agreement.pk}/transitions"

    future = client.post(url, {"to_status": "signed", "signed_on": "2999-01-01"})
    assert future.status_code == 400
    assert future.json()["code"] == "agreement_signed_in_future"
    assert future.json()["details"]["signed_on"] == ["Enter today or an earlier day."]
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on) == ("intention", None)

    marked = client.post(url, {"to_status": "signed", "signed_on": "2026-03-18"})
    assert marked.status_code == 200, marked.content
    assert (marked.json()["status"], marked.json()["signed_on"]) == ("intention", None)
    # the other party's confirmation takes the day the first party gave
    signed = client_for(world.brand_owner).post(url, {"to_status": "signed"})
    assert signed.status_code == 200, signed.content
    assert (signed.json()["status"], signed.json()["signed_on"]) == ("signed", "2026-03-18")


def test_illegal_move_is_a_400_with_a_stable_code_and_writes_nothing(world: World) -> None:
    agreement = _agreement(world)
    rows_before = agreement.history.count()
    client = client_for(world.operator)
    response = client.post(f"/agreements/{agreement.pk}/transitions", {"to_status": "delivered"})
    assert response.status_code == 400
    assert response.json()["code"] == "agreement_illegal_transition"
    agreement.refresh_from_db()
    assert agreement.status == "intention"
    assert agreement.history.count() == rows_before


@pytest.mark.parametrize(
    ("overrides", "status", "location", "message"),
    [
        ({"pairs": -5}, 422, "body.pairs", "Ensure this value is greater than or equal to 1."),
        (
            {"amount_rmb": "10.123"},
            422,
            "body.amount_rmb",
            "Ensure that there are no more than 2 decimal places.",
        ),
        (
            {"amount_rmb": "-1"},
            422,
            "body.amount_rmb",
            "Ensure this value is greater than or equal to 0.",
        ),
        ({"supplier_id": "brand"}, 422, "body.supplier_id", "Enter a whole number."),
        (
            {"agreement_type": "barter"},
            422,
            "body.agreement_type",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_bad_input_gets_located_errors_and_writes_nothing(
    world: World, overrides: dict[str, Any], status: int, location: str, message: str
) -> None:
    body = _body(world, **overrides)
    if overrides.get("supplier_id") == "brand":
        body["supplier_id"] = "brand"
    response = client_for(world.factory_owner).post("/agreements", body)
    assert response.status_code == status
    assert response.json()["details"][location] == [message]
    assert Agreement.objects.count() == 0


def test_same_firm_on_both_sides_is_a_field_error_in_the_users_language(world: World) -> None:
    client = token_client_for(world.factory_owner)
    client.headers["Accept-Language"] = "zh-hans"
    response = client.post("/agreements", _body(world, buyer_id=world.factory.pk))
    assert response.status_code == 400
    assert response.json()["details"]["supplier"] == ["买方和供方必须是不同的企业。"]
    assert Agreement.objects.count() == 0


def test_an_outsider_cannot_record_for_other_firms(world: World) -> None:
    response = client_for(world.outsider).post("/agreements", _body(world))
    assert response.status_code == 400
    assert "buyer_id" in response.json()["details"]
    assert Agreement.objects.count() == 0


def test_an_outsider_cannot_move_an_agreement_it_cannot_see(world: World) -> None:
    agreement = _agreement(world)
    response = client_for(world.outsider).post(
        f"/agreements/{agreement.pk}/transitions", {"to_status": "cancelled"}
    )
    assert response.status_code == 404
    agreement.refresh_from_db()
    assert agreement.status == "intention"


@pytest.mark.parametrize("hidden", ["unlisted", "pending"])
def test_an_unseen_counterparty_is_refused_like_a_missing_one(world: World, hidden: str) -> None:
    # given a firm the factory's owner may not see: approved but unlisted, or awaiting approval
    fields = (
        {"is_listed": False}
        if hidden == "unlisted"
        else {"cluster_status": Enterprise.ClusterStatus.PENDING}
    )
    unseen = EnterpriseFactory(cluster=world.jinjiang, roles=["brand"], **fields)
    missing_id = unseen.pk + 1000
    client = client_for(world.factory_owner)
    # when the owner records an agreement with it, and with a firm that does not exist
    answers = [
        client.post("/agreements", _body(world, buyer_id=firm_id, supplier_id=world.factory.pk))
        for firm_id in (unseen.pk, missing_id)
    ]
    # then both answers are the same 400, naming the field only, and nothing is written
    assert [a.status_code for a in answers] == [400, 400]
    assert (
        answers[0].json()
        == answers[1].json()
        == {
            "code": "validation_error",
            "message": "Some fields are not valid.",
            "details": {"buyer_id": ["Unknown enterprise."]},
        }
    )
    assert Agreement.objects.count() == 0
    assert Agreement.history.count() == 0


def test_a_firm_awaiting_approval_cannot_record_an_agreement(world: World) -> None:
    # given the factory's membership of its cluster awaits approval
    Enterprise.objects.filter(pk=world.factory.pk).update(
        cluster_status=Enterprise.ClusterStatus.PENDING
    )
    # when its owner records an intention with the brand
    response = client_for(world.factory_owner).post("/agreements", _body(world))
    # then it is refused on the firm's field and nothing is written
    assert response.status_code == 400
    assert response.json()["details"] == {
        "supplier_id": [
            "This firm's membership of its cluster awaits an operator's approval; it can record "
            "agreements once approved."
        ]
    }
    assert Agreement.objects.count() == 0
    assert Agreement.history.count() == 0


def test_only_both_parties_confirmations_count_as_signed_in_the_public_headline(
    world: World,
) -> None:
    # given two intentions of a finished public event, both marked signed by the factory
    from clusterlink.events.models import Event
    from clusterlink.reports.selectors import event_outcome
    from tests.events.factories import EventFactory, RegistrationFactory

    event = EventFactory(
        clusters=[world.putian],
        status=Event.Status.FINISHED,
        visibility=Event.Visibility.PUBLIC,
    )
    for firm in (world.factory, world.brand):
        RegistrationFactory(event=event, enterprise=firm)
    first, second = (
        AgreementFactory(buyer=world.brand, supplier=world.factory, event=event) for _ in range(2)
    )
    factory_client = client_for(world.factory_owner)
    for agreement in (first, second):
        marked = factory_client.post(
            f"/agreements/{agreement.pk}/transitions", {"to_status": "signed"}
        )
        assert marked.status_code == 200
    # then neither counts as signed
    outcome = event_outcome(event)
    assert (outcome.intentions, outcome.signed) == (2, 0)
    assert "signed" not in outcome.headline("en")
    # when the brand confirms one of them
    confirmed = client_for(world.brand_owner).post(
        f"/agreements/{first.pk}/transitions", {"to_status": "signed"}
    )
    assert confirmed.status_code == 200
    # then exactly that one counts as signed
    outcome = event_outcome(event)
    assert (outcome.intentions, outcome.signed) == (1, 1)


def test_an_operator_cannot_sign_alone_for_another_clusters_firm_at_his_own_event(
    world: World,
) -> None:
    """The attack of the security review: the Putian operator creates an event himself, registers
    a Jinjiang firm, records an agreement with it there, puts it on the stage and signs it."""
    import datetime as dt

    from clusterlink.agreements.models import AgreementConfirmation
    from clusterlink.common import clock
    from clusterlink.events.models import EventSession, Registration
    from tests.events.factories import EventFactory, SessionFactory

    # given the Putian operator's own event, whose signing ceremony has started
    event = EventFactory(clusters=[world.putian], created_by=world.operator, slug="own-stage")
    session = SessionFactory(event=event, kind=EventSession.Kind.SIGNING_CEREMONY)
    foreign = world.outsider_firm  # a listed, approved firm of Jinjiang
    with clock.frozen(session.starts_at + dt.timedelta(minutes=10)):
        operator = client_for(world.operator)
        rep = {"representatives": [{"name": "代表", "role": "supplier"}]}
        # when he registers the Jinjiang firm, it is refused exactly like a missing firm
        foreign_answer = operator.post(
            "/events/own-stage/registrations", {"enterprise_id": foreign.pk, **rep}
        )
        missing_answer = operator.post(
            "/events/own-stage/registrations", {"enterprise_id": 10**9, **rep}
        )
        assert foreign_answer.status_code == missing_answer.status_code == 400
        assert foreign_answer.json() == missing_answer.json()
        assert not Registration.objects.filter(enterprise=foreign).exists()
        # his own cluster's brand he may register; its registration is pending
        brand_answer = operator.post(
            "/events/own-stage/registrations", {"enterprise_id": world.brand.pk, **rep}
        )
        assert brand_answer.status_code == 201, brand_answer.content
        assert Registration.objects.get(enterprise=world.brand).status == "pending"
        # given the Jinjiang firm pending too (as registered before the fix)
        Registration.objects.create(event=event, enterprise=foreign)
        # when he records an agreement there, pending registrations are no source of it
        recorded = operator.post(
            "/agreements",
            {
                "agreement_type": "processing_order",
                "buyer_id": world.brand.pk,
                "supplier_id": foreign.pk,
                "event": "own-stage",
            },
        )
        assert recorded.status_code == 400
        assert recorded.json()["details"] == {
            "buyer": ["This firm is not registered at the event."],
            "supplier": ["This firm is not registered at the event."],
        }
        assert Agreement.objects.count() == 0
        # given such an agreement recorded before the fix, which he puts on the stage
        agreement = AgreementFactory(buyer=world.brand, supplier=foreign, event=event)
        staged = operator.put(
            f"/ceremonies/{session.pk}/running-order", {"agreement_ids": [agreement.pk]}
        )
        assert staged.status_code == 200
        rows = agreement.history.count()
        # when he signs it on the stage, it is refused and nothing is written
        signed = operator.post(f"/agreements/{agreement.pk}/transitions", {"to_status": "signed"})
        assert signed.status_code == 403
        assert signed.json()["code"] == "agreement_registration_not_validated"
        agreement.refresh_from_db()
        assert (agreement.status, agreement.awaiting_status, agreement.history.count()) == (
            "intention",
            "",
            rows,
        )
        assert not AgreementConfirmation.objects.exists()
        # and once he validates both registrations himself, his signature is his cluster's
        # brand's alone: the Jinjiang firm's is awaited
        for registration in Registration.objects.filter(event=event):
            decided = operator.post(
                f"/events/own-stage/registrations/{registration.pk}/decision",
                {"decision": "validate"},
            )
            assert decided.status_code == 200
        signed = operator.post(f"/agreements/{agreement.pk}/transitions", {"to_status": "signed"})
        assert signed.status_code == 200
        body = signed.json()
        assert (body["status"], body["awaiting_status"], body["awaiting_party"]) == (
            "intention",
            "signed",
            "supplier",
        )
        assert list(
            AgreementConfirmation.objects.values_list("party", "confirmed_by", "at_ceremony")
        ) == [("buyer", world.operator.pk, True)]
        # which its own people give
        confirmed = client_for(world.outsider).post(
            f"/agreements/{agreement.pk}/transitions", {"to_status": "signed"}
        )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "signed"
    assert list(
        AgreementConfirmation.objects.order_by("pk").values_list(
            "party", "confirmed_by", "at_ceremony"
        )
    ) == [("buyer", world.operator.pk, True), ("supplier", world.outsider.pk, False)]

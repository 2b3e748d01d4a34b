"""Services of agreements: create with validation, the status pipeline, history rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from clusterlink.agreements.models import (
    Agreement,
    AgreementConfirmation,
    AgreementStatus,
    AgreementType,
)
from clusterlink.agreements.services import agreement_create, agreement_transition
from clusterlink.common.errors import ApplicationError, PermissionError_
from clusterlink.directory.models import ClusterStatus
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.agreements.factories import AgreementFactory
from tests.directory.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _parties():
    return EnterpriseFactory(roles=["brand"]), EnterpriseFactory()


def test_create_records_an_intention_with_a_history_row_naming_the_actor():
    # given
    actor = UserFactory()
    buyer, supplier = _parties()
    # when
    agreement = agreement_create(
        actor=actor,
        agreement_type=AgreementType.PROCESSING_ORDER,
        buyer=buyer,
        supplier=supplier,
        pairs=1_200_000,
        amount_rmb=Decimal("54000000.00"),
        title="运动鞋加工",
    )
    # then
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.INTENTION
    assert agreement.pairs == 1_200_000
    assert agreement.amount_rmb == Decimal("54000000.00")
    rows = list(agreement.history.all())
    assert len(rows) == 1
    assert rows[0].history_user == actor
    assert rows[0].history_type == "+"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"pairs": -5}, "pairs", "Pairs must be a whole number of at least 1."),
        ({"pairs": 0}, "pairs", "Pairs must be a whole number of at least 1."),
        (
            {"amount_rmb": Decimal("10.005")},
            "amount_rmb",
            "An amount in RMB has at most two decimals.",
        ),
        (
            {"amount_rmb": Decimal("-1.00")},
            "amount_rmb",
            "An amount in RMB cannot be negative.",
        ),
        ({"agreement_type": "barter"}, "agreement_type", "Unknown agreement type: barter"),
    ],
)
def test_create_rejects_bad_figures_and_writes_nothing(fields, field, message):
    # given
    buyer, supplier = _parties()
    arguments = {"agreement_type": AgreementType.PROCESSING_ORDER, **fields}
    # when
    with pytest.raises(ApplicationError) as caught:
        agreement_create(actor=None, buyer=buyer, supplier=supplier, **arguments)
    # then
    assert caught.value.code == "validation_error"
    assert message in caught.value.details[field]
    assert Agreement.objects.count() == 0
    assert Agreement.history.count() == 0


def test_create_rejects_the_same_firm_on_both_sides():
    firm = EnterpriseFactory()
    with pytest.raises(ApplicationError) as caught:
        agreement_create(
            actor=None, agreement_type=AgreementType.BRAND_OEM, buyer=firm, supplier=firm
        )
    assert caught.value.details["supplier"] == [
        "The buyer and the supplier must be different firms."
    ]
    assert Agreement.objects.count() == 0


def test_error_messages_are_translated():
    buyer, supplier = _parties()
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as caught:
        agreement_create(
            actor=None,
            agreement_type=AgreementType.PROCESSING_ORDER,
            buyer=buyer,
            supplier=supplier,
            pairs=-1,
        )
    assert caught.value.details["pairs"] == ["双数必须为不小于 1 的整数。"]


def test_transitions_follow_the_pipeline_and_leave_history():
    # given an intention and a member of each party
    buyer, supplier = _parties()
    brand_user = MembershipFactory(enterprise=buyer).user
    factory_user = MembershipFactory(enterprise=supplier).user
    agreement = agreement_create(
        actor=None, agreement_type=AgreementType.PROCESSING_ORDER, buyer=buyer, supplier=supplier
    )
    # when the brand marks it signed, the factory confirms, marks it in production, marks it
    # delivered and the brand confirms the delivery
    steps = [
        (brand_user, "signed"),
        (factory_user, "signed"),
        (factory_user, "in_production"),
        (factory_user, "delivered"),
        (brand_user, "delivered"),
    ]
    for user, status in steps:
        agreement = agreement_transition(
            actor=user, agreement=agreement, to_status=status, note=f"to {status}"
        )
    # then
    assert agreement.status == "delivered"
    assert agreement.signed_on is not None
    history = list(agreement.history.order_by("history_id"))
    assert [(h.status, h.awaiting_status, h.awaiting_party) for h in history] == [
        ("intention", "", ""),
        ("intention", "signed", "supplier"),
        ("signed", "", ""),
        ("in_production", "", ""),
        ("in_production", "delivered", "buyer"),
        ("delivered", "", ""),
    ]
    assert [h.history_user for h in history] == [None] + [user for user, _ in steps]
    assert history[3].history_change_reason == "to in_production"
    assert list(
        AgreementConfirmation.objects.order_by("pk").values_list(
            "to_status", "party", "confirmed_by", "at_ceremony"
        )
    ) == [
        ("signed", "buyer", brand_user.pk, False),
        ("signed", "supplier", factory_user.pk, False),
        ("delivered", "supplier", factory_user.pk, False),
        ("delivered", "buyer", brand_user.pk, False),
    ]


def test_one_party_marking_signed_leaves_it_awaiting_the_other():
    # given an intention
    buyer, supplier = _parties()
    brand_user = MembershipFactory(enterprise=buyer).user
    factory_user = MembershipFactory(enterprise=supplier).user
    agreement = agreement_create(
        actor=None, agreement_type=AgreementType.PROCESSING_ORDER, buyer=buyer, supplier=supplier
    )
    # when the factory marks it signed
    agreement = agreement_transition(actor=factory_user, agreement=agreement, to_status="signed")
    # then it is still an intention, awaiting the brand
    agreement.refresh_from_db()
    assert (agreement.status, agreement.awaiting_status, agreement.awaiting_party) == (
        "intention",
        "signed",
        "buyer",
    )
    assert (agreement.signed_on, agreement.signed_by) == (None, None)
    # and the same party cannot confirm a second time, nor move it on meanwhile
    with pytest.raises(ApplicationError) as again:
        agreement_transition(actor=factory_user, agreement=agreement, to_status="signed")
    assert (again.value.code, again.value.status) == ("agreement_already_confirmed", 409)
    with pytest.raises(ApplicationError) as onward:
        agreement_transition(actor=factory_user, agreement=agreement, to_status="in_production")
    assert onward.value.code == "agreement_illegal_transition"
    assert AgreementConfirmation.objects.count() == 1
    # when the brand confirms
    agreement = agreement_transition(actor=brand_user, agreement=agreement, to_status="signed")
    # then it is signed, by the brand's confirmation
    agreement.refresh_from_db()
    assert (agreement.status, agreement.awaiting_status, agreement.signed_by) == (
        "signed",
        "",
        brand_user,
    )


def test_a_member_of_both_parties_cannot_sign_alone():
    buyer, supplier = _parties()
    both = MembershipFactory(enterprise=buyer).user
    MembershipFactory(enterprise=supplier, user=both)
    agreement = agreement_create(
        actor=None, agreement_type=AgreementType.PROCESSING_ORDER, buyer=buyer, supplier=supplier
    )
    agreement_transition(actor=both, agreement=agreement, to_status="signed")
    with pytest.raises(ApplicationError) as caught:
        agreement_transition(actor=both, agreement=agreement, to_status="signed")
    assert caught.value.code == "agreement_already_confirmed"
    agreement.refresh_from_db()
    assert (agreement.status, agreement.awaiting_status) == ("intention", "signed")
    assert AgreementConfirmation.objects.count() == 1


def test_an_operator_confirms_for_no_party_but_may_cancel():
    # given an intention between two firms of the operator's cluster
    buyer, supplier = _parties()
    supplier.cluster = buyer.cluster
    supplier.save()
    operator = OperatorScopeFactory(cluster=buyer.cluster).user
    agreement = agreement_create(
        actor=None, agreement_type=AgreementType.PROCESSING_ORDER, buyer=buyer, supplier=supplier
    )
    rows = agreement.history.count()
    # when the operator marks it signed, it is refused and nothing is written
    with pytest.raises(PermissionError_) as caught:
        agreement_transition(actor=operator, agreement=agreement, to_status="signed")
    assert (caught.value.code, caught.value.status) == ("agreement_party_confirms", 403)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.awaiting_status, agreement.history.count()) == (
        "intention",
        "",
        rows,
    )
    assert AgreementConfirmation.objects.count() == 0
    # but cancelling is his to do
    agreement = agreement_transition(actor=operator, agreement=agreement, to_status="cancelled")
    assert agreement.status == "cancelled"


def test_cancelling_clears_an_awaited_signature():
    buyer, supplier = _parties()
    brand_user = MembershipFactory(enterprise=buyer).user
    factory_user = MembershipFactory(enterprise=supplier).user
    agreement = agreement_create(
        actor=None, agreement_type=AgreementType.PROCESSING_ORDER, buyer=buyer, supplier=supplier
    )
    agreement_transition(actor=brand_user, agreement=agreement, to_status="signed")
    agreement = agreement_transition(actor=factory_user, agreement=agreement, to_status="cancelled")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.awaiting_status, agreement.awaiting_party) == (
        "cancelled",
        "",
        "",
    )


def test_a_firm_awaiting_approval_is_no_party():
    buyer, supplier = _parties()
    supplier.cluster_status = ClusterStatus.PENDING
    supplier.save()
    with pytest.raises(ApplicationError) as caught:
        agreement_create(
            actor=None,
            agreement_type=AgreementType.PROCESSING_ORDER,
            buyer=buyer,
            supplier=supplier,
        )
    assert caught.value.details == {
        "supplier": [
            "This firm's membership of its cluster awaits an operator's approval; it can record "
            "agreements once approved."
        ]
    }
    assert Agreement.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "to_status"),
    [
        ([], "delivered"),
        ([], "in_production"),
        (["signed"], "intention"),
        (["signed", "in_production", "delivered"], "cancelled"),
        (["cancelled"], "signed"),
    ],
)
def test_illegal_moves_raise_a_stable_code_and_write_nothing(path, to_status):
    buyer, supplier = _parties()
    agreement = agreement_create(
        actor=None, agreement_type=AgreementType.PROCESSING_ORDER, buyer=buyer, supplier=supplier
    )
    for status in path:
        agreement = agreement_transition(actor=None, agreement=agreement, to_status=status)
    rows_before = agreement.history.count()
    with pytest.raises(ApplicationError) as caught:
        agreement_transition(actor=None, agreement=agreement, to_status=to_status)
    assert caught.value.code == "agreement_illegal_transition"
    agreement.refresh_from_db()
    assert agreement.status == (path[-1] if path else "intention")
    assert agreement.history.count() == rows_before


def test_any_open_status_may_be_cancelled():
    buyer, supplier = _parties()
    for path in ([], ["signed"], ["signed", "in_production"]):
        agreement = agreement_create(
            actor=None,
            agreement_type=AgreementType.ORDER_PURCHASING,
            buyer=buyer,
            supplier=supplier,
        )
        for status in path:
            agreement = agreement_transition(actor=None, agreement=agreement, to_status=status)
        agreement = agreement_transition(actor=None, agreement=agreement, to_status="cancelled")
        assert agreement.status == "cancelled"


def test_unknown_status_is_rejected():
    buyer, supplier = _parties()
    agreement = agreement_create(
        actor=None, agreement_type=AgreementType.PROCESSING_ORDER, buyer=buyer, supplier=supplier
    )
    with pytest.raises(ApplicationError) as caught:
        agreement_transition(actor=None, agreement=agreement, to_status="archived")
    assert caught.value.code == "agreement_unknown_status"


def _staged(**registration: object) -> tuple[Agreement, object, object]:
    """An intention of two firms of one cluster, registered at an event of it, on the running order
    of its signing ceremony; and the cluster's operator."""
    from clusterlink.agreements.services import agreement_ceremony_order
    from clusterlink.events.models import EventSession
    from tests.events.factories import EventFactory, RegistrationFactory, SessionFactory

    buyer, supplier = _parties()
    supplier.cluster = buyer.cluster
    supplier.save()
    event = EventFactory(clusters=[buyer.cluster])
    session = SessionFactory(event=event, kind=EventSession.Kind.SIGNING_CEREMONY)
    RegistrationFactory(event=event, enterprise=buyer)
    RegistrationFactory(event=event, enterprise=supplier, **registration)
    agreement = AgreementFactory(buyer=buyer, supplier=supplier, event=event)
    agreement_ceremony_order(actor=None, session=session, agreement_ids=[agreement.pk])
    return agreement, session, OperatorScopeFactory(cluster=buyer.cluster).user


@pytest.mark.parametrize(
    ("minutes", "registration", "code"),
    [
        (-1, {}, "agreement_ceremony_not_started"),
        (5, {"status": "pending"}, "agreement_registration_not_validated"),
        (5, {"status": "rejected"}, "agreement_registration_not_validated"),
    ],
)
def test_no_signature_on_stage_before_the_ceremony_or_without_validated_registrations(
    minutes, registration, code
):
    import datetime as dt

    from clusterlink.common import clock

    # given an agreement on the stage, before the ceremony or with a firm not validated
    agreement, session, operator = _staged(**registration)
    rows = agreement.history.count()
    # when the operator of both parties' cluster records it signed
    with (
        clock.frozen(session.starts_at + dt.timedelta(minutes=minutes)),
        pytest.raises(PermissionError_) as caught,
    ):
        agreement_transition(actor=operator, agreement=agreement, to_status="signed")
    # then it is refused with the reason, and nothing is written
    assert (caught.value.code, caught.value.status) == (code, 403)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.awaiting_status, agreement.history.count()) == (
        "intention",
        "",
        rows,
    )
    assert AgreementConfirmation.objects.count() == 0


def test_a_pending_registration_is_no_source_of_an_agreement():
    from clusterlink.agreements.services import agreement_record
    from tests.events.factories import EventFactory, RegistrationFactory

    # given a brand validated at an event and a factory whose registration is pending
    buyer, supplier = _parties()
    event = EventFactory(clusters=[buyer.cluster])
    RegistrationFactory(event=event, enterprise=buyer)
    RegistrationFactory(event=event, enterprise=supplier, status="pending")
    # when an agreement of theirs is recorded at the event, it is refused on the factory
    with pytest.raises(ApplicationError) as caught:
        agreement_create(
            actor=None,
            agreement_type=AgreementType.PROCESSING_ORDER,
            buyer=buyer,
            supplier=supplier,
            event=event,
        )
    assert caught.value.details == {"supplier": ["This firm is not registered at the event."]}
    # and the factory's own people may not record at the event: for them it does not exist
    member = MembershipFactory(enterprise=supplier).user
    with pytest.raises(ApplicationError) as caught:
        agreement_record(
            actor=member,
            agreement_type=AgreementType.PROCESSING_ORDER,
            buyer_id=buyer.pk,
            supplier_id=supplier.pk,
            event_slug=event.slug,
        )
    assert caught.value.details == {"event": ["Not found."]}
    # nothing is written
    assert (Agreement.objects.count(), Agreement.history.count()) == (0, 0)

"""Agreement pages: list and detail by access, recording from a meeting or an event, status moves
through the form, the ceremony running order, and no English left on the zh-hans and ja pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusterlink.agreements.demo import load_agreements_demo
from clusterlink.agreements.models import Agreement
from clusterlink.common import clock
from clusterlink.events.models import Meeting
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.agreements.factories import AgreementFactory
from tests.agreements.world import putian_docking, xiaobeihe_ceremony
from tests.events.factories import SlotFactory
from tests.test_translations import leftover_check, visible_pieces

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def docking() -> Any:
    world = putian_docking()
    world.operator = OperatorScopeFactory(cluster=world.event.clusters.get(slug="putian")).user
    world.brand_member = MembershipFactory(enterprise=world.brands[0]).user
    return world


def test_list_and_detail_show_amounts_only_to_parties_and_operators(docking: Any) -> None:
    agreement = AgreementFactory(
        buyer=docking.brands[0],
        supplier=docking.factories[0],
        amount_rmb=Decimal("1234567.89"),
        event=docking.event,
    )
    for user in (docking.operator, docking.brand_member):
        client = client_for(user)
        assert "RMB 1,234,567.89" in client.get(url("agreements:list")).content.decode()
        assert client.get(url("agreements:detail", agreement.pk)).status_code == 200
    stranger = client_for(UserFactory())
    assert "1,234,567.89" not in stranger.get(url("agreements:list")).content.decode()
    assert stranger.get(url("agreements:detail", agreement.pk)).status_code == 404
    assert Client().get(url("agreements:list")).status_code == 302  # to the login page


def test_list_filters_by_type_status_cluster_and_event(docking: Any) -> None:
    wanted = AgreementFactory(
        buyer=docking.brands[0], supplier=docking.factories[0], event=docking.event
    )
    AgreementFactory(
        buyer=docking.brands[1], supplier=docking.factories[1], agreement_type="brand_oem"
    )
    client = client_for(docking.operator)
    for query in (
        "agreement_type=processing_order",
        f"event={docking.event.slug}",
        "status=intention&cluster=quanzhou-jinjiang&event=" + docking.event.slug,
    ):
        page = client.get(url("agreements:list") + "?" + query).context["page"]
        assert [a.pk for a in page.object_list] == [wanted.pk], query


def test_a_brand_records_an_intention_from_its_meeting(docking: Any) -> None:
    # given a held meeting between the brand and a factory
    slot = SlotFactory(event=docking.event)
    brand_rep = docking.brands[0].event_registrations.get().participants.get()
    factory_rep = docking.factories[0].event_registrations.get().participants.get()
    meeting = Meeting.objects.create(
        event=docking.event,
        participant_a=brand_rep,
        participant_b=factory_rep,
        slot=slot,
        table=1,
        status=Meeting.Status.HELD,
    )
    client = client_for(docking.brand_member)
    address = url("agreements:create") + f"?meeting={meeting.pk}"
    form = client.get(address)
    # both parties start empty: nothing is chosen for the user
    for field in ("buyer", "supplier"):
        assert [c[0] for c in form.context["form"].fields[field].choices] == [
            "",
            docking.brands[0].pk,
            docking.factories[0].pk,
        ]
    assert form.content.decode().count('<option value="" selected>---------</option>') == 2
    # when
    response = client.post(
        address,
        {
            "meeting": meeting.pk,
            "agreement_type": "processing_order",
            "buyer": docking.brands[0].pk,
            "supplier": docking.factories[0].pk,
            "pairs": "300000",
            "amount_rmb": "13500000.00",
            "title": "跑鞋加工",
        },
    )
    # then
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert (agreement.meeting, agreement.event, agreement.created_by) == (
        meeting,
        docking.event,
        docking.brand_member,
    )
    detail = client.get(url("agreements:detail", agreement.pk)).content.decode()
    assert 'data-testid="agreement-source"' in detail and docking.event.name_en in detail


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"pairs": "-5"}, "pairs", "双数必须为不小于 1 的整数。"),
        ({"amount_rmb": "10.123"}, "amount_rmb", "最多保留两位小数（元、角、分）。"),
        ({"supplier": "BRAND"}, "supplier", "买方和供方必须是不同的企业。"),
    ],
)
def test_bad_input_on_the_form_is_located_translated_and_writes_nothing(
    docking: Any, fields: dict[str, str], field: str, message: str
) -> None:
    data = {
        "agreement_type": "processing_order",
        "buyer": str(docking.brands[0].pk),
        "supplier": str(docking.factories[0].pk),
        "event": docking.event.slug,
        **fields,
    }
    if data["supplier"] == "BRAND":
        data["supplier"] = data["buyer"]
    response = client_for(docking.operator).post(
        url("agreements:create", language="zh-hans") + f"?event={docking.event.slug}", data
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Agreement.objects.count() == 0


def test_illegal_move_through_the_form_is_refused_and_writes_nothing(docking: Any) -> None:
    agreement = AgreementFactory(buyer=docking.brands[0], supplier=docking.factories[0])
    rows = agreement.history.count()
    response = client_for(docking.operator).post(
        url("agreements:transition", agreement.pk), {"to_status": "delivered"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "An agreement cannot move from “Cooperation intention” to “Delivered”." in html
    assert "Allowed next statuses: Signed, Cancelled" in html
    agreement.refresh_from_db()
    assert (agreement.status, agreement.history.count()) == ("intention", rows)
    ok = client_for(docking.brand_member).post(
        url("agreements:transition", agreement.pk), {"to_status": "signed", "note": "现场签约"}
    )
    assert ok.status_code == 302
    history = (
        client_for(docking.brand_member)
        .get(url("agreements:detail", agreement.pk))
        .context["history"]
    )
    assert [(row["status"], row["user"], row["note"]) for row in history][-1] == (
        "intention",
        str(docking.brand_member),
        "现场签约",
    )


def test_the_other_party_sees_the_awaited_signature_and_confirms_it(docking: Any) -> None:
    # given the brand marked an intention signed
    agreement = AgreementFactory(buyer=docking.brands[0], supplier=docking.factories[0])
    factory_member = MembershipFactory(enterprise=docking.factories[0]).user
    marked = client_for(docking.brand_member).post(
        url("agreements:transition", agreement.pk), {"to_status": "signed"}
    )
    assert marked.status_code == 302
    # the brand reads that it awaits the other party, without a Confirm button
    brand_page = client_for(docking.brand_member).get(url("agreements:detail", agreement.pk))
    html = brand_page.content.decode()
    assert "Signed: awaiting the other party's confirmation" in html
    assert 'data-testid="confirm-form"' not in html
    assert brand_page.context["next_statuses"] == [("cancelled", "Cancelled")]
    # the factory sees a Confirm button, in every language
    for language in ("en", "zh-hans", "ja"):
        with translation.override(language):
            words = translation.gettext("Confirm")
        assert (language == "en") == (words == "Confirm")
        page = client_for(factory_member).get(
            url("agreements:detail", agreement.pk, language=language)
        )
        assert page.context["awaiting"]["confirm"] is True
        assert 'data-testid="confirm-form"' in page.content.decode()
        assert f'<button type="submit" class="button">{words}' in page.content.decode()
    # when the factory confirms
    confirmed = client_for(factory_member).post(
        url("agreements:transition", agreement.pk), {"to_status": "signed"}
    )
    # then it is signed and nothing awaits
    assert confirmed.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.awaiting_status, agreement.signed_by) == (
        "signed",
        "",
        factory_member,
    )


@pytest.fixture
def ceremony() -> Any:
    world = xiaobeihe_ceremony()
    load_agreements_demo()
    world.operator = OperatorScopeFactory(cluster=world.event.clusters.get()).user
    return world


def test_operator_reorders_the_running_order_and_prints_it(ceremony: Any) -> None:
    client = client_for(ceremony.operator)
    page = client.get(url("agreements:ceremony", ceremony.session.pk))
    order = [a.pk for a in page.context["running_order"]]
    assert len(order) == 15
    new_order = [order[-1], *order[:-2]]  # last first, the 14th leaves the stage
    response = client.post(
        url("agreements:ceremony", ceremony.session.pk), {"order": ",".join(map(str, new_order))}
    )
    assert response.status_code == 302
    stage = list(
        Agreement.objects.filter(ceremony_session=ceremony.session)
        .order_by("ceremony_position")
        .values_list("pk", "ceremony_position")
    )
    assert stage == [(pk, i) for i, pk in enumerate(new_order, start=1)]
    assert Agreement.objects.get(pk=order[-2]).ceremony_position is None
    printed = client.get(url("agreements:ceremony_print", ceremony.session.pk)).content.decode()
    first = Agreement.objects.get(pk=order[-1])
    assert printed.index(first.title) < printed.index(Agreement.objects.get(pk=order[0]).title)


def test_running_order_refuses_foreign_or_repeated_agreements(ceremony: Any) -> None:
    other = AgreementFactory()
    before = list(
        Agreement.objects.filter(ceremony_session=ceremony.session).values_list(
            "pk", "ceremony_position"
        )
    )
    client = client_for(ceremony.operator)
    for order in (f"{before[0][0]},{other.pk}", f"{before[0][0]},{before[0][0]}", "a,b"):
        response = client.post(url("agreements:ceremony", ceremony.session.pk), {"order": order})
        assert response.status_code == 400, order
        assert response.context["form"].errors["order"]
    after = list(
        Agreement.objects.filter(ceremony_session=ceremony.session).values_list(
            "pk", "ceremony_position"
        )
    )
    assert after == before


def test_ceremony_page_is_404_for_firms_and_strangers(ceremony: Any) -> None:
    member = MembershipFactory(enterprise=ceremony.firms[0]).user
    for user in (member, UserFactory()):
        assert (
            client_for(user).get(url("agreements:ceremony", ceremony.session.pk)).status_code == 404
        )


def test_pages_show_no_english_in_zh_hans_and_ja(ceremony: Any) -> None:
    agreement = Agreement.objects.filter(event=ceremony.event).first()
    assert agreement is not None
    client = client_for(ceremony.operator)
    pages = {
        "list": ("agreements:list",),
        "detail": ("agreements:detail", agreement.pk),
        "create": ("agreements:create",),
        "ceremony": ("agreements:ceremony", ceremony.session.pk),
        "print": ("agreements:ceremony_print", ceremony.session.pk),
        "report": ("reports:event_outcome", ceremony.event.slug),
    }
    # data, not UI text: firm names (English in ja), titles and notes of the demo (Chinese)
    names = [f.name_en for f in ceremony.firms] + [ceremony.event.name_en]
    names += [a.title for a in Agreement.objects.all()] + ["签约仪式现场签约"]
    problems = []
    for page, (name, *args) in pages.items():
        english = client.get(url(name, *args, language="en")).content.decode()
        assert leftover_check("ja").find(visible_pieces(english)), f"{page}: no UI text found"
        for language, catalog_language in (("zh-hans", "zh_Hans"), ("ja", "ja")):
            response = client.get(url(name, *args, language=language))
            assert response.status_code == 200, (page, language)
            pieces = visible_pieces(response.content.decode())
            for value in names:  # data, not UI text
                pieces = [p.replace(value, " ") for p in pieces]
            left = leftover_check(catalog_language).find([p for p in pieces if p.strip()])
            if left:
                problems.append(f"{page} in {language}: {left}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("language", "amount"),
    [("en", "RMB 75,000,000.00"), ("zh-hans", "75,000,000.00 元"), ("ja", "75,000,000.00 人民元")],
)
def test_amounts_are_named_rmb_in_every_language(docking: Any, language: str, amount: str) -> None:
    # '¥' alone reads as yen to a Japanese reader
    agreement = AgreementFactory(
        buyer=docking.brands[0], supplier=docking.factories[0], amount_rmb=Decimal("75000000")
    )
    client = client_for(docking.operator)
    for page in (
        client.get(url("agreements:list", language=language)),
        client.get(url("agreements:detail", agreement.pk, language=language)),
    ):
        body = page.content.decode()
        assert amount in body
        assert "¥" not in body


def test_signing_records_the_day_entered_and_who_marked_it(docking: Any) -> None:
    # given an intention; the page offers the signing date, today by default
    agreement = AgreementFactory(buyer=docking.brands[0], supplier=docking.factories[0])
    client = client_for(docking.brand_member)
    page = client.get(url("agreements:detail", agreement.pk)).content.decode()
    assert f'name="signed_on" value="{clock.today():%Y-%m-%d}"' in page
    # a day in the future is refused on the field, and nothing is written
    tomorrow = clock.today() + dt.timedelta(days=1)
    refused = client.post(
        url("agreements:transition", agreement.pk),
        {"to_status": "signed", "signed_on": f"{tomorrow:%Y-%m-%d}"},
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["signed_on"] == ["Enter today or an earlier day."]
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on, agreement.signed_by) == ("intention", None, None)
    # when the brand marks it signed last Friday
    day = clock.today() - dt.timedelta(days=3)
    ok = client.post(
        url("agreements:transition", agreement.pk),
        {"to_status": "signed", "signed_on": f"{day:%Y-%m-%d}"},
    )
    assert ok.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on, agreement.signed_by) == ("intention", None, None)
    # and the factory confirms it today
    factory_member = MembershipFactory(enterprise=docking.factories[0]).user
    confirmed = client_for(factory_member).post(
        url("agreements:transition", agreement.pk),
        {"to_status": "signed", "signed_on": f"{clock.today():%Y-%m-%d}"},
    )
    # then the brand's day and the person who completed the signature are recorded and shown
    assert confirmed.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on, agreement.signed_by) == (
        "signed",
        day,
        factory_member,
    )
    page = client.get(url("agreements:detail", agreement.pk)).content.decode()
    assert f"{day:%Y-%m-%d} · marked by {factory_member}" in page


def _docking_ceremony(docking: Any) -> Any:
    from clusterlink.events.models import EventSession
    from tests.events.factories import SessionFactory

    return SessionFactory(event=docking.event, kind=EventSession.Kind.SIGNING_CEREMONY)


def test_running_order_refuses_an_agreement_the_operator_may_not_see_like_a_missing_one(
    docking: Any,
) -> None:
    # given a ceremony of the joint event, and an agreement of it between two Quanzhou brands,
    # which the Putian operator may not see
    session = _docking_ceremony(docking)
    unseen = AgreementFactory(
        buyer=docking.brands[1], supplier=docking.brands[2], event=docking.event
    )
    rows = unseen.history.count()
    client = client_for(docking.operator)
    # when he puts it on the stage, and an id that does not exist
    answers = [
        client.post(url("agreements:ceremony", session.pk), {"order": str(pk)})
        for pk in (unseen.pk, unseen.pk + 1000)
    ]
    # then both are refused alike, and nothing is written
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].context["form"].errors["order"] == [
        f"Not an agreement of this event: {unseen.pk}"
    ]
    assert answers[1].context["form"].errors["order"] == [
        f"Not an agreement of this event: {unseen.pk + 1000}"
    ]
    unseen.refresh_from_db()
    assert (unseen.ceremony_session, unseen.ceremony_position) == (None, None)
    assert unseen.history.count() == rows
    # and a member of a firm posting to the ceremony gets a 404, writing nothing
    member = client_for(docking.brand_member)
    assert member.post(url("agreements:ceremony", session.pk), {"order": ""}).status_code == 404


def test_an_operator_of_both_clusters_records_a_signature_on_a_started_ceremonys_stage(
    docking: Any,
) -> None:
    from clusterlink.agreements.models import AgreementConfirmation

    # given an operator of both parties' clusters, and an intention of the event (both firms
    # validated) on the stage of its signing ceremony, which has started
    OperatorScopeFactory(
        user=docking.operator, cluster=docking.event.clusters.get(slug="quanzhou-jinjiang")
    )
    session = _docking_ceremony(docking)
    agreement = AgreementFactory(
        buyer=docking.brands[0], supplier=docking.factories[0], event=docking.event
    )
    off_stage = AgreementFactory(
        buyer=docking.brands[0], supplier=docking.factories[1], event=docking.event
    )
    client = client_for(docking.operator)
    staged = client.post(url("agreements:ceremony", session.pk), {"order": str(agreement.pk)})
    assert staged.status_code == 302
    # when the operator records it signed during the ceremony
    with clock.frozen(session.starts_at + dt.timedelta(minutes=5)):
        signed = client.post(url("agreements:transition", agreement.pk), {"to_status": "signed"})
    # then it is signed, confirmed for both parties at the ceremony
    assert signed.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_by) == ("signed", docking.operator)
    assert list(
        AgreementConfirmation.objects.filter(agreement=agreement)
        .order_by("pk")
        .values_list("party", "confirmed_by", "at_ceremony")
    ) == [("buyer", docking.operator.pk, True), ("supplier", docking.operator.pk, True)]
    # while one off the stage is not his to sign
    with clock.frozen(session.starts_at + dt.timedelta(minutes=5)):
        refused = client.post(url("agreements:transition", off_stage.pk), {"to_status": "signed"})
    assert refused.status_code == 400
    off_stage.refresh_from_db()
    assert (off_stage.status, off_stage.awaiting_status) == ("intention", "")
    assert not AgreementConfirmation.objects.filter(agreement=off_stage).exists()


def test_on_stage_an_operator_of_one_cluster_confirms_only_its_party_the_other_confirms_itself(
    docking: Any,
) -> None:
    from clusterlink.agreements.models import AgreementConfirmation

    # given an intention of a Quanzhou brand and a Putian factory on the started ceremony's stage
    session = _docking_ceremony(docking)
    agreement = AgreementFactory(
        buyer=docking.brands[0], supplier=docking.factories[0], event=docking.event
    )
    operator = client_for(docking.operator)  # operates Putian only
    assert (
        operator.post(url("agreements:ceremony", session.pk), {"order": str(agreement.pk)})
    ).status_code == 302
    with clock.frozen(session.starts_at + dt.timedelta(minutes=5)):
        # when the Putian operator records it signed
        first = operator.post(url("agreements:transition", agreement.pk), {"to_status": "signed"})
        # then only the Putian factory's signature is confirmed; the brand's is awaited
        assert first.status_code == 302
        agreement.refresh_from_db()
        assert (agreement.status, agreement.awaiting_status, agreement.awaiting_party) == (
            "intention",
            "signed",
            "buyer",
        )
        # and he cannot confirm it for the brand by trying again
        again = operator.post(url("agreements:transition", agreement.pk), {"to_status": "signed"})
        assert again.status_code == 400
        # when the brand confirms itself
        brand = client_for(docking.brand_member)
        second = brand.post(url("agreements:transition", agreement.pk), {"to_status": "signed"})
    # then it is signed, each party's confirmation by its own side
    assert second.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_by) == ("signed", docking.brand_member)
    assert list(
        AgreementConfirmation.objects.filter(agreement=agreement)
        .order_by("pk")
        .values_list("party", "confirmed_by", "at_ceremony")
    ) == [("supplier", docking.operator.pk, True), ("buyer", docking.brand_member.pk, False)]

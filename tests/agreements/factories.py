from __future__ import annotations

from decimal import Decimal

import factory

from clusterlink.agreements.models import Agreement, AgreementStatus, AgreementType
from tests.directory.factories import EnterpriseFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    agreement_type = AgreementType.PROCESSING_ORDER
    title = factory.Sequence(lambda n: f"加工订单{n}")
    buyer = factory.SubFactory(EnterpriseFactory, roles=["brand"])
    supplier = factory.SubFactory(EnterpriseFactory)
    pairs = 100_000
    amount_rmb = Decimal("4500000.00")
    status = AgreementStatus.INTENTION

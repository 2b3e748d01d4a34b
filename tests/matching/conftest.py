from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Service messages asserted in English: a language left active by another test on the
    same worker would change them."""
    with translation.override("en"):
        yield

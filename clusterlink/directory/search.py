"""Directory search: finds Chinese names from pinyin ("putian"), characters ("莆田") or English.

Each enterprise stores `search_keys`: the resolution core's keys (folded name, pinyin words,
syllables, initials, English industry words) of its legal and English names and its address.
A query matches when every term is a substring of those keys (ANDed `icontains`).
"""

from __future__ import annotations

from functools import reduce
from operator import and_

from django.db.models import Q

from clusterlink.domain.resolution import search_keys, search_terms


def enterprise_search_keys(*, legal_name: str, name_en: str = "", address: str = "") -> str:
    keys: list[str] = []
    for text in (legal_name, name_en, address):
        if text:
            keys.extend(search_keys(text))
    return " ".join(dict.fromkeys(keys))


def search_q(query: str) -> Q:
    terms = search_terms(query)
    if not terms:
        return Q()
    # Keys and terms are both lower case, so a case-sensitive LIKE matches and can use the trigram index.
    return reduce(and_, (Q(search_keys__contains=term) for term in terms))

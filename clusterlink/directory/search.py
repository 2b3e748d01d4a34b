"""Directory search: finds Chinese names from pinyin ("putian"), characters ("莆田") or English.

Each enterprise stores `search_keys`: the resolution core's search tokens of its legal name,
English name and address, space-separated, and `sort_name`, the order of the directory. A
query matches when every term is a prefix of one of the tokens (ANDed). On PostgreSQL the
tokens are also kept as a generated `tsvector` column, `search_vector` (migration 0004, not a
model field: only PostgreSQL has it), with a GIN index; each term is a prefix query
(`term:*`) on it. Elsewhere it is a LIKE over `search_keys`.

Why it is fast at 100,000 firms: a rare term is answered from the GIN index; a broad one
("socks", a third of the firms) walks the (sort_name, id) index and stops at the first page,
testing each row against its stored vector. That walk only stays short if the matches are
spread over the order, which `sort_name` (the distinctive name, no place or trade) ensures.
"""

from __future__ import annotations

from functools import reduce
from operator import and_
from typing import Any

from django.db.models import BooleanField, Func, Q, Value

from clusterlink.directory.models import SORT_NAME_LENGTH
from clusterlink.domain.resolution import (
    address_search_tokens,
    search_terms,
    search_tokens,
    sort_name,
)

# PostgreSQL only: the generated tsvector column of the tokens (migration 0004).
VECTOR_COLUMN = "search_vector"


def search_fields(*, legal_name: str, name_en: str = "", address: str = "") -> tuple[str, str]:
    """(search_keys, sort_name) of a firm with these names and address."""
    tokens: list[str] = []
    for name in (legal_name, name_en):
        if name:
            tokens.extend(search_tokens(name))
    tokens.extend(address_search_tokens(address))
    return " ".join(dict.fromkeys(tokens)), sort_name(legal_name or name_en)[:SORT_NAME_LENGTH]


def index_for_search(firm: Any) -> None:
    """Set `search_keys` and `sort_name` of an enterprise (or a row about to become one) from
    its `legal_name`, `name_en` and `address`; the caller saves."""
    firm.search_keys, firm.sort_name = search_fields(
        legal_name=firm.legal_name, name_en=firm.name_en, address=firm.address
    )


class TokenPrefix(Func):
    """True when `term` is a prefix of one of the space-separated tokens in `tokens`.

    Terms come from `search_terms`: Chinese characters and [a-z0-9] only, so they carry no
    LIKE wildcard and no tsquery syntax (and `quote_literal` keeps them one lexeme anyway).
    """

    output_field = BooleanField()
    arity = 2

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        tokens, tokens_params = compiler.compile(self.source_expressions[0])
        term, term_params = compiler.compile(self.source_expressions[1])
        return tokens, term, [*tokens_params, *term_params]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        tokens, term, params = self._parts(compiler, connection)
        return f"(' ' || {tokens}) LIKE ('%% ' || {term} || '%%')", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column: Any = self.source_expressions[0]  # a Col once resolved: its alias names the table
        term, params = compiler.compile(self.source_expressions[1])
        vector = f"{compiler.quote_name_unless_alias(column.alias)}.{connection.ops.quote_name(VECTOR_COLUMN)}"
        return f"{vector} @@ (quote_literal({term}) || ':*')::tsquery", params


def search_q(query: str) -> Q:
    """Enterprises whose search tokens match every term of `query` (no terms: everything)."""
    terms = search_terms(query)
    if not terms:
        return Q()
    return reduce(and_, (Q(TokenPrefix("search_keys", Value(term))) for term in terms))

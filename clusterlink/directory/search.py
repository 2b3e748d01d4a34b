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
A broad term beside a rare one ("jinjiang henglijia") is tested on the rows the rare one finds
instead of being looked up in the index: a prefix lookup gathers every row of every lexeme it
matches (a third of the table for "jinjiang", 8 ms) before the two are intersected, while the
rare term alone finds its few rows in 0.3 ms. Which terms are broad comes from PostgreSQL's own
statistics of the column (`common_lexemes`).
"""

from __future__ import annotations

import bisect
import threading
import time
from functools import reduce
from operator import and_
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Func, Q, Value

from clusterlink.directory.models import SORT_NAME_LENGTH, Enterprise
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
    On PostgreSQL, `indexed=False` writes the test as a function call, which the planner never
    answers from the index: the row is tested once another condition has found it.
    """

    output_field = BooleanField()
    arity = 2

    def __init__(self, tokens: Any, term: Any, *, indexed: bool = True) -> None:
        super().__init__(tokens, term)
        self.indexed = indexed

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
        prefix = f"(quote_literal({term}) || ':*')::tsquery"
        if self.indexed:
            return f"{vector} @@ {prefix}", params
        return f"ts_match_vq({vector}, {prefix})", params  # the function behind @@


def search_q(query: str) -> Q:
    """Enterprises whose search tokens match every term of `query`. A query without terms
    ("%", punctuation only) matches nothing: it asked for something, and nothing is like it.

    Broad terms are tested on the rows the others find (see the module docstring); when every
    term is broad, the least broad one still goes to the index, so a rare combination of broad
    terms ("xiaobeihe shoes": none) is not a walk over the whole table."""
    terms = list(dict.fromkeys(search_terms(query)))
    if not terms:
        return Q(pk__in=[])
    shares = {term: _share_of_firms(term) for term in terms}
    indexed = {term for term in terms if shares[term] < BROAD_SHARE} or {
        min(terms, key=shares.__getitem__)
    }
    return reduce(
        and_,
        (Q(TokenPrefix("search_keys", Value(term), indexed=term in indexed)) for term in terms),
    )


# A term found in at least this share of the firms is broad.
BROAD_SHARE = 0.02
# How long a process keeps the column's statistics (ANALYZE refreshes them about as rarely).
STATISTICS_SECONDS = 600.0
_statistics_lock = threading.Lock()
_statistics: tuple[float, list[str], list[float]] = (float("-inf"), [], [])


def common_lexemes(max_age: float = STATISTICS_SECONDS) -> tuple[list[str], list[float]]:
    """The search vector's most common lexemes, sorted, and the share of firms holding each:
    PostgreSQL's statistics of the column (refreshed by ANALYZE), read again when the copy this
    process holds is older than `max_age` seconds; empty elsewhere or before the table was
    analysed."""
    global _statistics
    read_at, lexemes, shares = _statistics
    if time.monotonic() - read_at < max_age:
        return lexemes, shares
    with _statistics_lock:
        if connection.vendor != "postgresql":
            pairs: list[tuple[str, float]] = []
        else:
            with connection.cursor() as cursor:
                # The frequencies array ends with three summary numbers, which unnest pairs
                # with no lexeme.
                cursor.execute(
                    "SELECT lexeme, share FROM pg_stats, unnest("
                    "most_common_elems::text::text[], most_common_elem_freqs) AS s(lexeme, share)"
                    " WHERE schemaname = current_schema() AND tablename = %s AND attname = %s"
                    " AND lexeme IS NOT NULL",
                    [Enterprise._meta.db_table, VECTOR_COLUMN],
                )
                pairs = sorted(cursor.fetchall())
        _statistics = (time.monotonic(), [p[0] for p in pairs], [p[1] for p in pairs])
    return _statistics[1], _statistics[2]


def _share_of_firms(term: str) -> float:
    """The largest share of firms holding one lexeme that starts with `term` (0.0 when no
    common lexeme does): a lower bound of the share the term matches."""
    lexemes, shares = common_lexemes()
    share = 0.0
    at = bisect.bisect_left(lexemes, term)
    while at < len(lexemes) and lexemes[at].startswith(term):
        share = max(share, shares[at])
        at += 1
    return share

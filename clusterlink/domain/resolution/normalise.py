"""Firm names and addresses reduced to comparable, script-independent tokens.

Every name goes through one pipeline: NFKC (full-width → half-width), case folding,
accents dropped, punctuation removed; Chinese runs are segmented against the lexicon
(legal suffixes, industry words, region words) and what is left is turned into pinyin with
``pypinyin``, so "莆田鞋业有限公司", "PUTIAN XIEYE SHOES CO.,LTD" and "Putian Xieye" land on
the same tokens. The result separates the *core* (what identifies the firm) from the
region and industry words, which are weighed lightly by the scorer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pypinyin.phrases_dict import phrases_dict as PHRASES_DICT
from pypinyin.pinyin_dict import pinyin_dict as PINYIN_DICT
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from clusterlink.domain.resolution.lexicon import (
    ADDRESS_ALIASES,
    ADDRESS_STOPWORDS,
    ADMIN_CJK,
    ADMIN_LATIN,
    CJK_LEXICON,
    CJK_MAX_WORD,
    INDUSTRY,
    LATIN_WORDS,
    PINYIN_LEXICON_WORDS,
    REGION_ALIASES,
    REGION_LATIN,
    SUFFIX_LATIN,
    UNIT_WORDS,
)

__all__ = [
    "PINYIN_SYLLABLES",
    "AddressParts",
    "NameParts",
    "normalise_address",
    "normalise_name",
    "parse_address",
    "parse_name",
    "search_keys",
    "search_terms",
]

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_IS_CJK_RE = re.compile(rf"[{_CJK}]")
# Apostrophes join syllables ("Hui'an" is one place), they do not separate words.
_APOSTROPHES = ("'", "’", "`", "´")
# Administrative-level characters that may end a place name not in the lexicon ("温岭市").
_PLACE_END = frozenset("省市县区")
# Characters that end a component of a Chinese address ("黄石镇", "荔园路", "88号").
_ADDRESS_BREAK_CJK = frozenset("省市县区镇乡村路街道号弄巷楼层室")
# Short words that are pinyin syllables in names but administrative after a region word.
_ADMIN_AFTER_REGION_ONLY = frozenset({"shi", "sheng", "qu", "zhen"})
_MAX_LATIN_JOIN = 4
_MAX_PHRASE = 4
# English trade and legal-form words long enough to be recognised through a typo. Region
# names and pinyin words are left out on purpose: a firm's own pinyin name is often one
# letter away from them ("chongxing" / "chongqing").
_FUZZY_WORDS = sorted(
    w
    for w in (SUFFIX_LATIN | {w for w in INDUSTRY if w.isascii()}) - PINYIN_LEXICON_WORDS
    if len(w) >= 5
)
_SHORT_SUFFIXES = ("co", "ltd", "corp", "ltda")
_FUZZY_REGIONS = sorted(w for w in REGION_LATIN if len(w) >= 6)
_CJK_FIRST_CHARS = frozenset(word[0] for word in CJK_LEXICON)
# Tokens that can begin a split lexicon word ("jin" of "jin jiang"): any proper prefix
# that is not a lexicon word itself ("co" stays "co", never the start of "company").
_LATIN_JOIN_STARTS = (
    frozenset(
        word[:cut] for word in LATIN_WORDS for cut in range(1, len(word)) if not word.isdigit()
    )
    - LATIN_WORDS
)
_PLACE_WORDS = frozenset({"city", "county", "province", "district"})
_INDUSTRY_ENGLISH: dict[str, str] = {
    "footwear": "footwear shoes",
    "hosiery": "socks hosiery knitting",
    "garment": "garment apparel clothing",
    "textile": "textile",
    "leather": "leather",
    "bags": "bags",
    "materials": "materials",
    "technology": "technology",
}


@dataclass(frozen=True, slots=True)
class NameParts:
    """A firm name split into what identifies it and what it shares with its cluster.

    ``core``: distinctive tokens in order, Latin or pinyin (a Chinese run is one token,
    its syllables joined: "恒威" → "hengwei"). ``regions`` and ``industries`` are canonical
    (pinyin region names, English industry classes). ``tokens``: all kept tokens in order
    (core, canonical regions and industries), legal suffixes removed. ``syllables``: the
    pinyin syllables of the Chinese runs, for search. ``markers``: the core tokens that
    name a site or unit ("2", "ii", "cutting", "branch", "mxp1"), see lexicon.UNIT_WORDS.
    ``hanzi``: the core in Chinese characters when the whole core is Chinese, else "".
    """

    core: tuple[str, ...]
    regions: frozenset[str]
    industries: frozenset[str]
    tokens: tuple[str, ...]
    syllables: tuple[str, ...]
    markers: frozenset[str] = frozenset()
    hanzi: str = ""

    @property
    def core_text(self) -> str:
        """Core tokens joined by spaces (input for token-based fuzzy scorers)."""
        return " ".join(self.core)

    @property
    def compact(self) -> str:
        """Core without spaces, so "heng wei" and "hengwei" compare equal."""
        return "".join(self.core)

    @property
    def full_text(self) -> str:
        """All kept tokens joined; used when one side has no distinctive core."""
        return " ".join(self.tokens)


@dataclass(frozen=True, slots=True)
class AddressParts:
    """An address as comparable tokens: ``words`` (no stop words) and short ``numbers``.

    Numbers of five or more digits (postcodes) are left out of ``numbers``: lists write
    different postcodes for the same building more often than different house numbers.
    """

    words: tuple[str, ...]
    numbers: frozenset[str]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _fold(text: str) -> str:
    """NFKC (full-width → half-width), case fold, strip accents; CJK is unaffected."""
    # NFKC leaves ASCII alone and casefold is lower() there: skip the Unicode work.
    folded = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()
    for apostrophe in _APOSTROPHES:
        folded = folded.replace(apostrophe, "")
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _toneless(syllable: str) -> str:
    """ "chǎng" → "chang", "lǜ" → "lv" (pypinyin's own spelling of ü without tones)."""
    plain = unicodedata.normalize("NFKD", syllable).replace("u\u0308", "v")
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


#: Every toneless pinyin syllable ("xin", "zhuang"), from pypinyin's character table.
PINYIN_SYLLABLES: frozenset[str] = frozenset(
    _toneless(reading)
    for readings in PINYIN_DICT.values()
    for reading in readings.split(",")
    if reading
)


@lru_cache(maxsize=32768)
def _char_pinyin(char: str) -> tuple[str, bool]:
    """The default (first listed) reading of a character and whether it has others."""
    readings = PINYIN_DICT.get(ord(char))
    if readings is None:
        return char, False
    return _toneless(readings.split(",", 1)[0]), "," in readings


@lru_cache(maxsize=65536)
def _pinyin(run: str) -> tuple[str, ...]:
    """Syllables of a Chinese run, reading polyphonic characters from phrase context.

    Uses pypinyin's character and phrase tables directly (the same data as
    ``lazy_pinyin``, at a fraction of the cost): characters with one reading are spelt
    alone; where a polyphonic one ("长", "重") starts or ends a known phrase of up to four
    characters ("长城"), the phrase's readings are used.
    """
    chars = [_char_pinyin(char) for char in run]
    if not any(polyphonic for _, polyphonic in chars):
        return tuple(syllable for syllable, _ in chars)
    syllables: list[str] = []
    i = 0
    while i < len(run):
        for size in range(min(_MAX_PHRASE, len(run) - i), 1, -1):
            window = chars[i : i + size]
            if not any(polyphonic for _, polyphonic in window):
                continue
            phrase = PHRASES_DICT.get(run[i : i + size])
            if phrase is not None and len(phrase) == size:
                syllables.extend(_toneless(readings[0]) for readings in phrase)
                i += size
                break
        else:
            syllables.append(chars[i][0])
            i += 1
    return tuple(syllables)


def _cjk_words(run: str) -> list[tuple[str, str, str]]:
    """Segment one Chinese run into (kind, canonical, surface) words.

    Kinds: suffix, industry, region, place (an unknown region), core.

    Greedy longest match against the lexicon; unmatched characters gather into one core
    word. An administrative character (省/市/县/区...) right after a region word is
    dropped, and a short core run ending in one is taken as an unknown place name.
    """
    words: list[tuple[str, str, str]] = []
    buffer: list[str] = []
    # Chinese names put the place first ("福建省莆田市..."); a region word later in the
    # run is part of the firm's own name ("宙海宁" is not "宙" of Haining).
    at_head = True
    buffer_at_head = False

    def flush() -> None:
        if buffer:
            surface = "".join(buffer)
            words.append(("core", surface, surface))
            buffer.clear()

    i = 0
    length = len(run)
    while i < length:
        hit: tuple[str, str] | None = None
        size = 0
        if run[i] in _CJK_FIRST_CHARS:
            for size in range(min(CJK_MAX_WORD, length - i), 0, -1):
                hit = CJK_LEXICON.get(run[i : i + size])
                if hit is not None and (hit[0] != "region" or at_head):
                    break
                hit = None
        if hit is not None:
            flush()
            words.append((hit[0], hit[1], run[i : i + size]))
            i += size
            if hit[0] == "region":
                if i < length and run[i] in ADMIN_CJK:
                    i += 1
            else:
                at_head = False
            continue
        char = run[i]
        if char in _PLACE_END and buffer_at_head and 2 <= len(buffer) <= 3 and i + 1 < length:
            # An unknown place at the head of the name ("温岭市..."): a region too.
            surface = "".join(buffer)
            words.append(("place", surface, surface))
            buffer.clear()
            at_head = True
        else:
            if not buffer:
                buffer_at_head = at_head
            buffer.append(char)
            at_head = False
        i += 1
    flush()
    return words


def _join_latin(tokens: list[str]) -> list[str]:
    """Join split spellings of lexicon words: "jin jiang" → "jinjiang", "xie ye" → "xieye"."""
    if not any(token in _LATIN_JOIN_STARTS for token in tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] not in _LATIN_JOIN_STARTS:
            out.append(tokens[i])
            i += 1
            continue
        for size in range(min(_MAX_LATIN_JOIN, len(tokens) - i), 1, -1):
            joined = "".join(tokens[i : i + size])
            if joined in LATIN_WORDS and not joined.isdigit():
                out.append(joined)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=65536)
def _lexicon_spelling(token: str) -> str:
    """The lexicon word a misspelt token stands for ("foootwear", "quhnzhou"), or itself.

    Only long tokens are corrected (one edit from 5 letters, two from 9), so short pinyin
    syllables of a firm's own name are never mistaken for a region or trade.
    """
    if len(token) < 5 or token in LATIN_WORDS or token.isdigit():
        return token
    limit = 1 if len(token) < 9 else 2
    match = process.extractOne(token, _FUZZY_WORDS, scorer=Levenshtein.distance, score_cutoff=limit)
    return token if match is None else match[0]


@lru_cache(maxsize=4096)
def _near_short_suffix(token: str) -> bool:
    return (
        2 <= len(token) <= 5
        and not token.isdigit()
        and any(Levenshtein.distance(token, word) <= 1 for word in _SHORT_SUFFIXES)
    )


@lru_cache(maxsize=65536)
def _region_spelling(token: str) -> str:
    """The region a misspelt first word stands for ("quanzhu"), one edit, six letters up.

    Only the first word of a name is tried: that is where the place goes, while later
    words are the firm's own pinyin name and often one letter from a place ("chongxing").
    """
    if len(token) < 6 or token in LATIN_WORDS:
        return token
    match = process.extractOne(token, _FUZZY_REGIONS, scorer=Levenshtein.distance, score_cutoff=1)
    return token if match is None else match[0]


@lru_cache(maxsize=262144)
def parse_name(name: str) -> NameParts:
    """Split a firm name (any script) into core, region and industry parts.

    Pure and cached; never raises (an empty or punctuation-only name gives empty parts).
    """
    core: list[str] = []
    core_hanzi: list[str] = []
    latin_core = False
    regions: list[str] = []
    industries: list[str] = []
    tokens: list[str] = []
    syllables: list[str] = []
    markers: list[str] = []
    latin_run: list[str] = []

    def add(kind: str, value: str) -> None:
        if kind == "unit":
            markers.append(value)
            kind = "core"
        if kind == "core":
            core.append(value)
            if value in UNIT_WORDS or any(ch.isdigit() for ch in value):
                markers.append(value)
        elif kind == "region":
            regions.append(value)
        elif kind == "industry":
            industries.append(value)
        else:
            return
        if not tokens or tokens[-1] != value:
            tokens.append(value)

    def flush_latin() -> None:
        at_start_done = bool(tokens)
        previous = ""
        joined = _join_latin(latin_run)
        # A misspelt legal form at the end ("Co. Ltdd", "CO.,LTg", "Coo."): one edit from
        # a short suffix word, and only suffix words after it.
        trailing = len(joined)
        while trailing > 1 and (
            joined[trailing - 1] in SUFFIX_LATIN or _near_short_suffix(joined[trailing - 1])
        ):
            trailing -= 1
        for position, raw in enumerate(joined):
            token = _lexicon_spelling(raw)
            if position == 0 and not at_start_done and len(joined) > 1:
                token = _region_spelling(token)
            following = joined[position + 1] if position + 1 < len(joined) else ""
            # Single letters stay: "Zhou O Can" is a firm's name, while "S.A." and "P.T."
            # were already joined into suffix words by _join_latin.
            if token in SUFFIX_LATIN or position >= trailing:
                kind, value = "suffix", ""
            elif token in INDUSTRY:
                kind, value = "industry", INDUSTRY[token]
            elif token in REGION_LATIN:
                kind, value = "region", REGION_ALIASES.get(token, token)
            elif following in _PLACE_WORDS and not token.isdigit():
                # "Wenling City": an unknown place, as 温岭市 is on the Chinese side.
                kind, value = "region", token
            elif token in ADMIN_LATIN and (
                token not in _ADMIN_AFTER_REGION_ONLY or previous == "region"
            ):
                kind, value = "suffix", ""
            else:
                kind, value = "core", token
            if kind == "core":
                nonlocal latin_core
                latin_core = True
            add(kind, value)
            previous = kind
        latin_run.clear()

    for token in _TOKEN_RE.findall(_fold(name)):
        if not _IS_CJK_RE.match(token):
            latin_run.append(token)
            continue
        flush_latin()
        for kind, canonical, surface in _cjk_words(token):
            if kind == "suffix":
                continue
            sounds = _pinyin(surface)
            syllables.extend(sounds)
            if kind in ("core", "place"):
                add("core" if kind == "core" else "region", "".join(sounds))
                if kind == "core":
                    core_hanzi.append(surface)
            elif kind == "unit":
                add(kind, canonical)
            else:
                add(kind, canonical)
    flush_latin()
    if not tokens:
        # Nothing but boilerplate ("Factory", "有限公司"): keep the words themselves, or two
        # such names would compare as equal.
        for token in _TOKEN_RE.findall(_fold(name)):
            add("core", "".join(_pinyin(token)) if _IS_CJK_RE.match(token) else token)
    return NameParts(
        core=tuple(core),
        regions=frozenset(regions),
        industries=frozenset(industries),
        tokens=tuple(tokens),
        syllables=tuple(syllables),
        markers=frozenset(markers),
        hanzi="" if latin_core or len(core_hanzi) != len(core) else "".join(core_hanzi),
    )


def normalise_name(name: str) -> str:
    """The comparable form of a firm name: Latin/pinyin tokens, suffixes removed.

    Regions become canonical pinyin, industry words a canonical English class, so
    ``normalise_name("福建省莆田市鞋业有限公司") == normalise_name("Fujian Putian Xieye Shoes
    Co., Ltd.") == "fujian putian footwear"``. Stable across releases only as far as the
    lexicon is; pair_fingerprint builds on it.
    """
    return parse_name(name).full_text


@lru_cache(maxsize=262144)
def parse_address(address: str) -> AddressParts:
    """Tokens of an address in any script; Chinese components become pinyin words."""
    words: list[str] = []
    numbers: set[str] = set()
    for token in _TOKEN_RE.findall(_fold(address)):
        if _IS_CJK_RE.match(token):
            piece: list[str] = []
            for char in token:
                if char in _ADDRESS_BREAK_CJK:
                    if piece:
                        words.append("".join(_pinyin("".join(piece))))
                    piece = []
                else:
                    piece.append(char)
            if piece:
                words.append("".join(_pinyin("".join(piece))))
            continue
        # "no.233" and "233号" both reach here as separate digit tokens.
        for part in re.findall(r"[a-z]+|[0-9]+", token):
            if part.isdigit():
                if len(part) < 5:
                    numbers.add(part.lstrip("0") or "0")
                continue
            word = ADDRESS_ALIASES.get(part, part)
            if word not in ADDRESS_STOPWORDS and len(word) > 1:
                words.append(word)
    return AddressParts(words=tuple(words), numbers=frozenset(numbers))


def address_search_tokens(address: str) -> list[str]:
    """Index tokens of an address (same contract as `search_tokens`), one set per unit.

    A Chinese address is read as administrative units ("福建省 | 莆田市 | 荔城区 | 黄石镇");
    the tokens are the text from the start of each unit on ("莆田市荔城区黄石镇…") and each
    unit's pinyin ("putian"), so a search finds a place by its name in either script. Unlike
    a name, an address is not indexed from every character: it is long, and people search
    for its places, not for fragments of them.
    """
    tokens: list[str] = []
    for token in _TOKEN_RE.findall(_fold(address)):
        if not _IS_CJK_RE.match(token):
            tokens.append(token)
            continue
        start = 0
        for i, char in enumerate(token):
            if char in _ADDRESS_BREAK_CJK:
                tokens.append(token[start:])
                start = i + 1
        if start < len(token):
            tokens.append(token[start:])
    tokens.extend(parse_address(address).words)
    return list(dict.fromkeys(tokens))


def normalise_address(address: str) -> str:
    """The comparable form of an address: words without stop words, then sorted numbers."""
    parts = parse_address(address)
    return " ".join([*parts.words, *sorted(parts.numbers)])


def search_keys(name: str) -> list[str]:
    """Readable keys of a firm name in every script, for people and for `search_tokens`.

    Returns distinct, non-empty, lower-case strings, most specific first:

    * the folded original (``"晋江恒威鞋业有限公司"``);
    * the normalised name with region and industry kept (``"jinjiang hengwei footwear"``)
      and with industry in everyday English (``"jinjiang hengwei footwear shoes"``);
    * pinyin as words (``"jinjiang hengwei xieye"``), as syllables
      (``"jin jiang heng wei xie ye"``), joined, and as initials (``"jjhwxy"``).
    """
    return _search_keys(name, parse_name(name))


def _search_keys(name: str, parts: NameParts) -> list[str]:
    folded = " ".join(_TOKEN_RE.findall(_fold(name)))
    keys: list[str] = [folded]
    keys.append(parts.full_text)
    english = [
        _INDUSTRY_ENGLISH.get(token, token) if token in parts.industries else token
        for token in parts.tokens
    ]
    keys.append(" ".join(english))
    keys.append(" ".join(_pinyin_words(name)))
    if parts.syllables:
        keys.append(" ".join(parts.syllables))
        keys.append("".join(parts.syllables))
        keys.append("".join(s[0] for s in parts.syllables if s))
    if parts.core:
        keys.append(parts.compact)
    return list(dict.fromkeys(key for key in keys if key))


def sort_name(name: str) -> str:
    """The key a directory sorts a firm by: its distinctive name in pinyin or Latin letters.

    "晋江恒威鞋业有限公司" → "hengwei", "361度（中国）有限公司" → "361 du zhongguo": place,
    trade and legal form are left out, as a phone book of firms would, so the order reads
    A–Z and does not group the firms of one town (which every broad search would then have
    to skip through); a name without a distinctive part sorts by all its kept words.
    """
    parts = parse_name(name)
    return parts.core_text or parts.full_text or " ".join(_TOKEN_RE.findall(_fold(name)))


def search_tokens(name: str) -> list[str]:
    """Index tokens of a firm name: a query term matches when it is a PREFIX of one of them.

    Contract for the index: store the tokens of the legal name, English name and address
    (space-separated); a query matches when every term of ``search_terms(query)`` is a prefix
    of some stored token. A prefix index (a GIN index of the tokens on PostgreSQL) answers
    that without scanning, where "substring of a long key" needs a trigram scan that cannot
    serve two-character Chinese terms. The tokens are:

    * every word of every key of `search_keys` ("jinjiang", "footwear", "shoes", "jjhwxy");
    * every suffix of a Chinese run, so any part of the name matches ("莆田", "鞋业");
    * the joined pinyin from each syllable on ("hengweixieye"), so "hengwei" and
      "putianxie" match without spaces;
    * every suffix of the initials ("hwxy").

    So "putian", "莆田", "jinjiang shoes", "Putian Xieye" and "jjhw" all find
    "莆田鞋业有限公司" / "晋江恒威鞋业有限公司" as before; a term starting inside a
    Latin word or a syllable ("ian") no longer matches.
    """
    parts = parse_name(name)
    tokens: list[str] = []
    for key in _search_keys(name, parts):
        for word in key.split():
            tokens.append(word)
            if _IS_CJK_RE.match(word):
                tokens.extend(word[i:] for i in range(1, len(word)))
    syllables = [s for s in parts.syllables if s]
    tokens.extend("".join(syllables[i:]) for i in range(1, len(syllables)))
    initials = "".join(s[0] for s in syllables)
    tokens.extend(initials[i:] for i in range(1, len(initials)))
    return list(dict.fromkeys(token for token in tokens if token))


def _pinyin_words(name: str) -> list[str]:
    """The whole name in pinyin, one word per lexicon word or core run, Latin kept as is."""
    words: list[str] = []
    for token in _TOKEN_RE.findall(_fold(name)):
        if _IS_CJK_RE.match(token):
            for kind, _canonical, surface in _cjk_words(token):
                if kind != "suffix":
                    words.append("".join(_pinyin(surface)))
        else:
            words.append(token)
    return words


def search_terms(query: str) -> list[str]:
    """Split a search query into terms to match against the stored search tokens.

    Folded like the keys (full-width, case, accents); each term must be a prefix of some
    token of `search_tokens`, so "莆田" matches the Chinese runs and "putian" the pinyin.
    """
    return _TOKEN_RE.findall(_fold(query))

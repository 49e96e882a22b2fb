"""Which learned phrases are worth suggesting: topical words only, and not dismissed.

A suggestion must be a topical phrase: no word of it may be a generic word of news
prose ("argues", "build", "including", "said", "new" …) and it may not be an actor's
name ("meta", "nvidia": companies are actors, not theme evidence). Suggestions the user
dismissed (`aigeo learned --dismiss THEME=PHRASE`) are stored in the database (meta key
DISMISSED_META_KEY, a JSON list) and never suggested again for that theme.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from tui.store import Store
from tui.themes.lexicon import Lexicon
from tui.themes.tokens import tokenize

DISMISSED_META_KEY = "learned_dismissed"

# Words of news prose that carry no theme, beyond the stop words learning already skips.
_GENERIC_TEXT = """
    argue argued argues argument build builds building built include included includes
    including make makes making made take takes taking took give gives given giving get gets
    getting got come comes coming came go goes going went show shows showed shown want wants
    wanted need needs needed use uses used using help helps helped call calls called like
    likes look looks looked find finds found think thinks thought know knows known keep
    keeps kept put puts set sets start starts started move moves moved work works worked
    working plan plans planned announce announced announces launch launches launched release
    releases released company companies firm firms people group groups thing things part
    parts way ways lot lots number numbers kind sort case cases point points fact facts
    issue issues question questions time times day days month months week weeks year years
    today yesterday tomorrow first second third last next latest early earlier late later
    recent recently big bigger biggest large larger largest small smaller major key main
    high higher low lower good better best bad worse worst new newer old older long longer
    short great little much many more most less least few several various other others
    another same different such very just also even still already yet again around about
    across among between within without against toward towards according says said say
    saying tells told tell report reports reported reporting statement statements news
    article articles story stories read reading percent per cent million billion trillion
    thousand hundred dollars euros year's monday tuesday wednesday thursday friday saturday
    sunday mr mrs ms dr could would should might must may will shall can cannot does did
    done doing
"""
GENERIC = frozenset(_GENERIC_TEXT.split())


def actor_words(lexicon: Lexicon) -> frozenset[str]:
    """Every actor alias as lowercase token text ("nvidia", "white house")."""
    return lexicon.alias_phrases()


def is_topical(phrase: str, actors: frozenset[str]) -> bool:
    """True when a candidate phrase is worth suggesting (see the module docstring)."""
    toks = phrase.split()
    if not toks or phrase in actors:
        return False
    return not any(t in GENERIC or t in actors or len(t) < 3 for t in toks)


def dismissed(store: Store) -> set[tuple[str, str]]:
    """The (theme id, phrase) pairs the user dismissed."""
    raw = store.get_meta(DISMISSED_META_KEY)
    if not raw:
        return set()
    try:
        pairs = json.loads(raw)
    except json.JSONDecodeError:
        return set()
    return {(str(p[0]), str(p[1])) for p in pairs if isinstance(p, list) and len(p) == 2}


def dismiss(store: Store, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Remember that these suggestions are not wanted; returns the whole dismissed set."""
    found = dismissed(store)
    for theme, phrase in pairs:
        found.add((theme, " ".join(tokenize(phrase))))
    store.set_meta(DISMISSED_META_KEY, json.dumps(sorted(found), ensure_ascii=False))
    return found

"""Forgiving name matching for countries and holders ('china' -> 'China, Mainland').

``match_name(text, choices, what)`` returns the one choice meant by ``text`` or raises BadInput with a
suggestion. Matching: exact; then case/punctuation-insensitive; then an alias table; then a unique
prefix/substring; otherwise 'did you mean ...'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from treasurylab.errors import BadInput, did_you_mean

ALIASES = {
    "china": "China, Mainland",
    "prc": "China, Mainland",
    "mainland china": "China, Mainland",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "korea": "Korea, South",
    "south korea": "Korea, South",
    "us": "United States",
    "usa": "United States",
    "cayman": "Cayman Islands",
    "caymans": "Cayman Islands",
    "hk": "Hong Kong",
    "uae": "United Arab Emirates",
    "total": "Grand Total",
}


def norm(s: str) -> str:
    s = s.lower().replace("&", " and ")
    s = re.sub(r"\b\d+/", " ", s)  # footnote markers like '2/'
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


def match_name(text: str, choices: Iterable[str], what: str = "name") -> str:
    choices = [c for c in dict.fromkeys(choices) if isinstance(c, str)]
    if text in choices:
        return text
    n = norm(text)
    by_norm: dict[str, str] = {}
    for c in choices:
        by_norm.setdefault(norm(c), c)
    if n in by_norm:
        return by_norm[n]
    alias = ALIASES.get(n)
    if alias is not None and norm(alias) in by_norm:
        return by_norm[norm(alias)]
    # 'china, mainland' written as 'mainland china', or words in another order
    words = set(n.split())
    same_words = [c for k, c in by_norm.items() if set(k.split()) == words]
    if len(same_words) == 1:
        return same_words[0]
    pref = [c for k, c in by_norm.items() if k.startswith(n)]
    if len(pref) == 1:
        return pref[0]
    sub = [c for k, c in by_norm.items() if re.search(rf"\b{re.escape(n)}\b", k)]
    if len(sub) == 1:
        return sub[0]
    fix = did_you_mean(text, choices)
    if len(pref) > 1 or len(sub) > 1:
        fix = "ambiguous: " + ", ".join(repr(c) for c in (pref or sub)[:6])
    raise BadInput(f"unknown {what}", field=what, got=text, fix=fix)

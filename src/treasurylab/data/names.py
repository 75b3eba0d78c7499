"""Forgiving name matching for countries and holders ('china' -> 'China, Mainland').

``match_name(text, choices, what)`` returns the one choice meant by ``text`` or raises BadInput with a
suggestion. Matching: exact; then case/punctuation-insensitive (footnote markers like ``2/`` ignored);
then an alias table (common names, ISO3 codes such as ``CHN``); then the same words in another order;
then a unique prefix/substring; otherwise 'did you mean ...'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from treasurylab.errors import BadInput, did_you_mean

ALIASES = {
    "china": "China, Mainland",
    "prc": "China, Mainland",
    "people s republic of china": "China, Mainland",      # norm() reads the apostrophe as a space
    "peoples republic of china": "China, Mainland",
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
    "grand total": "Grand Total",
    "all others": "All Other",
    "foreign official": "For. Official",
    "official": "For. Official",
    "for official": "For. Official",
    "oil exporters": "Oil Exporters",
    "caribbean": "Carib Bnkng Ctrs",
    "caribbean banking centers": "Carib Bnkng Ctrs",
    "caribbean banking centres": "Carib Bnkng Ctrs",
    "belgium luxembourg": "Belgium-Luxembourg",
    "turkiye": "Turkey",
    "holland": "Netherlands",
    "the netherlands": "Netherlands",
    "swiss": "Switzerland",
    "saudi": "Saudi Arabia",
    "emirates": "United Arab Emirates",
    "russian federation": "Russia",
    "republic of korea": "Korea, South",
    "united states of america": "United States",
    "america": "United States",
}

# ISO 3166-1 alpha-3 codes of the holders the package reports on -> the names the TIC file prints
# (WGC's gold data are keyed by these codes).
ISO3_NAMES = {
    "USA": "United States",
    "DEU": "Germany",
    "ITA": "Italy",
    "FRA": "France",
    "RUS": "Russia",
    "CHN": "China, Mainland",
    "CHE": "Switzerland",
    "JPN": "Japan",
    "IND": "India",
    "NLD": "Netherlands",
    "TWN": "Taiwan",
    "KAZ": "Kazakhstan",
    "UZB": "Uzbekistan",
    "SAU": "Saudi Arabia",
    "GBR": "United Kingdom",
    "TUR": "Turkey",
    "THA": "Thailand",
    "POL": "Poland",
    "SGP": "Singapore",
    "KOR": "Korea, South",
    "IRQ": "Iraq",
    "BRA": "Brazil",
    "QAT": "Qatar",
    "HUN": "Hungary",
    "BEL": "Belgium",
    "LUX": "Luxembourg",
    "CYM": "Cayman Islands",
    "CAN": "Canada",
    "IRL": "Ireland",
    "HKG": "Hong Kong",
    "NOR": "Norway",
    "ISR": "Israel",
    "BMU": "Bermuda",
    "ARE": "United Arab Emirates",
    "MEX": "Mexico",
    "ESP": "Spain",
    "AUS": "Australia",
    "KWT": "Kuwait",
    "PHL": "Philippines",
    "SWE": "Sweden",
    "PER": "Peru",
    "COL": "Colombia",
    "CHL": "Chile",
    "SLV": "El Salvador",
}
for _code, _name in ISO3_NAMES.items():
    ALIASES.setdefault(_code.lower(), _name)


def norm(s: str) -> str:
    s = s.lower().replace("&", " and ")
    s = re.sub(r"\b\d+/", " ", s)  # footnote markers like '2/'
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


def suggest(text: str, choices: Iterable[str]) -> str:
    """'did you mean ...?' over the names, their words and the aliases ('chna' -> 'China, Mainland')."""
    import difflib

    choices = [c for c in dict.fromkeys(choices) if isinstance(c, str)]
    keys: dict[str, str] = {}
    for c in choices:
        keys.setdefault(norm(c), c)
        for w in norm(c).split():
            if len(w) > 3:
                keys.setdefault(w, c)
    by_norm = {norm(c): c for c in choices}
    for a, target in ALIASES.items():
        if norm(target) in by_norm and len(a) > 3:
            keys.setdefault(a, by_norm[norm(target)])
    close = difflib.get_close_matches(norm(text), list(keys), n=6, cutoff=0.6)
    hits = list(dict.fromkeys(keys[k] for k in close))[:3]
    if hits:
        return "did you mean " + " or ".join(repr(h) for h in hits) + "?"
    return did_you_mean(text, choices)


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
    fix = suggest(text, choices)
    if len(pref) > 1 or len(sub) > 1:
        fix = "ambiguous: " + ", ".join(repr(c) for c in (pref or sub)[:6])
    raise BadInput(f"unknown {what}", field=what, got=text, fix=fix)


#: readable names of the TIC file's own row labels (the file's abbreviations; its rows of holders by type)
TIC_ROW_LABELS = {
    "foreign_official": "Foreign official (all countries)",
    "foreign_official_bills": "Foreign official: Treasury bills",
    "foreign_official_bonds_notes": "Foreign official: Treasury bonds and notes",
    "all_other": "All other countries",
    "grand_total": "All foreign holders (grand total)",
}
TIC_GROUP_LABELS = {"Oil Exporters": "Oil exporters (group)", "Carib Bnkng Ctrs": "Caribbean banking centers (group)"}


def tic_holder_label(country: str, row_type: str | None = None) -> str:
    """A TIC holder as a reader would write it: 'For. Official' -> 'Foreign official (all countries)',
    'T-Bonds & Notes' -> 'Foreign official: Treasury bonds and notes'; country names unchanged."""
    if row_type in TIC_ROW_LABELS:
        return TIC_ROW_LABELS[row_type]
    return TIC_GROUP_LABELS.get(country, country)

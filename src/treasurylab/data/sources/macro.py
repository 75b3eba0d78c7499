"""Macro history for comparison with scenario paths: term premia, unemployment, inflation, GDP, the
30-year mortgage rate, the broad dollar, r*, and the federal surplus or deficit.

Ids (all from FRED downloads or the publisher's own file, copied byte for byte; see PROVENANCE.md)::

    macro.term_premium     10-year term premium: ACM (NY Fed) and Kim-Wright (Fed Board), daily, percent
    macro.unemployment     civilian unemployment rate UNRATE (BLS), monthly, percent
    macro.nrou             CBO noncyclical rate of unemployment NROU, quarterly, percent (projections from 2026)
    macro.inflation        CPI-U (CPIAUCSL) and core PCE (PCEPILFE) price indexes, monthly, with 12-month change
    macro.gdp              real GDP (GDPC1, chained 2017 USD bn) and nominal GDP (GDP, USD bn), quarterly, SAAR
    macro.rstar            KC Fed model-based r* and u* with 68% bands, monthly, percent
    macro.federal_surplus  federal surplus (+) or deficit (-) FYFSD by fiscal year, USD bn
    mortgage.rate30        Freddie Mac PMMS 30-year fixed mortgage rate, weekly (Thursday), percent
    fx.broad_dollar        nominal broad US dollar index DTWEXBGS (Fed Board H.10), daily, Jan 2006 = 100

Tidy columns: ``date`` (as in the file, YYYY-MM-DD; YYYY-MM for r*), ``series`` (the FRED id or
``ACMTP10``/``THREEFYTP10``, ``rstar``/``ustar``), ``value`` in the dataset's unit; extra columns
where said (``quarter``, ``fiscal_year``, ``change_12m_pct``, ``lower_68``/``upper_68``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import fred_csv, kcfed_rstar_csv

# these copies record the repositories' commits (in each dataset's source), not the day of copying
RETRIEVED = "not recorded (copied at the commit named in the source)"
_VIA = "copied byte for byte from GitHub {repo} @ {commit}, {path}"
_SCRIPT_HEADER = ("the header was written by the repository's script ({h}); the values are FRED's, unchanged")


def parse_term_premium(paths: list[Path]) -> pd.DataFrame:
    return fred_csv.parse(paths, {"us-10y-term-premium_ACMTP10": "ACMTP10"})


def parse_quarterly(paths: list[Path]) -> pd.DataFrame:
    df = fred_csv.parse(paths, {"GDP": "GDP"})
    d = pd.to_datetime(df["date"])
    df["quarter"] = d.dt.year.astype(str) + "q" + d.dt.quarter.astype(str)
    return df


def parse_inflation(paths: list[Path]) -> pd.DataFrame:
    """Price indexes with their 12-month percent change (empty for the first 12 months of each)."""
    df = fred_csv.parse(paths)
    month = df["date"].str.slice(0, 7)
    out = []
    for _, g in df.assign(_m=month).groupby("series", sort=False):
        s = g.set_index("_m")["value"]
        prev = pd.Series(s.values, index=(pd.PeriodIndex(s.index, freq="M") + 12).astype(str))
        g = g.copy()
        g["change_12m_pct"] = (100.0 * (s / prev.reindex(s.index) - 1.0)).values
        out.append(g.drop(columns="_m"))
    return pd.concat(out, ignore_index=True)


def parse_surplus(paths: list[Path]) -> pd.DataFrame:
    """FYFSD in USD millions -> USD bn; the fiscal year ends on the date given (Sep 30 since 1977)."""
    df = fred_csv.scaled(fred_csv.parse(paths), 1e-3)
    df["fiscal_year"] = df["date"].str.slice(0, 4).astype(int)
    return df


def _ds(**kw) -> Dataset:
    kw.setdefault("retrieved", RETRIEVED)
    return Dataset(**kw)


def _copies(*files: tuple[str, str, str, str]) -> str:
    """The source line of a dataset built from several copied files, 'LABEL: copied ...; LABEL: ...',
    from (label, repository, commit, path in it) per file."""
    return "; ".join(f"{label}: " + _VIA.format(repo=r, commit=c, path=p) for label, r, c, p in files)


def _fred_series(fred_id: str, publisher: str, copy: tuple[str, str, str], *, attribution: str | None = None,
                 **kw) -> Dataset:
    """One FRED series bundled as ``macro/<FRED_ID>.csv``: published by ``publisher`` (via FRED), copied
    from ``copy`` = (repository, commit, path), refreshed online from FRED's own CSV of the same id."""
    repo, commit, path = copy
    kw.setdefault("parse", fred_csv.parse)
    kw.setdefault("parser_version", fred_csv.VERSION)
    return _ds(publisher=f"{publisher} (via FRED)", source=_VIA.format(repo=repo, commit=commit, path=path),
               files=(f"macro/{fred_id}.csv",), attribution=attribution or f"Source: {publisher}, via FRED",
               update_url=f"https://fred.stlouisfed.org/graph/fredgraph.csv?id={fred_id}", **kw)


def _reformatted(stems: tuple[str, ...], header: str, caveats: tuple[str, ...] = (), **kw) -> Dataset:
    """FRED series whose files a repository's script rewrote with its own header (``header``), bundled
    as ``macro/reformatted_header/<stem>.csv``; several files, so no single-file online refresh."""
    return _ds(files=tuple(f"macro/reformatted_header/{s}.csv" for s in stems),
               caveats=(_SCRIPT_HEADER.format(h=header), *caveats), update_url=None, **kw)


_LABOR = "JohnsonOliyide/labor-market-dashboard"
_MACRO_CHARTS = "Thecoderstef/Macro-Charts"

# --- macro history block (round-3 files in snapshot/macro/) -----------------------------------------
DATASETS = [
    _ds(
        id="macro.term_premium",
        release_every="B",
        title="10-year Treasury term premium: Adrian-Crump-Moench (ACMTP10) and Kim-Wright (THREEFYTP10)",
        unit="percent",
        frequency=("daily (business days); ACM updated daily, published the next business day; Kim-Wright "
                   "updated weekly, the Tuesday after the week"),
        publisher="Federal Reserve Bank of New York (ACM); Board of Governors of the Federal Reserve System "
                  "(Kim-Wright, via FRED)",
        source=_copies(("ACM", "raylia529/market-indicators-dashboard", "fc6c28e1bb08042c520a687a4e7ab5210b8e26a4",
                        "data/us-10y-term-premium.csv"),
                       ("Kim-Wright", "wlinoxox/US-Bond-Vol", "e7975a93c119d4255884dfedc6d72723ec68da5a",
                        "data/THREEFYTP10.csv")),
        files=("macro/us-10y-term-premium_ACMTP10.csv", "macro/THREEFYTP10.csv"),
        parse=parse_term_premium,
        parser_version=fred_csv.VERSION + "+tp-1",
        caveats=(
            "ACM is not in the NY Fed's workbook layout: one column written as date,value by the repository's "
            "script (series id ACMTP10 from the file name); values as published",
            "Kim-Wright from FRED THREEFYTP10 (zero-coupon, 10-year); blank = holiday, no row",
            "the two models differ in level by tens of basis points: compare changes, not levels",
        ),
        attribution="Sources: Federal Reserve Bank of New York (ACM term premia); Federal Reserve Board "
                    "(Kim-Wright), via FRED",
        update_url=None,  # two files from two publishers: no single-file refresh
    ),
    _fred_series(
        "UNRATE", "U.S. Bureau of Labor Statistics",
        (_LABOR, "38a69a0acc67df70f867e3c1f806692c3465c33f", "UNRATE.csv"),
        id="macro.unemployment",
        title="Civilian unemployment rate (UNRATE, seasonally adjusted)",
        unit="percent",
        frequency="monthly",
        caveats=("legacy FRED header DATE,UNRATE; '.' = not published (2025-10, no row)",),
    ),
    _fred_series(
        "NROU", "Congressional Budget Office",
        (_LABOR, "38a69a0acc67df70f867e3c1f806692c3465c33f", "NROU.csv"),
        id="macro.nrou",
        title="Noncyclical rate of unemployment (NROU)",
        unit="percent",
        frequency="quarterly (labelled by the quarter's first day)",
        parse=parse_quarterly,
        parser_version=fred_csv.VERSION + "+q-1",
        caveats=("values from 2026 on are CBO projections, not observations",),
    ),
    _reformatted(
        ("CPIAUCSL", "PCEPILFE"), "date,CPIAUCSL / date,PCEPILFE",
        ("change_12m_pct is computed here from the index (empty for each series' first 12 months)",),
        id="macro.inflation",
        title="Consumer prices: CPI-U all items (CPIAUCSL) and core PCE price index (PCEPILFE), SA",
        unit="index (CPIAUCSL 1982-84 = 100; PCEPILFE 2017 = 100); change_12m_pct in percent",
        frequency="monthly",
        publisher="U.S. Bureau of Labor Statistics (CPI); U.S. Bureau of Economic Analysis (PCE) (via FRED)",
        source=_copies(("CPIAUCSL", _MACRO_CHARTS, "4889f211b484ed8c7755a66371458b59ef3179d2", "data/CPIAUCSL.csv"),
                       ("PCEPILFE", _MACRO_CHARTS, "5479c0ae20743e4ec8c7a71569521d6b3b574f30", "data/PCEPILFE.csv")),
        parse=parse_inflation,
        parser_version=fred_csv.VERSION + "+yoy-1",
        attribution="Sources: U.S. Bureau of Labor Statistics; U.S. Bureau of Economic Analysis; via FRED",
    ),
    _reformatted(
        ("GDPC1", "GDP"), "date,GDPC1 / date,value; the GDP series id comes from the file name",
        ("GDPC1 covers 2000q1 to 2026q1, GDP 1980q1 to 2025q3",),
        id="macro.gdp",
        title="Gross domestic product: real (GDPC1, chained 2017 dollars) and nominal (GDP), SAAR",
        unit="USD bn (annual rate; GDPC1 in chained 2017 dollars)",
        frequency="quarterly (labelled by the quarter's first day)",
        publisher="U.S. Bureau of Economic Analysis (via FRED)",
        source=_copies(("GDPC1", _MACRO_CHARTS, "f47e819c2262bb25e57d15420e1b406362d18082", "data/GDPC1.csv"),
                       ("GDP", "sivamsapingali/Codex_Macro-Monitor", "8d636dd589646aa850fbf7f75bcafa51542aab4f",
                        "data/GDP.csv")),
        parse=parse_quarterly,
        parser_version=fred_csv.VERSION + "+q-1",
        attribution="Source: U.S. Bureau of Economic Analysis, via FRED",
    ),
    _ds(
        id="macro.rstar",
        title="Model-based natural rate of interest (r*) and natural unemployment rate (u*), with 68% bands",
        unit="percent",
        frequency="monthly",
        publisher="Federal Reserve Bank of Kansas City",
        source=_VIA.format(repo=_LABOR, commit="b26e2b948fb6f51ed54bb49fa0d61ebf5e62b550",
                           path="KCFed_ModelBased_Rstar_Ustar.csv"),
        files=("macro/KCFed_ModelBased_Rstar_Ustar.csv",),
        parse=kcfed_rstar_csv.parse,
        parser_version=kcfed_rstar_csv.VERSION,
        caveats=("one model's estimate with wide bands (68%: roughly +-1.5 pp for r*); r* is real, percent",),
        attribution="Source: Federal Reserve Bank of Kansas City",
        update_url=None,
    ),
    _fred_series(
        "FYFSD", "U.S. Office of Management and Budget / U.S. Treasury",
        ("pharringtonp19/presidential-policies", "399ae2eb890351356315a89c0b764a9bbfd8d885", "data/FYFSD.csv"),
        attribution="Source: OMB / U.S. Treasury, via FRED",
        id="macro.federal_surplus",
        title="Federal surplus (+) or deficit (-) by fiscal year (FYFSD)",
        unit="USD bn",
        frequency="fiscal year (date = last day of the fiscal year)",
        parse=parse_surplus,
        parser_version=fred_csv.VERSION + "+bn-fy-1",
        caveats=("converted from USD millions (FRED unit) to USD bn by dividing by 1,000", "ends FY2024"),
    ),
    _fred_series(
        "MORTGAGE30US", "Freddie Mac, Primary Mortgage Market Survey",
        ("ChieNwosu/quantpath-mortgage-rate-intelligence", "5f07b6e6993f33300d7959d24a93d6f251ed81a7",
         "data/raw/MORTGAGE30US.csv"),
        id="mortgage.rate30",
        release_every="W",
        title="30-year fixed rate mortgage average in the United States (MORTGAGE30US)",
        unit="percent",
        frequency="weekly (Thursday)",
    ),
    _fred_series(
        "DTWEXBGS", "Board of Governors of the Federal Reserve System, H.10",
        ("huhng24/ACC102", "be3cb2a2fa6fe3e56c18a7f8618e6061a39c9bf3", "DTWEXBGS.csv"),
        attribution="Source: Board of Governors of the Federal Reserve System (H.10), via FRED",
        id="fx.broad_dollar",
        title="Nominal broad U.S. dollar index (DTWEXBGS)",
        unit="index (Jan 2006 = 100)",
        frequency="daily (business days)",
        caveats=("starts 2015-01-02 in this copy (FRED's series starts 2006)",),
    ),
]
# --- end of macro history block -----------------------------------------------------------------------

"""Unit conversions shared by every layer (below them all, like ``errors.py``): fixed by definition,
not data, so they need no source beyond the definition itself."""

from __future__ import annotations

#: troy ounces in a metric tonne (1 troy ounce = 31.1034768 g, by definition)
OZ_PER_TONNE = 32150.7466

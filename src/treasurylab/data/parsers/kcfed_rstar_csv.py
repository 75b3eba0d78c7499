"""Parser for the Kansas City Fed's model-based natural rate of interest and unemployment file.

Layout (the raw KC Fed download): a first header row naming the two blocks ("KC Fed Model-Based
Natural Rate of Interest", "KC Fed Model-Based Natural Unemployment Rate"), a second header row
``Date,Point Estimate,Lower (68%),Upper (68%),Point Estimate,Lower (68%),Upper (68%)``, then one
quoted row per month (``"1966-07-01"," 1.930915377",...``; cells may carry a leading space).

Output (tidy): ``date`` (YYYY-MM), ``series`` (``rstar`` or ``ustar``), ``value`` (point estimate,
percent), ``lower_68``, ``upper_68`` (the 68% band, percent).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from treasurylab.data.parsers import require_final_newline
from treasurylab.errors import DataError

VERSION = "kcfed-rstar-1"
BLOCKS = (("rstar", "natural rate of interest"), ("ustar", "natural unemployment rate"))


def parse(paths: list[Path]) -> pd.DataFrame:
    rows: list[dict] = []
    for path in paths:
        path = Path(path)
        # the Kansas City Fed ends the file with a line end: without one, the copy was cut off
        require_final_newline(path, fix="download the model-based r* CSV again from the Kansas City Fed")
        with path.open(encoding="utf-8", newline="") as f:
            lines = list(csv.reader(f))
        if len(lines) < 3:
            raise DataError("the KC Fed r* file has no data rows", field=path.name,
                            fix="download the model-based r* CSV again from the Kansas City Fed")
        top = [c.strip().lower() for c in lines[0]]
        head = [c.strip().lower() for c in lines[1]]
        if not (head[:1] == ["date"] and len(head) >= 7 and any(BLOCKS[0][1] in c for c in top)
                and any(BLOCKS[1][1] in c for c in top)):
            raise DataError("not the KC Fed model-based r*/u* layout (two header rows: blocks, then "
                            "Date,Point Estimate,Lower (68%),Upper (68%),...)", field=path.name,
                            fix="give the file exactly as downloaded from the Kansas City Fed")
        for r in lines[2:]:
            if not r or not r[0].strip():
                continue
            date = r[0].strip()
            try:
                nums = [float(c) for c in r[1:7]]
            except ValueError:
                raise DataError(f"non-numeric estimate in the row for {date}", field=path.name,
                                fix="the file looks truncated or edited; download it again") from None
            for b, (name, _) in enumerate(BLOCKS):
                rows.append({"date": date[:7], "series": name, "value": nums[3 * b],
                             "lower_68": nums[3 * b + 1], "upper_68": nums[3 * b + 2]})
    df = pd.DataFrame(rows)
    return df.sort_values(["series", "date"], kind="stable").reset_index(drop=True)

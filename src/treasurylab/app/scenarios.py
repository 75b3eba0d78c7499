"""The Scenarios page's logic: the shipped list, an upload validated exactly as the CLI validates
(``scenario.spec.load_scenario_text``), and a run's figures (fan charts with the observed history
before them and what was observed since the start, drawn by the HTML report's builders, and a comparison
of two scenarios).

Uploads are never written to disk: the text is decoded, size-checked and parsed in memory.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from treasurylab.errors import BadInput

MAX_UPLOAD_BYTES = 64 * 1024


def shipped() -> list[str]:
    from treasurylab.scenario.spec import shipped as names

    return [n for n in names() if not n.endswith(".sweep")]


def decode_upload(contents: str | None, filename: str | None) -> str:
    """The uploaded file's text (BadInput when too large, not UTF-8, or not a data URL)."""
    if not contents or "," not in contents:
        raise BadInput("no file received", field="upload", fix="choose a scenario YAML file")
    raw = contents.split(",", 1)[1]
    if len(raw) > MAX_UPLOAD_BYTES * 4 // 3 + 8:
        raise BadInput(f"file larger than {MAX_UPLOAD_BYTES // 1024} KiB", field="upload",
                       fix="a scenario file is a few KiB; check that this is the right file")
    try:
        data = base64.b64decode(raw, validate=True)
        return data.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise BadInput("not a UTF-8 text file", field="upload", got=_safe_name(filename),
                       fix="save the scenario as UTF-8 YAML") from None


def _safe_name(filename: str | None) -> str:
    name = (filename or "upload.yaml").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isalnum() or c in "._-")[:80] or "upload.yaml"


def validate_text(text: str, filename: str | None):
    """The scenario, validated as ``treasurylab run FILE`` does (errors name the file, line and field)."""
    from treasurylab.scenario.spec import load_scenario_text

    return load_scenario_text(text, _safe_name(filename))


def resolve(choice: str | None, upload_text: str | None, upload_name: str | None):
    """A shipped name (from the list only) or the uploaded text -> a Scenario."""
    from treasurylab.scenario.spec import load_scenario

    if choice == "__upload__":
        if not upload_text:
            raise BadInput("no uploaded scenario", field="scenario", fix="upload a YAML file first")
        return validate_text(upload_text, upload_name)
    if choice not in shipped():
        raise BadInput("unknown scenario", field="scenario", got=choice, fix="pick one from the list")
    return load_scenario(choice)


def run_figures(spec, paths: int, seed: int, compare, progress) -> list:
    """Run ``spec`` (and ``compare``) and return [(id, title, figure dict, as-of text)] for the page: each
    fan with the observed months before the start and those since (the same builders as the HTML report)."""
    from treasurylab.app.cards import styled
    from treasurylab.report import figures as F
    from treasurylab.report.html import FANS, history_before, history_since
    from treasurylab.scenario.results import VARIABLES
    from treasurylab.scenario.runner import run

    res = run(spec, paths=paths, seed=seed, workers=1, progress=progress)
    other = run(compare, paths=paths, seed=seed, workers=1) if compare is not None else None
    out = []
    arr, months = res.arrays, res.months       # numpy arrays by name (Result.arrays: no Dataset built)
    for var in FANS:
        if var not in arr:
            continue
        lab, unit, k = VARIABLES[var]
        base = arr[f"base_{var}"] if f"base_{var}" in arr else None
        hist, since = history_before(var, months[0]), history_since(var, months[0])
        fig = F.fan_chart(months, arr[var], lab, unit, k, base, history=hist, since=since)
        if other is not None and var in other.arrays:
            med = np.median(np.asarray(other.arrays[var], dtype=float), axis=0) * k
            fig.add_trace(go.Scatter(x=other.months, y=med, name=f"median: {other.scenario.name}",
                                     line=dict(color="#d62728", width=2, dash="dot")))
        fig.update_layout(title=f"{lab} - {res.scenario.name}" + (f" vs {other.scenario.name}" if other else ""))
        obs = next((h.attrs.get("as_of") for h in (since, hist) if h is not None and len(h)), None)
        as_of = f"run from {months[0]}" + (f"; observed to {obs}" if obs else "")
        # styled here, in the run's worker: the server then draws the dict as it is (cards.card)
        out.append((f"fan-{var}", lab, styled(fig).to_dict(), as_of))
    return out

"""The generated reference docs (docs/data.md, docs/parameters.md, docs/events.md) match the catalog, the
parameter files and the event classes.

Regenerate with `make docs` when this fails. Parameter files are compared block by block: a block
whose file was added after the docs were last generated is reported as a warning (the docs are
regenerated once all blocks are in), but any documented block must match its file exactly.
"""

from __future__ import annotations

import difflib
import warnings
from pathlib import Path

import pytest

from treasurylab.report import docs

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _diff(a: str, b: str, name: str) -> str:
    lines = difflib.unified_diff(a.splitlines(), b.splitlines(), f"committed {name}", f"generated {name}",
                                 lineterm="", n=1)
    return "\n".join(list(lines)[:40])


def test_data_doc_is_up_to_date(tmp_path):
    committed = (DOCS / "data.md").read_text(encoding="utf-8")
    paths = docs.write_docs(tmp_path)  # the command path itself, into a temporary folder
    assert sorted(p.name for p in paths) == ["data.md", "events.md", "parameters.md"]
    fresh = (tmp_path / "data.md").read_text(encoding="utf-8")
    assert fresh == committed, "docs/data.md is stale - run 'make docs'\n" + _diff(committed, fresh, "data.md")


def test_events_doc_is_up_to_date():
    committed = (DOCS / "events.md").read_text(encoding="utf-8")
    fresh = docs.render_events()
    assert fresh == committed, "docs/events.md is stale - run 'make docs'\n" + _diff(committed, fresh, "events.md")


def test_parameter_doc_is_up_to_date():
    committed = docs.parameter_sections((DOCS / "parameters.md").read_text(encoding="utf-8"))
    fresh = docs.parameter_sections(docs.render_parameters())
    on_disk = {p.stem for p in docs.parameter_files()}
    assert set(committed) <= on_disk, f"documented blocks without a file: {sorted(set(committed) - on_disk)}"
    new = sorted(on_disk - set(committed))
    if new:
        warnings.warn(f"parameter blocks not yet in docs/parameters.md: {new} - run 'make docs'", stacklevel=1)
    for block, text in committed.items():
        assert fresh[block] == text, (f"docs/parameters.md section '{block}' is stale - run 'make docs'\n"
                                      + _diff(text, fresh[block], block))


def test_every_dataset_and_parameter_is_documented():
    from treasurylab.data import datasets
    from treasurylab.params.load import load_param_file

    data_md = docs.render_data()
    for ds_id, ds in datasets().items():
        assert f"## {ds_id}\n" in data_md and ds.title.split()[0] in data_md
    params_md = docs.render_parameters()
    for path in docs.parameter_files():
        try:
            ps = load_param_file(path)
        except Exception:  # noqa: BLE001 - a file mid-edit is shown as not loading, checked below
            assert f"The file `{path.name}` does not load" in params_md
            continue
        section = docs.parameter_sections(params_md)[path.stem]
        for name, p in ps.meta.items():
            row = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
            assert p.unit.split()[0] in row
            assert ("**ASSUMPTION**" in row) == p.is_assumption


def test_every_dataset_names_a_public_parser():
    """docs/data.md and the provenance records print each dataset's parser by its dotted name; a
    private helper (``macro._fred``) there names nothing a reader can look up or call."""
    from treasurylab.data import datasets

    private = {ds_id: ds.parser_name for ds_id, ds in datasets().items()
               if any(part.startswith("_") for part in ds.parser_name.split("."))}
    assert not private, f"datasets whose parser is a private name: {private}"


def test_every_retrieved_date_means_something_to_a_reader():
    """'data list', 'data.coverage' and docs/data.md print each dataset's retrieval date; nine said
    'not recorded (round 3)', a name from the project's history that tells a reader nothing."""
    import re

    from treasurylab.data import datasets

    bad = {ds_id: ds.retrieved for ds_id, ds in datasets().items()
           if not re.match(r"\d{4}-\d{2}-\d{2}", ds.retrieved)
           and not (ds.retrieved.startswith("not recorded (") and "source" in ds.retrieved)}
    assert not bad, f"retrieved is neither a date nor says where to look instead: {bad}"


def test_cells_stay_on_one_line():
    assert docs._cell("a | b\nc") == "a \\| b c"
    assert docs._value({"10y": 6.2, "3m": 0.0}) == '{"10y": 6.2, "3m": 0.0}'
    assert docs._value(0.1 + 0.2) == "0.3" and docs._value(1234567.0) == "1234567"


@pytest.mark.parametrize("argv", [["--out"], ["--bogus"]])
def test_cli_rejects_bad_arguments(argv):
    with pytest.raises(SystemExit) as e:
        docs.main(argv)
    assert e.value.code == 2


def test_numbers_quoted_in_readme_and_docs_are_the_generated_ones():
    """Each marked section of README.md and docs/*.md equals what `make docs` would write now."""
    cache: dict[str, str] = {}
    pages = docs.pages_with_sections(DOCS.parent)
    assert DOCS.parent / "README.md" in pages
    for page in pages:
        committed = page.read_text(encoding="utf-8")
        assert docs.fill_sections(committed, cache) == committed, (
            f"{page.name}: a generated section is stale; run `make docs`\n"
            + _diff(committed, docs.fill_sections(committed, cache), page.name)
        )


def test_a_stale_quoted_number_is_caught_and_rewritten():
    text = "peak <!-- generated:china-holdings -->China's holdings were $1.3T<!-- /generated:china-holdings -->."
    fixed = docs.fill_sections(text)
    assert fixed != text and "$1,316.7bn" in fixed and fixed.endswith("<!-- /generated:china-holdings -->.")
    assert docs.fill_sections(fixed) == fixed
    with pytest.raises(KeyError, match="unknown generated section"):
        docs.fill_sections("<!-- generated:nope -->x<!-- /generated:nope -->")


def test_every_generated_section_is_quoted_somewhere():
    """A generator no page uses is dead code (a marker renamed or removed on one side only)."""
    used: set[str] = set()
    for page in docs.pages_with_sections(DOCS.parent):
        used |= set(docs.marked_sections(page.read_text(encoding="utf-8")))
    assert set(docs.SECTIONS) - used == set(), f"generated sections no page quotes: {sorted(set(docs.SECTIONS) - used)}"


def test_no_line_starts_with_an_inline_generated_number():
    """A line that starts with ``<!--`` is an HTML block in Markdown (CommonMark type 2): an inline
    generated number at the start of a line would cut its paragraph in two and show the rest of the
    line unformatted. Inline markers must follow text on their line; a marker alone on its line
    (before a generated table or block) is fine."""
    import re

    bad = []
    for f in [*sorted(DOCS.glob("*.md")), DOCS.parent / "README.md"]:
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"\s*<!-- generated:[\w.-]+ -->\S", line):
                bad.append(f"{f.name}:{i}")
    assert not bad, "put some text before the marker on these lines: " + ", ".join(bad)

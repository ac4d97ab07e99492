"""The real NIH label database rows (../shared/data/dsld): every magnesium row that names a
magnesium compound gets a known form id, and the rows parse into what the database says."""

from __future__ import annotations

from bench.dsld_coverage import check_row
from bench.shared_data import dsld_row_text, dsld_rows
from catalog.lexicon import lexicon
from catalog.rows import parse_row


def _magnesium_rows() -> list[tuple[str, str]]:
    lex = lexicon()
    found = []
    for row in dsld_rows():
        text = dsld_row_text(row)
        forms = row["forms"].strip()
        if text is None or forms in ("", "unspecified"):
            continue
        if "magnesium" in lex.minerals_in(row["ingredient"] + " " + forms):
            found.append((text, forms))
    return found


def test_every_magnesium_compound_gets_a_known_form() -> None:
    rows = _magnesium_rows()
    assert len(rows) >= 7
    for text, forms in rows:
        ing = parse_row(text)[0]
        assert not [f for f in ing.forms if f.endswith("_unknown")], text
        if "magnesium" in lexicon().minerals_in(forms):
            assert any(f.startswith("magnesium_") for f in ing.forms), text


def test_almost_every_row_parses_completely() -> None:
    outcomes = [o for o in (check_row(r) for r in dsld_rows()) if o is not None]
    complete = sum(1 for o in outcomes if not o.problems)
    assert len(outcomes) > 400
    assert complete / len(outcomes) >= 0.98, [o for o in outcomes if o.problems][:10]

"""A whole facts panel: lines of text -> ScanResult (before checks and scoring).

Lines come from a text file, a CSV cell or the OCR layout step; each may carry its box and
confidence. The panel grammar: a heading, serving lines, column headings, rows (names may wrap
onto the next line), blends with their members, footnotes, and the "Other ingredients"
paragraph. A line that fits none of these is kept in `unparsed`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from catalog.amounts import find_tail, inline_row_ends
from catalog.lexicon import lexicon
from catalog.models import BBox, Ingredient, PanelKind, ScanResult
from catalog.prefilter import may_match, search_key
from catalog.rows import (
    INCLUDES,
    NameParts,
    describe_forms,
    parse_row,
    parse_row_named,
    split_name,
)
from catalog.sections import panel_bottom, panel_section_end
from catalog.text import clean, normalize, split_top_level


@dataclass(slots=True)
class Line:
    text: str
    indent: int | None = None  # leading offset; None when the source has no layout
    bbox: BBox | None = None
    confidence: float = 1.0


_HEADINGS: list[tuple[re.Pattern[str], PanelKind]] = [
    (re.compile(r"supplement\s*facts", re.I), "supplement_facts"),
    (re.compile(r"nutrition\s*facts|valeur\s+nutritive", re.I), "nutrition_facts"),
    (re.compile(r"nutrition(?:al)?\s+(?:information|declaration)|typical\s+values", re.I),
     "eu_nutrition"),
]  # fmt: skip
_SERVING_SIZE = re.compile(
    r"serv(?:ing|\.)?\s*size\s*[:.]?\s*(?P<v>.+?)\s*"
    r"(?=$|\b(?:amount|servings?|each)\s+(?:per|\w+\s+contains)\b|\b\d+\s+servings?\s+per\b|:)",
    re.I,
)
_AMOUNT_PER = re.compile(
    r"^\s*(?:amount\s+per\s+\w+|each\s+\w+\s+contains|per\s+serving)\s*:?\s*", re.I
)
_SERVINGS = re.compile(
    r"servings?\s+per\s+(?:container|package|bottle|pack)\s*[:.]?\s*"
    r"(?P<v>(?:about|approx\.?|approximately|abt\.?|varied|varies)?\s*[\d½¼¾.,/-]*)"
    r"|(?P<w>(?:about\s+|approx\.?\s+)?\d[\d.,]*)\s+servings?\s+per\s+(?:container|package)",
    re.I,
)
_SERVING_COUNT = re.compile(r"^\s*(?:about\s+)?(\d+(?:\.\d+)?)\b")
_COLUMN_HEADING = re.compile(
    r"^\s*(?:amount\s+per|per\s*\d|per\s+(?:serving|one|two)|%\s*(?:daily\s+value|dv)|"
    r"%\s*d\.?v|each\s+\w+\s+contains|\*+\s*%?\s*daily\s+value|daily\s+value)",
    re.I,
)
_FOOTNOTE = re.compile(
    r"^\s*(?:[*†‡§#]+|\+)\s*.*(?:daily\s+value|not\s+established|percent|calorie\s+diet)"
    r"|^\s*(?:\*\s*)?percent\s+daily\s+values?|daily\s+values?\s+(?:are\s+based|not\s+established)"
    # Its tail, however its start was read: "Percer Dall besed ona 200 calorie" is no row of
    # 200 kcal. No row says what it is "based on".
    r"|\bb\wsed\s+on\s*a\s*[\d.,]+\s*cal"
    # "Daly Value not en", "yValue not established", "Dely Values ae based", "vaues are hased":
    # read loosely, cut by the frame, its dagger lost; and "diet." alone, its start lost.
    r"|va\w{0,4}\s+(?:a\w{0,2}\s+[bh]a\w*ed|n[o0]t\s+e)|^\s*(?:cal\w*\s+)?diet\.?\s*$",
    re.I,
)
_OTHER = re.compile(
    r"^\s*(?:other|inactive|non-medicinal)\s+ingredients?\s*[:.\-]?\s*(?P<rest>.*)$"
    # "ngredients:": its capital lost at the frame's edge or read as "l" or "|".
    r"|^\s*[il|]?ngredients\s*[:.]\s*(?P<rest2>.*)$",
    re.I,
)
_BLEND_WORDS = re.compile(
    r"\b(?:blend|complex|matrix|formula|formulation|proprietary|mix|matrixx)\b", re.I
)
_BULLET = re.compile(r"^\s*[•·\-–]\s*")


def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """pattern.search, skipped for the many lines that lack a word the pattern needs."""
    return pattern.search(text) if may_match(pattern, search_key(text)) else None


@dataclass(slots=True)
class _State:
    result: ScanResult = field(default_factory=ScanResult)
    pending: list[Line] = field(default_factory=list)  # name lines waiting for their amount
    blend: Ingredient | None = None
    blend_indent: int | None = None
    other: list[str] | None = None  # the "Other ingredients" paragraph while it is open
    footnotes: list[str] = field(default_factory=list)
    has_layout: bool = False
    last: str = ""  # what the previous line was: "row", "serving_size", "footnote", ...
    # A serving label whose value is on the next line ("Servings Per Container:" / "30.").
    dangling: str = ""
    # A second table repeating the rows in another basis ("per 100g", then "per serving"):
    # where its rows begin, and which earlier rows have taken a column from it.
    repeat_from: int | None = None
    repeated: list[int] = field(default_factory=list)
    # The line the open blend's last member came from (a member's name may wrap below it).
    member_line: Line | None = None
    # The last row placed, for a name wrapped under it: its line's indent, and whether it
    # stands as a row of its own (not a repeat folded into an earlier row as a column).
    row_indent: int | None = None
    row_stands: bool = False
    # The amounts of the last row once a wrapped name has joined it: the joined text
    # ("Magnesium (from 750 mg 105 mg 25%") no longer tells its own amounts from a form's.
    row_amounts: str | None = None


def parse_text(text: str) -> ScanResult:
    """Label text with one panel line per line; " | " also separates lines (CSV cells)."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [seg for ln in raw.split("\n") for seg in re.split(r"\s+\|\s+", ln)]
    return parse_lines([_text_line(ln) for ln in lines])


def _text_line(raw: str) -> Line:
    expanded = raw.expandtabs(4)
    return Line(text=raw, indent=len(expanded) - len(expanded.lstrip()))


def parse_lines(lines: Sequence[Line]) -> ScanResult:
    state = _State()
    indents = {ln.indent for ln in lines if ln.indent is not None and ln.text.strip()}
    state.has_layout = len(indents) > 1
    for line in unwrap_linear(lines):
        _feed(state, line)
    _flush_pending(state)
    _close_other(state)
    _finish_blend(state)
    return state.result


# A linear (paragraph) panel: "Amount per serving: Calories 10, Total Fat 0g (0% DV), ..."
# wrapped over several lines, a row often cut in two at a line end.
_AMOUNT_TOKEN = re.compile(r"[\dO]\s*(?:(?:mg|mcg|g|iu|kcal|kj)\b|%)|\bnil\b", re.I)
_THOUSANDS_AFTER = re.compile(r",\d{3}(?!\d)")
_DV_BRACKET = re.compile(r"\(\s*<?\s*[\dO][\d.,]*\s*%[^()]*$|\(\s*<?\s*[\dO][\d.,]*\s*%")
_PARAGRAPH_MARKS = re.compile(r"[()\[\],;]")  # the only characters _split_paragraph acts on


def _split_paragraph(text: str) -> list[str]:
    """Top-level commas and semicolons, forgiving a %DV bracket the camera did not close:
    in "Total Fat 0g (0% DM, Sodium 5mg" the comma still ends the item."""
    parts: list[str] = []
    depth, start, opened = 0, 0, 0
    for m in _PARAGRAPH_MARKS.finditer(text):
        i, ch = m.start(), m.group()
        if ch in "([":
            depth = 1 if depth > 0 and _DV_BRACKET.match(text, opened) else depth + 1
            opened = i
        elif ch in ")]":
            depth = max(0, depth - 1)
        else:
            if depth > 0 and _DV_BRACKET.match(text, opened):
                depth = 0  # the bracket opened at `opened` is an unclosed %DV
            if ch == "," and text[i - 1 : i].isdigit() and _THOUSANDS_AFTER.match(text, i):
                continue  # "1,000 mg"
            if depth == 0:
                parts.append(text[start:i])
                start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _is_linear(text: str) -> bool:
    # Three items need two separators: counting them first spares most lines the split.
    return (
        text.count(",") + text.count(";") >= 2
        and len(_AMOUNT_TOKEN.findall(text)) >= 2
        and len(_split_paragraph(text)) >= 3
    )


# The end of a linear panel's item: its %DV in brackets, then the comma or full stop that
# separates it from the next ("(50% DV). Calcium (as", "(125% DV),"). A table prints its %DV
# as a column, with nothing after it.
_ITEM_END = re.compile(r"\(\s*[\dO][\d.,]*\s*%\s*(?:dv|daily\s+value)?\s*\)\s*[.,;](?:\s|$)", re.I)
# A narrow linear panel wraps every line short, so no one line looks linear: this many item
# ends in its lines tell it.
_NARROW_LINEAR_ITEMS = 2


def _narrow_linear_start(texts: list[str]) -> int | None:
    """The first line of a linear panel set so narrow that no line of it looks linear by
    itself ("Vitamin D (as" / "cholecalciferol) 400 IU (10" / "mcg) (50% DV). Calcium (as"):
    the start of the run of lines, unbroken by a section's end, that holds its item ends.
    None when the lines hold fewer than _NARROW_LINEAR_ITEMS item ends."""
    ends = [i for i, text in enumerate(texts) if _search(_ITEM_END, text)]
    if len(ends) < _NARROW_LINEAR_ITEMS:
        return None
    start = ends[0]
    while start > 0 and not _section_boundary(texts[start - 1]):
        start -= 1
    return start


def _section_boundary(text: str) -> bool:
    return not text or bool(_OTHER.match(text) or panel_section_end().match(text))


def unwrap_linear(lines: Sequence[Line]) -> list[Line]:
    """Joins the lines of a linear panel into one paragraph and cuts it into one line per
    item at its top-level commas, so a row cut at a line end reads whole again. Other lines
    pass through unchanged."""
    out: list[Line] = []
    paragraph: list[Line] = []
    texts = [clean(line.text) for line in lines]  # each line is cleaned once
    paragraph_texts: list[str] = []
    narrow_start = _narrow_linear_start(texts)

    def flush() -> None:
        if not paragraph:
            return
        joined = " ".join(paragraph_texts)
        joined = re.sub(r"(\w)- (\w)", r"\1\2", joined)  # words hyphenated at a line end
        box = None
        for p in paragraph:
            box = _union(box, p.bbox)
        confidence = min(p.confidence for p in paragraph)
        out.extend(Line(item, None, box, confidence) for item in _linear_items(joined))
        paragraph.clear()
        paragraph_texts.clear()

    for i, line in enumerate(lines):
        text = texts[i]
        if paragraph and _section_boundary(text):
            flush()  # the paragraph ends where the next section begins
        following = texts[i + 1] if i + 1 < len(lines) else ""
        if (
            paragraph
            or i == narrow_start
            or _is_linear(text)
            or _starts_linear(text)
            or _starts_linear_cut(text, following)
        ):
            if text:
                paragraph.append(line)
                paragraph_texts.append(text)
            continue
        out.append(line)
    flush()
    return out


# "Supplement Facts Serving Size 2 Capsules, ..." or "Amount Per Serving: Magnesium (as": a
# panel that runs on as text rather than as a table.
_LINEAR_START = re.compile(
    r"(?:supplement|nutrition)\s+facts\W+serv(?:ing|\.)?\s*size\b.*,"
    r"|\bamount\s+per\s+\w+\s*:\s*\S",
    re.I,
)


def _starts_linear(text: str) -> bool:
    return bool(_search(_LINEAR_START, text))


# A narrow paragraph can break inside that opening: "Supplement Facts Serving" / "Size 3
# Tablets, ..." or "... Amount Per" / "Serving: Zinc ...". Only a line that ends mid-phrase
# counts: a table's heading stands alone on its line ("Supplement Facts"), and its
# "Amount Per Serving:" ends with the colon.
_LINEAR_CUT = re.compile(
    r"(?:supplement|nutrition)\s+facts\W+\w[^,]*$|\bamount(?:\s+per(?:\s+\w+)?)?$", re.I
)


def _starts_linear_cut(text: str, following: str) -> bool:
    return (
        bool(following)
        and _search(_LINEAR_CUT, text) is not None
        and _starts_linear(f"{text} {following}")
    )


# A full stop ends a sentence after a word of four letters or more, a bracket or "DV"; not
# after an abbreviation ("St. John's Wort", "Sat. Fat").
# After an amount's unit too ("... root extract 100 mgt. † Daily Value ..."), also where the
# camera lost the space before the footnote's dagger ("100 mgt.† Daily"), and a full stop the
# camera ran into the next word ("Container 30.Amount Per Serving:").
# The footnote also begins right after the last amount's own dagger or asterisk when the full
# stop is lost ("Melatonin 3 mg† Daily Value not established.", "750 mg* Daily Value ..."),
# and at its own mark after the last row ("600 mg (143% DV) * Percent Daily Values ...",
# "Daily" often misread). The mark may follow the full stop with no space ("250 mgt.*") or be
# read as a dot ("(45% DV). · Percent").
_SENTENCE = re.compile(
    r"(?:(?<=[A-Za-z]{4})(?<![Ss]erv)(?<!SERV)|(?<=[)%†‡*])|(?<=DV)"
    r"|(?<=\dmg)|(?<=\dmgt)|(?<= mg)|(?<= mgt)|(?<=mcg)|(?<=\dg)|(?<= g)|(?<=IU))"
    r"\.(?:\s+(?=[A-Z†‡*·•])|(?=[†‡*]))"
    r"|(?<=\d)\.(?=[A-Z][a-z]{2})"
    r"|(?<=[\w%][†‡*])\s*(?=(?:Daily|DAILY)\s+(?:Value|VALUE)|(?:Percent|PERCENT)\s+(?:Daily|DAILY))"
    r"|(?<=[\w)%])\s+(?=[*†‡·•]\s*(?:Percent|PERCENT)\s+(?:Da|DA))"
)


# "Servings Per Container: 30. Amount Per Serving: Vitamin D3 ...": the column heading starts
# an item of its own even where no sentence break comes before it (a count's full stop).
_AMOUNT_PER_INSIDE = re.compile(r"(?<=\S)\s+(?=amount\s+per\s+\w+\s*:)", re.I)


def _linear_items(paragraph: str) -> list[str]:
    """Items of a paragraph, each ending where the next name begins: commas and semicolons
    at the top level, full stops that end a sentence, and an "Amount Per ...:" heading."""
    items: list[str] = []
    for part in _split_paragraph(paragraph):
        for sentence in _SENTENCE.split(part):
            items.extend(p for p in _AMOUNT_PER_INSIDE.split(sentence) if p.strip())
    return items


def _feed(state: _State, line: Line) -> None:
    previous, state.last = state.last, ""
    text = clean(line.text)
    if previous == "footnote" and text[:1].islower():
        state.footnotes[-1] += f" {text}"  # a footnote wrapped onto the next line
        state.last = "footnote"
        return
    size = state.result.panel.serving_size or ""
    if (
        previous == "serving_size"
        and _SERVING_WRAP.match(text)
        and not size.endswith(")")
        and not _COLUMN_HEADING.match(text)
        and not _DANGLING_SERVING.match(text)
    ):
        # "Serving Size 2 Vegetable" / "Capsules": the unit wrapped onto the next line.
        panel = state.result.panel
        panel.serving_size = f"{panel.serving_size} {text.strip(' .,')}"
        state.last = "serving_size"
        return
    if not text:
        _flush_pending(state)
        _close_other(state)
        if not state.has_layout:
            _finish_blend(state)
        return
    if state.other is not None:
        if panel_section_end().match(text) or _HEADINGS[0][0].search(text) or _ended(state.other):
            _close_other(state)
        else:
            text = _extend_other(state, text)
            if not text:
                return
    text = _read_heading(state, text)
    dangling, state.dangling = state.dangling, ""
    if dangling and _SERVING_VALUE.match(text):
        text = f"{dangling} {text}"
    label = _DANGLING_SERVING.search(text)
    if label:
        state.dangling, text = label.group(0).strip(), text[: label.start()].strip()
    if not text:
        return
    size_before, ends_sentence = state.result.panel.serving_size, text.rstrip().endswith(".")
    text = _read_serving(state, text)
    # "2 Tablets." ends with its full stop; "2 Vegetable" may wrap onto the next line.
    if state.result.panel.serving_size != size_before and not ends_sentence:
        state.last = "serving_size"
    if _search(_BASIS_HEADING, text) and not parse_row(text):
        _start_basis(state)
    per = _AMOUNT_PER.match(text)
    if per and per.end() < len(text):  # "Amount per serving: Calories 10"
        text = text[per.end() :]
    if not text or (_COLUMN_HEADING.match(text) and not parse_row(text)):
        return
    if _search(_FOOTNOTE, text):
        _flush_pending(state)
        _finish_blend(state)
        # "*Percent Daily Values (DV) are  Protein 0g": a row beside the footnote.
        row_at = _nutrient_row_start(text)
        state.footnotes.append(text[:row_at] if row_at else text)
        if row_at:
            _read_row_line(state, line, text[row_at:], continues_row=False)
        state.last = "footnote"  # the next line in lower case goes on with the footnote
        return
    other = _OTHER.match(text)
    if other:
        _flush_pending(state)
        _finish_blend(state)
        state.other = []
        rest = _extend_other(state, other.group("rest") or other.group("rest2") or "")
        if rest:
            _close_other(state)
            _feed(state, Line(rest, line.indent, line.bbox, line.confidence))
        return
    _read_row_line(state, line, text, continues_row=previous == "row")


# A serving label alone on its line, with no value after it, and a line that starts with
# a value: a narrow panel, or the camera, broke "Serving Size" / "2 Tablets." apart.
_DANGLING_SERVING = re.compile(
    r"^\s*(?:serv(?:ing|\.)?\s*size|servings?\s+per\s+(?:container|package|bottle|pack))"
    r"\s*[:.]?\s*$",
    re.I,
)
_SERVING_VALUE = re.compile(r"^\s*(?:about\s+|approx\.?\s+)?[\d½¼¾]", re.I)
_SERVING_WRAP = re.compile(r"^[A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*){0,2}[.,]?$")
_HEADING_REMNANT = re.compile(r"^\s*facts\b\s*", re.I)


# The heading of an amount column's basis. After rows, it starts a second table: UK labels
# print "Typical values per 100g" and then the same rows again "per serving 80g".
_BASIS_HEADING = re.compile(
    r"^\s*(?:typical\b|amount\s+per\b|per\s*\d|per\s+(?:serving|portion|pack))", re.I
)


def _start_basis(state: _State) -> None:
    if any(i.amount is not None for i in state.result.ingredients):
        _flush_pending(state)
        _finish_blend(state)
        state.repeat_from, state.repeated = len(state.result.ingredients), []


def _repeats(state: _State, ing: Ingredient) -> Ingredient | None:
    """The earlier row that a row of a second table repeats: same name and unit, later in the
    first table than the rows already repeated (the tables list the rows in one order)."""
    if state.repeat_from is None or ing.amount is None:
        return None
    key = normalize(ing.name)
    start = state.repeated[-1] + 1 if state.repeated else 0
    for index in range(start, state.repeat_from):
        earlier = state.result.ingredients[index]
        if earlier.blend is None and earlier.unit == ing.unit and normalize(earlier.name) == key:
            state.repeated.append(index)
            return earlier
    return None


def _read_heading(state: _State, text: str) -> str:
    """Sets the panel kind; returns what follows the heading on the same line. "Facts" alone
    at the start of a line is the second word of a heading printed in large type over two
    lines, and is dropped."""
    remnant = _HEADING_REMNANT.match(text)
    if remnant:
        text = text[remnant.end() :]
    for pattern, kind in _HEADINGS:
        m = _search(pattern, text)
        if m:
            if state.result.panel.kind == "unknown" or kind != "eu_nutrition":
                state.result.panel.kind = kind
            return text[m.end() :].strip(" :.-")
    return text


_WORD_START = re.compile(r"(?<![\w.'-])[A-Z]")


def _nutrient_row_start(text: str) -> int | None:
    """Where a row naming a nutrient starts in `text`, running to its end; the longest such
    row. None when the text ends in no such row."""
    lex = lexicon()
    for m in _WORD_START.finditer(text):
        rows = parse_row(text[m.start() :])
        if rows and rows[0].amount is not None and lex.nutrient_id(rows[0].name) is not None:
            return m.start()
    return None


def _read_serving(state: _State, text: str) -> str:
    """Takes serving size and servings per container from the line; returns what is left
    (a linear panel goes on with "Amount Per Softgel: Magnesium ... 100 mg, ...")."""
    panel = state.result.panel
    size = _search(_SERVING_SIZE, text)
    servings = _search(_SERVINGS, text)
    end = 0
    if size and size.group("v").strip():
        value = size.group("v")
        # A tabular panel's row beside its serving size: "Serving Size 35 Pieces (40g)  Total
        # Carbohydrate 37g 12%", "Serv. Size  Sat. Fat 9g 45%".
        row_at = _nutrient_row_start(value)
        if row_at is not None:
            value = value[:row_at]
        if value.strip(" .:,;"):
            panel.serving_size = value.strip(" .:,;")
            count = _SERVING_COUNT.match(panel.serving_size)
            panel.serving_count = float(count.group(1)) if count else None
        end = size.start("v") + row_at if row_at is not None else size.end()
    if servings and servings.start() >= end:
        value = (servings.group("v") or servings.group("w") or "").strip(" .")
        panel.servings_per_container = value or panel.servings_per_container
        end = servings.end()
    if not end:
        return text
    rest = text[end:].strip(" :.")
    per = _AMOUNT_PER.match(rest)
    return rest[per.end() :] if per else rest


_SENTENCE_END = re.compile(r"(?<=\w{4})\.(?:\s+(?=[A-Z])|\s*$)")


def _ended(paragraph: list[str]) -> bool:
    return bool(paragraph) and paragraph[-1].rstrip().endswith(".")


def _extend_other(state: _State, text: str) -> str:
    """Adds text to the open "Other ingredients" paragraph up to its closing full stop;
    returns what follows it on the line ("... silica. Made in a GMP facility.")."""
    assert state.other is not None
    end = _SENTENCE_END.search(text)
    if end is None:
        state.other.append(text)
        return ""
    state.other.append(text[: end.start() + 1])
    return text[end.end() :].strip()


def _close_other(state: _State) -> None:
    if state.other is None:
        return
    paragraph = " ".join(p for p in state.other if p).strip()
    state.other = None
    for part in _split_paragraph(paragraph):
        item = re.sub(r"^(?:and|&)\s+", "", part, flags=re.I).strip(" .")
        if item:
            state.result.other_ingredients.append(item)


def _is_blend_name(name: str) -> bool:
    return bool(_search(_BLEND_WORDS, name)) and lexicon().nutrient_id(name) is None


_INLINE_MEMBERS = re.compile(r"^(?P<head>[^:]+?)\s*:\s*(?P<members>.+)$")


def _read_inline_blend(state: _State, line: Line, text: str) -> bool:
    """ "Magnesium Complex 500 mg: magnesium oxide, magnesium citrate" (members after a colon,
    the total weight before it)."""
    m = _INLINE_MEMBERS.match(text)
    if not m:
        return False
    head = parse_row(m.group("head"))
    if len(head) != 1 or not _is_blend_name(head[0].name):
        return False
    _flush_pending(state)
    _finish_blend(state)
    ing = head[0]
    ing.bbox, ing.confidence = line.bbox, min(ing.confidence, line.confidence)
    state.result.ingredients.append(ing)
    _open_blend(state, line, ing, inline=split_top_level(m.group("members"), ",;"))
    return True


def _read_row_line(state: _State, line: Line, text: str, *, continues_row: bool) -> None:
    state.last = "row"
    if _read_inline_blend(state, line, text) or _read_blend_name_wrap(state, line, text):
        return
    if (
        state.pending
        and _opens_source_row(text)
        and not _open_bracket(" ".join(p.text for p in state.pending))
    ):
        # Lines before it that got no amount ("Amount Per Serving SDaly", a heading the
        # camera garbled) are no part of the row: joined to it, they hide its wrapped source.
        _flush_pending(state)
    candidates = _candidates(state, text)
    for combined, used_pending in candidates:
        rows = _rows_in(combined)
        if rows:
            if used_pending:
                state.pending = []
            else:
                _flush_pending(state)
            # "Total Fat  Less than 65g 80g" is the footnote table, even beside a row.
            kept = []
            for ing in rows:
                if _restates_daily_values(ing):
                    state.footnotes.append(ing.text)
                else:
                    kept.append(ing)
            rows = kept
            if not rows:
                state.last = "footnote"
                return
            for ing in rows:
                _place_row(state, line, ing)
            return
    if _read_energy_continuation(state, line, text):
        return
    if continues_row and _read_name_continuation(state, line, text):
        return
    if state.blend is not None and _indented_under_blend(state, line) is not False:
        _flush_pending(state)
        _add_members(state, text, line)
        return
    if _pending_amounts_only(state):
        _flush_pending(state)  # amounts whose name was lost start no name (_candidates)
    state.pending.append(Line(text, line.indent, line.bbox, line.confidence))
    state.last = "pending"


_REFERENCE_CALORIES = (2000.0, 2500.0)
# The nutrients that footnote table lists (21 CFR 101.9(d)(9), before the 2016 rule): a
# supplement's "Magnesium 400 mg 800 mg" is two amount columns, though 400 mg was magnesium's
# Daily Value.
_FOOTNOTE_TABLE_NUTRIENTS = frozenset(
    {"total_fat", "saturated_fat", "cholesterol", "sodium", "potassium",
     "total_carbohydrate", "dietary_fiber", "protein"}
)  # fmt: skip


def _restates_daily_values(ing: Ingredient) -> bool:
    """A line of the footnote table of older US Nutrition Facts panels ("Calories: 2,000
    2,500", "Total Fat  Less than 65g 80g"): the Daily Values for 2,000 and 2,500 calories,
    not the food's amounts. Known by its first amount being the nutrient's (pre-2020) Daily
    Value, with "less than" or a second column that is no smaller."""
    others = [c.get("amount") for c in ing.extra_columns]
    if ing.nutrient == "calories":
        return (ing.amount, others[:1]) == (_REFERENCE_CALORIES[0], [_REFERENCE_CALORIES[1]])
    if ing.nutrient not in _FOOTNOTE_TABLE_NUTRIENTS:
        return False
    nutrient = lexicon().nutrients.get(ing.nutrient or "")
    dv = nutrient.dv_pre2020 if nutrient else None
    if dv is None or ing.amount != dv.amount or ing.unit != dv.unit:
        return False
    return ing.amount_operator == "<" or any(
        isinstance(a, float) and a >= dv.amount for a in others
    )


def _names_nutrient(text: str) -> bool:
    """Whether the line's name (before any "(as ...") is a nutrient's: the start of a row of
    its own ("Vitamin B12 (as", "lodine (as 75 mcg"). The text before the first bracket
    counts too: a garbled "as" ("Vitamin B12 (s 500 m<g 20.833%") keeps the bracket in the
    name."""
    lex = lexicon()
    before_bracket = text.split("(", 1)[0]
    return (
        lex.nutrient_id(split_name(text).name) is not None
        or lex.nutrient_id(before_bracket) is not None
    )


# "of which" alone on its line starts the name of the row below ("Fat 1.5g" / "of which" /
# "- saturates 0.3g"), it does not end the row above.
_SUB_ROW = re.compile(r"^\s*of\s+which\b", re.I)


# "(34g) unpopped", "(8400kJ/2000kcal)": a bracket that opens on a quantity is a serving's
# weight or a reference note, not the rest of a name (a form's weight opens with "from").
_BRACKETED_QUANTITY = re.compile(r"^\s*[(\[]\s*[<~]?\s*\d")
# A bracketed group, unclosed at the line's end too: "(from 2,000 mg magnesium" holds a form's
# weight, which a wrapped name may.
_BRACKET_GROUP = re.compile(r"[(\[][^()\[\]]*(?:[)\]]|$)")
# A name wraps under itself or a little indented; a line starting this many text heights
# further left than the row, or further right, is another column's text (a serving size
# beside a tabular panel, the footnote beside its second half).
_WRAP_LEFT_OF_ROW = 2
_WRAP_RIGHT_OF_ROW = 4


def _beside_row(state: _State, line: Line) -> bool:
    if not state.has_layout or line.indent is None or state.row_indent is None:
        return False
    shift = line.indent - state.row_indent
    return shift < -_WRAP_LEFT_OF_ROW or shift > _WRAP_RIGHT_OF_ROW


def _last_row_amounts(state: _State, row: Ingredient) -> str | None:
    """The amounts at the end of the last row's text: those carried from its own line once a
    wrapped name joined it, else found again in the text (None: it declares none)."""
    if state.row_amounts is not None and row.text.endswith(state.row_amounts):
        return state.row_amounts
    tail = find_tail(row.text, allow_bare=True)
    return row.text[tail.start :] if tail is not None else None


# A full stop after a word of four letters or more at the end of the line ends a sentence,
# not an abbreviation ("root ext.", "St.").
_LINE_ENDS_SENTENCE = re.compile(r"[A-Za-z]{4}\.\s*$")


def _read_name_continuation(state: _State, line: Line, text: str) -> bool:
    """A narrow name column wraps under its row: "Vitamin C (as  250 mg  278%" then
    "ascorbic acid)"; "Pantothenic 5 mg 100%" then "Acid". The line joins the row above when
    the row's name has an open bracket, the line starts in lower case or with a bracket, or
    the joined name is a nutrient (or a salt, or a co-ingredient) the row's name alone is
    not."""
    ingredients = state.result.ingredients
    if state.pending or not ingredients or parse_row(text) or _SUB_ROW.match(text):
        return False
    if not state.row_stands or _BRACKETED_QUANTITY.match(text) or _beside_row(state, line):
        return False
    if _AMOUNT_TOKEN.search(_BRACKET_GROUP.sub("", text)):
        return False  # amounts outside brackets: rows of their own, however misread
    if _search(panel_bottom(), text):
        return False  # the footnote under the table, its start lost ("take of an average adult")
    if _search(_LINE_ENDS_SENTENCE, text):
        # "dioxide, vegetable magnesium stearate.": the end of the other ingredients, their
        # start lost; a name wrapped under its row ends with no full stop after a word.
        return False
    previous = ingredients[-1]
    # A blend's member with no amount of its own goes on as a member (_continues_member).
    member = previous.blend is not None
    if (member and previous.amount is None) or (
        previous.is_blend and not _open_bracket(previous.text)
    ):
        return False
    amounts = _last_row_amounts(state, previous)
    if amounts is None:
        return False
    head = previous.text[: len(previous.text) - len(amounts)].rstrip()
    if (
        not _open_bracket(head)
        and text[:1].isupper()
        and ("(" in text or any(ch.isdigit() for ch in text))
        and _names_nutrient(text)
    ):
        # "Vitamin B12 (as 6 mig": a row of its own whose amount was misread ("Chloride"
        # alone, under "Magnesium 500 mg", still completes the name above).
        return False
    joined = parse_row_named(f"{head} {text}", amounts)
    if not joined:
        return False
    lex = lexicon()
    better_name = lex.nutrient_id(joined[0].name) is not None and previous.nutrient is None
    # "Magnesium 1,500 mg" then "L-Threonate": the joined name names a salt the row did not.
    better_form = bool(joined[0].forms) and not previous.forms
    # "St. John's 450 mg" then "Wort": the joined name names a herb to flag.
    better_herb = bool(lex.coingredient_ids(joined[0].name)) and not lex.coingredient_ids(
        previous.name
    )
    # "Magtein® Magnesium 1,200 mg" then "L-Threonate": the line is the rest of the form the
    # row's brand already named.
    own_form = _names_own_form(previous, text)
    if not (
        _open_bracket(head)
        or text[:1].islower()
        or text[:1] in "(["
        or better_name
        or better_form
        or better_herb
        or own_form
        or _continues_salt(previous, text, joined[0])
    ):
        return False
    first = joined[0]
    first.blend = previous.blend
    first.bbox = _union(previous.bbox, line.bbox)
    first.confidence = min(previous.confidence, line.confidence)
    ingredients[-1] = first
    state.row_amounts = amounts
    return True


# The end of a blend's name, its members after a colon ("Magnesium Blend: Magnesium Oxide,"),
# or alone ("Blend"). "Blend" may be run into the word before it ("MagnesiumBlend:").
_BLEND_NAME_END = re.compile(
    r"^(?P<rest>[^:\d]{0,40}?blend)\s*(?:(?P<colon>:)\s*(?P<members>.*))?$", re.I
)


def _continues_salt(row: Ingredient, text: str, joined: Ingredient) -> bool:
    """ "Magnesium Glycinate 600 mg" then "Chelate", "Magtein® 1,000 mg" then "Magnesium":
    the line, which names no salt and no other nutrient of its own, goes on with the name of
    the salt the row's name already named."""
    lex = lexicon()
    if not row.forms or "(" in row.text or any(ch.isdigit() for ch in text):
        return False
    if lex.salt_named(text) is not None or lex.nutrient_id(text) not in (None, row.nutrient):
        return False
    salt = lex.salt_named(row.name)
    return salt is not None and salt[1] in row.forms and lex.salt_named(joined.name) == salt


def _names_own_form(row: Ingredient, text: str) -> bool:
    """Whether `text` alone (no amount) names, after the row's mineral, a form the row's name
    (not an "(as ...)" group) gave it."""
    lex = lexicon()
    if not row.forms or not lex.is_mineral(row.nutrient) or any(ch.isdigit() for ch in text):
        return False
    if "(" in row.text or "[" in row.text:
        return False
    mineral = lex.nutrients[row.nutrient or ""].name
    salt = lex.salt_named(f"{mineral} {text}")
    return salt is not None and salt[1] in row.forms


def _read_blend_name_wrap(state: _State, line: Line, text: str) -> bool:
    """A blend's name wrapped under its row, the members after the colon: "Proprietary
    1,400 mg †" then "Magnesium Blend: Magnesium Oxide, ...". Only after a row without a %DV
    (a blend has none), so "Zinc 10 mg 91%" then "Herbal Blend: ..." stay two things. A blend
    word alone on its line ends the name above it whatever that name is: "Magnesium 1,050 mg"
    then "Complex" is a magnesium complex, not 1,050 mg of magnesium."""
    lone = _LONE_BLEND_WORD.match(text)
    m = _BLEND_NAME_END.match(text)
    ingredients = state.result.ingredients
    if lone:
        _take_pending_name_middle(state)
    # "Calm Blend: 250 mg" is a blend row of its own.
    if not (m or lone) or state.pending or not ingredients or find_tail(text, allow_bare=True):
        return False
    previous = ingredients[-1]
    if lone and previous.blend is not None and state.blend is not None:
        # "Proprietary 550 mg" / "Magnesium" / "Blend": the line taken for the blend's first
        # member was the middle of its name.
        previous = _unfold_name_middle(state, previous)
    if previous.blend is not None or previous.amount is None:
        return False
    # "Proprietary" alone already opened a blend; it takes the rest of its name if no member
    # has come yet.
    if state.blend is not None and state.blend is not previous:
        return False
    if previous.dv_percent is not None:
        return False
    colon = bool(m and m.group("colon")) or bool(lone and lone.group("members") is not None)
    # Without a colon the line only ends a name that already opened a blend ("Proprietary
    # Magnesium 500 mg" / "Blend"), or is a blend word alone; "Melatonin 3 mg" then "Calm
    # Blend" is a blend of its own.
    if not colon and not lone and state.blend is not previous:
        return False
    if lone and _search(_BLEND_WORDS, previous.name) and state.blend is not previous:
        return False
    if any(i.blend == previous.name for i in ingredients):
        return False  # the blend has members already: its name ended above them
    rest = lone.group("word") if lone else m.group("rest").strip() if m else ""
    rest = re.sub(r"(?<=[a-z])(?=Blend\b)", " ", rest)
    name = f"{previous.name} {rest}"
    if not _is_blend_name(name):
        return False
    previous.name = name
    # "Proprietary Magnesium" + "Blend" names magnesium, which "Proprietary" + "Sleep Blend"
    # does not: the blend's magnesium is what the oxide-led check reads. A complex's weight is
    # not its mineral's: the row is read again under its whole name.
    amounts = _last_row_amounts(state, previous)
    joined = parse_row_named(name, amounts) if amounts is not None else []
    previous.nutrient = joined[0].nutrient if joined else None
    if joined:
        previous.basis, previous.forms = joined[0].basis, joined[0].forms
        previous.elemental_mg, previous.compound_mg = joined[0].elemental_mg, joined[0].compound_mg
    previous.bbox = _union(previous.bbox, line.bbox)
    found = lone or m
    listed = found.group("members") if found is not None else None
    members = split_top_level(listed or "", ",;")
    _open_blend(state, line, previous, inline=members)
    return True


def _take_pending_name_middle(state: _State) -> None:
    """ "Proprietary 400 mg" / "Magnesium" / "Blend", all at one indent: the middle line, not
    indented under the blend, waits for an amount; it is the middle of the blend's name,
    which takes it (at most two lines of plain words, before the blend has a member)."""
    blend, ingredients, pending = state.blend, state.result.ingredients, state.pending
    if blend is None or not ingredients or ingredients[-1] is not blend or not pending:
        return
    if not _name_goes_on(blend) or len(pending) > 2:
        return
    if not all(_plain_words(p.text) for p in pending):
        return
    for p in pending:
        _fold_into_name(blend, p.text, p.bbox)
    state.pending = []


def _unfold_name_middle(state: _State, member: Ingredient) -> Ingredient:
    """The blend row, its one member (a plain name read from the line under the row, with no
    amount and no form) folded back into its name; `member` itself when it is not so."""
    blend = state.blend
    ingredients = state.result.ingredients
    if blend is None or member.blend != blend.name or len(ingredients) < 2:
        return member
    if ingredients[-2] is not blend or member.amount is not None or member.forms:
        return member
    if not _name_goes_on(blend):
        return member  # no blend row whose name could go on (checked before anything changes)
    if not _plain_words(member.text):
        return member
    ingredients.pop()
    _fold_into_name(blend, member.text, member.bbox)
    return blend


def _name_goes_on(blend: Ingredient) -> bool:
    """Whether a blend row's name may go on below it: the row has its weight and no %DV."""
    return blend.amount is not None and blend.dv_percent is None


def _plain_words(text: str) -> bool:
    """Words only: no number, list or bracket, as the middle of a wrapped name is."""
    return not any(ch.isdigit() or ch in ",;:()" for ch in text)


def _fold_into_name(blend: Ingredient, text: str, bbox: BBox | None) -> None:
    blend.name = f"{blend.name} {text.strip()}"
    blend.bbox = _union(blend.bbox, bbox)


# A blend word alone at the start of its line, a footnote mark after it, or a colon and the
# members ("Complex: Magnesium Oxide, Magnesium Citrate").
_LONE_BLEND_WORD = re.compile(
    r"^\s*(?P<word>blend|complex|matrix|formula)\s*[*†‡]?\s*(?::\s*(?P<members>.*))?$", re.I
)


def _open_bracket(text: str) -> bool:
    return text.count("(") > text.count(")") or text.count("[") > text.count("]")


def _union(a: BBox | None, b: BBox | None) -> BBox | None:
    if a is None or b is None:
        return a or b
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return (x0, y0, x1 - x0, y1 - y0)


_ENERGY_PAIR = {"kJ": "kcal", "kcal": "kJ"}
_BRACKETED_ONLY = re.compile(r"(?:\s*\([^()]*\))+\s*")


def _read_energy_continuation(state: _State, line: Line, text: str) -> bool:
    """ "Energy 1284 kJ" then "305 kcal" on a line of its own: the same row in the other
    unit (EU tables print energy twice)."""
    if _BRACKETED_ONLY.fullmatch(text):  # "Energy 126 kJ 832 kJ" then "(30 Cal) (199 Cal)"
        text = text.replace("(", " ").replace(")", " ")
    rows = parse_row(text)
    if not rows or rows[0].name or not state.result.ingredients or state.pending:
        return False
    previous = state.result.ingredients[-1]
    if previous.unit is None or _ENERGY_PAIR.get(previous.unit) != rows[0].unit:
        return False
    for ing in rows:
        ing.name, ing.nutrient = previous.name, previous.nutrient
        _place_row(state, line, ing)
    return True


def _candidates(state: _State, text: str) -> list[tuple[str, bool]]:
    """The line alone, or joined to the name lines before it when it continues them."""
    if not state.pending or _pending_amounts_only(state):
        # "200pg 571%" then "(as potassium citrate) 50 mg": amounts whose name the camera
        # lost start no name.
        return [(text, False)]
    joined = " ".join([*(p.text for p in state.pending), text])
    prev = state.pending[-1].text
    continues = (
        _open_bracket(prev)
        or text[:1] in "([{"
        # "lodine (as 75 mcg": a capital I read as an l starts a row of its own.
        or (text[:1].islower() and not _names_nutrient(text) and not _SUB_ROW.match(text))
        or prev.rstrip().endswith((",", "and", "&", "/"))
    )
    if not continues:
        # "Total" then "Carbohydrate 20g": the camera split a name; join it when the joined
        # name is a nutrient the line alone does not name.
        pending_words = " ".join(p.text for p in state.pending)
        lex = lexicon()
        alone = parse_row(text)
        joined_rows = parse_row(joined)
        continues = (
            not any(ch.isdigit() for ch in pending_words)
            and bool(alone) and bool(joined_rows)
            and lex.nutrient_id(joined_rows[0].name) is not None
            and normalize(joined_rows[0].name) != normalize(alone[0].name)
        )  # fmt: skip
    ordered = [(joined, True), (text, False)] if continues else [(text, False), (joined, True)]
    source = _source_wrapped(
        state.pending[0].text, " ".join([*(p.text for p in state.pending[1:]), text])
    )
    return [(source, True), *ordered] if source else ordered


def _pending_amounts_only(state: _State) -> bool:
    """Whether the pending lines are all amounts without a name ("200pg 571%")."""
    return bool(state.pending) and all(_amounts_only(p.text) for p in state.pending)


def _amounts_only(text: str) -> bool:
    tail = find_tail(text, allow_bare=True)
    return tail is not None and not text[: tail.start].strip()


# "Magnesium (from" with the source's amount and name still to come.
_OPEN_SOURCE = re.compile(r"\((?:from|as)\s*$", re.I)
_LEADING_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:mg|mcg|µg|μg|g|iu)\b", re.I)


def _opens_source_row(text: str) -> bool:
    """A row's first line whose "(from ..." wraps below it, its amounts on this line:
    "Magnesium (from 280 mg 70%"."""
    tail = find_tail(text)
    if tail is None:
        return False
    head = text[: tail.start].rstrip()
    return bool(_OPEN_SOURCE.search(head)) and _NAME_START.match(head) is not None


# A name before the bracket: a word of three letters or more.
_NAME_START = re.compile(r"^\s*[A-Za-z][A-Za-z'-]{2,}")


def _source_wrapped(first: str, rest: str) -> str | None:
    """A narrow name column wraps a "(from ...)" under its row, the row's amounts staying on
    the first line: "Magnesium (from 1,200 mg  180 mg 45%" then "magnesium malate)" reads
    "Magnesium (from 1,200 mg magnesium malate) 180 mg 45%"; "Magnesium (from  36 mg 9%"
    then "400 mg", "magnesium", "taurate)" reads "Magnesium (from 400 mg magnesium taurate)
    36 mg 9%". None until the bracket closes."""
    tail = find_tail(first)
    if tail is None or rest.count(")") <= rest.count("("):
        return None
    head, amounts = first[: tail.start].rstrip(), first[tail.start :]
    if not _OPEN_SOURCE.search(head):
        return None
    if _LEADING_AMOUNT.match(rest):
        return f"{head} {rest} {amounts}"
    inner = _LEADING_AMOUNT.match(amounts)
    if inner is None:
        return None
    outer = amounts[inner.end() :].strip()
    outer_tail = find_tail(outer)
    if not outer or outer_tail is None or outer_tail.start != 0:
        return None
    return f"{head} {inner.group()} {rest} {outer}"


_ROW_SEPARATORS = re.compile(r"[,;•]")


# Words of the panel's own frame ("Servings Per Container 30", "Serving Size 2 Tablets"), never
# of an ingredient's name (none of the 611 NIH label database rows at hand has one). A blurred
# or glared photo runs them into a row ("envings Per Cortainer 10 ... 40 mg", "Sne: 2 Tabiets
# ... 400 mg"), so they are matched loosely, word by word.
_FRAME_WORDS = (
    "container", "containers", "servings", "serving", "percent",
    "capsule", "capsules", "tablet", "tablets", "softgel", "softgels",
)  # fmt: skip
_FRAME_WORD_SCORE = 85.0
_WORD = re.compile(r"[A-Za-z]{6,}")


def _has_word_like(text: str, words: tuple[str, ...], word: re.Pattern[str]) -> bool:
    """Whether a word of `text` (as `word` finds them) is one of `words`, matched loosely."""
    return any(
        fuzz.ratio(found.lower(), known) >= _FRAME_WORD_SCORE
        for found in word.findall(text)
        for known in words
    )


def _frame_words_in(name: str) -> bool:
    return _has_word_like(name, _FRAME_WORDS, _WORD)


# Words of the left-hand column of a tabular US panel ("Nutrition / Facts / Serv. Size 2 Tbsp /
# Calories 140 / per serving"), which the camera's lines run into the row beside them.
_LEFT_COLUMN_WORDS = (*_FRAME_WORDS, "size", "facts", "nutrition", "calories", "daily", "values")
_LEFT_COLUMN_WORD = re.compile(r"[A-Za-z]{4,}")


def _beside_left_column(prefix: str) -> bool:
    """Whether the words before a nutrient's name are a tabular panel's left column: a bare
    number ("260" calories) or a word of that column, matched loosely ("1Container")."""
    if not any(ch.isalpha() for ch in prefix):
        return any(ch.isdigit() for ch in prefix)
    return _has_word_like(prefix, _LEFT_COLUMN_WORDS, _LEFT_COLUMN_WORD)


def _without_left_column(ing: Ingredient) -> Ingredient:
    """The row without the left column's text the line ran into its name: "Serv. Size Sat. Fat
    9g 45%" is the saturated fat row. Only a name that is no nutrient's, ending in the longest
    run of words that is one, after words of that column."""
    lex = lexicon()
    if ing.nutrient is not None or lex.nutrient_id(ing.name) is not None:
        return ing
    words = ing.name.split()
    for i in range(1, len(words)):
        name = " ".join(words[i:])
        if lex.nutrient_id(name) is None:
            continue
        prefix = " ".join(words[:i])
        start = ing.text.find(name)
        if not _beside_left_column(prefix) or start < 0:
            return ing
        rows = parse_row(ing.text[start:])
        return rows[0] if rows else ing
    return ing


def _rows_in(text: str) -> list[Ingredient]:
    """Rows on one line, none whose name holds the panel's frame words."""
    rows = [_without_left_column(ing) for ing in _candidate_rows(text)]
    return [ing for ing in rows if not _frame_words_in(ing.name)]


def _candidate_rows(text: str) -> list[Ingredient]:
    """Rows on one line: usually one; a linear panel or a side-by-side layout puts several
    on a line, separated by commas, semicolons or just by the next name."""
    parts = split_top_level(text, ",;•") if _ROW_SEPARATORS.search(text) else []
    if len(parts) > 1:
        found: list[list[Ingredient]] = []
        for part in parts:
            part_rows = parse_row(part)
            if not (part_rows and part_rows[0].name):
                break  # one part that is no row is enough: the rest need not be read
            found.append(part_rows)
        else:
            return [ing for r in found for ing in r]
    rows = parse_row(text)
    if rows and rows[0].name:
        return _side_by_side(text) or rows
    return _side_by_side(text)


def _side_by_side(text: str) -> list[Ingredient]:
    """Several rows on one line with only spaces between them, or [] if that reading fails."""
    if INCLUDES.match(text):
        return []  # "Includes 10g Added Sugars 20%" is one row
    rows: list[Ingredient] = []
    start = 0
    for end in inline_row_ends(text):
        left = parse_row(text[start:end])
        if left and left[0].name and _reads_as_row(text[end:]):
            rows += left
            start = end
    if not rows:
        return []
    rest = parse_row(text[start:])
    return rows + rest if rest and rest[0].name else []


def _reads_as_row(text: str) -> bool:
    rows = parse_row(text)
    return bool(rows) and bool(rows[0].name)


def _indented_under_blend(state: _State, line: Line) -> bool | None:
    """Whether the line is indented under the open blend; None when there is no layout."""
    if state.has_layout and line.indent is not None and state.blend_indent is not None:
        return line.indent > state.blend_indent
    return None


def _place_row(state: _State, line: Line, ing: Ingredient) -> None:
    ing.bbox = line.bbox
    ing.confidence = min(ing.confidence, line.confidence)
    earlier = _repeats(state, ing)
    state.row_indent, state.row_stands = line.indent, earlier is None
    state.row_amounts = None
    if earlier is not None:
        earlier.extra_columns.append(
            {"amount": ing.amount, "unit": ing.unit, "dv_percent": ing.dv_percent}
        )
        earlier.extra_columns += ing.extra_columns
        return
    if state.blend is not None and _belongs_to_blend(state, line, ing):
        ing.blend = state.blend.name
        state.result.ingredients.append(ing)
        return
    _finish_blend(state)
    state.result.ingredients.append(ing)
    if _is_blend_name(ing.name):
        _open_blend(state, line, ing)


def _belongs_to_blend(state: _State, line: Line, ing: Ingredient) -> bool:
    indented = _indented_under_blend(state, line)
    if indented is not None:
        return indented
    # Without layout: a member has no %DV of its own and does not head another blend.
    return (
        ing.dv_percent is None
        and not _is_blend_name(ing.name)
        and (ing.text[:1].islower() or bool(_BULLET.match(ing.text)))
    )


def _open_blend(
    state: _State, line: Line, ing: Ingredient, inline: list[str] | None = None
) -> None:
    ing.is_blend = True
    state.blend = ing
    state.blend_indent = line.indent
    name, _, after_colon = ing.name.partition(":")
    members: list[str] = list(inline or [])
    if members:
        pass
    elif after_colon.strip():  # "Sleep Blend: valerian root, hops 300 mg"
        ing.name = name.strip()
        members = split_top_level(after_colon, ",;")
    else:
        parts = split_name(ing.text)
        for group in parts.other_groups:  # "Magnesium Complex (oxide, citrate) 500 mg"
            if "," in group or ";" in group:
                members = split_top_level(group, ",;")
                ing.name = " ".join(ing.name.replace(f"({group})", "").split())
                break
        if not members and ing.forms_text and len(ing.forms_text) > 1:
            members = list(ing.forms_text)
    for member in members:
        _add_member(state, member, line)
    # Members listed on the blend's own line may run on below it.
    state.member_line = line if members else None


# The rest of a botanical's name wrapped under it: "Valerian root" / "extract", "Chamomile" /
# "flower extract". In lower case, no member of its own starts so.
_PLANT_PART_WRAP = re.compile(
    r"(?:(?:root|leaf|flower|seed|bark|fruit|berry|rhizome|aerial|whole|herb|dried)\s+)*"
    r"(?:extract|powder|root|leaf|leaves|flower|flowers|seed|bark|parts|oil|herb)"
)


def _continues_member(state: _State, text: str, line: Line) -> bool:
    """Whether a line under an open blend is the rest of the member above, wrapped: indented
    under it, the plant part of a botanical's name, or the salt that makes the name above a
    form ("Magnesium" / "Oxide": kept apart, the blend would not show it leads with oxide)."""
    ingredients = state.result.ingredients
    above = state.member_line
    if state.blend is None or not ingredients or above is None or above is line:
        return False
    member = ingredients[-1]
    if member.blend != state.blend.name or member.amount is not None:
        return False
    name = text.strip(" .:")
    indented = state.has_layout and (line.indent or 0) > (above.indent or 0)
    return indented or bool(_PLANT_PART_WRAP.fullmatch(name)) or _joins_into_form(member, name)


def _joins_into_form(member: Ingredient, name: str) -> bool:
    """ "Magnesium" + "Oxide": the line is the salt that makes the member's name a form."""
    lex = lexicon()
    if member.forms or lex.nutrient_id(name) is not None or _forms_named(name):
        return False
    return bool(_forms_named(f"{member.name} {name}"))


def _forms_named(name: str) -> list[str]:
    probe = Ingredient(name=name, text=name)
    describe_forms(lexicon(), probe, NameParts(name=name))
    return probe.forms


def _add_members(state: _State, text: str, line: Line) -> None:
    """A line under an open blend: its members, or the rest of the member above."""
    members = split_top_level(_BULLET.sub("", text), ",;")
    above = state.member_line
    # A list's item runs on past the line's end unless a comma ended the line above.
    open_above = above is not None and not above.text.rstrip().endswith((",", ";"))
    if members and open_above and _continues_member(state, members[0], line):
        _join_member(state, members.pop(0), line)
    for member in members:
        _add_member(state, member, line)
    state.member_line = line


def _join_member(state: _State, text: str, line: Line) -> None:
    member = state.result.ingredients.pop()
    _add_member(state, f"{member.name} {text.strip()}", line)
    joined = state.result.ingredients[-1]
    joined.bbox = _union(member.bbox, line.bbox)
    joined.confidence = min(member.confidence, line.confidence)


def _add_member(state: _State, text: str, line: Line) -> None:
    assert state.blend is not None
    lex = lexicon()
    name = text.strip(" .:")
    if not name:
        return
    ing = Ingredient(name=name, text=text, blend=state.blend.name, bbox=line.bbox)
    ing.confidence = min(1.0, line.confidence)
    ing.nutrient = lex.nutrient_id(name)
    parts = split_name(name)
    ing.name = parts.name or name
    describe_forms(lex, ing, parts if parts.name else NameParts(name=name))
    state.result.ingredients.append(ing)


def _finish_blend(state: _State) -> None:
    """Closes the open blend, giving it the forms of its members in printed order (a
    "magnesium complex" is characterised by what it is made of)."""
    blend = state.blend
    state.blend = None
    state.blend_indent = None
    state.member_line = None
    if blend is None:
        return
    members = [i for i in state.result.ingredients if i.blend == blend.name]
    for member in members:
        for form in member.forms:
            if form not in blend.forms:
                blend.forms.append(form)


def _flush_pending(state: _State) -> None:
    """Name lines that never got an amount: blend members if a blend is open, else kept."""
    pending, state.pending = state.pending, []
    for p in pending:
        if state.blend is not None:
            _add_members(state, p.text, p)
        else:
            state.result.unparsed.append(p.text)


def iter_text_lines(result: ScanResult) -> Iterable[str]:
    """Every piece of text the panel printed, for mark and co-ingredient searches."""
    for ing in result.ingredients:
        yield ing.text
    yield from result.other_ingredients
    yield from result.unparsed

"""Rows rebuilt from engine boxes: tilt, curvature, side-by-side rows, large headings."""

from __future__ import annotations

import math

import pytest

from ocr.layout import group_rows, split_side_by_side, stacked_blocks, tilt_degrees, to_lines
from ocr.pipeline import unrotate_bbox
from ocr.types import TextBox


def box(text: str, x: float, y: float, w: float, h: float = 20.0, angle: float = 0.0) -> TextBox:
    """A box whose top-left corner is (x, y), turned by `angle` degrees about that corner."""
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)

    def turn(dx: float, dy: float) -> tuple[float, float]:
        return (x + dx * cos - dy * sin, y + dx * sin + dy * cos)

    return TextBox(text, (turn(0, 0), turn(w, 0), turn(w, h), turn(0, h)), 0.9)


def _texts(rows: list[list[TextBox]]) -> list[str]:
    return [" ".join(b.text for b in r) for r in rows]


def test_rows_of_a_level_panel_in_reading_order() -> None:
    boxes = [
        box("48%", 400, 40, 40),
        box("Magnesium (as magnesium citrate)", 10, 40, 250),
        box("200 mg", 300, 41, 60),
        box("Zinc (as zinc picolinate) 5 mg", 10, 70, 240),
        box("45%", 400, 71, 40),
    ]
    assert _texts(group_rows(boxes)) == [
        "Magnesium (as magnesium citrate) 200 mg 48%",
        "Zinc (as zinc picolinate) 5 mg 45%",
    ]


@pytest.mark.parametrize("angle", [-7.0, -3.0, 4.0, 8.0])
def test_tilted_rows_stay_apart(angle: float) -> None:
    """A tilted photo: the amount at the right end sits a whole row lower (or higher) than the
    name at the left; rows are still found after undoing the tilt."""
    slope = math.tan(math.radians(angle))
    boxes = []
    for i, (name, amount) in enumerate([("Magnesium", "200 mg"), ("Calcium", "100 mg"),
                                        ("Zinc", "5 mg"), ("Copper", "1 mg")]):  # fmt: skip
        y = 40 + 26 * i
        boxes.append(box(name, 10, y, 200, angle=angle))
        boxes.append(box(amount, 420, y + 410 * slope, 70, angle=angle))
    assert tilt_degrees(boxes) == pytest.approx(angle, abs=0.5)
    assert _texts(group_rows(boxes)) == ["Magnesium 200 mg", "Calcium 100 mg", "Zinc 5 mg",
                                         "Copper 1 mg"]  # fmt: skip


@pytest.mark.parametrize("angle", [-5.0, 5.0])
def test_a_bent_page_is_followed_by_the_local_tilt(angle: float) -> None:
    """A page bent around a bottle: the top table runs at `angle`, the bottom one level, so the
    page's median tilt is level. Each row runs on along the tilt of its own boxes (the long
    names), and a short box takes the tilt of the long ones around it."""
    slope = math.tan(math.radians(angle))
    boxes = []
    for i, (name, width, amount) in enumerate([("Energy", 200, "257kJ"), ("Fat", 40, "0.5g"),
                                               ("Carbohydrate", 200, "15g")]):  # fmt: skip
        y = 40 + 26 * i
        boxes.append(box(name, 10, y, width, angle=angle))
        boxes.append(box(amount, 420, y + 410 * slope, 50, angle=angle))
    level = ["Fibre", "Protein", "Salt", "Sugars", "Starch", "Sodium"]
    for i, name in enumerate(level):
        y = 200 + 26 * i
        boxes.append(box(name, 10, y, 200))
        boxes.append(box(f"{i + 1}.0g", 420, y, 50))
    assert tilt_degrees(boxes) == pytest.approx(0.0, abs=0.5)
    assert _texts(group_rows(boxes)) == [
        "Energy 257kJ",
        "Fat 0.5g",
        "Carbohydrate 15g",
        *[f"{name} {i + 1}.0g" for i, name in enumerate(level)],
    ]


def test_curved_rows_are_chained_box_to_box() -> None:
    """Around a bottle a row bends; each box joins the row of its left neighbour."""
    boxes = []
    for i, name in enumerate(["Magnesium", "Calcium", "Zinc"]):
        y = 40 + 24 * i
        for j, word in enumerate([name, "(as", "citrate)", "100", "mg", "25%"]):
            x = 10 + 70 * j
            bend = 0.00012 * (x - 220) ** 2  # rows sag by up to ~6 px at the ends
            boxes.append(box(word, x, y + bend, 60, h=18))
    assert _texts(group_rows(boxes)) == [
        "Magnesium (as citrate) 100 mg 25%",
        "Calcium (as citrate) 100 mg 25%",
        "Zinc (as citrate) 100 mg 25%",
    ]


def test_amounts_across_a_wide_gap_on_a_label_sagging_in_the_middle() -> None:
    """A tall label bent around a bottle, its rows sagging in the middle: the names at the left
    run down to the right, the amounts at the right run up, and the names wrap over three
    lines set close. Carried across the gap at the names' slope, every amount lands a row
    low, on the wrapped line under its name; at the slope the long boxes show where each end
    of the gap lies, it stays on its name's line."""
    sag, middle = 0.0003, 260.0

    def on_curve(text: str, x: float, base: float, w: float) -> TextBox:
        mid = x + w / 2
        angle = math.degrees(math.atan(-2 * sag * (mid - middle)))
        return box(text, x, base - sag * (x - middle) ** 2, w, angle=angle)

    boxes, expected = [], []
    for i, name in enumerate(["Vitamin D", "Vitamin E", "Calcium", "Iodine", "Magnesium",
                              "Zinc", "Selenium", "Copper", "Chromium"]):  # fmt: skip
        y = 40 + 66 * i
        # Every other amount is long enough to show its own slope.
        amount, width = (f"{10 + i} mg (1,000 IU) {20 + i}%", 150) if i % 2 == 0 else (
            f"{10 + i} mg {20 + i}%", 55)  # fmt: skip
        boxes += [
            on_curve(f"{name} (as", 10, y, 120),
            on_curve(amount, 290, y, width),
            on_curve("tocopheryl", 18, y + 22, 95),
            on_curve("acetate)", 18, y + 44, 70),
        ]
        expected += [f"{name} (as {amount}", "tocopheryl", "acetate)"]
    assert _texts(group_rows(boxes)) == expected


def test_side_by_side_rows_are_cut_at_wide_gaps_after_an_amount() -> None:
    row = [box("Calories 120", 10, 10, 100), box("Fat Cal. 10", 200, 10, 90)]
    assert [[b.text for b in s] for s in split_side_by_side(row, em=20)] == [
        ["Calories 120"],
        ["Fat Cal. 10"],
    ]
    # A name and its amount are not cut, however wide the gap.
    row = [box("Magnesium (as oxide)", 10, 10, 150), box("250 mg 60%", 400, 10, 90)]
    assert len(split_side_by_side(row, em=20)) == 1


def test_large_heading_stands_alone() -> None:
    boxes = [
        box("Facts", 10, 30, 120, h=60),
        box("Total Fat 8g 10%", 150, 40, 160),
        box("Sodium 160mg 7%", 150, 70, 160),
    ]
    assert _texts(group_rows(boxes)) == ["Facts", "Total Fat 8g 10%", "Sodium 160mg 7%"]


def test_calories_in_large_type_join_their_row() -> None:
    # Nutrition Facts since 2016: "Calories" in bold and the number in larger type beside it,
    # both on one baseline; measured on a real panel, the number is twice the usual height.
    boxes = [
        box("Amount per serving", 10, 10, 220, h=26),
        box("Calories", 10, 40, 186, h=39),
        box("220", 290, 30, 116, h=53),
        box("% Daily Value*", 258, 96, 146, h=25),
        box("Total Fat 12g 15%", 10, 126, 300, h=25),
    ]
    assert _texts(group_rows(boxes)) == [
        "Amount per serving",
        "Calories 220",
        "% Daily Value*",
        "Total Fat 12g 15%",
    ]


def test_lines_carry_boxes_in_the_photo_pixels() -> None:
    """The engine read a crop at (100, 50), scaled 2x: boxes map back to the photo."""
    lines = to_lines([box("Magnesium 200 mg", 20, 40, 200)], scale=2.0, offset=(100.0, 50.0))
    assert lines[0].bbox == (110, 70, 100, 10)


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_unrotate_bbox_inverts_numpy_rot90(turns: int) -> None:
    import numpy as np

    width, height = 40, 30
    image = np.zeros((height, width), np.uint8)
    image[5:9, 10:20] = 1  # a 10 x 4 box at (10, 5)
    turned = np.rot90(image, turns)
    ys, xs = np.nonzero(turned)
    seen = (
        int(xs.min()),
        int(ys.min()),
        int(xs.max() - xs.min() + 1),
        int(ys.max() - ys.min() + 1),
    )
    assert unrotate_bbox(seen, turns, width, height) == (10, 5, 10, 4)


def test_seals_side_by_side_are_read_one_stack_at_a_time() -> None:
    boxes = [
        box("Produced in an NSF GMP", 100, 850, 260),
        box("registered facility.", 100, 880, 220),
        box("USP", 106, 915, 67, h=36),
        box("NSF", 214, 911, 67, h=36),
        box("VERIFIED", 111, 943, 59, h=21),
        box("CERTIFIED", 217, 940, 63, h=18),
    ]
    assert _texts(group_rows(boxes))[-2:] == ["USP NSF", "VERIFIED CERTIFIED"]
    blocks = stacked_blocks(boxes)
    assert "USP VERIFIED" in blocks
    assert "NSF CERTIFIED" in blocks


def test_a_lone_letter_after_an_amount_is_a_mark_not_a_new_row() -> None:
    # "†" read as "t" after the first amount column stays in the row.
    row = [box("Magnesium", 10, 10, 120), box("350 mg", 300, 10, 60), box("t", 420, 10, 10)]
    row.append(box("700 mg", 600, 10, 60))
    assert len(split_side_by_side(row, em=20)) == 1


def test_a_table_in_two_halves_is_read_one_half_after_the_other() -> None:
    """Names wrapped onto a second line stay under their own row, not the row beside it."""
    boxes = [box("Supplement Facts", 10, 0, 500, h=30)]
    left = [("Vitamin D (as", "25 mcg 125%", "cholecalciferol)"), ("Zinc (as", "11 mg 100%",
            "zinc citrate)"), ("Iron (as", "8 mg 44%", "ferrous fumarate)")]  # fmt: skip
    right = [("Biotin (as", "30 mcg 100%", "d-biotin)"), ("Copper (as", "2 mg 222%",
             "copper gluconate)"), ("Boron (as", "3 mg", "boron citrate)")]  # fmt: skip
    for i, ((ln, la, lw), (rn, ra, rw)) in enumerate(zip(left, right, strict=True)):
        y = 40 + 50 * i
        boxes += [box(ln, 10, y, 100), box(la, 130, y, 90), box(lw, 16, y + 24, 110)]
        boxes += [box(rn, 232, y, 100), box(ra, 352, y, 90), box(rw, 238, y + 24, 110)]
    boxes.append(box("* Percent Daily Values are based on a 2,000 calorie diet.", 10, 200, 440))
    lines = to_lines(boxes)
    assert [ln.text for ln in lines] == [
        "Supplement Facts",
        "Vitamin D (as 25 mcg 125%", "cholecalciferol)",
        "Zinc (as 11 mg 100%", "zinc citrate)",
        "Iron (as 8 mg 44%", "ferrous fumarate)",
        "Biotin (as 30 mcg 100%", "d-biotin)",
        "Copper (as 2 mg 222%", "copper gluconate)",
        "Boron (as 3 mg", "boron citrate)",
        "* Percent Daily Values are based on a 2,000 calorie diet.",
    ]  # fmt: skip
    # Indentation is counted from each half's own margin.
    assert lines[7].indent == 0 and lines[8].indent == 0


def test_word_boxes_of_one_table_are_not_taken_for_two_halves() -> None:
    """Tesseract boxes words: the units after the amounts stand in a straight column, but a
    unit is no name."""
    boxes = []
    for i, name in enumerate(["Magnesium", "Calcium", "Zinc", "Copper"]):
        y = 40 + 30 * i
        boxes += [box(name, 10, y, 100), box("100", 200, y, 36), box("mg", 245, y, 24)]
        boxes += [box("24%", 300, y, 36)]
    texts = [ln.text for ln in to_lines(boxes)]
    assert texts == ["Magnesium 100 mg 24%", "Calcium 100 mg 24%", "Zinc 100 mg 24%",
                     "Copper 100 mg 24%"]  # fmt: skip


def test_halves_are_found_by_a_repeated_column_heading() -> None:
    """The right half's rows sit between the left half's (no row shows both halves), and its
    amounts end with units: the heading printed twice on one row marks the halves."""
    boxes = [box("Supplement Facts", 10, 0, 500, h=30)]
    boxes += [box("Amount Per Serving", 10, 40, 120), box("% Daily Value", 150, 40, 70)]
    boxes += [box("Amount Per Serving", 250, 40, 120), box("% Daily Value", 390, 40, 70)]
    left = [("Magnesium (as", "288 mg 72%"), ("L-threonate)", ""), ("Melatonin", "5 mg")]
    right = [("Night Time Blend", "300 mg"), ("Chamomile flower extract", "100 mg"),
             ("Valerian root extract", "75 mg")]  # fmt: skip
    for i, ((ln, la), (rn, ra)) in enumerate(zip(left, right, strict=True)):
        boxes += [box(ln, 10, 70 + 26 * i, 100)] + ([box(la, 130, 70 + 26 * i, 80)] if la else [])
        boxes += [box(rn, 250, 83 + 26 * i, 110), box(ra, 380, 83 + 26 * i, 50)]
    boxes.append(box("† Daily Value not established.", 10, 160, 300))
    assert [ln.text for ln in to_lines(boxes)] == [
        "Supplement Facts",
        "Amount Per Serving % Daily Value",
        "Magnesium (as 288 mg 72%", "L-threonate)", "Melatonin 5 mg",
        "Amount Per Serving % Daily Value",
        "Night Time Blend 300 mg", "Chamomile flower extract 100 mg", "Valerian root extract 75 mg",
        "† Daily Value not established.",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "heading",
    [
        # The second heading boxed with the %DV heading after it, or before it, or the whole
        # heading row as one box: the repeat is placed by its share of the box's characters.
        [("Amount Per Serving", 10, 120), ("% Daily Value", 140, 70),
         ("Amount Per Serving % Daily Value", 250, 210)],
        [("Amount Per Serving", 10, 120), ("% Daily Value Amount Per Serving", 140, 230),
         ("% Daily Value", 390, 70)],
        [("Amount Per Serving % Daily Value Amount Per Serving % Daily Value", 10, 450)],
    ],
)  # fmt: skip
def test_a_repeated_heading_boxed_with_its_neighbour_still_marks_the_halves(
    heading: list[tuple[str, float, float]],
) -> None:
    """No row shows both halves' names, so only the heading can tell; the title above it
    (its second word past the gutter) stays whole and first."""
    boxes = [box("Supplement", 10, 0, 245, h=30), box("Facts", 262, 0, 110, h=30)]
    boxes += [box("Serving Size 1 Capsule", 10, 34, 150)]
    boxes += [box(text, x, 62, w) for text, x, w in heading]
    left = [("Magnesium (as", "72 mg 17%"), ("L-threonate)", ""), ("Melatonin", "5 mg")]
    right = [("Proprietary", "450 mg"), ("Blend: Chamomile flower", ""), ("Passionflower", "")]
    for i, ((ln, la), (rn, ra)) in enumerate(zip(left, right, strict=True)):
        y = 92 + 26 * i
        boxes += [box(ln, 10, y, 100)] + ([box(la, 130, y + 1, 80)] if la else [])
        boxes += [box(rn, 258, y + 13, 110)] + ([box(ra, 380, y + 13, 50)] if ra else [])
    texts = [ln.text for ln in to_lines(boxes)]
    # The heading's halves go with their own halves, wherever the detector cut it.
    assert texts[2].startswith("Amount Per Serving")
    assert [t for t in texts if "Daily Value" not in t] == [
        "Supplement Facts", "Serving Size 1 Capsule",
        "Magnesium (as 72 mg 17%", "L-threonate)", "Melatonin 5 mg",
        "Proprietary 450 mg", "Blend: Chamomile flower", "Passionflower",
    ]  # fmt: skip


def test_halves_are_found_after_amounts_that_end_with_a_unit_or_a_mark() -> None:
    """'1,000 mg', '5 mg 294%' and '1 mg' then a dagger read as 't' all end an amount cell."""
    boxes = []
    left = [("Magnesium L-Threonate", "1,000 mg †"), ("Vitamin B6", "5 mg 294%"),
            ("Melatonin", "1 mg")]  # fmt: skip
    right = ["Sleep Support Blend 250 mg", "Valerian root extract", "GABA"]
    for i, ((name, amount), other) in enumerate(zip(left, right, strict=True)):
        y = 40 + 26 * i
        boxes += [box(name, 10, y, 120), box(amount, 140, y, 70), box(other, 240, y, 160)]
    boxes.insert(-1, box("t", 214, 92, 8))
    assert [ln.text for ln in to_lines(boxes)] == [
        "Magnesium L-Threonate 1,000 mg †", "Vitamin B6 5 mg 294%", "Melatonin 1 mg t",
        "Sleep Support Blend 250 mg", "Valerian root extract", "GABA",
    ]  # fmt: skip


def test_two_different_amount_headings_are_two_columns_of_one_table() -> None:
    """'Amount Per Serving' and 'Amount Per 100 g' head two amount columns, not two halves:
    each row stays whole."""
    boxes = [box("Amount Per Serving", 150, 10, 110), box("Amount Per 100 g", 300, 10, 100)]
    for i, (name, a, b) in enumerate([("Protein", "5.9 g", "15.8 g"), ("Fat", "9.8 g", "26 g"),
                                      ("Sodium", "9 mg", "23 mg")]):  # fmt: skip
        y = 40 + 26 * i
        boxes += [box(name, 10, y, 80), box(a, 160, y, 50), box(b, 310, y, 50)]
    assert [ln.text for ln in to_lines(boxes)] == [
        "Amount Per Serving Amount Per 100 g", "Protein 5.9 g 15.8 g", "Fat 9.8 g 26 g",
        "Sodium 9 mg 23 mg",
    ]  # fmt: skip


def test_a_left_half_cell_pushed_over_the_gutter_by_perspective_stays_left() -> None:
    """Perspective widens the lower rows: the left half's last %DV is centred right of the
    gutter (drawn from the heading above), but it starts left of it."""
    boxes = [box("Amount Per Serving", 10, 10, 120), box("% DV", 150, 10, 40)]
    boxes += [box("Amount Per Serving", 240, 10, 120), box("% DV", 380, 10, 40)]
    boxes += [box("Zinc", 10, 40, 60), box("15 mg", 140, 40, 40), box("100%", 185, 40, 40)]
    boxes += [box("Copper", 240, 40, 60), box("2 mg", 360, 40, 40), box("100%", 405, 40, 40)]
    # The gutter is at 230; "250%" spans 215-255.
    boxes += [box("Pantothenic Acid", 12, 66, 110), box("25 mg", 165, 66, 40)]
    boxes += [box("250%", 215, 66, 40)]
    boxes += [box("Chromium", 270, 66, 70), box("35 mcg", 380, 66, 50), box("29%", 435, 66, 30)]
    assert [ln.text for ln in to_lines(boxes)] == [
        "Amount Per Serving % DV", "Zinc 15 mg 100%", "Pantothenic Acid 25 mg 250%",
        "Amount Per Serving % DV", "Copper 2 mg 100%", "Chromium 35 mcg 29%",
    ]  # fmt: skip


def test_a_tilted_table_in_two_halves_keeps_its_lower_right_names_right() -> None:
    """On a photo turned by 6 degrees the right half's name column runs 30 px to the left from
    its heading down to its last rows, past the gutter its heading shows: read with the tilt
    undone, every right-half row stays in the right half."""
    angle = 6.0
    a = math.radians(angle)

    def turned(text: str, x: float, y: float, w: float) -> TextBox:
        return box(text, x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a), w,
                   angle=angle)  # fmt: skip

    boxes = [turned("Amount Per Serving", 10, 40, 120), turned("% Daily Value", 150, 40, 70)]
    boxes += [turned("Amount Per Serving", 250, 40, 120), turned("% Daily Value", 390, 40, 70)]
    left = [f"Left {n}" for n in "ABCDEFGHIJ"]
    right = [f"Right {n}" for n in "ABCDEFGHIJ"]
    for i, (ln, rn) in enumerate(zip(left, right, strict=True)):
        y = 70 + 26 * i
        boxes += [turned(ln, 10, y, 90), turned(f"{i + 1} mg", 140, y, 45)]
        boxes += [turned(rn, 250, y, 90), turned(f"{i + 11} mg", 380, y, 45)]
    lines = [ln.text for ln in to_lines(boxes)]
    heading = "Amount Per Serving % Daily Value"
    assert lines == [
        heading, *(f"{n} {i + 1} mg" for i, n in enumerate(left)),
        heading, *(f"{n} {i + 11} mg" for i, n in enumerate(right)),
    ]  # fmt: skip


def test_a_second_amount_goes_to_the_row_with_the_first_not_to_a_wrapped_name() -> None:
    """Tight leading: the 5-HTP row's second amount sits half a line high, overlapping the
    wrapped "aerial parts" a little more than its own row; its own row's first amount stands
    just before it, the wrapped name far to the left."""
    boxes = [box("Passionflower", 0, 0, 100), box("50 mg", 200, 0, 40), box("100 mg", 320, 0, 45)]
    boxes += [box("aerial parts", 10, 20, 80)]
    boxes += [box("5-HTP", 0, 40, 50), box("25 mg", 200, 40, 40), box("50 mg", 320, 29, 40)]
    assert [ln.text for ln in to_lines(boxes)] == [
        "Passionflower 50 mg 100 mg", "aerial parts", "5-HTP 25 mg 50 mg",
    ]  # fmt: skip


def test_the_cells_of_a_column_take_their_rows_together() -> None:
    # A bent panel (a real EU label photo): the amount column sits lower than the names, by
    # half a line at "<0.5g". "<0.5g" starts a few pixels further left than "2.3g", so, taken
    # one by one by their left edges, it took "Carbohydrate" first (overlap 0.54), and "2.3g",
    # which fits nothing else, was left on a line of its own. Given together, each cell takes
    # the row it fits best.
    boxes = [
        box("Carbohydrate", 10, 100, 200, 50),
        box("of which sugars", 10, 150, 240, 50),
        box("<0.5g", 400, 123, 60, 50),
        box("2.3g", 404, 102, 56, 50),
    ]
    assert _texts(group_rows(boxes)) == ["Carbohydrate 2.3g", "of which sugars <0.5g"]


def test_a_box_that_starts_after_a_short_one_ends_follows_it_on_its_line() -> None:
    # "5" and "mg" boxed apart start within a text height of each other; "mg" starts after
    # "5" ends, so it is no cell of the same column but the next word of the line.
    boxes = [box("Zinc", 10, 40, 60), box("5", 300, 40, 12), box("mg", 316, 40, 30)]
    assert _texts(group_rows(boxes)) == ["Zinc 5 mg"]


def test_amounts_far_across_from_every_long_box_take_the_pages_slope() -> None:
    """A label bent around a bottle, photographed so that its lower rows bend more: the names
    at the left run down to the right, ever more steeply lower down, while the amount column
    at the right lies level. The long boxes in a lower row's band are all names, so their
    slope, carried across the gap, missed the amount's row (on a synthetic photo, it put
    each a line up, beside the wrapped form of the row above). The slope fitted to the whole
    page's long boxes (the names, and the long amounts of the upper rows) keeps it level."""
    column = 330.0

    def on_curve(text: str, x: float, base: float, w: float, bend: float) -> TextBox:
        def centre(at: float) -> float:
            return base + bend * (1 - ((at - column) / column) ** 2) * 40

        mid = x + w / 2
        slope = bend * -2 * (mid - column) / column**2 * 40
        return box(text, x, centre(x), w, angle=math.degrees(math.atan(slope)))

    boxes, expected = [], []
    for i, name in enumerate(["Vitamin A", "Vitamin C", "Vitamin D", "Vitamin E", "Calcium",
                              "Iodine", "Magnesium", "Zinc", "Selenium", "Copper"]):  # fmt: skip
        y, bend = 40 + 66 * i, 0.12 * i
        amount, width = (f"{10 + i} mcg (400 IU)", 150) if i < 3 else (f"{10 + i} mg", 45)
        boxes += [
            on_curve(f"{name} (as", 10, y, 120, bend),
            on_curve(amount, column - width / 2, y, width, bend),
            on_curve(f"{20 + i}%", 420, y, 40, bend),
            on_curve("magnesium", 18, y + 22, 95, bend),
            on_curve("citrate)", 18, y + 44, 70, bend),
        ]
        expected += [f"{name} (as {amount} {20 + i}%", "magnesium", "citrate)"]
    assert _texts(group_rows(boxes)) == expected

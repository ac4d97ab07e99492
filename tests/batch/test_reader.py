"""Product CSV reading: layouts, encodings, delimiters, quoting, headers, broken rows, caps."""

from __future__ import annotations

import gc
import io
import weakref

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.batch.reader import CsvFormatError, CsvLimits, ProductInput, parse_amount, read_products

LONG_HEADER = "product_id,product_name,brand,upc,ingredient,forms,amount,unit,dv_percent"
LONG = f"""{LONG_HEADER}
p1,Calm Mag,Acme,0123,Magnesium,magnesium glycinate,200,mg,48
p1,Calm Mag,Acme,0123,Vitamin B6,pyridoxine HCl,2,mg,118
p2,Oxide,Acme,,Magnesium,magnesium oxide,400,mg,95
"""
WIDE = """product_id,product_name,brand,label_text
w1,Glycinate,Acme,"Supplement Facts
Magnesium (as magnesium glycinate) 200 mg 48%"
w2,Oxide,Acme,Supplement Facts | Magnesium (as magnesium oxide) 400 mg 95%
"""


def read(data: str | bytes, limits: CsvLimits | None = None) -> list[ProductInput]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return list(read_products(io.BytesIO(raw), limits=limits))


def test_long_layout_groups_contiguous_rows_into_products() -> None:
    products = read(LONG)
    assert [(p.seq, p.product_id, p.rows, p.line) for p in products] == [
        (0, "p1", 2, 2),
        (1, "p2", 1, 4),
    ]
    first = products[0]
    assert (first.name, first.brand, first.upc) == ("Calm Mag", "Acme", "0123")
    assert [r.name for r in first.ingredients] == ["Magnesium", "Vitamin B6"]
    assert first.ingredients[0].forms == ("magnesium glycinate",)
    assert first.ingredients[0].amount == 200.0
    assert first.ingredients[0].dv_percent == 48.0
    assert first.error is None and first.label_text is None


def test_wide_layout_one_record_per_product_with_quoted_newlines() -> None:
    products = read(WIDE)
    assert [p.product_id for p in products] == ["w1", "w2"]
    assert products[0].label_text is not None
    assert products[0].label_text.splitlines()[1].startswith("Magnesium (as magnesium glycinate)")
    # The quoted field spans two physical lines: the next product starts on line 4.
    assert [p.line for p in products] == [2, 4]


def test_dsld_header_aliases_are_accepted() -> None:
    header = (
        "source,dsld_id,brand,product,physical_state,serving_size,upc,row,ingredient,forms,"
        "amount,operator,unit,dv_percent,parent_blend,notes"
    )
    data = (
        f"{header}\n"
        "x.json,1027,GNC,Zinc Lozenges,Lozenge,2 Lozenge(s),,1,Zinc,zinc oxide,20.0,,mg,133.0,,\n"
        "x.json,1027,GNC,Zinc Lozenges,Lozenge,2 Lozenge(s),,2,Blend member,unspecified,0.0,,NP,"
        "0.0,Proprietary Blend,\n"
    )
    [product] = read(data)
    assert (product.product_id, product.name, product.serving_size) == (
        "1027",
        "Zinc Lozenges",
        "2 Lozenge(s)",
    )
    assert product.ingredients[1].blend == "Proprietary Blend"
    assert product.ingredients[1].unit == "NP"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252"])
def test_encodings(encoding: str) -> None:
    data = LONG.replace("Calm Mag", "Calmé Mag").encode(encoding)
    products = read(data)
    assert products[0].name == "Calmé Mag"
    assert products[0].product_id == "p1"  # a BOM does not stick to the first header name


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_sniffed_from_the_header(delimiter: str) -> None:
    data = LONG.replace(",", delimiter)
    products = read(data)
    assert [p.product_id for p in products] == ["p1", "p2"]
    assert products[1].ingredients[0].amount == 400.0


def test_semicolon_file_with_decimal_commas_and_commas_in_names() -> None:
    data = (
        "product_id;ingredient;forms;amount;unit\n"
        "p1;Magnesium;magnesium citrate, malate;37,5;mg\n"
        "p1;Calcium;calcium carbonate;1,000;mg\n"
    )
    [product] = read(data)
    assert [r.amount for r in product.ingredients] == [37.5, 1000.0]
    assert product.ingredients[0].forms == ("magnesium citrate, malate",)


def test_blank_lines_and_repeated_headers_are_skipped() -> None:
    body = LONG.splitlines()
    data = "\n\n" + "\n".join([body[0], "", body[1], ",,,,,,,,", body[0].upper(), *body[2:]])
    products = read(data + "\n")
    assert [(p.product_id, p.rows) for p in products] == [("p1", 2), ("p2", 1)]
    assert all(p.error is None for p in products)


def test_broken_rows_error_their_product_only() -> None:
    data = (
        f"{LONG_HEADER}\n"
        "p1,A,,,Magnesium,magnesium oxide,abc,mg,\n"
        "p1,A,,,Zinc,zinc oxide,10,mg,\n"
        ",B,,,Magnesium,magnesium oxide,100,mg,\n"
        "p3,C,,,Magnesium,magnesium oxide,nan,mg,\n"
        "p4,D,,,Magnesium,magnesium oxide,250,mg,60\n"
    )
    products = read(data)
    assert [p.product_id for p in products] == ["p1", None, "p3", "p4"]
    assert products[0].error is not None and "line 2: amount 'abc'" in products[0].error
    assert products[1].error is not None and "missing product id" in products[1].error
    assert products[2].error is not None and "'nan' is not a number" in products[2].error
    assert products[3].error is None


def test_a_reappearing_id_is_a_split_product_error() -> None:
    data = (
        f"{LONG_HEADER}\n"
        "p1,A,,,Magnesium,magnesium oxide,100,mg,\n"
        "p2,B,,,Magnesium,magnesium oxide,100,mg,\n"
        "p1,A,,,Zinc,zinc oxide,10,mg,\n"
    )
    products = read(data)
    assert [p.product_id for p in products] == ["p1", "p2", "p1"]
    assert products[0].error is None and products[1].error is None
    assert products[2].error is not None and products[2].error.startswith("split_product")
    assert "line 2" in products[2].error


def test_wide_layout_missing_id_and_bad_servings() -> None:
    data = (
        "product_id,label_text,servings_per_day\n"
        ",Magnesium 100 mg,\n"
        "w2,Magnesium 100 mg,40\n"
        "w3,Magnesium 100 mg,2\n"
    )
    products = read(data)
    assert products[0].error == "missing product id"
    assert products[1].error is not None and "servings_per_day 40" in products[1].error
    assert products[2].error is None and products[2].servings_per_day == 2.0


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "no_header"),
        (b"\n\n", "no_header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_text"),
        (b"\xff\xfep\x00r\x00o\x00", "not_text"),
        (b"a,b,c\n1,2,3\n", "unknown_layout"),
        (b"product_id,label_text\nw1,ok\n\x00\x01binary tail\n", "not_text"),
        (b"product_id,label_text\rw1,CR-only line endings\r", "malformed"),
    ],
)
def test_whole_file_problems(data: bytes, code: str) -> None:
    with pytest.raises(CsvFormatError) as err:
        read(data)
    assert err.value.code == code
    assert err.value.message


def test_caps() -> None:
    wide = "product_id,label_text\n" + "".join(f"w{i},Magnesium 100 mg\n" for i in range(10))
    with pytest.raises(CsvFormatError) as rows:
        read(wide, CsvLimits(max_rows=5))
    assert rows.value.code == "too_many_rows"
    with pytest.raises(CsvFormatError) as size:
        read(wide, CsvLimits(max_bytes=100))
    assert size.value.code == "too_large"
    with pytest.raises(CsvFormatError) as cols:
        read(
            "product_id,label_text," + ",".join(f"c{i}" for i in range(50)),
            CsvLimits(max_columns=20),
        )
    assert cols.value.code == "too_many_columns"
    big = 'product_id,label_text\nw1,"' + "x" * 5000 + '"\n'
    with pytest.raises(CsvFormatError) as field:
        read(big, CsvLimits(max_field_chars=1000))
    assert field.value.code == "field_too_large"
    # An unclosed quote swallows the rest of the file into one field: the field cap stops it.
    unclosed = 'product_id,label_text\nw1,"never closed\n' + "more text\n" * 500
    with pytest.raises(CsvFormatError) as open_quote:
        read(unclosed, CsvLimits(max_field_chars=1000))
    assert open_quote.value.code == "field_too_large"
    with pytest.raises(CsvFormatError) as line:
        read("product_id,label_text\nw1," + "y" * 300 + "\n", CsvLimits(max_line_bytes=200))
    assert line.value.code == "line_too_long"
    # Within the caps the same files read.
    assert len(read(wide, CsvLimits(max_rows=10, max_bytes=len(wide)))) == 10


def test_a_header_too_long_for_the_field_cap_under_a_wrong_delimiter_still_reads() -> None:
    # Split on ";" the header is one 60-character field: the sniffer must not fail on that.
    header = "product_id,ingredient,amount,unit,forms,dv_percent,operator"
    [product] = read(f"{header}\np1,Zinc,10,mg,,,\n", CsvLimits(max_field_chars=50))
    assert product.ingredients[0].name == "Zinc"


def test_rows_beyond_the_per_product_cap_are_counted_not_kept() -> None:
    rows = "".join(f"p1,A,,,Ingredient {i},,1,mg,\n" for i in range(30))
    [product] = read(f"{LONG_HEADER}\n{rows}", CsvLimits(max_product_rows=10))
    assert product.rows == 30 and len(product.ingredients) == 10
    assert product.error is not None and "20 not read" in product.error


def test_parse_amount() -> None:
    assert parse_amount("1,000") == 1000.0
    assert parse_amount("37,5") == 37.5
    assert parse_amount(" 48% ") == 48.0
    for bad in ("abc", "inf", "-5", "1,2,3", ""):
        with pytest.raises(ValueError):
            parse_amount(bad)


@pytest.mark.parametrize(
    "cell",
    ["12", " 12.5 ", "0", "-0", "1e3", "1_000", "1,000", "37,5", "48%", "", " ", "abc", "inf",
     "-inf", "nan", "-5", "1,2,3"],
)  # fmt: skip
def test_amount_and_dv_cells_read_as_parse_amount_reads_them(cell: str) -> None:
    """A row's numbers: blank is None, else what parse_amount gives, or the product's error."""
    product = read(f'{LONG_HEADER}\np1,A,,,Magnesium,,"{cell}",mg,"{cell}"\n')[0]
    try:
        expected = None if not cell.strip() else parse_amount(cell)
    except ValueError:
        assert product.error is not None and f"amount {cell!r} is not a number" in product.error
        return
    assert product.error is None
    assert (product.ingredients[0].amount, product.ingredients[0].dv_percent) == (expected,) * 2


_ids = st.lists(st.sampled_from(["a", "b", "c", ""]), min_size=0, max_size=40)


@settings(max_examples=60, deadline=None)
@given(ids=_ids, bad=st.lists(st.booleans(), min_size=40, max_size=40))
def test_one_product_per_contiguous_run_or_idless_row(ids: list[str], bad: list[bool]) -> None:
    """Nothing is lost: every record lands in exactly one product, in file order."""
    lines = [
        f"{pid},N,,,Magnesium,magnesium oxide,{'x' if broken else '100'},mg,"
        for pid, broken in zip(ids, bad, strict=False)
    ]
    products = read("\n".join([LONG_HEADER, *lines]) + "\n")
    expected = 0
    previous: str | None = None
    for pid in ids:
        if pid == "" or pid != previous:
            expected += 1
        previous = pid or None
    assert len(products) == expected
    assert sum(p.rows for p in products) == len(ids)
    assert [p.seq for p in products] == list(range(expected))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_products_or_a_csv_format_error(data: bytes) -> None:
    try:
        products = read(b"product_id,ingredient,amount,unit\n" + data)
    except CsvFormatError as exc:
        assert exc.code
        return
    assert all(isinstance(p, ProductInput) for p in products)


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_a_reader_dropped_mid_file_is_freed_without_the_collector(layout: str) -> None:
    """A chunk of a job stops reading mid-file: its reader, the product it was collecting and
    the ids it remembers go as soon as the reader is dropped, with no cycle to wait for."""
    data = (LONG + "".join(f"p{i},X,,,Zinc,,{i},mg,\n" for i in range(3, 500))).encode()
    if layout == "wide":
        data = WIDE.encode()
    gc.collect()
    gc.disable()  # as in a worker between its rare full collections
    try:
        reader = read_products(io.BytesIO(data))
        next(reader)
        dropped = weakref.ref(reader)
        del reader
        assert dropped() is None
    finally:
        gc.enable()

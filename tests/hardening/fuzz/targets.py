"""What each fuzzer checks, as plain functions: the atheris harnesses call them with mutated
inputs, and the corpus replay test calls them with the saved ones.

A target returns normally for any input it handles as documented, and raises (any other
exception, or an AssertionError from a broken invariant) for a bug."""

from __future__ import annotations

import io
import json
import math

from app.batch.reader import CsvFormatError, CsvLimits, ProductInput, read_products
from catalog.label import read_text
from catalog.models import ScanResult

# Small caps keep each execution fast; the code paths they guard are the same.
FUZZ_CSV_LIMITS = CsvLimits(
    max_bytes=200_000,
    max_field_chars=20_000,
    max_columns=50,
    max_rows=2_000,
    max_line_bytes=64_000,
    max_product_rows=200,
)


def as_text(data: bytes) -> str:
    """Label text from fuzz bytes: UTF-8, anything invalid replaced (a text field or a file
    upload is decoded the same way before it reaches the parser)."""
    return data.decode("utf-8", errors="replace")


def check_label_text(data: bytes) -> None:
    """`catalog.label.read_text` takes any text: no exception, a result that survives its own
    JSON round trip (the API returns it), a score in range, nothing non-finite."""
    result = read_text(as_text(data))
    dumped = result.model_dump_json()
    again = ScanResult.model_validate_json(dumped)
    assert again.model_dump_json() == dumped, "the result does not survive a JSON round trip"
    body = json.loads(dumped)
    if result.score is not None:
        assert 0 <= result.score.value <= 100, result.score
    for ing in result.ingredients:
        for value in (ing.amount, ing.dv_percent, ing.elemental_mg, ing.compound_mg):
            assert value is None or math.isfinite(value), (ing.name, value)
    assert isinstance(body["ingredients"], list)


def check_product_csv(data: bytes) -> None:
    """`app.batch.reader.read_products` takes any bytes: it raises CsvFormatError (a whole-file
    problem) or yields products in file order, each either readable or carrying its error."""
    try:
        products: list[ProductInput] = []
        for product in read_products(io.BytesIO(data), limits=FUZZ_CSV_LIMITS):
            products.append(product)
    except CsvFormatError as exc:
        assert exc.code and exc.message, "a refusal names its code and says why"
        return
    for n, product in enumerate(products):
        assert product.seq == n, (product.seq, n)
        assert product.line >= 1 and product.rows >= 0, product
        if product.servings_per_day is not None:
            assert math.isfinite(product.servings_per_day), product
        for row in product.ingredients:
            assert row.amount is None or math.isfinite(row.amount), row

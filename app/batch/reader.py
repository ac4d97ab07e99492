"""Product CSV -> products, streamed with flat memory.

Both layouts of the scan contract are read, detected from the header: *wide* (one record per
product with its `label_text`) and *long* (one record per panel row, the NIH DSLD export shape,
grouped into products by id). The file is read line by line; only the current product is held.

What counts as a product in the long layout:
- each *contiguous* run of records with the same id is one product (the DSLD export groups a
  product's rows together);
- a record without an id is a product of its own, with an error (it cannot be joined to
  anything safely);
- an id that comes back after other products (within the last `RECENT_IDS` products) is a
  `split_product` error for the new run, which is not scored; the first run was scored. Ids seen
  further back are not remembered (flat memory), so such a run is scored as a separate product.

Encoding: UTF-8 with or without BOM; a line that is not UTF-8 is read as Windows-1252/Latin-1
(spreadsheet exports). Delimiter: `,`, `;` or tab, whichever makes the most known column names
of the header. Blank records and repeats of the header line are skipped.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import itertools
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal, NamedTuple, TypeVar

from catalog.structured import PanelRow

Layout = Literal["wide", "long"]
RECENT_IDS = 10_000
_BOM = b"\xef\xbb\xbf"
_DELIMITERS = (",", ";", "\t")
_ERRORS_SHOWN = 3
_HEAD_BYTES = 8192
# Control characters no text file has (tab, CR and LF excepted).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_T = TypeVar("_T")


@dataclass(frozen=True)
class CsvLimits:
    """Caps for hostile files; the defaults are generous for real catalogs."""

    max_bytes: int | None = None  # total input bytes (None: unlimited)
    max_field_chars: int = 100_000
    max_columns: int = 200
    max_rows: int | None = None  # CSV records, header excluded
    max_line_bytes: int = 4_000_000  # one physical line; bounds memory before csv sees it
    max_product_rows: int = 2_000  # records kept for one long-layout product


class CsvFormatError(ValueError):
    """The whole file is unusable: binary, no header, unknown layout, or a cap was hit."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# Not frozen: a frozen dataclass's __init__ costs three times as much (once per product of a
# batch), and nothing changes a product once it is read.
@dataclass(slots=True)
class ProductInput:
    seq: int  # 0-based index of the product in the file, in file order
    product_id: str | None
    line: int  # first physical line of the product (1-based)
    rows: int  # CSV records this product consumed
    name: str | None = None
    brand: str | None = None
    upc: str | None = None
    servings_per_day: float | None = None
    label_text: str | None = None  # wide layout
    ingredients: tuple[PanelRow, ...] = ()  # long layout
    other_ingredients: str | None = None
    marks: str | None = None
    error: str | None = None  # a broken product: it still yields exactly one output row
    serving_size: str | None = None
    offset: int = 0  # byte offset in the file where the product's first record starts
    split_from: int | None = None  # long layout: the earlier line of a repeated id


@dataclass(frozen=True)
class Resume:
    """Where and how to start reading mid-file at a product's first record: what the reader
    knew there when it read the file from the start. `splits` are the products (seq -> earlier
    line) whose id repeats one seen before `line`, which a reader started here cannot know."""

    offset: int
    line: int
    seq: int
    records: int  # CSV records before this point (for the row cap)
    header: tuple[str, ...]
    delimiter: str
    splits: Mapping[int, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "offset": self.offset, "line": self.line, "seq": self.seq, "records": self.records,
            "header": list(self.header), "delimiter": self.delimiter,
            "splits": {str(k): v for k, v in self.splits.items()},
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Resume:
        return cls(
            offset=int(data["offset"]), line=int(data["line"]), seq=int(data["seq"]),
            records=int(data["records"]), header=tuple(data["header"]),
            delimiter=str(data["delimiter"]),
            splits={int(k): int(v) for k, v in data.get("splits", {}).items()},
        )  # fmt: skip


# Header names (lower case, runs of space/punctuation as "_") -> field.
_ALIASES: dict[str, str] = {
    "product_id": "product_id", "dsld_id": "product_id", "id": "product_id",
    "productid": "product_id", "sku": "product_id",
    "product_name": "name", "product": "name", "name": "name", "full_name": "name",
    "brand": "brand", "brand_name": "brand", "manufacturer": "brand",
    "upc": "upc", "upc_sku": "upc", "barcode": "upc", "gtin": "upc", "ean": "upc",
    "servings_per_day": "servings_per_day",
    "label_text": "label_text", "label": "label_text", "panel_text": "label_text",
    "other_ingredients": "other_ingredients", "inactive_ingredients": "other_ingredients",
    "marks": "marks", "certifications": "marks", "seals": "marks",
    "serving_size": "serving_size",
    "ingredient": "ingredient", "ingredient_name": "ingredient",
    "forms": "forms", "form": "forms", "ingredient_forms": "forms",
    "amount": "amount", "quantity": "amount", "qty": "amount",
    "operator": "operator", "unit": "unit", "units": "unit",
    "dv_percent": "dv_percent", "dv": "dv_percent", "percent_dv": "dv_percent",
    "daily_value": "dv_percent", "dv_pct": "dv_percent",
    "parent_blend": "parent_blend", "blend": "parent_blend",
}  # fmt: skip
_HEADER_PUNCT = re.compile(r"[^a-z0-9]+")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def header_key(name: str) -> str:
    """ "Product ID", "product-id", "%DV" -> "product_id", "product_id", "dv"."""
    return _HEADER_PUNCT.sub("_", name.strip().lower()).strip("_")


def _field_map(header: list[str]) -> dict[str, int]:
    """Known field -> column index (the first column wins when two alias the same field)."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        field = _ALIASES.get(header_key(name))
        if field is not None and field not in found:
            found[field] = i
    return found


def _layout(fields: dict[str, int]) -> Layout | None:
    if "label_text" in fields:
        return "wide"
    if "ingredient" in fields and "amount" in fields:
        return "long"
    return None


class _Lines:
    """Decoded physical lines of a byte stream, counting bytes and enforcing the byte caps."""

    def __init__(self, stream: BinaryIO, limits: CsvLimits, resume: Resume | None = None) -> None:
        self._stream = stream
        self._limits = limits
        self.bytes_read = 0
        self.count = 0  # physical lines read
        self.head = b""
        self._buffer: io.BytesIO | None = None
        if resume is not None:  # the stream stands at resume.offset; the start was checked
            self.bytes_read = resume.offset
            self.count = resume.line - 1
            return
        # The start of the file is read ahead to recognise binary files before any parsing.
        self.head = stream.read(_HEAD_BYTES)
        self._buffer = io.BytesIO(self.head)
        if self.head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise CsvFormatError("not_text", "UTF-16 files are not accepted; save as UTF-8")
        if _CONTROL.search(self.head.decode("latin-1")):
            raise CsvFormatError("not_text", "the file is binary, not CSV text")
        if self.head.startswith(_BOM):
            self._buffer.seek(len(_BOM))
            self.bytes_read = len(_BOM)

    def _readline(self, cap: int) -> bytes:
        if self._buffer is None:
            return self._stream.readline(cap)
        raw = self._buffer.readline(cap)
        if raw.endswith(b"\n") or len(raw) >= cap:
            return raw
        self._buffer = None  # the read-ahead is used up (mid-line, maybe): go on from the stream
        return raw + self._stream.readline(cap - len(raw))

    def __iter__(self) -> Iterator[str]:
        """The lines from here on. A generator: the csv module resumes one far faster than it
        calls a `__next__` method, once per line of the file."""
        cap = self._limits.max_line_bytes
        limit = self._limits.max_bytes
        while True:
            raw = self._readline(cap + 1)
            if not raw:
                return
            self.bytes_read += len(raw)
            self.count += 1
            if len(raw) > cap:
                raise CsvFormatError("line_too_long", f"a line is longer than {cap:,} bytes")
            if limit is not None and self.bytes_read > limit:
                raise CsvFormatError("too_large", f"the file is larger than {limit:,} bytes")
            if b"\x00" in raw:
                raise CsvFormatError("not_text", "the file is binary, not CSV text")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    line = raw.decode("cp1252")
                except UnicodeDecodeError:  # five bytes cp1252 leaves undefined
                    line = raw.decode("latin-1")
            yield line


def _sniff_delimiter(line: str) -> str:
    """The candidate that splits the header into the most known names (then most columns)."""

    def rank(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:  # this delimiter makes no sense of the line (one huge field, a CR)
            return -1, 0
        return len(_field_map(cells)), len(cells)

    return max(_DELIMITERS, key=rank)


def _text(record: list[str], index: int | None) -> str | None:
    if index is None:
        return None
    return record[index].strip() or None


def parse_amount(text: str) -> float:
    """ "1,000" -> 1000.0, "37,5" -> 37.5, "48%" -> 48.0. Raises ValueError for anything that
    is not a finite number that is not negative."""
    try:
        number = float(text)  # the common case, fast
    except ValueError:
        value = text.strip().rstrip("%").strip()
        if _THOUSANDS.match(value):
            value = value.replace(",", "")
        elif value.count(",") == 1 and "." not in value:
            value = value.replace(",", ".")  # a decimal comma (";"-separated European files)
        number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(text)
    return number


def _number(record: list[str], index: int, what: str) -> float | None:
    text = record[index]
    try:
        number = float(text)  # `parse_amount`'s common case, without its call (twice a row)
    except ValueError:
        if not text or text.isspace():
            return None
        try:
            return parse_amount(text)
        except ValueError:
            raise _RecordError(f"{what} {text[:40]!r} is not a number") from None
    if number >= 0 and number != math.inf:  # what parse_amount accepts (NaN fails both)
        return number
    raise _RecordError(f"{what} {text[:40]!r} is not a number")


class _RecordError(ValueError):
    pass


def _joined(messages: list[str], extra: int) -> str:
    shown = "; ".join(messages[:_ERRORS_SHOWN])
    more = len(messages) - _ERRORS_SHOWN + extra
    return f"{shown}; and {more} more" if more > 0 else shown


@dataclass(slots=True)
class _Building:
    """The long-layout product being collected."""

    product_id: str
    line: int
    offset: int
    first: list[str]
    rows: list[PanelRow]
    records: int = 1
    errors: list[str] | None = None
    dropped: int = 0  # records beyond the per-product cap
    split_from: int | None = None  # line where this id was seen before


class ProductReader:
    """Iterator of `ProductInput`s; exposes what it has read so far for progress. The header is
    read (and a whole-file problem raised) when the reader is made."""

    def __init__(self, stream: BinaryIO, limits: CsvLimits, resume: Resume | None = None) -> None:
        self.limits = limits
        self._lines = _Lines(stream, limits, resume)
        records_before = 0  # CSV records before the first one read here (for the row cap)
        # The csv module's field cap is process-wide; every reader sets the one it needs.
        csv.field_size_limit(limits.max_field_chars)
        if resume is None:
            header_line = self._first_line()
            if header_line is None:
                raise CsvFormatError("no_header", "the file is empty")
            self.delimiter = _sniff_delimiter(header_line)
            self._reader = csv.reader(
                itertools.chain([header_line], self._lines), delimiter=self.delimiter
            )
            header = self._guard(lambda: next(self._reader))
            _check_columns(header, limits)
        else:
            self.delimiter = resume.delimiter
            self._reader = csv.reader(self._lines, delimiter=self.delimiter)
            header = list(resume.header)
            records_before = resume.records
        self.header = tuple(header)
        self.fields = _field_map(header)
        layout = _layout(self.fields)
        if layout is None:
            names = ", ".join(h.strip()[:40] for h in header[:8] if h.strip())
            raise CsvFormatError(
                "unknown_layout",
                "the header names neither a wide layout (product_id, label_text) nor a long "
                f"one (product_id, ingredient, amount, unit); it has: {names}",
            )
        self.layout: Layout = layout
        # The generators hold what they read from, never the reader itself: a reader dropped
        # mid-file (a chunk of a job) is freed at once, not left in a cycle for the collector.
        records = _records(self._reader, self._lines, limits, header, records_before)
        seq = resume.seq if resume else 0
        if layout == "wide":
            self._products = _wide(records, self.fields, seq)
        else:
            splits = resume.splits if resume else {}
            self._products = _long(records, self.fields, limits, len(header), seq, splits)

    @property
    def bytes_read(self) -> int:
        return self._lines.bytes_read

    def __iter__(self) -> Iterator[ProductInput]:
        return self

    def __next__(self) -> ProductInput:
        # `_guard` written out: this runs once per product.
        try:
            return next(self._products)
        except csv.Error as exc:
            raise self._format_error(exc) from None

    def _guard(self, step: Callable[[], _T]) -> _T:
        """Runs one reading step, turning the csv module's errors into CsvFormatError."""
        try:
            return step()
        except csv.Error as exc:
            raise self._format_error(exc) from None

    def _format_error(self, exc: csv.Error) -> CsvFormatError:
        line = self._lines.count
        if "field larger than field limit" in str(exc):
            return CsvFormatError(
                "field_too_large",
                f"a field is longer than {self.limits.max_field_chars:,} characters "
                f"(near line {line})",
            )
        if "new-line character" in str(exc):
            return CsvFormatError(
                "malformed",
                f"line {line}: a line break (CR) inside an unquoted field; files with "
                "CR-only line endings must be saved with LF or CRLF",
            )
        return CsvFormatError("malformed", f"line {line}: {exc}")

    def _first_line(self) -> str | None:
        for line in self._lines:
            if line.strip(" \t\r\n,;"):
                return line
        return None


def _check_columns(record: list[str], limits: CsvLimits) -> None:
    if len(record) > limits.max_columns:
        raise CsvFormatError(
            "too_many_columns",
            f"a record has {len(record)} columns; at most {limits.max_columns}",
        )


def _records(
    rows: Iterator[list[str]],
    lines: _Lines,
    limits: CsvLimits,
    header: list[str],
    records_before: int,
) -> Iterator[tuple[int, int, list[str]]]:
    """(first physical line, its byte offset, record) for each data record of `rows` (read
    from `lines`); blank records and repeated header lines are skipped. Every record is cut or
    padded to the header's width, plus one empty cell at index `len(header)` that stands for
    any column the header lacks."""
    header_keys = [header_key(h) for h in header]
    first = header[0]
    # Spellings of the first header name that make a record worth comparing to the header.
    header_starts = {first, first.strip(), first.lower(), first.upper(), first.title()}
    width = len(header)
    max_rows = limits.max_rows
    max_columns = limits.max_columns
    count = records_before
    done = lines.count  # physical lines consumed by the records so far
    done_bytes = lines.bytes_read
    for record in rows:
        start, done = done + 1, lines.count
        offset, done_bytes = done_bytes, lines.bytes_read
        if not any(record):
            continue
        if record[0] in header_starts and [header_key(c) for c in record] == header_keys:
            continue  # the header again (files concatenated with their headers)
        size = len(record)
        if size > max_columns:
            _check_columns(record, limits)
        if size > width:
            del record[width:]
        elif size < width:
            record.extend([""] * (width - size))
        record.append("")
        count += 1
        if max_rows is not None and count > max_rows:
            raise CsvFormatError("too_many_rows", f"the file has more than {max_rows:,} rows")
        yield start, offset, record


Records = Iterator[tuple[int, int, list[str]]]


def _wide(records: Records, f: dict[str, int], first_seq: int) -> Iterator[ProductInput]:
    for seq, (line, offset, record) in enumerate(records, first_seq):
        product_id = _text(record, f.get("product_id"))
        error = None if product_id else "missing product id"
        servings: float | None = None
        try:
            servings = _servings(record, f.get("servings_per_day"))
        except _RecordError as exc:
            error = _joined([e for e in (error, str(exc)) if e], 0)
        text = _text(record, f["label_text"])
        if text is None and error is None:
            error = "empty label_text"
        yield ProductInput(
            seq=seq, product_id=product_id, line=line, rows=1,
            name=_text(record, f.get("name")), brand=_text(record, f.get("brand")),
            upc=_text(record, f.get("upc")), servings_per_day=servings, label_text=text,
            other_ingredients=_text(record, f.get("other_ingredients")),
            marks=_text(record, f.get("marks")), error=error,
            serving_size=_text(record, f.get("serving_size")), offset=offset,
        )  # fmt: skip


def _servings(record: list[str], index: int | None) -> float | None:
    value = None if index is None else _number(record, index, "servings_per_day")
    if value is not None and not 0 < value <= 24:
        raise _RecordError(f"servings_per_day {value:g} is not between 0 and 24")
    return value


_new_tuple = tuple.__new__


@functools.lru_cache(maxsize=4096)
def _forms(text: str) -> tuple[str, ...]:
    """A forms cell split at ";", once per distinct cell (a database repeats a few thousand)."""
    return tuple(text.split(";"))


def _row_reader(f: dict[str, int], width: int) -> Callable[[list[str]], PanelRow]:
    """A record -> PanelRow function with the column indices bound (this runs for every row).
    A column the header lacks reads the empty cell at index `width`."""
    name_at, amount_at = f["ingredient"], f["amount"]
    forms_at, unit_at, dv_at = (f.get(k, width) for k in ("forms", "unit", "dv_percent"))
    operator_at, blend_at = f.get("operator", width), f.get("parent_blend", width)

    def read(record: list[str]) -> PanelRow:
        name = record[name_at].strip()
        if not name:
            raise _RecordError("missing ingredient name")
        forms = record[forms_at].strip()
        # tuple.__new__ with the fields in order: what PanelRow(...) does, without the
        # Python-level __new__ of a named tuple.
        return _new_tuple(
            PanelRow,
            (
                name,
                _forms(forms) if forms else (),
                _number(record, amount_at, "amount"),
                record[unit_at].strip(),
                _number(record, dv_at, "dv_percent"),
                record[operator_at].strip(),
                record[blend_at].strip() or None,
            ),
        )

    return read


def _long(
    records: Records,
    f: dict[str, int],
    limits: CsvLimits,
    width: int,
    first_seq: int,
    splits: Mapping[int, int],
) -> Iterator[ProductInput]:
    seq = first_seq
    current: _Building | None = None
    recent: OrderedDict[str, int] = OrderedDict()  # id -> first line, most recent last
    id_index = f.get("product_id", width)
    panel_row = _row_reader(f, width)
    columns = _ProductColumns.of(f, width)
    servings_at = f.get("servings_per_day")
    max_rows = limits.max_product_rows

    def finish(b: _Building) -> ProductInput:
        nonlocal seq
        recent[b.product_id] = b.line
        recent.move_to_end(b.product_id)
        if len(recent) > RECENT_IDS:
            recent.popitem(last=False)
        errors = list(b.errors or [])
        if b.dropped:
            errors.append(
                f"more than {limits.max_product_rows:,} rows for one product "
                f"({b.dropped:,} not read)"
            )
        if b.split_from is not None:
            errors.insert(
                0,
                f"split_product: product id already used by the product at line "
                f"{b.split_from}; a product's rows must be contiguous (this run is not scored)",
            )
        try:
            servings = _servings(b.first, servings_at)
        except _RecordError as exc:
            servings = None
            errors.append(str(exc))
        item = _long_product(seq, b, columns, servings, _joined(errors, 0) if errors else None)
        seq += 1
        return item

    for line, offset, record in records:
        product_id = record[id_index].strip() or None
        if current is not None and product_id != current.product_id:
            yield finish(current)
            current = None
        if product_id is None:
            yield ProductInput(
                seq=seq, product_id=None, line=line, rows=1,
                name=_text(record, f.get("name")), brand=_text(record, f.get("brand")),
                upc=_text(record, f.get("upc")),
                error="missing product id: a row without one is not joined to any product",
                offset=offset,
            )  # fmt: skip
            seq += 1
            continue
        if current is None:
            split_from = recent.get(product_id)
            if split_from is None:  # started mid-file: ids from before the start are in splits
                split_from = splits.get(seq)
            current = _Building(product_id, line, offset, record, [], split_from=split_from)
        else:
            current.records += 1
        if len(current.rows) >= max_rows:
            current.dropped += 1
            continue
        try:
            current.rows.append(panel_row(record))
        except _RecordError as exc:
            current.errors = [*(current.errors or []), f"line {line}: {exc}"]
    if current is not None:
        yield finish(current)


def _long_product(
    seq: int, b: _Building, at: _ProductColumns, servings: float | None, error: str | None
) -> ProductInput:
    first = b.first
    return ProductInput(
        seq=seq, product_id=b.product_id, line=b.line, rows=b.records,
        name=first[at.name].strip() or None, brand=first[at.brand].strip() or None,
        upc=first[at.upc].strip() or None, servings_per_day=servings,
        ingredients=tuple(b.rows), other_ingredients=first[at.other_ingredients].strip() or None,
        marks=first[at.marks].strip() or None, error=error,
        serving_size=first[at.serving_size].strip() or None, offset=b.offset,
        split_from=b.split_from,
    )  # fmt: skip


class _ProductColumns(NamedTuple):
    """Where a long-layout product's own fields are (read from its first record); a column the
    header lacks reads the empty cell at index `width`."""

    name: int
    brand: int
    upc: int
    other_ingredients: int
    marks: int
    serving_size: int

    @classmethod
    def of(cls, f: dict[str, int], width: int) -> _ProductColumns:
        return cls(*(f.get(k, width) for k in cls._fields))


def read_products(
    stream: BinaryIO, *, limits: CsvLimits | None = None, resume: Resume | None = None
) -> ProductReader:
    """Streams products in file order with flat memory; detects encoding, delimiter and layout
    from the start of the file; raises CsvFormatError only for whole-file problems (before the
    first product, or at the point a cap is hit). With `resume`, the stream stands at
    `resume.offset` and reading goes on from there as if the file had been read from its start
    (`resume_at` gives the point for a product read from the start)."""
    return ProductReader(stream, limits or CsvLimits(), resume)


def resume_at(reader: ProductReader, item: ProductInput, records_before: int) -> Resume:
    """Where a later reader can start to read `item` and what follows it (`records_before`:
    the CSV records of the products before it, the sum of their `rows`)."""
    return Resume(
        offset=item.offset, line=item.line, seq=item.seq, records=records_before,
        header=reader.header, delimiter=reader.delimiter,
    )  # fmt: skip


@dataclass(frozen=True)
class Plan:
    total: int  # products in the file
    starts: list[Resume]  # where each chunk of products starts


def plan_chunks(stream: BinaryIO, limits: CsvLimits, chunk_size: int) -> Plan:
    """Reads the whole file and says where each run of `chunk_size` products starts, so that a
    reader started there (`read_products(..., resume=...)`) yields exactly what this one did."""
    starts: list[Resume] = []
    splits: list[dict[int, int]] = []
    total = records = 0
    reader = read_products(stream, limits=limits)
    for item in reader:
        if item.seq % chunk_size == 0:
            starts.append(resume_at(reader, item, records))
            splits.append({})
        # An id that repeats one seen before the chunk: its reader cannot know, so it is told.
        if item.split_from is not None and item.split_from < starts[-1].line:
            splits[-1][item.seq] = item.split_from
        total += 1
        records += item.rows
    starts = [
        dataclasses.replace(r, splits=s) if s else r for r, s in zip(starts, splits, strict=True)
    ]
    return Plan(total, starts)

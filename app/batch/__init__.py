"""Batch scoring of product CSVs (issue 5): the reader, per-product scoring, output writers
and the run loop. The queue/job side lives beside these in `jobs.py` and `queue.py`."""

from app.batch.output import OUTPUT_COLUMNS, ResultWriter, csv_writer, jsonl_writer, neutralise
from app.batch.reader import CsvFormatError, CsvLimits, ProductInput, read_products
from app.batch.run import Progress, run_batch, score_stream
from app.batch.scoring import OutputRow, score_product

__all__ = [
    "OUTPUT_COLUMNS",
    "CsvFormatError",
    "CsvLimits",
    "OutputRow",
    "ProductInput",
    "Progress",
    "ResultWriter",
    "csv_writer",
    "jsonl_writer",
    "neutralise",
    "read_products",
    "run_batch",
    "score_product",
    "score_stream",
]

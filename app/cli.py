"""The `labelscan` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from catalog.label import read_text


def _cmd_parse(args: argparse.Namespace) -> int:
    source: str = args.file
    if source == "-":
        text = sys.stdin.read()
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            print(f"labelscan parse: no such file: {source}", file=sys.stderr)
            return 2
        except UnicodeDecodeError:
            text = path.read_text(encoding="latin-1")
    result = read_text(text)
    print(result.model_dump_json(indent=2, exclude={"score"} if result.score is None else None))
    return 0


def _cmd_scan(args: argparse.Namespace) -> int:
    from app.scan import scan_photos
    from app.settings import get_settings
    from ocr.engines import EngineError
    from ocr.errors import ImageError

    photos = []
    for name in args.images:
        try:
            photos.append(Path(name).read_bytes())
        except OSError as exc:
            print(f"labelscan scan: cannot read {name}: {exc.strerror}", file=sys.stderr)
            return 2
    try:
        result = scan_photos(photos, engine=args.engine or get_settings().ocr_engine)
    except ImageError as exc:
        print(f"labelscan scan: {exc.code}: {exc.detail}", file=sys.stderr)
        return 2
    except EngineError as exc:
        print(f"labelscan scan: {exc.code}: {exc.detail}", file=sys.stderr)
        return 3
    print(result.model_dump_json(indent=2, exclude={"score"} if result.score is None else None))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labelscan", description="Read and score supplement facts panels."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="read label text (the lines of a facts panel) as JSON")
    p.add_argument("file", nargs="?", default="-", help="a text file, or - for standard input")
    p.set_defaults(func=_cmd_parse)
    s = sub.add_parser("scan", help="read photos of one product's label as JSON")
    s.add_argument("images", nargs="+", help="JPEG, PNG, WebP or HEIC photos of one product")
    s.add_argument(
        "--engine",
        choices=["rapidocr", "tesseract"],
        default=None,
        help="OCR engine (default: $LABELSCAN_OCR_ENGINE, else rapidocr)",
    )
    s.set_defaults(func=_cmd_scan)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())

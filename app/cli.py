"""The `labelscan` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.batch.console import add_parser as add_batch_parser
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
    settings = get_settings()
    try:
        result = scan_photos(
            photos,
            engine=args.engine or settings.ocr_engine,
            max_bytes=settings.max_image_bytes,
            max_pixels=settings.max_image_pixels,
        )
    except ImageError as exc:
        print(f"labelscan scan: {exc.code}: {exc.detail}", file=sys.stderr)
        return 2
    except EngineError as exc:
        print(f"labelscan scan: {exc.code}: {exc.detail}", file=sys.stderr)
        return 3
    print(result.model_dump_json(indent=2, exclude={"score"} if result.score is None else None))
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.db.migrate import upgrade
    from app.logs import configure_logging
    from app.main import create_app
    from app.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    # The schema is brought up to date before the first request can touch it.
    upgrade(settings.database_url)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,  # our structlog handler formats uvicorn's records too
        proxy_headers=True,
        timeout_keep_alive=settings.keep_alive_s,
        timeout_graceful_shutdown=30,
    )
    return 0


def _cmd_keys_create(args: argparse.Namespace) -> int:
    from app.db.migrate import upgrade
    from app.db.session import make_engine, session_scope
    from app.services.auth import create_key
    from app.settings import Settings

    url = Settings().database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        for session in session_scope(engine):
            key = create_key(session, name=args.name, role=args.role)
    except ValueError as exc:
        print(f"labelscan keys create: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(key)
    print(
        f"API key {args.name!r} ({args.role}) created. It is shown only this once; "
        "send it as `Authorization: Bearer <key>`.",
        file=sys.stderr,
    )
    return 0


def _cmd_keys_list(_args: argparse.Namespace) -> int:
    from app.db.migrate import upgrade
    from app.db.session import make_engine, session_scope
    from app.repositories.keys import all_keys
    from app.settings import Settings

    url = Settings().database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        for session in session_scope(engine):
            rows = all_keys(session)
            # Never the hash; the prefix is what shows in a client's configuration.
            print(f"{'name':<30} {'role':<9} {'prefix':<13} {'created':<20} revoked")
            for row in rows:
                revoked = row.revoked_at.strftime("%Y-%m-%d %H:%M") if row.revoked_at else "-"
                created = row.created_at.strftime("%Y-%m-%d %H:%M")
                print(f"{row.name:<30} {row.role:<9} {row.prefix:<13} {created:<20} {revoked}")
    finally:
        engine.dispose()
    return 0


def _cmd_keys_revoke(args: argparse.Namespace) -> int:
    from app.db.migrate import upgrade
    from app.db.session import make_engine, session_scope
    from app.services.auth import revoke_key
    from app.settings import Settings

    settings = Settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        for session in session_scope(engine):
            revoked = revoke_key(session, args.name)
    finally:
        engine.dispose()
    if not revoked:
        print(f"labelscan keys revoke: no active key named {args.name!r}", file=sys.stderr)
        return 2
    print(
        f"API key {args.name!r} revoked; running servers refuse it within "
        f"{settings.auth_cache_s:g} s (LABELSCAN_AUTH_CACHE_S).",
        file=sys.stderr,
    )
    return 0


def _cmd_prune(args: argparse.Namespace) -> int:
    from app.db.migrate import upgrade
    from app.db.session import make_engine, session_scope
    from app.services.retention import cutoff_for, prune_scans
    from app.settings import Settings

    settings = Settings()
    days: int = args.days if args.days is not None else settings.scan_retention_days
    if days < 1:
        print("labelscan prune: --days must be at least 1", file=sys.stderr)
        return 2
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        for session in session_scope(engine):
            pruned = prune_scans(session, cutoff_for(days))
    finally:
        engine.dispose()
    print(
        f"deleted {pruned.scans} scans from before {pruned.cutoff:%Y-%m-%d %H:%M} UTC and "
        f"{pruned.photos} photos no scan uses; products and corrections are kept"
    )
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    from app.batch.queue import run_worker
    from app.logs import configure_logging
    from app.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    if not settings.redis_url:
        print(
            "labelscan worker: set LABELSCAN_REDIS_URL (or REDIS_URL); without it the service "
            "runs batch jobs itself",
            file=sys.stderr,
        )
        return 2
    # The schema is the service's to migrate (`labelscan serve`); workers only use it.
    run_worker(settings, args.threads)
    return 0


def _cmd_openapi(args: argparse.Namespace) -> int:
    import json

    from app.main import create_app
    from app.settings import Settings

    # The spec does not depend on the database; an in-memory one keeps this free of files.
    spec = create_app(Settings(database_url="sqlite://", log_level="WARNING")).openapi()
    print(json.dumps(spec, indent=2, ensure_ascii=False))
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
    v = sub.add_parser("serve", help="run the HTTP API (upgrades the database schema first)")
    v.add_argument("--host", default="127.0.0.1", help="address to listen on")
    v.add_argument("--port", type=int, default=8000, help="port to listen on")
    v.set_defaults(func=_cmd_serve)
    k = sub.add_parser("keys", help="manage API keys")
    ksub = k.add_subparsers(dest="keys_command", required=True)
    kc = ksub.add_parser("create", help="create an API key and print it (once)")
    kc.add_argument("--name", required=True, help="who uses it; recorded on their changes")
    kc.add_argument("--role", choices=["app", "reviewer"], default="app")
    kc.set_defaults(func=_cmd_keys_create)
    ksub.add_parser("list", help="list API keys (names, roles, revoked or not)").set_defaults(
        func=_cmd_keys_list
    )
    kr = ksub.add_parser("revoke", help="revoke an API key by name")
    kr.add_argument("name", help="the key's name, as given to `keys create --name`")
    kr.set_defaults(func=_cmd_keys_revoke)
    pr = sub.add_parser(
        "prune", help="delete stored scans and their photos past the retention period"
    )
    pr.add_argument(
        "--days",
        type=int,
        default=None,
        help="keep this many days (default: $LABELSCAN_SCAN_RETENTION_DAYS, else 365)",
    )
    pr.set_defaults(func=_cmd_prune)
    w = sub.add_parser(
        "worker", help="run batch jobs from the Redis queue (LABELSCAN_REDIS_URL) until stopped"
    )
    w.add_argument("--threads", type=int, default=1, help="chunks scored at once (default 1)")
    w.set_defaults(func=_cmd_worker)
    o = sub.add_parser("openapi", help="print the HTTP API's OpenAPI spec as JSON")
    o.set_defaults(func=_cmd_openapi)
    add_batch_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())

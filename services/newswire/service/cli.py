"""The `newswire` command: services (`consume`, `produce`) and tools (`enrich`, `schemas`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from newswire import __version__
from newswire.core.models import STAGES
from newswire.service.run import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    fail,
    run_consumer,
    serve_metrics,
    stop_on_signals,
)
from newswire.service.settings import Settings

if TYPE_CHECKING:
    from newswire.core.sources.reader import ReadOptions


def _kafka_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bootstrap-servers", metavar="HOST:PORT[,...]", help="Kafka brokers (NEWSWIRE_BOOTSTRAP_SERVERS)")
    parser.add_argument("--connect-timeout", dest="connect_timeout_seconds", type=float, metavar="SECONDS",
                        help="give up when no broker answers within this time (NEWSWIRE_CONNECT_TIMEOUT_SECONDS)")


def _metrics_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--metrics-host", help="address for /metrics, /healthz, /readyz (NEWSWIRE_METRICS_HOST)")
    parser.add_argument("--metrics-port", type=int, help="port for them, 0 for any free port (NEWSWIRE_METRICS_PORT)")


def _fetch_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--full-text", action="store_true",
                        help="complete feed entries that carry only a summary (or nothing but a link) from their "
                             "linked pages, fetched politely (robots.txt, one request per host at a time)")
    parser.add_argument("--fetch-contact", metavar="URL_OR_EMAIL",
                        help="contact named in the User-Agent of fetches (NEWSWIRE_FETCH_CONTACT)")
    parser.add_argument("--fetch-min-interval", dest="fetch_min_interval_seconds", type=float, metavar="SECONDS",
                        help="least time between two requests to one host (NEWSWIRE_FETCH_MIN_INTERVAL_SECONDS)")


def _poller_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--feed-state-topic", help="compacted topic of the feeds' state (NEWSWIRE_FEED_STATE_TOPIC)")
    parser.add_argument("--poller-index", type=int, metavar="I",
                        help="this poller's number, from 0 (NEWSWIRE_POLLER_INDEX); it polls the feeds whose URL hashes to I")
    parser.add_argument("--pollers", type=int, metavar="N", help="how many pollers share the feeds (NEWSWIRE_POLLERS)")
    parser.add_argument("--feed-min-interval", dest="feed_min_interval_seconds", type=float, metavar="SECONDS",
                        help="least time between two polls of one feed (NEWSWIRE_FEED_MIN_INTERVAL_SECONDS)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newswire", description="Ingest news articles through Kafka: produce, validate, enrich.")
    parser.add_argument("--version", action="version", version=f"newswire {__version__}")
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING, ERROR (NEWSWIRE_LOG_LEVEL)")
    parser.add_argument("--log-format", choices=["auto", "json", "text"], help="log line format (NEWSWIRE_LOG_FORMAT)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    consume = sub.add_parser("consume", help="run the consumer group: articles.raw -> enriched / DLQ")
    _kafka_flags(consume)
    _metrics_flags(consume)
    consume.add_argument("--group-id", help="consumer group (NEWSWIRE_GROUP_ID)")
    consume.add_argument("--raw-topic", help="input topic (NEWSWIRE_RAW_TOPIC)")
    consume.add_argument("--enriched-topic", help="output topic (NEWSWIRE_ENRICHED_TOPIC)")
    consume.add_argument("--dlq-topic", help="dead-letter topic (NEWSWIRE_DLQ_TOPIC)")
    consume.add_argument("--partitions", type=int, help="partitions for topics it creates (NEWSWIRE_PARTITIONS)")
    consume.add_argument("--replication-factor", type=int, help="replication factor for topics it creates (NEWSWIRE_REPLICATION_FACTOR)")
    consume.add_argument("--processes", type=int, metavar="N",
                         help="consumer processes of the group on this machine, one core each; process i serves "
                              "metrics on --metrics-port + i (NEWSWIRE_PROCESSES)")
    consume.add_argument("--max-poll-records", type=int, help="largest batch (NEWSWIRE_MAX_POLL_RECORDS)")
    consume.add_argument("--exactly-once", action="store_const", const=True, default=None,
                         help="commit outputs and offsets in one Kafka transaction per batch (NEWSWIRE_EXACTLY_ONCE)")

    extract = sub.add_parser("extract", help="run the extract stage: pages.raw -> articles.raw / pages.dlq")
    _kafka_flags(extract)
    _metrics_flags(extract)
    extract.add_argument("--group-id", dest="extract_group_id", help="consumer group (NEWSWIRE_EXTRACT_GROUP_ID)")
    extract.add_argument("--pages-topic", help="input topic (NEWSWIRE_PAGES_TOPIC)")
    extract.add_argument("--raw-topic", help="output topic (NEWSWIRE_RAW_TOPIC)")
    extract.add_argument("--dlq-topic", dest="pages_dlq_topic", help="dead-letter topic (NEWSWIRE_PAGES_DLQ_TOPIC)")
    extract.add_argument("--partitions", type=int, help="partitions for topics it creates (NEWSWIRE_PARTITIONS)")
    extract.add_argument("--processes", type=int, metavar="N", help="extract processes on this machine, one core each (NEWSWIRE_PROCESSES)")
    extract.add_argument("--max-poll-records", type=int, help="largest batch (NEWSWIRE_MAX_POLL_RECORDS)")
    extract.add_argument("--exactly-once", action="store_const", const=True, default=None,
                         help="commit outputs and offsets in one Kafka transaction per batch (NEWSWIRE_EXACTLY_ONCE)")

    produce = sub.add_parser("produce", help="publish articles from files, folders, feeds, pages or web archives to articles.raw")
    produce.add_argument("inputs", nargs="*", metavar="PATH_OR_URL",
                         help=".txt wire copy, .xml/.rss/.atom feeds, .jsonl/.ndjson, .html/.htm/.html.gz pages, "
                              ".warc/.warc.gz archives, folders (recursive), http(s) feed or article URLs")
    produce.add_argument("--pages", action="store_true",
                         help="publish pages (HTML files, WARC records, article URLs) unextracted to pages.raw "
                              "for `newswire extract`, instead of extracting them here")
    produce.add_argument("--pages-topic", help="where --pages publishes (NEWSWIRE_PAGES_TOPIC)")
    _fetch_flags(produce)
    _kafka_flags(produce)
    _metrics_flags(produce)
    produce.add_argument("--topic", dest="raw_topic", help="topic to publish to (NEWSWIRE_RAW_TOPIC)")
    produce.add_argument("--watch", type=float, metavar="SECONDS",
                         help="keep running: poll feed URLs (conditionally, politely, state kept in Kafka) with SECONDS "
                              "as the default interval, rescan files every SECONDS; publish new articles; serves metrics")
    produce.add_argument("--feeds", action="append", metavar="LIST",
                         help="feed URLs from an OPML file or a plain list (one URL a line); repeatable")
    _poller_flags(produce)

    feeds = sub.add_parser("feeds", help="the polled feeds' state")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    status = feeds_sub.add_parser("status", help="one line per feed: URL, state, last success, next due, errors")
    _kafka_flags(status)
    status.add_argument("--feed-state-topic", help="the state topic (NEWSWIRE_FEED_STATE_TOPIC)")
    status.add_argument("--failing-after", dest="feed_failing_after_seconds", type=float, metavar="SECONDS",
                        help="failing this long is 'failing', else 'backing_off' (NEWSWIRE_FEED_FAILING_AFTER_SECONDS)")

    enrich = sub.add_parser("enrich", help="offline: read, validate and enrich; print one JSON article per line")
    enrich.add_argument("inputs", nargs="+", metavar="PATH_OR_URL", help="what `newswire produce` accepts")
    _fetch_flags(enrich)

    dlq = sub.add_parser("dlq", help="inspect dead letters; replay chosen ones to articles.raw after a fix")
    dlq_sub = dlq.add_subparsers(dest="dlq_command", required=True, metavar="ACTION")
    for name, text in (("inspect", "counts by stage and type; --show prints the records"),
                       ("replay", "republish the originals of the chosen dead letters, each once")):
        action = dlq_sub.add_parser(name, help=text)
        _kafka_flags(action)
        action.add_argument("--dlq-topic", help="dead-letter topic (NEWSWIRE_DLQ_TOPIC)")
        action.add_argument("--raw-topic", help="where replays go (NEWSWIRE_RAW_TOPIC)")
        action.add_argument("--stage", choices=STAGES, help="only this stage")
        action.add_argument("--type", dest="error_type", metavar="ERROR_TYPE", help="only this error type")
        action.add_argument("--pick", action="append", metavar="PARTITION:OFFSET",
                            help="only these dead letters (repeatable)")
    dlq_sub.choices["inspect"].add_argument("--show", action="store_true", help="one JSON line per dead letter")
    dlq_sub.choices["replay"].add_argument("--dry-run", action="store_true", help="say what would be replayed")

    evaluate = sub.add_parser("evaluate", help="precision and recall of the enrichment: the written corpus and the real-news set")
    evaluate.add_argument("--corpus", type=Path, default=Path("tests/corpus/articles.jsonl"),
                          help="labelled JSON Lines (default: tests/corpus/articles.jsonl)")
    evaluate.add_argument("--realnews", type=Path, default=Path("tests/corpus/realnews"),
                          help="real-news labels (public.jsonl, written.jsonl, heldout.jsonl; default: tests/corpus/realnews)")
    evaluate.add_argument("--dataset", type=Path, default=Path("../shared/datasets/article-extraction-benchmark"),
                          help="where the real-news set's public pages are (default: ../shared/datasets/article-extraction-benchmark)")
    evaluate.add_argument("--verbose", action="store_true", help="list every miss and every extra")

    extraction = sub.add_parser("evaluate-extraction", help="body P/R/F1, title and date accuracy, pages/s: newswire and trafilatura side by side")
    extraction.add_argument("--benchmark", type=Path, default=Path("../shared/datasets/article-extraction-benchmark"),
                            help="ScrapingHub benchmark folder (ground-truth.json, html/); default ../shared/datasets/article-extraction-benchmark")
    extraction.add_argument("--pages", type=Path, default=Path("tests/pages"), help="labelled pages (labels.json); default tests/pages")
    extraction.add_argument("--limit", type=int, metavar="N", help="only the first N benchmark pages")

    schemas = sub.add_parser("schemas", help="JSON Schemas of the message contract")
    schemas_sub = schemas.add_subparsers(dest="schemas_command", required=True, metavar="ACTION")
    export = schemas_sub.add_parser("export", help="write one JSON Schema per message type")
    export.add_argument("--out", type=Path, default=Path("schemas"), help="folder (default: schemas)")
    check = schemas_sub.add_parser("check", help="exit 1 when the folder differs from what the models export")
    check.add_argument("--dir", type=Path, default=Path("schemas"), help="folder (default: schemas)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from newswire.service.logs import setup_logging

    try:
        settings = Settings().with_overrides(**{
            key: value for key, value in vars(args).items()
            if key in Settings.model_fields
        })
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))  # empty for a rule between settings
        return fail(f"invalid setting{' ' + where if where else 's'}: {first['msg']}", EXIT_USAGE)
    setup_logging(settings.log_level, settings.log_format)

    if args.command == "schemas":
        return _schemas(args)
    if args.command == "enrich":
        return _enrich(args, settings)
    if args.command == "dlq":
        return _dlq(args, settings)
    if args.command == "feeds":
        return _feeds_status(settings)
    if args.command == "evaluate":
        from newswire.core import realnews
        from newswire.core.evaluate import evaluate, report

        if not args.corpus.is_file():
            return fail(f"no corpus at {args.corpus}", EXIT_USAGE)
        print(f"written corpus ({args.corpus})")
        print(report(evaluate(args.corpus, settings.enrichment(), settings.dedup_threshold), verbose=args.verbose))
        try:
            real = realnews.evaluate(args.realnews, args.dataset, settings.enrichment())
        except (realnews.DatasetError, OSError) as err:
            return fail(f"real-news set: {err}", EXIT_USAGE)
        held_out = real.pop(realnews.HELDOUT, None)
        print(f"\nreal-news set ({args.realnews}; public pages from {args.dataset})")
        print(report(real, verbose=args.verbose))
        if held_out:
            print(f"\nheld-out public pages ({args.realnews / 'heldout.jsonl'}: labelled after the tuning, blind to it)")
            print(report({"all": held_out}, verbose=args.verbose))
        return EXIT_OK
    if args.command == "evaluate-extraction":
        from newswire.core.extraction.evaluation import available_extractors
        from newswire.core.extraction.evaluation import evaluate as evaluate_extraction
        from newswire.core.extraction.evaluation import report as extraction_report

        missing = [p for p in (args.benchmark, args.pages) if not p.is_dir()]
        if missing:
            return fail(f"no such folder: {', '.join(map(str, missing))}", EXIT_USAGE)
        print(extraction_report(evaluate_extraction(args.benchmark, args.pages, available_extractors(), args.limit)), end="")
        return EXIT_OK
    if args.command == "produce":
        return _produce(args, settings)
    if args.command == "consume":
        return _consume(settings)
    if args.command == "extract":
        return _consume(settings.for_extract())
    return fail(f"unknown command {args.command}", EXIT_USAGE)


def _dlq(args: argparse.Namespace, settings: Settings) -> int:
    from newswire.service import dlq
    from newswire.service.kafka_io import BrokerUnavailable

    picks = set(args.pick) if args.pick else None
    try:
        if args.dlq_command == "inspect":
            dlq.inspect(settings, stage=args.stage, error_type=args.error_type, picks=picks, show=args.show)
            return EXIT_OK
        replayed, skipped = dlq.replay(settings, stage=args.stage, error_type=args.error_type, picks=picks,
                                       dry_run=args.dry_run)
    except BrokerUnavailable as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    verb = "would replay" if args.dry_run else "replayed"
    print(f"newswire dlq: {verb} {replayed}, skipped {skipped} already replayed "
          f"({settings.dlq_topic} -> {settings.raw_topic})", file=sys.stderr)
    return EXIT_OK


def _schemas(args: argparse.Namespace) -> int:
    from newswire.core.schemas_io import export_schemas, stale_schemas

    if args.schemas_command == "export":
        for path in export_schemas(args.out):
            print(path)
        return EXIT_OK
    stale = stale_schemas(args.dir)
    if stale:
        return fail(f"{args.dir} is stale ({', '.join(stale)}); run: newswire schemas export --out {args.dir}", EXIT_FAILED)
    return EXIT_OK


# `newswire enrich` answers no message soon, so its chunks are bigger than the consumer's
# (ENRICH_CHUNK, 256): each stage's tables stay in the CPU caches over more articles, and
# enrich_many takes more articles of one language together. (Measured while each chunk
# also paid a young GC collection, see OFFLINE_GC_THRESHOLD: on `make bench-enrich-cli`,
# medians of 4 alternated rounds, 256 over 64 1.01x, 1,024 over 256 1.01x, best 1.04x.)
OFFLINE_CHUNK = 1024
# A chunk keeps about 90,000 containers alive until it is written (its tokens, mentions,
# models): with the consumer's threshold (100,000) every chunk paid a young collection
# walking all of them, 43 ms, 4 to 5% of the run. Above what a chunk holds, a collection
# comes only as the caches grow. Cyclic garbage, the only thing it delays, is rare
# here (under 700 objects in a 7,000-article run). `make bench-enrich-cli`, 4 alternated
# rounds: 1.05 x (median 997 against 951/s).
OFFLINE_GC_THRESHOLD = 1_000_000


def _enrich(args: argparse.Namespace, settings: Settings) -> int:
    from itertools import islice

    from newswire.core.enrich import EnrichmentError, enrich_many, warm_up
    from newswire.core.enrichers.dedup import MemoryIndex
    from newswire.core.models import to_json
    from newswire.core.sources import SourceError
    from newswire.core.sources.reader import read_inputs

    options = _read_options(args, settings)
    config = settings.enrichment()
    failed = 0
    out = sys.stdout.buffer
    # In memory even when the service uses Redis: an offline run compares its own inputs.
    dedup = None if settings.dedup_backend == "off" else MemoryIndex(
        settings.dedup_threshold, settings.dedup_window_seconds, settings.dedup_max_entries)
    warm_up(OFFLINE_GC_THRESHOLD)  # as the consumer does: the data loaded now, then hidden from the GC
    # In chunks, as the consumer enriches (enrich_many, stage by stage): in input order,
    # each chunk's lines written at once.
    items = read_inputs(args.inputs, settings.default_timezone, options)
    while chunk := list(islice(items, OFFLINE_CHUNK)):
        articles = [item for item in chunk if not isinstance(item, SourceError)]
        results = iter(enrich_many(articles, config, dedup=dedup))
        lines = []
        for item in chunk:
            if isinstance(item, SourceError):
                failed += 1
                print(f"newswire enrich: {item}", file=sys.stderr)
                continue
            result = next(results)
            if isinstance(result, EnrichmentError):
                failed += 1
                print(f"newswire enrich: {item.source.location or item.source.name}: {result}", file=sys.stderr)
            elif isinstance(result, Exception):
                raise result  # an enricher's bug: not the input's fault, so not one line
            else:
                lines.append(to_json(result))
        if lines:
            out.write(b"\n".join(lines) + b"\n")
    out.flush()
    return EXIT_FAILED if failed else EXIT_OK


def _read_options(args: argparse.Namespace, settings: Settings) -> ReadOptions:
    from newswire.core.sources.fetch import PoliteFetcher
    from newswire.core.sources.reader import ReadOptions

    return ReadOptions(settings.default_timezone, args.full_text, PoliteFetcher(settings.fetch_config()))


def _feed_lists(paths: list[str]) -> list[str]:
    """The URLs of `--feeds` lists. Raises FeedError (one line) for a bad list."""
    from newswire.core.sources.feeds import FeedError
    from newswire.core.sources.polling import read_feed_list

    urls: list[str] = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise FeedError(f"{path}: {exc.strerror or exc}") from None
        urls.extend(read_feed_list(data, path))
    return list(dict.fromkeys(urls))


def _feeds_status(settings: Settings) -> int:
    import time

    from newswire.service.kafka_io import BrokerUnavailable
    from newswire.service.poller import StateStore, status_lines

    try:
        states = StateStore(settings, None).load()
    except BrokerUnavailable as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    if not states:
        print(f"newswire feeds: no feed state in {settings.feed_state_topic}", file=sys.stderr)
    for line in status_lines(states.values(), settings.poll_policy(60.0), time.time()):
        print(line)
    return EXIT_OK


def _produce(args: argparse.Namespace, settings: Settings) -> int:
    from newswire.core.sources.feeds import FeedError
    from newswire.core.sources.reader import is_url
    from newswire.service.kafka_io import BrokerUnavailable, TopicSetupError, ensure_topics, make_producer
    from newswire.service.producer import Publisher, watch

    try:
        listed = _feed_lists(args.feeds or [])
    except FeedError as exc:
        return fail(str(exc), EXIT_USAGE)
    if not args.inputs and not listed:
        return fail("nothing to publish: give files, folders or URLs, or --feeds LIST", EXIT_USAGE)
    # --watch polls feed URLs (state in Kafka); pages and files are rescanned as before.
    polling = args.watch is not None and not args.pages
    feeds = [i for i in args.inputs if is_url(i)] + listed if polling else []
    inputs = [i for i in args.inputs if not is_url(i)] if polling else args.inputs + listed
    server = None
    health = None
    if args.watch is not None or args.metrics_port is not None:
        health, server = serve_metrics(settings, "producer")
    try:
        # Create the topic with the configured partitions before the broker's
        # auto-creation could make it with one.
        ensure_topics(settings, [settings.pages_topic if args.pages else settings.raw_topic]
                      + ([settings.feed_state_topic] if feeds else []))
        producer = make_producer(settings)
    except BrokerUnavailable as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    except TopicSetupError as exc:
        return fail(str(exc), EXIT_USAGE)
    if health:
        health.set_ready(True)
    publisher = Publisher(producer, settings.raw_topic, timeout_seconds=max(30.0, settings.shutdown_timeout_seconds),
                          default_timezone=settings.default_timezone, read_options=_read_options(args, settings),
                          pages_topic=settings.pages_topic if args.pages else None,
                          max_message_bytes=settings.max_message_bytes)
    try:
        if feeds:
            tally = _poll(args, settings, publisher, producer, feeds, inputs)
        elif args.watch is not None:
            tally = watch(publisher, inputs, args.watch, stop_on_signals())
        else:
            tally = publisher.publish(inputs)
    except BrokerUnavailable as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    finally:
        producer.close(timeout=settings.shutdown_timeout_seconds)
        if server:
            server.stop()
    print(f"newswire produce: {tally} (topic {settings.pages_topic if args.pages else settings.raw_topic})", file=sys.stderr)
    return EXIT_FAILED if tally.failed else EXIT_OK


def _poll(args: argparse.Namespace, settings: Settings, publisher: Any, producer: Any, feeds: list[str],
          inputs: list[str]) -> Any:
    from newswire.service.poller import Poller, StateStore

    assert publisher.read_options is not None
    stop = stop_on_signals()
    poller = Poller(feeds, publisher=publisher, store=StateStore(settings, producer), policy=settings.poll_policy(args.watch),
                    fetcher=publisher.read_options.fetcher, read_options=publisher.read_options,
                    index=settings.poller_index, pollers=settings.pollers, workers=settings.feed_poll_workers)
    print(f"newswire produce: polling {len(poller.states)} of {len(feeds)} feeds (poller {settings.poller_index} "
          f"of {settings.pollers})", file=sys.stderr)
    rescan = (lambda: publisher.publish(inputs)) if inputs else None
    return poller.run(stop, rescan, args.watch)


def _consume(settings: Settings) -> int:
    if settings.processes > 1:
        from newswire.service.supervisor import supervise

        return supervise(settings, stop_on_signals())
    return run_consumer(settings)


if __name__ == "__main__":
    sys.exit(main())

"""5. Producer: `newswire produce big.jsonl` against a plain kafka-python loop with the
same settings sending the same pre-encoded articles."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import workload
from report import Results
from support import PARTITIONS, BenchError, Run, log, read_topic, spawn, tail

from newswire.core.models import RAW_SCHEMA, to_json
from newswire.service.kafka_io import headers, make_producer


def producer_bench(run: Run, count: int) -> dict[str, Any]:
    """Both producers are rated from their first record's create time (stamped at
    send()) to the moment every article is acknowledged: the plain loop's flush
    returning, the CLI's exit (it exits after flush and close). The send() loop alone
    would overstate both: kafka-python batches (and CRCs) in a background thread, so
    send() returns long before the broker has the records."""
    from newswire.core.models import RawArticle
    from newswire.core.sources.reader import read_inputs

    big = run.workdir / "big.jsonl"
    workload.write_jsonl(big, run.articles.articles, count)
    cli_topic, plain_topic = run.name("produce.cli"), run.name("produce.plain")
    run.create(cli_topic, plain_topic)

    # The same articles newswire produce will read, pre-encoded for the plain loop.
    articles = [a for a in read_inputs([str(big)]) if isinstance(a, RawArticle)]
    if len(articles) != count:
        raise BenchError(f"big.jsonl: read {len(articles)} of {count} articles")
    keys = [a.id.encode() for a in articles]
    values = [to_json(a) for a in articles]
    del articles

    producer = make_producer(run.settings())
    hdrs = headers(RAW_SCHEMA)
    try:
        started = time.perf_counter()
        futures = [producer.send(plain_topic, key=k, value=v, headers=hdrs) for k, v in zip(keys, values)]
        producer.flush(timeout=300)
        plain_done = time.time()
        plain_wall = time.perf_counter() - started
        for future in futures:
            future.get(timeout=0)
    finally:
        producer.close(timeout=10)
    del values, keys, futures

    log_path = run.workdir / "produce.log"
    env = {**os.environ, "NEWSWIRE_BOOTSTRAP_SERVERS": run.bootstrap, "NEWSWIRE_PARTITIONS": str(PARTITIONS),
           "NEWSWIRE_LOG_FORMAT": "json"}
    started = time.perf_counter()
    proc = spawn([sys.executable, "-m", "newswire.service.cli", "produce", "--topic", cli_topic, str(big)], env, log_path)
    code = proc.wait(timeout=max(300, count / 20))
    cli_done = time.time()
    cli_wall = time.perf_counter() - started
    if code != 0:
        raise BenchError(f"newswire produce exited with {code}:\n{tail(log_path)}")

    cli_read, plain_read = read_topic(run.bootstrap, cli_topic), read_topic(run.bootstrap, plain_topic)
    for name, read in (("newswire produce", cli_read), ("plain producer", plain_read)):
        if read.count != count:
            raise BenchError(f"{name}: {read.count} records in the topic, expected {count}")
    return {"cli_rate": count / (cli_done - cli_read.first / 1000), "cli_wall_rate": count / cli_wall,
            "cli_send_rate": count / max((cli_read.last - cli_read.first) / 1000, 1e-3),
            "plain_rate": count / (plain_done - plain_read.first / 1000), "plain_wall_rate": count / plain_wall,
            "plain_send_rate": count / max((plain_read.last - plain_read.first) / 1000, 1e-3),
            "cli_wall_seconds": cli_wall}



def measure(run: Run, results: Results) -> None:
    plan = run.plan
    log(f"5. producer: newswire produce big.jsonl ({plan.producer_articles:,}) vs a plain kafka-python loop")
    prod = producer_bench(run, plan.producer_articles)
    results.add("producer_newswire", "producer: newswire produce big.jsonl", prod["cli_rate"], "articles/s",
                ratio=prod["cli_rate"] / prod["plain_rate"],
                notes=f"x plain loop; {plan.producer_articles:,} articles, first send to exit; whole command incl. "
                      f"start-up {prod['cli_wall_rate']:,.0f}/s ({prod['cli_wall_seconds']:.1f}s); send() calls alone "
                      f"{prod['cli_send_rate']:,.0f}/s",
                wall_rate=prod["cli_wall_rate"], send_rate=prod["cli_send_rate"], articles=plan.producer_articles)
    results.add("producer_plain", "producer: plain kafka-python loop", prod["plain_rate"], "articles/s",
                notes=f"make_producer settings (acks=all, idempotent, linger 5 ms), same articles pre-encoded; "
                      f"first send to flush done; send() calls alone {prod['plain_send_rate']:,.0f}/s",
                wall_rate=prod["plain_wall_rate"], send_rate=prod["plain_send_rate"], articles=plan.producer_articles)

#!/usr/bin/env bash
# kafka-server-start.sh CONFIG: the broker, with the broker's log4j2 config and heap.
set -e
[[ $# -ge 1 ]] || { echo "usage: kafka-server-start.sh server.properties [--override k=v ...]" >&2; exit 1; }
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/log4j2.yaml}"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$@"

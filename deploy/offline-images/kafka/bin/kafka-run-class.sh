#!/usr/bin/env bash
# Runs a Kafka class on the jars in /opt/kafka/libs, honouring the same
# environment variables as Kafka's launcher (heap, JVM, log4j, extra options).
set -e
base=/opt/kafka
: "${KAFKA_HEAP_OPTS:=-Xmx256M}"
: "${KAFKA_JVM_PERFORMANCE_OPTS:=-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=$base/config/tools-log4j2.yaml}"
# shellcheck disable=SC2086  # the *_OPTS variables are lists of flags
exec java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_LOG4J_OPTS $KAFKA_OPTS -cp "$base/libs/*" "$@"

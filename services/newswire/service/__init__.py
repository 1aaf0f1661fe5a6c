"""The service layer: Kafka clients, the consumer and producer services, the
supervisor, DLQ tools, endpoints, metrics, logs, settings and the CLI. It depends on
the core, never the other way round."""

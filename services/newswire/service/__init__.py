"""The service layer: everything that talks to Kafka, the network or processes."""

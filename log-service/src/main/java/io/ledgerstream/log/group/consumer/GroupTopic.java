package io.ledgerstream.log.group.consumer;

import org.apache.kafka.common.Uuid;

/** A topic as a consumer group sees it: its name, id and partition count. */
public record GroupTopic(String name, Uuid id, int partitions) {
}

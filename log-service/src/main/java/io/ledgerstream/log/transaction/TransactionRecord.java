package io.ledgerstream.log.transaction;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A transactional id's state as {@code __transaction_state} stores it (key: the transactional id). Value format 1:
 * format byte, producerId long, producerEpoch short, lastProducerEpoch short, timeoutMs int, state byte (ordinal),
 * startMs long, updateMs long, partitionCount int, (topic UTF-8 length-prefixed, partition int) * partitionCount.
 *
 * @param lastProducerEpoch the epoch before the last InitProducerId that named its own (KIP-360), so that a retry
 *                          of that request gets the same answer; -1 when there is none
 * @param txnStartMs        when the open transaction started, -1 when none is open
 */
record TransactionRecord(String transactionalId, long producerId, short producerEpoch, short lastProducerEpoch,
                         int timeoutMs, TransactionState state, Set<TopicPartition> partitions, long txnStartMs,
                         long lastUpdateMs) {
    private static final byte FORMAT = 1;

    TransactionRecord {
        partitions = Set.copyOf(partitions);
    }

    byte[] key() {
        return transactionalId.getBytes(UTF_8);
    }

    byte[] value() {
        List<TopicPartition> sorted = new ArrayList<>(partitions);
        int size = 1 + 8 + 2 + 2 + 4 + 1 + 8 + 8 + 4;
        List<byte[]> topics = new ArrayList<>();
        for (TopicPartition tp : sorted) {
            byte[] topic = tp.topic().getBytes(UTF_8);
            topics.add(topic);
            size += 2 + topic.length + 4;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(FORMAT).putLong(producerId).putShort(producerEpoch)
                .putShort(lastProducerEpoch).putInt(timeoutMs).put((byte) state.ordinal()).putLong(txnStartMs).putLong(lastUpdateMs)
                .putInt(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            out.putShort((short) topics.get(i).length).put(topics.get(i)).putInt(sorted.get(i).partition());
        }
        return out.array();
    }

    /** This record in another state, updated at {@code nowMs}. */
    TransactionRecord with(TransactionState newState, Set<TopicPartition> newPartitions, long startMs, long nowMs) {
        return new TransactionRecord(transactionalId, producerId, producerEpoch, lastProducerEpoch, timeoutMs,
                newState, newPartitions,
                startMs, nowMs);
    }

    /** This record with another producer id and epochs (and timeout), updated at {@code nowMs}. */
    TransactionRecord withProducer(long id, short epoch, short lastEpoch, int timeout, TransactionState newState,
                                   Set<TopicPartition> newPartitions, long startMs, long nowMs) {
        return new TransactionRecord(transactionalId, id, epoch, lastEpoch, timeout, newState, newPartitions, startMs,
                nowMs);
    }

    static TransactionRecord decode(ByteBuffer key, ByteBuffer value) {
        byte[] keyBytes = new byte[key.remaining()];
        key.get(keyBytes);
        byte format = value.get();
        if (format != FORMAT) {
            throw new IllegalStateException("Unknown transaction record format " + format);
        }
        long producerId = value.getLong();
        short epoch = value.getShort();
        short lastEpoch = value.getShort();
        int timeoutMs = value.getInt();
        TransactionState state = TransactionState.values()[value.get()];
        long startMs = value.getLong();
        long updateMs = value.getLong();
        int count = value.getInt();
        Set<TopicPartition> partitions = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            byte[] topic = new byte[value.getShort()];
            value.get(topic);
            partitions.add(new TopicPartition(new String(topic, UTF_8), value.getInt()));
        }
        return new TransactionRecord(new String(keyBytes, UTF_8), producerId, epoch, lastEpoch, timeoutMs, state,
                partitions,
                startMs, updateMs);
    }
}

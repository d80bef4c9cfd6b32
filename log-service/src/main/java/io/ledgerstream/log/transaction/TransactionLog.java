package io.ledgerstream.log.transaction;

import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.partition.RecordBatches;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * The durable state of the transactional ids of one partition of {@code __transaction_state}, an internal
 * compacted topic of our own log: one record per state change, keyed by transactional id, so compaction keeps the
 * latest of each. Loaded when this broker takes the partition over.
 *
 * <p>Thread-safe: it holds no state of its own beyond the partition it writes to.
 */
final class TransactionLog {
    static final String TOPIC = TopicNames.TRANSACTION_STATE;
    private static final int READ_BYTES = 1 << 20;

    private final PartitionLogs logs;
    private final TopicPartition partition;
    private final Clock clock;

    TransactionLog(PartitionLogs logs, int partition, Clock clock) {
        this.logs = logs;
        this.partition = new TopicPartition(TOPIC, partition);
        this.clock = clock;
    }

    /** The partition of {@code __transaction_state} a transactional id belongs to, as Kafka places it. */
    static int partitionFor(String transactionalId, int partitions) {
        return Utils.abs(transactionalId.hashCode()) % partitions;
    }

    /** Reads the partition from its start: every transactional id's latest state. */
    CompletableFuture<Map<String, TransactionRecord>> load() {
        return logs.log(partition).thenCompose(log -> loadFrom(log, log.logStartOffset(), new HashMap<>()));
    }

    private CompletableFuture<Map<String, TransactionRecord>> loadFrom(PartitionLog log, long offset,
                                                                      Map<String, TransactionRecord> into) {
        if (offset >= log.highWatermark()) {
            return CompletableFuture.completedFuture(into);
        }
        return log.readAsync(offset, READ_BYTES).thenCompose(read -> {
            long next = offset;
            try (read) {
                for (ByteBuffer buffer : read.batches()) {
                    for (RecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
                        for (Record record : batch) {
                            if (record.offset() >= offset && record.hasKey()) {
                                apply(record, into);
                            }
                        }
                    }
                    next = RecordBatches.nextOffset(buffer);
                }
            }
            return next > offset ? loadFrom(log, next, into) : CompletableFuture.completedFuture(into);
        });
    }

    private static void apply(Record record, Map<String, TransactionRecord> into) {
        if (!record.hasValue()) {
            byte[] key = new byte[record.keySize()];
            record.key().get(key);
            into.remove(new String(key, java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        TransactionRecord state = TransactionRecord.decode(record.key(), record.value());
        into.put(state.transactionalId(), state);
    }

    /** Makes a state change durable; fails if this broker no longer leads the partition, or the write fails. */
    CompletableFuture<Void> write(TransactionRecord state) {
        ByteBuffer batch = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(clock.millis(), state.key(), state.value())).buffer();
        return logs.log(partition).thenCompose(log -> log.appendAsync(batch)).thenApply(appended -> null);
    }
}

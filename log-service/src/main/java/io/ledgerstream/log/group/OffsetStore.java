package io.ledgerstream.log.group;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.ledgerstream.log.metadata.TopicNames;
import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.ReadResult;
import io.ledgerstream.log.partition.RecordBatches;
import io.ledgerstream.log.partition.TransactionMarkers;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * The committed offsets of the groups of one partition of {@code __consumer_offsets}, an internal compacted topic of
 * our own log: every commit is a record (key: group, topic, partition; value: offset, leader epoch, metadata; a null
 * value deletes), replayed when this broker takes the partition over. Replay is bounded: every
 * {@code offsets.snapshot.records} records (10,000 by default) written to the partition, a snapshot of all its offsets
 * is written and the log start offset moved to it (DeleteRecords), so a load reads one snapshot and at most that many
 * commits after it.
 *
 * <p>Called only from the group coordinator's thread.
 */
public final class OffsetStore {
    public static final String TOPIC = TopicNames.CONSUMER_OFFSETS;
    private static final int RECORDS_PER_BATCH = 500;
    private static final byte FORMAT = 1;

    private final PartitionLogs logs;
    private final TopicPartition partition;
    /** The partition log the committed offsets are replayed from when the store is loaded. */
    private final PartitionLog log;
    private final long snapshotEvery;
    /** The broker's clock: records are stamped with the time the log checks their timestamps against. */
    private final Clock clock;
    private long sinceSnapshot;
    /** Offsets replayed from transactions not decided yet, by producer id; taken by the offset manager. */
    private final Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> pendingReplayed = new HashMap<>();
    /**
     * Every offset written so far, acknowledged or not: a snapshot must hold every record that precedes it in the
     * log, since the records before it are deleted.
     */
    private final Map<String, Map<TopicPartition, CommittedOffset>> written = new HashMap<>();

    private OffsetStore(PartitionLogs logs, TopicPartition partition, PartitionLog log, long snapshotEvery,
                        Clock clock) {
        this.clock = clock;
        this.logs = logs;
        this.partition = partition;
        this.log = log;
        this.snapshotEvery = snapshotEvery;
    }

    /** The partition of {@code __consumer_offsets} a group belongs to, of {@code partitions}, as Kafka places it. */
    public static int partitionFor(String groupId, int partitions) {
        return Utils.abs(groupId.hashCode()) % partitions;
    }

    /** Opens a partition of the internal topic, which this broker must lead (the topic is created at start-up). */
    static CompletableFuture<OffsetStore> open(PartitionLogs logs, int partition, long snapshotEvery, Clock clock) {
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        return logs.log(tp).thenApply(log -> new OffsetStore(logs, tp, log, snapshotEvery, clock));
    }

    /** Reads the topic from its start: every group's offsets as the last record for each key says. */
    public CompletableFuture<Map<String, Map<TopicPartition, CommittedOffset>>> replay() {
        return replayFrom(log.logStartOffset(), written).thenApply(v -> {
            Map<String, Map<TopicPartition, CommittedOffset>> copy = new HashMap<>();
            written.forEach((group, offsets) -> copy.put(group, new HashMap<>(offsets)));
            return copy;
        });
    }

    private CompletableFuture<Void> replayFrom(long offset, Map<String, Map<TopicPartition, CommittedOffset>> into) {
        if (offset >= log.highWatermark()) {
            return CompletableFuture.completedFuture(null);
        }
        return log.readAsync(offset, 1 << 20).thenCompose((ReadResult read) -> {
            long next;
            try (read) {
                next = replay(read, offset, into);
            }
            return next > offset ? replayFrom(next, into) : CompletableFuture.<Void>completedFuture(null);
        });
    }

    /** Applies what a read holds from {@code offset} on; returns the offset after its last batch. */
    private long replay(ReadResult read, long offset, Map<String, Map<TopicPartition, CommittedOffset>> into) {
        long next = offset;
        for (ByteBuffer buffer : read.batches()) {
            for (RecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
                if (batch.isControlBatch()) {
                    if (batch.baseOffset() >= offset) {
                        replayMarker(batch, into);
                    }
                    continue;
                }
                Map<String, Map<TopicPartition, CommittedOffset>> target = batch.isTransactional()
                        ? pendingReplayed.computeIfAbsent(batch.producerId(), id -> new HashMap<>()) : into;
                for (Record record : batch) {
                    if (record.offset() >= offset) {
                        apply(record, target);
                        sinceSnapshot++;
                    }
                }
            }
            next = RecordBatches.nextOffset(buffer);
        }
        return next;
    }

    /** A replayed marker: a commit makes the producer's pending offsets committed, an abort drops them. */
    private void replayMarker(RecordBatch marker, Map<String, Map<TopicPartition, CommittedOffset>> into) {
        Map<String, Map<TopicPartition, CommittedOffset>> pending = pendingReplayed.remove(marker.producerId());
        boolean commit = TransactionMarkers.isCommit(marker);
        if (pending != null && commit) {
            pending.forEach((group, offsets) -> into.computeIfAbsent(group, g -> new HashMap<>()).putAll(offsets));
        }
    }

    /** The offsets of transactions not decided when the replay ended, by producer id. */
    Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> pendingTransactions() {
        return pendingReplayed;
    }

    /**
     * Appends the offsets a transactional producer commits with its transaction (TxnOffsetCommit), in a
     * transactional batch of that producer; they count once its commit marker follows. Completes once durable.
     */
    public CompletableFuture<Void> appendTransactional(String group, long producerId, short producerEpoch,
                                                       Map<TopicPartition, CommittedOffset> commits) {
        List<SimpleRecord> records = new ArrayList<>();
        commits.forEach((tp, offset) -> records.add(record(group, tp, offset)));
        sinceSnapshot += records.size();
        ByteBuffer batch = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, producerEpoch, 0,
                records.toArray(SimpleRecord[]::new)).buffer();
        // The log checks this batch's epoch but not a sequence, as Kafka does for its coordinators' writes.
        RecordBatches.setBaseSequence(batch, RecordBatch.NO_SEQUENCE);
        return writable().thenCompose(log -> log.appendAsync(batch)).thenApply(a -> null);
    }

    /** A transaction's offsets were committed: from now on a snapshot holds them. */
    void committedTransactional(String group, Map<TopicPartition, CommittedOffset> offsets) {
        written.computeIfAbsent(group, g -> new HashMap<>()).putAll(offsets);
    }

    /** Appends commits (a null offset deletes); completes once they are durable. */
    public CompletableFuture<Void> append(String group, Map<TopicPartition, CommittedOffset> commits) {
        List<SimpleRecord> records = new ArrayList<>();
        commits.forEach((tp, offset) -> {
            records.add(record(group, tp, offset));
            if (offset == null) {
                Map<TopicPartition, CommittedOffset> offsets = written.get(group);
                if (offsets != null) {
                    offsets.remove(tp);
                }
            } else {
                written.computeIfAbsent(group, g -> new HashMap<>()).put(tp, offset);
            }
        });
        sinceSnapshot += records.size();
        return appendAll(records);
    }

    /** Whether enough has been written since the last snapshot to write a new one. */
    public boolean snapshotDue() {
        return sinceSnapshot >= snapshotEvery;
    }

    /** Writes every offset written so far as a snapshot and moves the log start to its first record. */
    public CompletableFuture<Void> snapshot() {
        List<SimpleRecord> records = new ArrayList<>();
        written.forEach((group, offsets) -> offsets.forEach((tp, offset) -> records.add(record(group, tp, offset))));
        sinceSnapshot = 0;
        return writable().thenCompose(log -> snapshotTo(log, records));
    }

    /**
     * The log to write to: the same one while it is healthy, else the one the broker reopened (a failed log refuses
     * appends, and the broker reopens it on the next request). Fails if this broker no longer leads the partition.
     */
    private CompletableFuture<PartitionLog> writable() {
        return logs.log(partition);
    }

    private CompletableFuture<Void> snapshotTo(PartitionLog log, List<SimpleRecord> records) {
        long start = log.highWatermark();
        if (records.isEmpty()) {
            return log.deleteRecordsBefore(-1).thenApply(v -> null);
        }
        List<CompletableFuture<io.ledgerstream.log.partition.AppendResult>> appends = new ArrayList<>();
        for (int i = 0; i < records.size(); i += RECORDS_PER_BATCH) {
            appends.add(log.appendAsync(MemoryRecords.withRecords(Compression.NONE,
                    records.subList(i, Math.min(records.size(), i + RECORDS_PER_BATCH)).toArray(SimpleRecord[]::new))
                    .buffer()));
        }
        return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new))
                .thenCompose(v -> log.deleteRecordsBefore(Math.max(start, appends.get(0).join().baseOffset())))
                .thenApply(v -> null);
    }

    private CompletableFuture<Void> appendAll(List<SimpleRecord> records) {
        return writable().thenCompose(log -> {
            List<CompletableFuture<?>> appends = new ArrayList<>();
            for (int i = 0; i < records.size(); i += RECORDS_PER_BATCH) {
                appends.add(log.appendAsync(MemoryRecords.withRecords(Compression.NONE,
                        records.subList(i, Math.min(records.size(), i + RECORDS_PER_BATCH)).toArray(SimpleRecord[]::new))
                        .buffer()));
            }
            return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new));
        });
    }

    private SimpleRecord record(String group, TopicPartition tp, CommittedOffset offset) {
        byte[] key = (group + '\u0000' + tp.topic() + '\u0000' + tp.partition()).getBytes(UTF_8);
        if (offset == null) {
            return new SimpleRecord(clock.millis(), key, null);
        }
        byte[] metadata = offset.metadata() == null ? new byte[0] : offset.metadata().getBytes(UTF_8);
        ByteBuffer value = ByteBuffer.allocate(1 + 8 + 4 + 4 + metadata.length)
                .put(FORMAT).putLong(offset.offset()).putInt(offset.leaderEpoch()).putInt(metadata.length).put(metadata);
        return new SimpleRecord(clock.millis(), key, value.array());
    }

    private static void apply(Record record, Map<String, Map<TopicPartition, CommittedOffset>> into) {
        byte[] keyBytes = new byte[record.keySize()];
        record.key().get(keyBytes);
        String[] key = new String(keyBytes, UTF_8).split("\u0000", 3);
        TopicPartition tp = new TopicPartition(key[1], Integer.parseInt(key[2]));
        if (!record.hasValue()) {
            Map<TopicPartition, CommittedOffset> group = into.get(key[0]);
            if (group != null) {
                group.remove(tp);
            }
            return;
        }
        ByteBuffer value = record.value();
        byte format = value.get();
        if (format != FORMAT) {
            throw new IllegalStateException("Unknown offset record format " + format + " in " + TOPIC);
        }
        long offset = value.getLong();
        int epoch = value.getInt();
        byte[] metadata = new byte[value.getInt()];
        value.get(metadata);
        into.computeIfAbsent(key[0], g -> new HashMap<>()).put(tp, new CommittedOffset(offset, epoch,
                new String(metadata, UTF_8)));
    }
}

package io.ledgerstream.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.ledgerstream.log.broker.LogManager;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.TopicExistsException;
import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.ReadResult;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * The quick start's end-to-end check of the log: appends Kafka record batches to every partition of a topic,
 * then reads each partition back from its first offset and verifies offsets, CRCs and this run's contents.
 * It exercises the partition log on BookKeeper only; it is not yet the platform's processing job.
 */
public final class QuickstartCheck {
    public static final String TOPIC = "quickstart";
    public static final int PARTITIONS = 3;

    /** What a run found and did. */
    public record Summary(boolean topicCreated, long recordsBefore, long recordsAppended, long recordsVerified,
                          long appendNanos) {
    }

    private final LogManager logs;
    private final PrintStream out;

    public QuickstartCheck(LogManager logs, PrintStream out) {
        this.logs = logs;
        this.out = out;
    }

    /**
     * Runs the check.
     *
     * @throws IllegalStateException naming the first offset or record that is not as written
     */
    public Summary run(int batchesPerPartition, int recordsPerBatch, int valueBytes) throws Exception {
        boolean created = createTopic();
        List<PartitionLog> partitions = new ArrayList<>();
        long before = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            PartitionLog log = logs.log(new TopicPartition(TOPIC, p)).get(60, TimeUnit.SECONDS);
            partitions.add(log);
            before += log.highWatermark() - log.logStartOffset();
        }
        out.printf(Locale.ROOT, "  topic %s: %s, %d partitions, %,d records from earlier runs%n", TOPIC,
                created ? "created" : "found", PARTITIONS, before);

        String run = Long.toString(System.currentTimeMillis(), 36);
        Map<String, Long> expectedOffsets = new HashMap<>();
        List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
        List<List<String>> keysPerAppend = new ArrayList<>();
        long start = System.nanoTime();
        for (int b = 0; b < batchesPerPartition; b++) {
            for (int p = 0; p < PARTITIONS; p++) {
                List<String> keys = new ArrayList<>();
                SimpleRecord[] records = new SimpleRecord[recordsPerBatch];
                for (int r = 0; r < recordsPerBatch; r++) {
                    String key = run + "-p" + p + "-b" + b + "-r" + r;
                    keys.add(key);
                    records[r] = new SimpleRecord(System.currentTimeMillis(), key.getBytes(UTF_8), value(key, valueBytes));
                }
                keysPerAppend.add(keys);
                appends.add(partitions.get(p).appendAsync(MemoryRecords.withRecords(Compression.NONE, records).buffer()));
            }
        }
        CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        long appendNanos = System.nanoTime() - start;
        for (int i = 0; i < appends.size(); i++) {
            long base = appends.get(i).join().baseOffset();
            List<String> keys = keysPerAppend.get(i);
            for (int r = 0; r < keys.size(); r++) {
                expectedOffsets.put(keys.get(r), base + r);
            }
        }
        long appended = (long) appends.size() * recordsPerBatch;
        double seconds = appendNanos / 1e9;
        out.printf(Locale.ROOT, "  appended %,d batches (%,d records of %d bytes) in %.2f s: %,.0f records/s, every batch "
                        + "acknowledged by 2 of 3 bookies%n", appends.size(), appended, valueBytes, seconds,
                appended / seconds);

        long verified = 0;
        for (PartitionLog log : partitions) {
            verified += verify(log, run, expectedOffsets, valueBytes);
        }
        long ours = expectedOffsets.size();
        out.printf(Locale.ROOT, "  read back all %,d records from the first offset of each partition: offsets contiguous, every "
                + "batch CRC valid, the %,d records of this run at their acknowledged offsets with their values%n",
                verified, ours);
        return new Summary(created, before, appended, verified, appendNanos);
    }

    private boolean createTopic() throws Exception {
        try {
            logs.createTopic(TOPIC, PARTITIONS, new Replication(3, 2, 2), Map.of()).get(30, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    private static long verify(PartitionLog log, String run, Map<String, Long> expectedOffsets, int valueBytes)
            throws Exception {
        long next = log.logStartOffset();
        long count = 0;
        while (next < log.highWatermark()) {
            ReadResult read;
            try {
                read = log.readAsync(next, 1 << 20).get(60, TimeUnit.SECONDS);
            } catch (CompletionException e) {
                throw new IllegalStateException("Reading " + log.topicPartition() + " at " + next + " failed", e);
            }
            for (ByteBuffer buffer : read.batches()) {
                for (RecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
                    batch.ensureValid();
                    for (Record record : batch) {
                        if (record.offset() < next) {
                            continue;
                        }
                        if (record.offset() != next) {
                            throw new IllegalStateException(log.topicPartition() + ": expected offset " + next
                                    + " but found " + record.offset());
                        }
                        String key = UTF_8.decode(record.key()).toString();
                        if (key.startsWith(run + "-")) {
                            Long expected = expectedOffsets.get(key);
                            byte[] value = new byte[record.valueSize()];
                            record.value().get(value);
                            if (expected == null || expected != record.offset()
                                    || !Arrays.equals(value, value(key, valueBytes))) {
                                throw new IllegalStateException(log.topicPartition() + ": record " + key
                                        + " at offset " + record.offset() + " is not as written");
                            }
                        }
                        next++;
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static byte[] value(String key, int size) {
        byte[] seed = key.getBytes(UTF_8);
        byte[] value = new byte[size];
        for (int i = 0; i < size; i++) {
            value[i] = seed[i % seed.length];
        }
        return value;
    }
}

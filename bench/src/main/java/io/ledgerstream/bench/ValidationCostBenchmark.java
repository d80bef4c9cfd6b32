package io.ledgerstream.bench;

import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.partition.RecordBatches;
import io.ledgerstream.log.partition.RecordValidator;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * What record validation costs per batch on the produce path: the header checks alone (size, magic, CRC32C, count, as
 * before records were validated) against the header checks plus {@link RecordValidator} (every record read, a
 * compressed batch decompressed), on the batches ProducerPerformance sends (16 records of 1 KiB of random capital
 * letters), for each codec, in rounds of alternating order.
 *
 * <p>Arguments (optional): batches per measurement (default 20000), rounds (default 4).
 */
public final class ValidationCostBenchmark {
    private static final int RECORDS = 16;
    private static final int RECORD_BYTES = 1024;
    /** Where results go, so that the JIT cannot drop the work that produced them. */
    private static volatile long sink;

    private ValidationCostBenchmark() {
    }

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long now = System.currentTimeMillis();
        System.out.printf("%-7s %6s %14s %14s %10s%n", "codec", "round", "header ns", "records ns", "added ns");
        for (CompressionType codec : CompressionType.values()) {
            ByteBuffer batch = batch(codec, now);
            for (int round = 1; round <= rounds; round++) {
                long header;
                long full;
                if (round % 2 == 1) {
                    header = time(batch, batches, false, now);
                    full = time(batch, batches, true, now);
                } else {
                    full = time(batch, batches, true, now);
                    header = time(batch, batches, false, now);
                }
                System.out.printf(Locale.ROOT, "%-7s %6d %14d %14d %10d%n", codec.name, round, header, full,
                        full - header);
            }
        }
    }

    /** Mean nanoseconds per batch of {@code n} validations, after as many unmeasured ones. */
    private static long time(ByteBuffer batch, int n, boolean records, long now) {
        long sum = 0;
        for (int pass = 0; pass < 2; pass++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                RecordBatches.validate(batch, Integer.MAX_VALUE);
                if (records) {
                    sum += RecordValidator.validate(batch, LogConfig.DEFAULTS, now, "perf-0").maxTimestamp();
                } else {
                    sum += RecordBatches.recordCount(batch);
                }
            }
            if (pass == 1) {
                long perBatch = (System.nanoTime() - start) / n;
                sink = sum;
                return perBatch;
            }
        }
        throw new AssertionError("unreachable");
    }

    private static ByteBuffer batch(CompressionType codec, long now) {
        Random random = new Random(7);
        SimpleRecord[] records = new SimpleRecord[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            byte[] value = new byte[RECORD_BYTES];
            for (int b = 0; b < value.length; b++) {
                value[b] = (byte) ('A' + random.nextInt(26));
            }
            records[i] = new SimpleRecord(now, null, value);
        }
        return MemoryRecords.withRecords(Compression.of(codec).build(), records).buffer();
    }
}

package io.ledgerstream.log.partition;

import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.MessageTimestamps;
import io.ledgerstream.log.partition.InvalidRecordBatchException.Reason;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Checks the records inside a v2 batch whose header {@link RecordBatches#validate} accepted, as Kafka's log
 * validator does, without re-encoding anything: a known codec; every record readable with lengths, varints and header
 * counts that fit, exactly the declared count of them and no byte after the last (a compressed batch is decompressed
 * as a stream, nothing kept); keys on a compacted topic; producer timestamps within the topic's bounds. Reading is
 * kafka-clients' own, the very reader its consumers use, so what passes here is what they read.
 *
 * <p>Compressed records are read one by one from the decompressed stream ({@link DecompressedRecords}), each checked
 * against its length field. Kafka skips keys and values there, and its skipping reader never checks a record's
 * length field against the fields that follow it; a record whose length lies then passes Kafka's broker and fails
 * every consumer. The decompressed records of one batch may take at most 16 times {@code max.message.bytes} (at least
 * 64 MiB), so that a small batch cannot make the broker, or later its consumers, allocate gigabytes.
 *
 * <p>One check is stricter than Kafka's: offset deltas must run 0, 1, 2 and so on. Kafka stores an uncompressed batch
 * whose deltas do not (its consumers then see offsets that overlap other batches) and rebuilds a compressed one; no
 * producer writes such a batch, and refusing it keeps batches exactly as sent.
 *
 * <p>Thread-safe: each thread keeps its own decompression buffers.
 */
public final class RecordValidator {
    private static final List<String> CODEC_PACKAGES = List.of("org.xerial.snappy.", "net.jpountz.",
            "com.github.luben.zstd.");
    private static final long MIN_DECOMPRESSED_BUDGET = 64L << 20;
    /** Decompression buffers, reused by the appends of one thread (Netty event loops). */
    private static final ThreadLocal<BufferSupplier> BUFFERS = ThreadLocal.withInitial(BufferSupplier::create);

    private RecordValidator() {
    }

    /**
     * What validation learnt of a batch.
     *
     * @param compression  the codec its records are compressed with
     * @param maxTimestamp the largest timestamp of its records (create time)
     */
    public record Checked(CompressionType compression, long maxTimestamp) {
    }

    /**
     * Validates the records of {@code batch} (from position to limit) for a topic with settings {@code config}, at
     * broker time {@code nowMs}. The buffer is only read.
     *
     * @throws InvalidRecordBatchException with Kafka's reason, and the refused records where Kafka names them
     */
    public static Checked validate(ByteBuffer batch, LogConfig config, long nowMs, String partition) {
        CompressionType compression = codec(RecordBatches.codecId(batch));
        MutableRecordBatch parsed = MemoryRecords.readableRecords(batch.duplicate()).batches().iterator().next();
        long baseOffset = parsed.baseOffset();
        MessageTimestamps bounds = config.timestamps();
        boolean keysRequired = config.cleanupPolicy().compacts();
        // The log stamps append time itself; a producer may not claim it (Kafka refuses it the same way).
        boolean claimsAppendTime = bounds.type() == TimestampType.LOG_APPEND_TIME && RecordBatches.logAppendTime(batch);
        List<RecordError> errors = new ArrayList<>();
        boolean timestampRefused = false;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int index = 0;
        try (CloseableIterator<Record> records = compression == CompressionType.NONE
                ? CloseableIterator.wrap(parsed.iterator())
                : new DecompressedRecords(batch, (DefaultRecordBatch) parsed, compression, BUFFERS.get(), decompressedBudget(config),
                        partition)) {
            while (records.hasNext()) {
                Record record = records.next();
                long delta = record.offset() - baseOffset;
                if (delta != index) {
                    errors.add(new RecordError(index, "Record " + index + " of the batch has offset delta " + delta
                            + "; record offsets must increase by one from the batch's base offset in " + partition));
                } else if (keysRequired && !record.hasKey()) {
                    errors.add(new RecordError(index,
                            "Compacted topic cannot accept message without key in topic partition " + partition + "."));
                } else if (claimsAppendTime) {
                    timestampRefused = true;
                    errors.add(new RecordError(index, "Timestamp type of message " + index
                            + " is LogAppendTime; a producer should not set it"));
                } else if (record.timestamp() != RecordBatch.NO_TIMESTAMP && !bounds.accepts(record.timestamp(), nowMs)) {
                    timestampRefused = true;
                    errors.add(new RecordError(index, "Timestamp " + record.timestamp() + " of message with offset "
                            + index + " is out of range. The timestamp should be within [" + (nowMs - bounds.beforeMaxMs())
                            + ", " + (nowMs + bounds.afterMaxMs()) + "]"));
                }
                maxTimestamp = Math.max(maxTimestamp, record.timestamp());
                index++;
            }
        } catch (InvalidRecordException e) {
            // Records that lie about their sizes, varints too long, negative header counts, bytes after the last
            // record: Kafka's INVALID_RECORD.
            throw new InvalidRecordBatchException(Reason.INVALID_RECORD, "Record batch for " + partition
                    + " holds records that cannot be read: " + e.getMessage(), e);
        } catch (KafkaException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException
                 | BufferUnderflowException | UncheckedIOException e) {
            // A stream that does not decompress, or a length varint kafka-clients does not catch itself. Kafka
            // answers UNKNOWN_SERVER_ERROR to these; they are corrupt batches.
            throw corrupt(partition, e);
        } catch (RuntimeException | Error e) {
            // The codecs' libraries (lz4-java, zstd-jni, snappy-java) report damaged streams with exceptions and
            // errors of their own; anything else is not about the batch and goes on up.
            if (!isCodecFailure(e)) {
                throw e;
            }
            throw corrupt(partition, e);
        }
        if (!errors.isEmpty()) {
            // As Kafka: one timestamp out of bounds makes the whole refusal INVALID_TIMESTAMP.
            throw new InvalidRecordBatchException(timestampRefused ? Reason.INVALID_TIMESTAMP : Reason.INVALID_RECORD,
                    "One or more records have been rejected: " + errors.get(0).message()
                            + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""), errors);
        }
        return new Checked(compression, maxTimestamp);
    }

    private static InvalidRecordBatchException corrupt(String partition, Throwable cause) {
        return new InvalidRecordBatchException(Reason.CORRUPT_RECORDS, "Record batch for " + partition
                + " holds records that cannot be read: " + cause, cause);
    }

    private static boolean isCodecFailure(Throwable failure) {
        String type = failure.getClass().getName();
        return CODEC_PACKAGES.stream().anyMatch(type::startsWith);
    }

    /**
     * How many decompressed bytes the records of one batch may take: 16 times the largest batch, at least 64 MiB.
     * Kafka sets no bound; a batch beyond it would cost every consumer as much memory.
     */
    private static long decompressedBudget(LogConfig config) {
        return Math.max(MIN_DECOMPRESSED_BUDGET, 16L * config.maxMessageBytes());
    }

    private static CompressionType codec(int id) {
        for (CompressionType type : CompressionType.values()) {
            if (type.id == id) {
                return type;
            }
        }
        throw new InvalidRecordBatchException(Reason.CORRUPT_RECORDS,
                "Record batch uses compression codec id " + id + ", which does not exist");
    }
}

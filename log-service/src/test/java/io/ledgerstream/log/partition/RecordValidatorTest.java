package io.ledgerstream.log.partition;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.partition.InvalidRecordBatchException.Reason;
import io.ledgerstream.log.testing.BatchBytes;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the record validator refuses, and with which of Kafka's reasons, on batches built with kafka-clients. */
class RecordValidatorTest {
    private static final long NOW = 1_800_000_000_000L;

    private static ByteBuffer batch(Compression compression, SimpleRecord... records) {
        return MemoryRecords.withRecords(compression, records).buffer();
    }

    private static SimpleRecord record(String key, long timestamp) {
        return new SimpleRecord(timestamp, key == null ? null : key.getBytes(UTF_8), ("value of " + key).getBytes(UTF_8),
                new Header[] {new RecordHeader("h", "v".getBytes(UTF_8))});
    }

    private static InvalidRecordBatchException refusal(ByteBuffer batch, LogConfig config) {
        return catchThrowableOfType(InvalidRecordBatchException.class,
                () -> RecordValidator.validate(batch, config, NOW, "t-0"));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void batchesOfEveryCodecPassWithTheirNewestTimestamp(CompressionType codec) {
        ByteBuffer batch = batch(Compression.of(codec).build(), record("a", NOW - 5), record(null, NOW - 1),
                record("c", NOW - 9));
        RecordValidator.Checked checked = RecordValidator.validate(batch, LogConfig.DEFAULTS, NOW, "t-0");
        assertThat(checked.compression()).isEqualTo(codec);
        assertThat(checked.maxTimestamp()).isEqualTo(NOW - 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 7})
    void unknownCodecsAreCorrupt(int codecId) {
        ByteBuffer batch = BatchBytes.withCodec(batch(Compression.NONE, record("a", NOW)), codecId);
        InvalidRecordBatchException refused = refusal(batch, LogConfig.DEFAULTS);
        assertThat(refused.reason()).isEqualTo(Reason.CORRUPT_RECORDS);
        assertThat(refused).hasMessageContaining("codec id " + codecId);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void aCompressionFlagOverBytesThatDoNotDecompressIsRefused(int codecId) {
        ByteBuffer batch = BatchBytes.withCodec(batch(Compression.NONE, record("a", NOW), record("b", NOW)), codecId);
        assertThat(refusal(batch, LogConfig.DEFAULTS).reason()).isIn(Reason.CORRUPT_RECORDS, Reason.INVALID_RECORD);
    }

    @Test
    void aRecordWhoseLengthLiesIsInvalid() {
        ByteBuffer batch = BatchBytes.copy(batch(Compression.NONE, record("a", NOW), record("b", NOW)));
        // The first record's length is a one-byte zig-zag varint right after the header: claim 3 bytes more.
        int length = batch.get(BatchBytes.RECORDS) >> 1;
        batch.put(BatchBytes.RECORDS, (byte) ((length + 3) << 1));
        InvalidRecordBatchException refused = refusal(BatchBytes.withCrc(batch), LogConfig.DEFAULTS);
        assertThat(refused.reason()).isEqualTo(Reason.INVALID_RECORD);
        assertThat(refused).hasMessageContaining("t-0");
    }

    @Test
    void bytesAfterTheLastRecordAreInvalid() {
        ByteBuffer batch = BatchBytes.withTrailingBytes(batch(Compression.NONE, record("a", NOW)), new byte[] {0, 0, 0});
        assertThat(refusal(batch, LogConfig.DEFAULTS).reason()).isEqualTo(Reason.INVALID_RECORD);
    }

    @Test
    void aCountBeyondTheRecordsHeldIsInvalid() {
        for (CompressionType codec : new CompressionType[] {CompressionType.NONE, CompressionType.LZ4}) {
            ByteBuffer batch = BatchBytes.withCount(batch(Compression.of(codec).build(), record("a", NOW),
                    record("b", NOW)), 3);
            assertThat(refusal(batch, LogConfig.DEFAULTS).reason()).as(codec.name)
                    .isIn(Reason.INVALID_RECORD, Reason.CORRUPT_RECORDS);
        }
    }

    @Test
    void aCompactedTopicRefusesEachRecordWithoutAKeyByIndex() {
        LogConfig compacted = LogConfig.DEFAULTS.withOverrides(Map.of(LogConfig.CLEANUP_POLICY, "compact"));
        ByteBuffer batch = batch(Compression.gzip().build(), record("a", NOW), record(null, NOW), record("c", NOW),
                record(null, NOW));
        InvalidRecordBatchException refused = refusal(batch, compacted);
        assertThat(refused.reason()).isEqualTo(Reason.INVALID_RECORD);
        assertThat(refused.recordErrors()).extracting(RecordError::batchIndex).containsExactly(1, 3);
        assertThat(refused.recordErrors().get(0).message()).contains("without key");
    }

    @Test
    void timestampsOutsideTheTopicsBoundsAreInvalidTimestamps() {
        ByteBuffer aheadByTwoHours = batch(Compression.NONE, record("a", NOW), record("b", NOW + 7_200_000));
        InvalidRecordBatchException refused = refusal(aheadByTwoHours, LogConfig.DEFAULTS);
        assertThat(refused.reason()).isEqualTo(Reason.INVALID_TIMESTAMP);
        assertThat(refused.recordErrors()).extracting(RecordError::batchIndex).containsExactly(1);

        LogConfig dayOld = LogConfig.DEFAULTS.withOverrides(Map.of(LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "86400000"));
        ByteBuffer old = batch(Compression.NONE, record("a", NOW - 2 * 86_400_000L), record("b", NOW));
        assertThat(refusal(old, dayOld).recordErrors()).extracting(RecordError::batchIndex).containsExactly(0);
        RecordValidator.validate(old, LogConfig.DEFAULTS, NOW, "t-0");

        LogConfig appendTime = LogConfig.DEFAULTS.withOverrides(Map.of(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime"));
        RecordValidator.validate(aheadByTwoHours, appendTime, NOW, "t-0");
    }

    @Test
    void offsetDeltasMustRunFromZero() {
        ByteBuffer out = ByteBuffer.allocate(1024);
        var builder = MemoryRecords.builder(out, Compression.NONE, TimestampType.CREATE_TIME,
                0);
        builder.appendWithOffset(1, record("a", NOW));
        builder.appendWithOffset(2, record("b", NOW));
        // Count 2, last offset delta 2: the header check would refuse it; the records' deltas are what is tested.
        ByteBuffer batch = BatchBytes.copy(builder.build().buffer());
        InvalidRecordBatchException refused = refusal(batch, LogConfig.DEFAULTS);
        assertThat(refused.reason()).isEqualTo(Reason.INVALID_RECORD);
        assertThat(refused.recordErrors()).extracting(RecordError::batchIndex).containsExactly(0, 1);
    }

    @Test
    void aProducerMayNotClaimLogAppendTimeOnALogAppendTimeTopic() {
        ByteBuffer out = ByteBuffer.allocate(1024);
        var builder = new MemoryRecordsBuilder(out,
                RecordBatch.MAGIC_VALUE_V2, Compression.NONE,
                TimestampType.LOG_APPEND_TIME, 0, NOW, -1, (short) -1, -1, false, false,
                -1, out.capacity());
        builder.append(record("a", NOW));
        ByteBuffer claimed = builder.build().buffer();
        LogConfig appendTime = LogConfig.DEFAULTS.withOverrides(Map.of(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime"));
        assertThat(refusal(claimed, appendTime).reason()).isEqualTo(Reason.INVALID_TIMESTAMP);
        RecordValidator.validate(claimed, LogConfig.DEFAULTS, NOW, "t-0");
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void compressedRecordsAreCheckedAgainstTheirLengthsWithoutTrustingThem(CompressionType codec) {
        byte[] plain = innerRecords(record("a", NOW), record("b", NOW));
        // The first record claims a body of 2 GiB, more than the heap: refused before any memory is given to it.
        byte[] huge = new byte[plain.length + 4];
        ByteBuffer hugeBytes = ByteBuffer.wrap(huge);
        ByteUtils.writeVarint(Integer.MAX_VALUE - 64, hugeBytes);
        int firstLength = ByteUtils.readVarint(ByteBuffer.wrap(plain));
        int lengthBytes = ByteUtils.sizeOfVarint(firstLength);
        hugeBytes.put(plain, lengthBytes, plain.length - lengthBytes);
        ByteBuffer bomb = compressedBatch(codec, Arrays.copyOf(huge, hugeBytes.position()));
        assertThat(refusal(bomb, LogConfig.DEFAULTS).reason()).isEqualTo(Reason.INVALID_RECORD);

        // A record whose length is one byte short of its fields: kafka-clients' consumers would fail on it.
        byte[] shortLength = plain.clone();
        shortLength[0] = (byte) (((firstLength - 1) << 1));
        assertThat(refusal(compressedBatch(codec, shortLength), LogConfig.DEFAULTS).reason())
                .isIn(Reason.INVALID_RECORD, Reason.CORRUPT_RECORDS);

        // A third record after the two declared.
        byte[] extra = Arrays.copyOf(plain, plain.length + plain.length / 2);
        System.arraycopy(plain, 0, extra, plain.length, plain.length / 2);
        assertThat(refusal(compressedBatch(codec, extra), LogConfig.DEFAULTS).reason())
                .isEqualTo(Reason.INVALID_RECORD);

        RecordValidator.validate(compressedBatch(codec, plain), LogConfig.DEFAULTS, NOW, "t-0");
    }

    /** The records of an uncompressed batch, as they would be compressed. */
    private static byte[] innerRecords(SimpleRecord... records) {
        ByteBuffer batch = batch(Compression.NONE, records);
        byte[] inner = new byte[batch.remaining() - BatchBytes.RECORDS];
        batch.duplicate().position(BatchBytes.RECORDS).get(inner);
        return inner;
    }

    /** A batch declaring two records whose compressed stream holds exactly {@code inner}. */
    private static ByteBuffer compressedBatch(CompressionType codec, byte[] inner) {
        return BatchBytes.withInnerRecords(batch(Compression.of(codec).build(), record("a", NOW), record("b", NOW)),
                original -> inner);
    }
}

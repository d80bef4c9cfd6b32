package io.ledgerstream.log.partition;

import io.ledgerstream.log.config.LogConfig;
import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;

/**
 * A batch as a partition log stores it, made from the batch it was given, in Kafka's order:
 * <ol>
 *   <li>check the header ({@link RecordBatches#validate}) and the records ({@link RecordValidator});</li>
 *   <li>recompress when the topic's {@code compression.type} names another codec ({@link BatchRecompressor}), and
 *       check the size again;</li>
 *   <li>otherwise take the given bytes (a copy when they are read-only);</li>
 *   <li>set the header's timestamp type and newest timestamp: the append time under log append time, else the
 *       records' true newest one (the CRC is recomputed only when they change).</li>
 * </ol>
 *
 * @param bytes           the batch to store, owned by the log
 * @param logAppendTimeMs the time stamped on it under log append time, else -1
 */
public record PreparedBatch(ByteBuffer bytes, long logAppendTimeMs) {

    /**
     * Prepares {@code batch} (from position to limit) for a topic with settings {@code config} at broker time
     * {@code nowMs}.
     *
     * @throws InvalidRecordBatchException  if the batch is refused; nothing of it is to be written
     * @throws RecordBatchTooLargeException if it, or its recompressed form, is over {@code max.message.bytes}
     */
    public static PreparedBatch of(ByteBuffer batch, LogConfig config, long nowMs, String partition) {
        RecordBatches.validate(batch, config.maxMessageBytes());
        RecordValidator.Checked checked = RecordValidator.validate(batch, config, nowMs, partition);
        Compression recompression = config.compression().recompressionFor(checked.compression());
        ByteBuffer owned;
        if (recompression != null) {
            owned = BatchRecompressor.recompress(batch, recompression);
            if (owned.remaining() > config.maxMessageBytes()) {
                throw new RecordBatchTooLargeException(owned.remaining(), config.maxMessageBytes());
            }
        } else {
            owned = batch.isReadOnly() ? ByteBuffer.allocate(batch.remaining()).put(batch.duplicate()).flip()
                    : batch.slice();
        }
        boolean appendTime = config.timestamps().type() == TimestampType.LOG_APPEND_TIME;
        RecordBatches.setMaxTimestamp(owned, appendTime, appendTime ? nowMs : checked.maxTimestamp());
        return new PreparedBatch(owned, appendTime ? nowMs : -1);
    }
}

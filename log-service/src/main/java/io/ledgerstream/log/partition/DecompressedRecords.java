package io.ledgerstream.log.partition;

import io.ledgerstream.log.partition.InvalidRecordBatchException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.NoSuchElementException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * The records of a compressed batch, read from the decompressed stream one at a time within a budget of decompressed
 * bytes. Each record's length is checked against the budget and against the bytes the stream really holds before any
 * memory is given to it, then the record is parsed with kafka-clients' own reader (which checks that its fields fill
 * exactly that length). kafka-clients' streaming reader instead allocates whatever length a record claims, so a
 * hundred-byte batch claiming a 2 GiB record would cost 2 GiB; its skipping reader never checks the length at all.
 *
 * <p>Not thread-safe: one validation owns it, and must close it.
 */
final class DecompressedRecords implements CloseableIterator<Record> {
    private final InputStream in;
    private final DefaultRecordBatch batch;
    private final Long logAppendTime;
    private final int count;
    private final String partition;
    private long budget;
    private int read;

    DecompressedRecords(ByteBuffer batchBytes, DefaultRecordBatch batch, CompressionType codec, BufferSupplier buffers,
                        long budget, String partition) {
        ByteBuffer records = batchBytes.duplicate();
        records.position(records.position() + RecordBatches.HEADER_SIZE);
        this.in = Compression.of(codec).build().wrapForInput(records.slice(), RecordBatch.MAGIC_VALUE_V2, buffers);
        this.batch = batch;
        this.logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp() : null;
        this.count = batch.countOrNull();
        this.budget = budget;
        this.partition = partition;
    }

    @Override
    public boolean hasNext() {
        return read < count;
    }

    /**
     * The next record.
     *
     * @throws InvalidRecordBatchException if its length is negative, beyond the budget or beyond the stream, or (after
     *     the last record) bytes remain; kafka-clients' exceptions for fields that do not fit
     */
    @Override
    public Record next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        try {
            int size = ByteUtils.readVarint(in);
            if (size < 0 || size > budget) {
                throw invalid("a record of " + size + " bytes, beyond the " + budget
                        + " decompressed bytes a batch may still hold");
            }
            byte[] body = in.readNBytes(size);
            if (body.length < size) {
                throw invalid("a record of " + size + " bytes where the stream ends after " + body.length);
            }
            budget -= size;
            ByteBuffer record = ByteBuffer.allocate(ByteUtils.sizeOfVarint(size) + size);
            ByteUtils.writeVarint(size, record);
            record.put(body).flip();
            Record parsed = DefaultRecord.readFrom(record, batch.baseOffset(), batch.baseTimestamp(),
                    batch.baseSequence(), logAppendTime);
            if (++read == count && in.read() != -1) {
                throw invalid("bytes after its last record");
            }
            return parsed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InvalidRecordBatchException invalid(String what) {
        return new InvalidRecordBatchException(Reason.INVALID_RECORD,
                "Compressed record batch for " + partition + " holds " + what);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

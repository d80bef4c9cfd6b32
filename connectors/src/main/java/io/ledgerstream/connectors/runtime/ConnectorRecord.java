package io.ledgerstream.connectors.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record on its way through a connector: the key and value of a topic record (JSON by default; a null value
 * is a tombstone), where it came from, and, for a record that failed, why. A Flink POJO: public fields and a
 * no-argument constructor, so Flink serializes it without Kryo.
 *
 * <p>Not thread-safe: a record belongs to one task at a time, as Flink hands it on.
 */
public class ConnectorRecord {
    /** The record key, or null. */
    public byte[] key;
    /** The record value; null for a tombstone. */
    public byte[] value;
    /** Event time in epoch milliseconds, or {@code Long.MIN_VALUE} for none. */
    public long timestamp = Long.MIN_VALUE;
    /** The topic a sink connector read it from; null for a source connector's records. */
    public String originTopic;
    public int originPartition = -1;
    public long originOffset = -1;
    /** Where a source connector read it, in words (e.g. {@code shop.public.orders at LSN 0/16B3748}). */
    public String origin;
    /** Why the record failed, or null for a good record. */
    public String error;
    /** The failure's exception class, or null. */
    public String errorClass;

    public ConnectorRecord() {
    }

    /** A record a source read. */
    public static ConnectorRecord of(byte[] key, byte[] value, long timestamp, String origin) {
        ConnectorRecord r = new ConnectorRecord();
        r.key = key;
        r.value = value;
        r.timestamp = timestamp;
        r.origin = origin;
        return r;
    }

    /** A record read from a topic. */
    public static ConnectorRecord fromTopic(String topic, int partition, long offset, byte[] key, byte[] value,
                                            long timestamp) {
        ConnectorRecord r = of(key, value, timestamp, null);
        r.originTopic = topic;
        r.originPartition = partition;
        r.originOffset = offset;
        return r;
    }

    /** A record a source could not turn into a good one, kept whole so that the dead-letter topic has it. */
    public static ConnectorRecord failed(byte[] key, byte[] value, String origin, Throwable cause) {
        return of(key, value, Long.MIN_VALUE, origin).failedWith(cause);
    }

    /** This record, marked as failed by {@code cause}. */
    public ConnectorRecord failedWith(Throwable cause) {
        error = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        errorClass = cause.getClass().getName();
        return this;
    }

    public boolean isFailed() {
        return error != null;
    }

    /** Where the record came from, in words: the topic, partition and offset, or the source's own origin. */
    public String describeOrigin() {
        if (originTopic != null) {
            return "topic " + originTopic + " partition " + originPartition + " offset " + originOffset;
        }
        return origin == null ? "an unknown origin" : origin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectorRecord r && Arrays.equals(r.key, key) && Arrays.equals(r.value, value)
                && r.timestamp == timestamp && Objects.equals(r.originTopic, originTopic)
                && r.originPartition == originPartition && r.originOffset == originOffset
                && Objects.equals(r.origin, origin) && Objects.equals(r.error, error)
                && Objects.equals(r.errorClass, errorClass);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), originTopic, originPartition,
                originOffset, origin);
    }

    @Override
    public String toString() {
        return "ConnectorRecord{" + describeOrigin() + (error == null ? "" : ", failed: " + error) + "}";
    }
}

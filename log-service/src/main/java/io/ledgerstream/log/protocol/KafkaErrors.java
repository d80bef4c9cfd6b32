package io.ledgerstream.log.protocol;

import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.config.InvalidConfigException;
import io.ledgerstream.log.metadata.InvalidTopicException;
import io.ledgerstream.log.metadata.TopicExistsException;
import io.ledgerstream.log.metadata.UnknownTopicException;
import io.ledgerstream.log.partition.InvalidRecordBatchException;
import io.ledgerstream.log.partition.LogClosedException;
import io.ledgerstream.log.partition.LogFencedException;
import io.ledgerstream.log.partition.LogStorageException;
import io.ledgerstream.log.partition.NotEnoughBookiesException;
import io.ledgerstream.log.partition.OffsetOutOfRangeException;
import io.ledgerstream.log.partition.RecordBatchTooLargeException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/** The one place where the log's exceptions become Kafka wire error codes. */
public final class KafkaErrors {
    private KafkaErrors() {
    }

    public static Errors forException(Throwable failure) {
        Throwable t = Futures.unwrap(failure);
        if (t instanceof InvalidRecordBatchException invalid) {
            return switch (invalid.reason()) {
                // Kafka 4 takes only v2 batches in Produce and refuses others as invalid records.
                case UNSUPPORTED_MAGIC, INVALID_RECORD -> Errors.INVALID_RECORD;
                case INVALID_TIMESTAMP -> Errors.INVALID_TIMESTAMP;
                default -> Errors.CORRUPT_MESSAGE;
            };
        }
        if (t instanceof RecordBatchTooLargeException) {
            return Errors.MESSAGE_TOO_LARGE;
        }
        if (t instanceof OffsetOutOfRangeException) {
            return Errors.OFFSET_OUT_OF_RANGE;
        }
        if (t instanceof LogFencedException || t instanceof LogClosedException) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (t instanceof NotEnoughBookiesException) {
            return Errors.NOT_ENOUGH_REPLICAS;
        }
        if (t instanceof LogStorageException) {
            return Errors.KAFKA_STORAGE_ERROR;
        }
        if (t instanceof UnknownTopicException) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (t instanceof TopicExistsException) {
            return Errors.TOPIC_ALREADY_EXISTS;
        }
        if (t instanceof InvalidTopicException) {
            return Errors.INVALID_TOPIC_EXCEPTION;
        }
        if (t instanceof InvalidConfigException) {
            return Errors.INVALID_CONFIG;
        }
        if (t instanceof io.ledgerstream.log.metadata.MetadataConflictException) {
            // Another update of the same metadata won; the client may retry.
            return Errors.REQUEST_TIMED_OUT;
        }
        if (t instanceof TimeoutException) {
            // A wait we bound (a produce's timeoutMs) ran out.
            return Errors.REQUEST_TIMED_OUT;
        }
        if (t instanceof ApiException) {
            return Errors.forException(t);
        }
        return Errors.UNKNOWN_SERVER_ERROR;
    }

    /** The wire code for an outcome: NONE when there was no failure. */
    public static short code(Throwable failureOrNull) {
        return failureOrNull == null ? Errors.NONE.code() : forException(failureOrNull).code();
    }

    /** The message for an outcome: null when there was no failure. */
    public static String messageOrNull(Throwable failureOrNull) {
        return failureOrNull == null ? null : message(failureOrNull);
    }

    /** The message to send with the error: ours when we have one, else Kafka's default for the code. */
    public static String message(Throwable failure) {
        Throwable t = Futures.unwrap(failure);
        return t.getMessage() != null ? t.getMessage() : forException(t).message();
    }
}

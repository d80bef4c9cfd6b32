package io.ledgerstream.connectors.runtime;

import java.util.function.Consumer;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connector does with a failed record, in one place: under {@code errors.tolerance: all} it goes to the
 * dead-letter side output (or, with no dead-letter topic, is logged and skipped); under {@code none} the connector
 * fails with an error that names the record's origin. Used by the pipeline's own functions and by a sink's writer
 * for the records its external system refused.
 */
public final class FailedRecords {
    /** The side output that feeds the dead-letter topic. */
    static final OutputTag<ConnectorRecord> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    };
    private static final Logger LOG = LoggerFactory.getLogger(FailedRecords.class);

    private FailedRecords() {
    }

    /**
     * Handles one failed record.
     *
     * @param deadLetters where to send it under tolerance {@code all}
     * @throws ConnectorFailedException under tolerance {@code none}
     */
    public static void handle(ConnectorSpec spec, ConnectorRecord failed, Consumer<ConnectorRecord>
            deadLetters, ConnectorMetrics metrics) {
        if (spec.tolerance() == ErrorTolerance.NONE) {
            throw new ConnectorFailedException("Connector " + spec.name() + " cannot take the record at "
                    + failed.describeOrigin() + ": " + failed.error + " (errors.tolerance is none; set it to all "
                    + "to send such records to a dead-letter topic)");
        }
        metrics.deadLetter();
        if (spec.deadLetterTopic().isPresent()) {
            deadLetters.accept(failed);
        } else {
            LOG.warn("Connector {} skipped the record at {}: {} (no dead-letter topic is set)", spec.name(),
                    failed.describeOrigin(), failed.error);
        }
    }
}

package io.ledgerstream.cli.flink;

import java.io.IOException;

/** A Flink REST call the JobManager answered with an error; the message carries its status and answer. */
public final class FlinkRestException extends IOException {
    public FlinkRestException(String message) {
        super(message);
    }
}

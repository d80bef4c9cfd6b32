package io.ledgerstream.connectors.jdbc.sink;

import java.io.IOException;

/** A batch the sink could not write: a non-transient SQL error, or transient ones past the retries. Fails the job. */
public final class JdbcWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    public JdbcWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}

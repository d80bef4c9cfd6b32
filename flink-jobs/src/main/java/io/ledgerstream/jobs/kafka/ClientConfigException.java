package io.ledgerstream.jobs.kafka;

import java.nio.file.Path;

/** A client config file that cannot be used; the message names the file and, for a bad setting, its key. */
public class ClientConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ClientConfigException(Path file, String key, String problem) {
        super("Client config " + file + (key == null ? " " : ": " + key + " ") + problem);
    }
}

package io.ledgerstream.log.config;

/** A configuration value that cannot be used; the message names the key and why. */
public final class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidConfigException(String key, Object value, String reason) {
        super("Invalid value '" + value + "' for configuration key '" + key + "': " + reason);
        this.key = key;
    }

    public String key() {
        return key;
    }
}

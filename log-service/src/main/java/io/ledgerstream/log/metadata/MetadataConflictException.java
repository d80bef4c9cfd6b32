package io.ledgerstream.log.metadata;

/** A compare-and-set lost: the node changed (or appeared) since it was read. */
public final class MetadataConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataConflictException(String path) {
        super("Metadata at " + path + " was changed concurrently");
    }
}

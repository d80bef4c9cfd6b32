package io.ledgerstream.log.metadata;

/** Stored metadata bytes that this version cannot read: an unknown format version or a damaged record. */
public final class MetadataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetadataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

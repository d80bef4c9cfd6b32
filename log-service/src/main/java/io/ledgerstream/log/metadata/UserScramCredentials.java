package io.ledgerstream.log.metadata;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A user's SCRAM credentials as stored in ZooKeeper, by mechanism name ({@code SCRAM-SHA-256},
 * {@code SCRAM-SHA-512}); set with AlterUserScramCredentials. Immutable; stored with {@link MetadataCodec}.
 */
public record UserScramCredentials(Map<String, StoredScramCredential> byMechanism) {
    /** No credentials. */
    public static final UserScramCredentials EMPTY = new UserScramCredentials(Map.of());

    public UserScramCredentials {
        byMechanism = Collections.unmodifiableMap(new TreeMap<>(byMechanism));
    }

    public boolean isEmpty() {
        return byMechanism.isEmpty();
    }
}

package io.ledgerstream.log.group.consumer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a member of the classic protocol gave in its last JoinGroup: its session timeout and its protocols (assignor
 * names with the embedded consumer protocol's subscription), in its order of preference.
 */
public record ClassicMetadata(int sessionTimeoutMs, Map<String, byte[]> protocols) {
    public ClassicMetadata {
        protocols = Collections.unmodifiableMap(new LinkedHashMap<>(protocols));
    }

    /** The member's preferred protocol, which a consumer group answers its JoinGroup with. */
    public String firstProtocol() {
        return protocols.keySet().iterator().next();
    }
}

package io.ledgerstream.log.group;

import org.apache.kafka.common.protocol.Errors;

/** The coordinator's answer to a SyncGroup: the member's assignment, as the leader computed it. */
public record SyncResult(Errors error, String protocolType, String protocolName, byte[] assignment) {

    static SyncResult error(Errors error) {
        return new SyncResult(error, null, null, new byte[0]);
    }
}

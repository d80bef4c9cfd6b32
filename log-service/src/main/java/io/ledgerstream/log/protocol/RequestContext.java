package io.ledgerstream.log.protocol;

import java.net.SocketAddress;
import org.apache.kafka.common.requests.RequestHeader;

/** Who sent a request and how: its header (API, version, client id, correlation id) and the client's address. */
public record RequestContext(RequestHeader header, SocketAddress clientAddress) {

    public short apiVersion() {
        return header.apiVersion();
    }
}

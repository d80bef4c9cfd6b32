package io.ledgerstream.log.protocol;

import java.net.SocketAddress;
import java.util.concurrent.Executor;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Who sent a request and how: its header (API, version, client id, correlation id), the client's address, and the
 * connection's event loop, on which handlers continue work that must not run on storage callback threads.
 */
public record RequestContext(RequestHeader header, SocketAddress clientAddress, Executor connectionExecutor) {

    public short apiVersion() {
        return header.apiVersion();
    }
}

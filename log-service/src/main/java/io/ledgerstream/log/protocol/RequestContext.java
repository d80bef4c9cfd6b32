package io.ledgerstream.log.protocol;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Who sent a request and how: its header (API, version, client id, correlation id), the listener it arrived on
 * (whose advertised addresses answers that name brokers give) and that listener's security protocol, the principal
 * the connection authenticated as (ANONYMOUS without authentication), the client's address, and the connection's
 * event loop, on which handlers continue work that must not run on storage callback threads.
 *
 * <p>{@code ordered} completes once the request has taken its place in every log it writes to, so that a request
 * started after it is ordered after it there. A handler that knows this before its response is ready (Produce, once
 * its appends are issued) completes it then; otherwise the connection completes it with the response.
 */
public record RequestContext(RequestHeader header, String listenerName, SecurityProtocol securityProtocol,
                             KafkaPrincipal principal, SocketAddress clientAddress, Executor connectionExecutor,
                             CompletableFuture<Void> ordered) {

    public short apiVersion() {
        return header.apiVersion();
    }
}

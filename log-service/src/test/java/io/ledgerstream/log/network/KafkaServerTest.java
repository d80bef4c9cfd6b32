package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.NetworkConfig;
import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.testing.FreePorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding several listeners: each gets a server socket of its own, and a failure to bind one releases the others. */
class KafkaServerTest {
    private static final String PROTOCOLS = "A:PLAINTEXT,B:PLAINTEXT";

    @Test
    void everyListenerIsBoundWithTheFreePortItGotAndReportedAsBound() throws Exception {
        NetworkConfig config = NetworkConfig.fromMap(Map.of("listeners", "A://127.0.0.1:0,B://127.0.0.2:0",
                "listener.security.protocol.map", PROTOCOLS, "inter.broker.listener.name", "A"));
        try (KafkaServer server = KafkaServer.start(config, new ApiHandlers())) {
            int a = server.config().listener("A").orElseThrow().port();
            int b = server.config().listener("B").orElseThrow().port();
            assertThat(a).isPositive();
            assertThat(b).isPositive();
            assertThat(server.config().advertised("A").orElseThrow().port()).isEqualTo(a);
            assertThat(server.config().advertised("B").orElseThrow().port()).isEqualTo(b);
            try (Socket toA = new Socket("127.0.0.1", a); Socket toB = new Socket("127.0.0.2", b)) {
                assertThat(toA.isConnected()).isTrue();
                assertThat(toB.isConnected()).isTrue();
            }
        }
    }

    @Test
    void aListenerThatCannotBeBoundStopsStartUpAndReleasesThoseBoundBeforeIt() throws Exception {
        int first = FreePorts.consecutive(1);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            NetworkConfig config = NetworkConfig.fromMap(Map.of(
                    "listeners", "A://127.0.0.1:" + first + ",B://127.0.0.1:" + taken.getLocalPort(),
                    "listener.security.protocol.map", PROTOCOLS, "inter.broker.listener.name", "A"));
            assertThatThrownBy(() -> KafkaServer.start(config, new ApiHandlers()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Could not bind listener B to /127.0.0.1:" + taken.getLocalPort());
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", first));
            assertThat(again.getLocalPort()).isEqualTo(first);
        }
    }
}

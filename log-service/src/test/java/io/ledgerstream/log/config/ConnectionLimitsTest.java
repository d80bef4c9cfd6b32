package io.ledgerstream.log.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The connection limits read with Kafka's keys and defaults, and a bad value refused naming its key. */
class ConnectionLimitsTest {

    @Test
    void unsetEveryLimitIsKafkasDefaultOfNone() {
        ConnectionLimits limits = NetworkConfig.fromMap(Map.of()).limits();
        assertThat(limits).isEqualTo(ConnectionLimits.NONE);
        assertThat(limits.capsQueuedBytes()).isFalse();
        assertThat(limits.listener("PLAINTEXT").maxConnections()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void brokerWidePerAddressAndListenerLimitsAreRead() throws Exception {
        ConnectionLimits limits = NetworkConfig.fromMap(Map.of(
                "listeners", "INTERNAL://127.0.0.1:9092,EXTERNAL://127.0.0.1:9093",
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
                "inter.broker.listener.name", "INTERNAL",
                "max.connections", "1000", "max.connections.per.ip", "10",
                "max.connections.per.ip.overrides", "127.0.0.2:50, localhost:0",
                "max.connection.creation.rate", "20", "queued.max.request.bytes", "1048576",
                "listener.name.external.max.connections", "300",
                "listener.name.external.max.connection.creation.rate", "5")).limits();
        assertThat(limits.maxConnections()).isEqualTo(1000);
        assertThat(limits.maxConnections(InetAddress.getByName("127.0.0.2"))).isEqualTo(50);
        assertThat(limits.maxConnections(InetAddress.getByName("localhost"))).isZero();
        assertThat(limits.maxConnections(InetAddress.getByName("127.0.0.9"))).isEqualTo(10);
        assertThat(limits.maxCreationRate()).isEqualTo(20);
        assertThat(limits.queuedMaxRequestBytes()).isEqualTo(1 << 20);
        assertThat(limits.capsQueuedBytes()).isTrue();
        assertThat(limits.listener("EXTERNAL")).isEqualTo(new ConnectionLimits.ListenerLimits(300, 5));
        assertThat(limits.listener("INTERNAL").maxConnections()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> NetworkConfig.fromMap(Map.of("max.connections", "-1")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("max.connections");
        assertThatThrownBy(() -> NetworkConfig.fromMap(Map.of("max.connections.per.ip", "0")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("max.connections.per.ip.overrides");
        assertThatThrownBy(() -> NetworkConfig.fromMap(Map.of("max.connections.per.ip.overrides", "127.0.0.2")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("not host:count");
        assertThatThrownBy(() -> NetworkConfig.fromMap(Map.of("max.connections.per.ip.overrides", "127.0.0.2:x")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> NetworkConfig.fromMap(Map.of("max.connection.creation.rate", "fast")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("max.connection.creation.rate");
    }
}

package io.ledgerstream.log.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** The network keys read as Kafka reads them, and every refused setting named with its key and its fault. */
class NetworkConfigTest {

    @Test
    void withNothingSetTheBrokerListensOnOnePlaintextListenerOnLoopback() {
        NetworkConfig config = NetworkConfig.fromMap(Map.of());
        assertThat(config.listeners()).containsExactly(new Listener("PLAINTEXT", "127.0.0.1", 9092));
        assertThat(config.advertisedListeners()).isEqualTo(config.listeners());
        assertThat(config.interBrokerListenerName()).isEqualTo("PLAINTEXT");
        assertThat(config.securityProtocols()).containsExactly(Map.entry("PLAINTEXT", "PLAINTEXT"),
                Map.entry("SSL", "SSL"), Map.entry("SASL_PLAINTEXT", "SASL_PLAINTEXT"),
                Map.entry("SASL_SSL", "SASL_SSL"));
    }

    @Test
    void namedListenersAreAdvertisedAsGivenAndFallBackToWhereTheyListen() {
        NetworkConfig config = NetworkConfig.fromMap(Map.of(
                "listeners", "internal://:9092, EXTERNAL://0.0.0.0:19092,LOCAL://[::1]:9093",
                "advertised.listeners", "EXTERNAL://localhost:19092",
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,external:plaintext,LOCAL:PLAINTEXT",
                "inter.broker.listener.name", "internal"));
        assertThat(config.listeners()).containsExactly(new Listener("INTERNAL", "", 9092),
                new Listener("EXTERNAL", "0.0.0.0", 19092), new Listener("LOCAL", "::1", 9093));
        assertThat(config.listeners()).extracting(Listener::bindsEveryInterface).containsExactly(true, true, false);
        assertThat(config.advertisedListeners()).containsExactly(new Listener("INTERNAL", "", 9092),
                new Listener("EXTERNAL", "localhost", 19092), new Listener("LOCAL", "::1", 9093));
        assertThat(config.interBrokerListenerName()).isEqualTo("INTERNAL");
        assertThat(NetworkConfig.format(config.listeners()))
                .isEqualTo("INTERNAL://:9092,EXTERNAL://0.0.0.0:19092,LOCAL://[::1]:9093");
        assertThat(NetworkConfig.fromMap(Map.of("listeners", NetworkConfig.format(config.listeners()),
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,LOCAL:PLAINTEXT",
                "advertised.listeners", NetworkConfig.format(config.advertisedListeners()),
                "inter.broker.listener.name", "INTERNAL"))).isEqualTo(config);
    }

    @Test
    void advertisedListenersMayShareAPortAndTwoListenersOneOnIpv4OneOnIpv6MayToo() {
        NetworkConfig config = NetworkConfig.fromMap(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:9092,V6://[::1]:9092,OTHER://127.0.0.1:0,MORE://127.0.0.1:0",
                "advertised.listeners", "PLAINTEXT://lb:9092,OTHER://lb:9092",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,V6:PLAINTEXT,OTHER:PLAINTEXT,MORE:PLAINTEXT"));
        assertThat(config.advertised("OTHER")).contains(new Listener("OTHER", "lb", 9092));
    }

    @Test
    void aBoundPortReplacesPortZeroOfThatListenerOnlyAndItsAdvertisedPortWhenThatIsZero() {
        NetworkConfig config = NetworkConfig.fromMap(Map.of(
                "listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://0.0.0.0:0,FIXED://127.0.0.1:7000",
                "advertised.listeners", "EXTERNAL://127.0.0.2:0,FIXED://gateway:7443",
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,FIXED:PLAINTEXT",
                "inter.broker.listener.name", "INTERNAL"));
        NetworkConfig bound = config.withBoundPort("INTERNAL", 41000).withBoundPort("EXTERNAL", 41001)
                .withBoundPort("FIXED", 7000);
        assertThat(bound.listeners()).containsExactly(new Listener("INTERNAL", "127.0.0.1", 41000),
                new Listener("EXTERNAL", "0.0.0.0", 41001), new Listener("FIXED", "127.0.0.1", 7000));
        assertThat(bound.advertisedListeners()).containsExactly(new Listener("INTERNAL", "127.0.0.1", 41000),
                new Listener("EXTERNAL", "127.0.0.2", 41001), new Listener("FIXED", "gateway", 7443));
        assertThatThrownBy(() -> config.withBoundPort("NONE", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describedConfigsShowTheListenersAsReadTheAdvertisedOnesWithTheirFallbacks() {
        BrokerConfigLayers layers = BrokerConfigLayers.of(BrokerConfig.fromMap(Map.of(
                "listeners", "internal://127.0.0.1:0,EXTERNAL://0.0.0.0:9093",
                "advertised.listeners", "EXTERNAL://broker-1.example:9093",
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
                "inter.broker.listener.name", "INTERNAL")));
        Map<String, String> described = new HashMap<>();
        layers.describe().forEach(s -> described.put(s.key().name(), s.value()));
        assertThat(described).containsEntry("listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://0.0.0.0:9093")
                .containsEntry("advertised.listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://broker-1.example:9093")
                .containsEntry("listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT")
                .containsEntry("inter.broker.listener.name", "INTERNAL");
    }

    @Test
    void listenerNamesAndPortsMustBeUnique() {
        refused(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092,plaintext://127.0.0.1:9093"), "listeners")
                .hasMessageContaining("listener name PLAINTEXT is given more than once");
        refused(Map.of("listeners", "A://127.0.0.1:9092,B://127.0.0.2:9092",
                "listener.security.protocol.map", "A:PLAINTEXT,B:PLAINTEXT"), "listeners")
                .hasMessageContaining("listeners A, B share port 9092");
        refused(Map.of("listeners", "A://[::1]:9092,B://[::2]:9092",
                "listener.security.protocol.map", "A:PLAINTEXT,B:PLAINTEXT"), "listeners")
                .hasMessageContaining("share port 9092");
        refused(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092",
                "advertised.listeners", "PLAINTEXT://a:9092,PLAINTEXT://b:9092"), "advertised.listeners")
                .hasMessageContaining("listener name PLAINTEXT is given more than once");
    }

    @Test
    void advertisedListenersNameOnlyListenersAndNeverTheMetaAddress() {
        refused(Map.of("advertised.listeners", "EXTERNAL://localhost:9092"), "advertised.listeners")
                .hasMessageContaining("listener EXTERNAL is not one of listeners (PLAINTEXT)");
        refused(Map.of("advertised.listeners", "PLAINTEXT://0.0.0.0:9092"), "advertised.listeners")
                .hasMessageContaining("listener PLAINTEXT cannot advertise the non-routable meta-address 0.0.0.0");
        refused(Map.of("listeners", "PLAINTEXT://0.0.0.0:9092"), "advertised.listeners")
                .hasMessageContaining("listener PLAINTEXT listens on 0.0.0.0 and has no entry here");
        refused(Map.of("listeners", "A://0.0.0.0:9092,B://0.0.0.0:9093", "advertised.listeners", "A://host:9092",
                "listener.security.protocol.map", "A:PLAINTEXT,B:PLAINTEXT", "inter.broker.listener.name", "A"),
                "advertised.listeners").hasMessageContaining("listener B listens on 0.0.0.0");
    }

    @Test
    void everyListenerNeedsASecurityProtocolAmongKafkasFour() {
        refused(Map.of("listeners", "INTERNAL://127.0.0.1:9092", "inter.broker.listener.name", "INTERNAL"),
                "listener.security.protocol.map")
                .hasMessageContaining("listener INTERNAL of listeners has no security protocol here");
        NetworkConfig secured = NetworkConfig.fromMap(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093,SASL_SSL://127.0.0.1:9094,"
                        + "INTERNAL://127.0.0.1:9095", "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,INTERNAL:SASL_PLAINTEXT"));
        assertThat(secured.securityProtocols()).containsEntry("SSL", "SSL").containsEntry("SASL_SSL", "SASL_SSL")
                .containsEntry("INTERNAL", "SASL_PLAINTEXT");
        refused(Map.of("listener.security.protocol.map", "PLAINTEXT:TLS"), "listener.security.protocol.map")
                .hasMessageContaining("'TLS' (for listener PLAINTEXT) is not a security protocol");
        refused(Map.of("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,plaintext:SSL"),
                "listener.security.protocol.map").hasMessageContaining("PLAINTEXT is mapped more than once");
        refused(Map.of("listener.security.protocol.map", "PLAINTEXT"), "listener.security.protocol.map")
                .hasMessageContaining("does not look like LISTENER_NAME:SECURITY_PROTOCOL");
    }

    @Test
    void theInterBrokerListenerMustBeOneOfTheListeners() {
        refused(Map.of("listeners", "INTERNAL://127.0.0.1:9092,EXTERNAL://127.0.0.1:9093",
                "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT"),
                "inter.broker.listener.name")
                .hasMessageContaining("the valid options are INTERNAL,EXTERNAL (unset, it is PLAINTEXT)");
        refused(Map.of("inter.broker.listener.name", "REPLICATION"), "inter.broker.listener.name")
                .hasMessageContaining("must be a listener name defined in advertised.listeners");
    }

    @Test
    void malformedListenersNameTheEntry() {
        refused(Map.of("listeners", "127.0.0.1:9092"), "listeners")
                .hasMessageContaining("'127.0.0.1:9092' does not look like NAME://host:port");
        refused(Map.of("listeners", "PLAINTEXT://127.0.0.1"), "listeners")
                .hasMessageContaining("does not look like NAME://host:port");
        refused(Map.of("listeners", "PLAINTEXT://127.0.0.1:http"), "listeners")
                .hasMessageContaining("the port 'http' is not a number");
        refused(Map.of("listeners", "PLAINTEXT://127.0.0.1:70000"), "listeners")
                .hasMessageContaining("the port must be between 0 and 65535");
        refused(Map.of("listeners", "PLAINTEXT://::1:9092"), "listeners")
                .hasMessageContaining("an IPv6 address goes in brackets");
        refused(Map.of("listeners", "PLAINTEXT://[::1:9092"), "listeners")
                .hasMessageContaining("does not look like NAME://[ipv6]:port");
        refused(Map.of("listeners", "PLAIN TEXT://127.0.0.1:9092"), "listeners")
                .hasMessageContaining("a listener name is made of letters, digits, '_' and '-'");
        refused(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092,"), "listeners")
                .hasMessageContaining("an entry is empty");
        refused(Map.of("listeners", " "), "listeners").hasMessageContaining("must not be blank");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(Map<String, String> settings, String key) {
        Map<String, String> values = new HashMap<>(settings);
        return assertThatThrownBy(() -> NetworkConfig.fromMap(values))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("for configuration key '" + key + "'")
                .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo(key));
    }
}

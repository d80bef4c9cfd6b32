package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.ConnectionLimits;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The connection counts against the limits, on a hand-moved clock: what is refused, when a listener stops and
 * starts accepting again, and how the creation rate spaces connections out.
 */
class ConnectionQuotasTest {
    private final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(100));
    private final EmbeddedChannel internal = new EmbeddedChannel();
    private final EmbeddedChannel external = new EmbeddedChannel();

    private ConnectionQuotas quotas(ConnectionLimits limits) {
        ConnectionQuotas quotas = new ConnectionQuotas(limits, "INTERNAL", 2, nanos::get);
        quotas.serving("INTERNAL", internal);
        quotas.serving("EXTERNAL", external);
        return quotas;
    }

    @Test
    void beyondItsAddressesLimitAConnectionIsRefusedAndAClosedOneFreesItsSlot() throws Exception {
        InetAddress one = InetAddress.getByName("127.0.0.2");
        InetAddress other = InetAddress.getByName("127.0.0.3");
        ConnectionQuotas quotas = quotas(new ConnectionLimits(Integer.MAX_VALUE, 2, Map.of(other, 3),
                Integer.MAX_VALUE, Map.of(), -1));
        assertThat(quotas.admit("EXTERNAL", one)).isNull();
        assertThat(quotas.admit("INTERNAL", one)).isNull();
        assertThat(quotas.admit("EXTERNAL", one)).isEqualTo(ConnectionQuotas.Refusal.MAX_CONNECTIONS_PER_IP);
        assertThat(quotas.admit("EXTERNAL", other)).isNull();
        assertThat(quotas.admit("EXTERNAL", other)).isNull();
        assertThat(quotas.admit("EXTERNAL", other)).isNull();
        assertThat(external.config().isAutoRead()).as("a per-address limit does not stop accepting").isTrue();
        quotas.release("INTERNAL", one);
        assertThat(quotas.admit("EXTERNAL", one)).isNull();
        assertThat(quotas.refused()).isEqualTo(1);
        assertThat(quotas.admitted()).isEqualTo(6);
    }

    @Test
    void atMaxConnectionsListenersStopAcceptingButTheInterBrokerOneUntilASlotFrees() throws Exception {
        InetAddress client = InetAddress.getByName("127.0.0.2");
        ConnectionQuotas quotas = quotas(new ConnectionLimits(2, Integer.MAX_VALUE, Map.of(), Integer.MAX_VALUE,
                Map.of("INTERNAL", new ConnectionLimits.ListenerLimits(3, Integer.MAX_VALUE)), -1));
        assertThat(quotas.admit("EXTERNAL", client)).isNull();
        assertThat(quotas.admit("EXTERNAL", client)).isNull();
        assertThat(external.config().isAutoRead()).isFalse();
        assertThat(quotas.admit("EXTERNAL", client)).isEqualTo(ConnectionQuotas.Refusal.MAX_CONNECTIONS);
        // The inter-broker listener is held to its own limit only.
        assertThat(internal.config().isAutoRead()).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(quotas.admit("INTERNAL", client)).isNull();
        }
        assertThat(internal.config().isAutoRead()).isFalse();
        assertThat(quotas.admit("INTERNAL", client)).isEqualTo(ConnectionQuotas.Refusal.LISTENER_MAX_CONNECTIONS);
        quotas.release("INTERNAL", client);
        assertThat(internal.config().isAutoRead()).isTrue();
        assertThat(external.config().isAutoRead()).isFalse();
        quotas.release("EXTERNAL", client);
        assertThat(external.config().isAutoRead()).as("inter-broker connections count in the total").isFalse();
        quotas.release("INTERNAL", client);
        quotas.release("INTERNAL", client);
        assertThat(external.config().isAutoRead()).isTrue();
    }

    @Test
    void beyondASecondsBurstConnectionsWaitTheirTurnAtTheRateAndTheListenerStopsAcceptingMeanwhile() {
        ConnectionQuotas quotas = quotas(new ConnectionLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of(), 10,
                Map.of(), -1));
        for (int i = 0; i < 10; i++) {
            assertThat(quotas.delayNanos("EXTERNAL")).isZero();
        }
        assertThat(quotas.delayNanos("EXTERNAL")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(quotas.delayNanos("EXTERNAL")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(external.config().isAutoRead()).isFalse();
        assertThat(quotas.delayNanos("INTERNAL")).as("the inter-broker listener is exempt").isZero();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(150));
        assertThat(quotas.throttleEnded("EXTERNAL")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(external.config().isAutoRead()).isFalse();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(quotas.throttleEnded("EXTERNAL")).isZero();
        assertThat(external.config().isAutoRead()).isTrue();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(quotas.delayNanos("EXTERNAL")).isZero();
    }
}

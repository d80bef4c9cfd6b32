package io.ledgerstream.log.network;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.log.config.ConnectionLimits;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The broker's connection counts against its limits, with Kafka's semantics:
 * <ul>
 *   <li>{@code max.connections} and {@code listener.name.<l>.max.connections}: when a listener has no slot left, it
 *       stops accepting (its server socket is not read; new connections wait in the OS backlog) until a connection
 *       closes. On a broker with several listeners the inter-broker one is exempt from the broker-wide limit.</li>
 *   <li>{@code max.connections.per.ip} and its overrides: a connection beyond its address's limit is closed at
 *       once.</li>
 *   <li>{@code max.connection.creation.rate} (broker-wide, the inter-broker listener exempt as above) and
 *       {@code listener.name.<l>.max.connection.creation.rate}: a connection beyond the rate waits, not yet accepted,
 *       and its listener stops accepting meanwhile.</li>
 * </ul>
 *
 * <p>Thread-safe: the acceptor records and admits connections, any event loop releases them, all under this
 * object's lock, which is held only for counting and for switching accepting on and off (neither blocks).
 */
@ThreadSafe
final class ConnectionQuotas {
    /** Why a connection is closed at once; its label in {@code ledgerstream_connections_refused_total}. */
    enum Refusal {
        MAX_CONNECTIONS("max_connections"),
        LISTENER_MAX_CONNECTIONS("listener_max_connections"),
        MAX_CONNECTIONS_PER_IP("max_connections_per_ip");

        final String label;

        Refusal(String label) {
            this.label = label;
        }
    }

    private final ConnectionLimits limits;
    /** The listener exempt from the broker-wide limits, or null when none is. */
    private final String protectedListener;
    private final LongSupplier nanoClock;
    @GuardedBy("this")
    private int total;
    @GuardedBy("this")
    private long refused;
    @GuardedBy("this")
    private long admitted;
    @GuardedBy("this")
    private final Map<String, Integer> byListener = new HashMap<>();
    @GuardedBy("this")
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    /** Each listener's server socket, whose reading is accepting. */
    @GuardedBy("this")
    private final Map<String, Channel> servers = new HashMap<>();
    /** Listeners not accepting until then (nano clock), for the creation rate. */
    @GuardedBy("this")
    private final Map<String, Long> throttledUntil = new HashMap<>();
    @GuardedBy("this")
    private final CreationRate brokerRate;
    @GuardedBy("this")
    private final Map<String, CreationRate> listenerRates = new HashMap<>();

    /**
     * @param interBrokerListener the listener other brokers connect to
     * @param listenerCount       how many listeners the broker has: with one, nothing is exempt
     * @param nanoClock           monotonic time in nanoseconds
     */
    ConnectionQuotas(ConnectionLimits limits, String interBrokerListener, int listenerCount, LongSupplier nanoClock) {
        this.limits = limits;
        this.protectedListener = listenerCount > 1 ? interBrokerListener : null;
        this.nanoClock = nanoClock;
        long now = nanoClock.getAsLong();
        this.brokerRate = CreationRate.limits(limits.maxCreationRate())
                ? new CreationRate(limits.maxCreationRate(), now) : null;
        limits.listeners().forEach((name, listener) -> {
            if (CreationRate.limits(listener.maxCreationRate())) {
                listenerRates.put(name, new CreationRate(listener.maxCreationRate(), now));
            }
        });
    }

    /** The server socket of {@code listener}: its accepting is switched off and on as the limits say. */
    synchronized void serving(String listener, Channel server) {
        servers.put(listener, server);
        updateAccepting();
    }

    /**
     * Records a connection just accepted on {@code listener} against the creation rates: how long, in nanoseconds,
     * it waits before it is admitted, 0 for not at all. While one waits, the listener accepts no more.
     */
    synchronized long delayNanos(String listener) {
        long now = nanoClock.getAsLong();
        long wait = 0;
        CreationRate listenerRate = listenerRates.get(listener);
        if (listenerRate != null) {
            wait = listenerRate.record(now);
        }
        if (brokerRate != null && !listener.equals(protectedListener)) {
            wait = Math.max(wait, brokerRate.record(now));
        }
        if (wait > 0) {
            throttledUntil.merge(listener, now + wait, Math::max);
            updateAccepting();
        }
        return wait;
    }

    /**
     * A wait on {@code listener} may have ended: accepting goes on if it has. Returns the nanoseconds still to wait,
     * 0 when none.
     */
    synchronized long throttleEnded(String listener) {
        Long until = throttledUntil.get(listener);
        if (until == null) {
            return 0;
        }
        long left = until - nanoClock.getAsLong();
        if (left > 0) {
            return left;
        }
        throttledUntil.remove(listener);
        updateAccepting();
        return 0;
    }

    /**
     * Counts a new connection from {@code address} (null when not an IP one) on {@code listener}, or says why it is
     * refused, counting nothing. Accepting stops when the connection takes the last slot.
     */
    synchronized Refusal admit(String listener, InetAddress address) {
        Refusal refusal = refusal(listener, address);
        if (refusal != null) {
            refused++;
            return refusal;
        }
        total++;
        admitted++;
        byListener.merge(listener, 1, Integer::sum);
        if (address != null) {
            byAddress.merge(address, 1, Integer::sum);
        }
        updateAccepting();
        return null;
    }

    @GuardedBy("this")
    private Refusal refusal(String listener, InetAddress address) {
        if (byListener.getOrDefault(listener, 0) >= limits.listener(listener).maxConnections()) {
            return Refusal.LISTENER_MAX_CONNECTIONS;
        }
        if (!listener.equals(protectedListener) && total >= limits.maxConnections()) {
            return Refusal.MAX_CONNECTIONS;
        }
        if (address != null && byAddress.getOrDefault(address, 0) >= limits.maxConnections(address)) {
            return Refusal.MAX_CONNECTIONS_PER_IP;
        }
        return null;
    }

    /** A connection admitted by {@link #admit} closed: its slot is free again. */
    synchronized void release(String listener, InetAddress address) {
        total--;
        byListener.computeIfPresent(listener, (l, count) -> count == 1 ? null : count - 1);
        if (address != null) {
            byAddress.computeIfPresent(address, (a, count) -> count == 1 ? null : count - 1);
        }
        updateAccepting();
    }

    /** Connections let in since the broker started. */
    synchronized long admitted() {
        return admitted;
    }

    /** Connections closed at once for a limit since the broker started. */
    synchronized long refused() {
        return refused;
    }

    /**
     * Switches each open listener's accepting on or off; Netty's auto-read switch only schedules work on the
     * acceptor's event loop, never blocks. A closed server socket is left alone: its event loop may be gone.
     */
    @GuardedBy("this")
    private void updateAccepting() {
        servers.forEach((listener, server) -> {
            if (server.isOpen()) {
                server.config().setAutoRead(accepting(listener));
            }
        });
    }

    @GuardedBy("this")
    private boolean accepting(String listener) {
        if (throttledUntil.containsKey(listener)
                || byListener.getOrDefault(listener, 0) >= limits.listener(listener).maxConnections()) {
            return false;
        }
        return listener.equals(protectedListener) || total < limits.maxConnections();
    }
}

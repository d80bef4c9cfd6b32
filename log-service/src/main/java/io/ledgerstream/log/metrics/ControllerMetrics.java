package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The controller, while this broker is it: partition leaders it moved ({@code ledgerstream_controller_leader_moves_total}
 * by kind) and whether this broker is the controller now ({@code ledgerstream_controller_active}).
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class ControllerMetrics {
    /** Records nothing: for a controller outside a broker (tests). */
    public static final ControllerMetrics NONE = new ControllerMetrics(null);

    /** Why a partition's leader changed. */
    public enum Move {
        /** The partition had no leader (a new topic or partition). */
        NEW,
        /** Its leader was no longer a live broker. */
        FAILOVER,
        /** Its live leader handed it over: balancing, or an election an administrator asked for. */
        BALANCE
    }

    private final PrometheusRegistry registry;
    private final Map<Move, CounterDataPoint> moves = new EnumMap<>(Move.class);

    ControllerMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        if (registry != null) {
            var counter = Sensors.counter(registry, "ledgerstream_controller_leader_moves_total",
                    "Partition leaders this broker assigned anew while it was the controller, by kind", "kind");
            for (Move move : Move.values()) {
                moves.put(move, counter.labelValues(move.name().toLowerCase(Locale.ROOT)));
            }
        }
    }

    /** The controller gave {@code partitions} partitions a new leader, for this reason. */
    public void moved(Move why, int partitions) {
        if (registry != null && partitions > 0) {
            moves.get(why).inc(partitions);
        }
    }

    /** Reports whether this broker is the controller, as {@code active} says when scraped. */
    public void watchActive(BooleanSupplier active) {
        if (registry != null) {
            Sensors.gauge(registry, "ledgerstream_controller_active",
                    "1 while this broker is the cluster's controller, else 0", () -> active.getAsBoolean() ? 1 : 0);
        }
    }
}

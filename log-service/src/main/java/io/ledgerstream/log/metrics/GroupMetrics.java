package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/**
 * The group coordinator of this broker: groups and members of the groups it coordinates by protocol
 * ({@code ledgerstream_groups}, {@code ledgerstream_group_members}, read when scraped) and rebalances completed
 * ({@code ledgerstream_group_rebalances_total}: a new generation of a classic group, a new target assignment of a
 * consumer group).
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class GroupMetrics {
    /** Records nothing: for a coordinator outside a broker (tests). */
    public static final GroupMetrics NONE = new GroupMetrics(null);

    public static final String CLASSIC = "classic";
    public static final String CONSUMER = "consumer";

    /** Groups and members by protocol at one moment. */
    public record Sizes(int classicGroups, int classicMembers, int consumerGroups, int consumerMembers) {
    }

    private final PrometheusRegistry registry;
    private final CounterDataPoint classicRebalances;
    private final CounterDataPoint consumerRebalances;

    GroupMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        if (registry == null) {
            classicRebalances = null;
            consumerRebalances = null;
            return;
        }
        var rebalances = Sensors.counter(registry, "ledgerstream_group_rebalances_total",
                "Rebalances completed by the groups this broker coordinates, by protocol", "protocol");
        classicRebalances = rebalances.labelValues(CLASSIC);
        consumerRebalances = rebalances.labelValues(CONSUMER);
    }

    /** A group of {@link #CLASSIC} or {@link #CONSUMER} protocol completed a rebalance. */
    public void rebalanced(String protocol) {
        if (registry == null) {
            return;
        }
        (CONSUMER.equals(protocol) ? consumerRebalances : classicRebalances).inc();
    }

    /**
     * Reports the groups and members, as {@code sizes} gives them when scraped; null from it (the coordinator did
     * not answer in time) leaves them out of that scrape.
     */
    public void watch(Supplier<Sizes> sizes) {
        if (registry == null) {
            return;
        }
        // One call per gauge: a scrape asks twice, which the coordinator answers from memory.
        GaugeWithCallback.builder().name("ledgerstream_groups")
                .help("Groups coordinated by this broker, by protocol").labelNames("protocol")
                .callback(cb -> {
                    Sizes s = sizes.get();
                    if (s != null) {
                        cb.call(s.classicGroups(), CLASSIC);
                        cb.call(s.consumerGroups(), CONSUMER);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("ledgerstream_group_members")
                .help("Members of the groups coordinated by this broker, by protocol").labelNames("protocol")
                .callback(cb -> {
                    Sizes s = sizes.get();
                    if (s != null) {
                        cb.call(s.classicMembers(), CLASSIC);
                        cb.call(s.consumerMembers(), CONSUMER);
                    }
                }).register(registry);
    }
}

package io.ledgerstream.log.metrics;

import com.google.errorprone.annotations.ThreadSafe;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The partition logs' storage as seen from the broker: appends waiting on the bookies
 * ({@code ledgerstream_bookie_appends_in_flight}, {@code ledgerstream_bookie_append_duration_seconds} from handing an
 * entry to the BookKeeper client to its ack quorum), ledgers open for writing ({@code ledgerstream_open_ledgers}),
 * reads served by the tail cache of recent batches ({@code ledgerstream_batch_cache_hits_total}, {@code _misses_total},
 * {@code ledgerstream_batch_cache_bytes} held) and, of the reads it missed, those the read-ahead had ready
 * ({@code ledgerstream_read_ahead_hits_total}, {@code _misses_total}: read from the bookies then).
 *
 * <p>Thread-safe: counters and adders only.
 */
@ThreadSafe
public final class StorageMetrics {
    /** Records nothing: for logs opened outside a broker (tools, benchmarks, storage tests). */
    public static final StorageMetrics NONE = new StorageMetrics(null);

    private final PrometheusRegistry registry;
    private final LongAdder appendsInFlight;
    private final DistributionDataPoint appendLatency;
    private final LongAdder openLedgers;
    private final CounterDataPoint cacheHits;
    private final CounterDataPoint cacheMisses;
    private final CounterDataPoint readAheadHits;
    private final CounterDataPoint readAheadMisses;
    private final CounterDataPoint forces;
    private final CounterDataPoint forceFailures;

    StorageMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        if (registry == null) {
            appendsInFlight = null;
            appendLatency = null;
            openLedgers = null;
            cacheHits = null;
            cacheMisses = null;
            readAheadHits = null;
            readAheadMisses = null;
            forces = null;
            forceFailures = null;
            return;
        }
        appendsInFlight = Sensors.upDown(registry, "ledgerstream_bookie_appends_in_flight",
                "Entries handed to the BookKeeper client and not yet acknowledged by their ack quorum of bookies");
        appendLatency = Sensors.latency(registry, "ledgerstream_bookie_append_duration_seconds",
                "Time from handing an entry to the BookKeeper client to its acknowledgement by the ack quorum")
                .labelValues();
        openLedgers = Sensors.upDown(registry, "ledgerstream_open_ledgers",
                "Ledgers this broker holds open for writing (the open segment of each partition it leads, and "
                        + "segments rolled from and not yet sealed)");
        cacheHits = Sensors.counter(registry, "ledgerstream_batch_cache_hits_total",
                "Partition reads served from the tail cache of recently appended batches").labelValues();
        cacheMisses = Sensors.counter(registry, "ledgerstream_batch_cache_misses_total",
                "Partition reads the tail cache did not hold, served by the read-ahead or the bookies").labelValues();
        readAheadHits = Sensors.counter(registry, "ledgerstream_read_ahead_hits_total",
                "Reads missed by the tail cache that found their batches read ahead").labelValues();
        readAheadMisses = Sensors.counter(registry, "ledgerstream_read_ahead_misses_total",
                "Reads missed by the tail cache that read from the bookies").labelValues();
        forces = Sensors.counter(registry, "ledgerstream_ledger_forces_total",
                "Forces of deferred-sync ledgers (topics with flush.messages above 1) that made their acknowledged "
                        + "entries durable on the bookies' journals").labelValues();
        forceFailures = Sensors.counter(registry, "ledgerstream_ledger_force_failures_total",
                "Forces of deferred-sync ledgers that failed (each fails its partition log, which reopens)")
                .labelValues();
    }

    /** A force of a deferred-sync ledger completed, or failed. */
    public void ledgerForced(boolean succeeded) {
        if (forces != null) {
            (succeeded ? forces : forceFailures).inc();
        }
    }

    /**
     * An entry is handed to the BookKeeper client.
     *
     * @return the time it was, to give to {@link #appendDone}
     */
    public long appendStarted() {
        if (appendsInFlight == null) {
            return 0;
        }
        appendsInFlight.increment();
        return System.nanoTime();
    }

    /** The entry handed over at {@code startNanos} was acknowledged, or failed. */
    public void appendDone(long startNanos) {
        if (appendsInFlight == null) {
            return;
        }
        appendsInFlight.decrement();
        appendLatency.observe((System.nanoTime() - startNanos) / 1e9);
    }

    /** A ledger was created for writing. */
    public void ledgerOpened() {
        if (openLedgers != null) {
            openLedgers.increment();
        }
    }

    /** A ledger created for writing was closed. */
    public void ledgerClosed() {
        if (openLedgers != null) {
            openLedgers.decrement();
        }
    }

    public void cacheHit() {
        if (cacheHits != null) {
            cacheHits.inc();
        }
    }

    public void cacheMiss() {
        if (cacheMisses != null) {
            cacheMisses.inc();
        }
    }

    public void readAheadHit() {
        if (readAheadHits != null) {
            readAheadHits.inc();
        }
    }

    public void readAheadMiss() {
        if (readAheadMisses != null) {
            readAheadMisses.inc();
        }
    }

    /** Reports the bytes the tail caches hold, read when scraped. */
    public void watchCacheBytes(LongSupplier bytes) {
        if (registry != null) {
            Sensors.gauge(registry, "ledgerstream_batch_cache_bytes",
                    "Bytes of recent batches the tail caches of all partitions hold (log.cache.bytes bounds it)",
                    bytes::getAsLong);
        }
    }
}

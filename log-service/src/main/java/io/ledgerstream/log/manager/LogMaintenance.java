package io.ledgerstream.log.manager;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.partition.PartitionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic work on the open logs of a broker: retention every {@code log.retention.check.interval.ms},
 * compaction every {@code log.cleaner.backoff.ms} (when the cleaner is enabled), and forgetting idempotent producers
 * silent for {@code producer.id.expiration.ms}.
 *
 * <p>Thread-safe.
 */
@ThreadSafe
public final class LogMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(LogMaintenance.class);

    private final LeaderLogs logs;
    private final BrokerConfig config;

    public LogMaintenance(LeaderLogs logs, BrokerConfig config) {
        this.logs = logs;
        this.config = config;
    }

    /** Schedules the runs on {@code scheduler}, which the caller shuts down. */
    public void schedule(ScheduledExecutorService scheduler) {
        every(scheduler, config.retentionCheckIntervalMs(), "Retention", () -> enforceRetention().join());
        every(scheduler, config.producerIdExpirationCheckIntervalMs(), "Producer id expiry", this::expireProducers);
        if (config.cleanerEnabled()) {
            every(scheduler, config.cleanerBackoffMs(), "Compaction", () -> compact().join());
        }
    }

    /** Runs retention on every open log. */
    public CompletableFuture<Integer> enforceRetention() {
        List<CompletableFuture<Integer>> runs = new ArrayList<>();
        for (PartitionLog log : logs.openLogs()) {
            runs.add(log.enforceRetention().exceptionally(e -> {
                LOG.warn("Retention failed on {}: {}", log.topicPartition(), e.toString());
                return 0;
            }));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
                .thenApply(v -> runs.stream().mapToInt(CompletableFuture::join).sum());
    }

    /**
     * Runs compaction on every open log whose topic compacts, one log after another so that one key map at a time
     * takes memory.
     *
     * @return records removed
     */
    public CompletableFuture<Long> compact() {
        CompletableFuture<Long> removed = CompletableFuture.completedFuture(0L);
        for (PartitionLog partition : logs.openLogs()) {
            if (!partition.config().cleanupPolicy().compacts()) {
                continue;
            }
            removed = removed.thenCompose(n -> partition.compact()
                    .thenApply(stats -> n + stats.recordsRemoved())
                    .exceptionally(e -> {
                        LOG.warn("Compaction failed on {}: {}", partition.topicPartition(), e.toString());
                        return n;
                    }));
        }
        return removed;
    }

    /**
     * Forgets, in every open log, the idempotent producers silent for {@code producer.id.expiration.ms}.
     *
     * @return producers forgotten
     */
    public int expireProducers() {
        int expired = 0;
        for (PartitionLog log : logs.openLogs()) {
            expired += log.expireProducers(config.producerIdExpirationMs());
        }
        return expired;
    }

    /** Runs {@code run} every {@code intervalMs}; a run that fails is logged and the next one still comes. */
    private static void every(ScheduledExecutorService scheduler, long intervalMs, String what, Runnable run) {
        scheduler.scheduleWithFixedDelay(() -> {
            // A run that throws would cancel every later run, so failures end here, logged.
            try {
                run.run();
            } catch (RuntimeException e) {
                LOG.warn("{} run failed: {}", what, e.toString());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }
}

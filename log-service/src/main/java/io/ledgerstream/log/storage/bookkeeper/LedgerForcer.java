package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.log.config.FlushPolicy;
import io.ledgerstream.log.metrics.StorageMetrics;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.bookkeeper.client.api.WriteHandle;

/**
 * Forces one ledger written with deferred sync, on its topic's {@link FlushPolicy}: once {@code flush.messages}
 * records were acknowledged since the last force started, or once the oldest of them is {@code flush.ms} old (a
 * wake-up is set for it), and before the ledger is closed. A force makes every entry acknowledged before it durable
 * on the journals of the ledger's ensemble, and moves the ledger's LastAddConfirmed to the last of them (BookKeeper
 * moves it for deferred-sync ledgers only on a force). One force at a time; a failed force is reported.
 *
 * <p>Thread-safe. Never call it under a lock BookKeeper's callbacks may need: it calls the BookKeeper client.
 */
@ThreadSafe
final class LedgerForcer {
    private final WriteHandle handle;
    private final Clock clock;
    private final Supplier<FlushPolicy> policy;
    private final StorageMetrics metrics;
    private final Consumer<Throwable> onFailure;

    @GuardedBy("this")
    private long unforcedRecords;
    @GuardedBy("this")
    private long oldestUnforcedMs;
    @GuardedBy("this")
    private boolean forcing;
    @GuardedBy("this")
    private boolean timerSet;
    /** Set once the ledger is closing or abandoned: no force starts on the policy any more. */
    @GuardedBy("this")
    private boolean stopped;

    LedgerForcer(WriteHandle handle, Clock clock, Supplier<FlushPolicy> policy, StorageMetrics metrics,
                 Consumer<Throwable> onFailure) {
        this.handle = handle;
        this.clock = clock;
        this.policy = policy;
        this.metrics = metrics;
        this.onFailure = onFailure;
    }

    /** Counts records the ack quorum acknowledged; {@link #forceIfDue} then starts the force they may call for. */
    synchronized void acknowledged(long records) {
        if (unforcedRecords == 0) {
            oldestUnforcedMs = clock.millis();
        }
        unforcedRecords += records;
    }

    /**
     * Starts a force if one is due and none is under way; otherwise, with records waiting and {@code flush.ms}
     * bounding their wait, sets a wake-up for when the oldest is due.
     */
    void forceIfDue() {
        boolean start = false;
        long wakeUpIn = -1;
        synchronized (this) {
            if (stopped || forcing || unforcedRecords == 0) {
                return;
            }
            FlushPolicy flush = policy.get();
            long age = clock.millis() - oldestUnforcedMs;
            if (unforcedRecords >= flush.messages() || age >= flush.ms()) {
                start = true;
                forcing = true;
                unforcedRecords = 0;
            } else if (flush.timed() && !timerSet) {
                timerSet = true;
                wakeUpIn = Math.max(1, flush.ms() - age);
            }
        }
        if (start) {
            handle.force().whenComplete((v, error) -> {
                metrics.ledgerForced(error == null);
                boolean closing;
                synchronized (this) {
                    forcing = false;
                    closing = stopped;
                }
                // Once the ledger is closing, the force before its close decides; this one no longer fails the log.
                if (error != null && !closing) {
                    onFailure.accept(error);
                } else if (error == null) {
                    forceIfDue();
                }
            });
        } else if (wakeUpIn > 0) {
            CompletableFuture.delayedExecutor(wakeUpIn, TimeUnit.MILLISECONDS).execute(() -> {
                synchronized (this) {
                    timerSet = false;
                }
                forceIfDue();
            });
        }
    }

    /**
     * Stops forcing on the policy and forces every entry acknowledged so far, before the ledger is closed:
     * BookKeeper closes a deferred-sync ledger at its LastAddConfirmed, which only a force moves.
     */
    CompletableFuture<Void> forceForClose() {
        synchronized (this) {
            stopped = true;
        }
        return handle.force().whenComplete((v, error) -> metrics.ledgerForced(error == null));
    }

    /** Stops forcing on the policy: the ledger is left for the next writer to recover. */
    synchronized void stop() {
        stopped = true;
    }

}

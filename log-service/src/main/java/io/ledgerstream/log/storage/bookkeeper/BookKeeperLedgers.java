package io.ledgerstream.log.storage.bookkeeper;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metrics.StorageMetrics;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.client.api.DigestType;
import org.apache.bookkeeper.client.api.ReadHandle;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.bookkeeper.client.api.WriteFlag;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.kafka.common.TopicPartition;

/**
 * Creates, opens and deletes the ledgers that hold partition segments, with one digest type and password for all.
 * Each ledger carries the topic, partition and base offset in its custom metadata, so BookKeeper's own tools can
 * tell what a ledger is. Ledgers created here are closed here too ({@link #close}), which keeps the count of ledgers open
 * for writing.
 *
 * <p>Thread-safe; does not own the BookKeeper client.
 */
@ThreadSafe
public final class BookKeeperLedgers {
    private static final byte[] PASSWORD = "ledgerstream".getBytes(UTF_8);
    private static final String DEFERRED_SYNC_KEY = "ledgerstream-deferred-sync";

    private final BookKeeper bookKeeper;
    /** The client that writes deferred-sync ledgers: one speaking BookKeeper's v3 protocol. */
    private final Supplier<CompletableFuture<BookKeeper>> deferredSyncClient;
    private final StorageMetrics metrics;
    /** The ids of the ledgers open for writing, so that a ledger closed twice is counted closed once. */
    private final Set<Long> open = ConcurrentHashMap.newKeySet();

    public BookKeeperLedgers(BookKeeper bookKeeper) {
        this(bookKeeper, StorageMetrics.NONE);
    }

    public BookKeeperLedgers(BookKeeper bookKeeper, StorageMetrics metrics) {
        this(bookKeeper, () -> CompletableFuture.completedFuture(bookKeeper), metrics);
    }

    BookKeeperLedgers(BookKeeper bookKeeper, Supplier<CompletableFuture<BookKeeper>> deferredSyncClient,
                      StorageMetrics metrics) {
        this.bookKeeper = bookKeeper;
        this.deferredSyncClient = deferredSyncClient;
        this.metrics = metrics;
    }

    /** Creates a ledger whose every entry is fsynced by the journals of its ack quorum before it is acknowledged. */
    CompletableFuture<WriteHandle> create(Replication replication, TopicPartition partition, long baseOffset) {
        return create(replication, partition, baseOffset, false);
    }

    /**
     * Creates a ledger; with {@code deferredSync}, its entries are acknowledged before their journal fsync (only
     * {@link WriteHandle#force} makes them durable and moves the LastAddConfirmed), and its custom metadata says so,
     * for {@link PartitionOpener} to look past the end of such a ledger closed by a writer that failed.
     */
    CompletableFuture<WriteHandle> create(Replication replication, TopicPartition partition, long baseOffset,
                                          boolean deferredSync) {
        Map<String, byte[]> custom = new HashMap<>(Map.of(
                "ledgerstream-topic", partition.topic().getBytes(UTF_8),
                "ledgerstream-partition", Integer.toString(partition.partition()).getBytes(UTF_8),
                "ledgerstream-base-offset", Long.toString(baseOffset).getBytes(UTF_8)));
        if (deferredSync) {
            custom.put(DEFERRED_SYNC_KEY, "true".getBytes(UTF_8));
        }
        CompletableFuture<BookKeeper> client = deferredSync ? deferredSyncClient.get()
                : CompletableFuture.completedFuture(bookKeeper);
        return client.thenCompose(bk -> bk.newCreateLedgerOp()
                .withEnsembleSize(replication.ensembleSize())
                .withWriteQuorumSize(replication.writeQuorum())
                .withAckQuorumSize(replication.ackQuorum())
                .withDigestType(DigestType.CRC32C)
                .withPassword(PASSWORD)
                .withCustomMetadata(custom)
                .withWriteFlags(deferredSync ? EnumSet.of(WriteFlag.DEFERRED_SYNC) : WriteFlag.NONE)
                .execute())
                .thenApply(handle -> {
                    if (open.add(handle.getId())) {
                        metrics.ledgerOpened();
                    }
                    return handle;
                });
    }

    /** Closes a ledger {@link #create} opened for writing; whether or not closing succeeds, it is no longer open. */
    CompletableFuture<Void> close(WriteHandle handle) {
        return handle.closeAsync().whenComplete((v, e) -> {
            if (open.remove(handle.getId())) {
                metrics.ledgerClosed();
            }
        });
    }

    /**
     * Forgets a ledger {@link #create} opened for writing without closing it, for the next writer to recover: closing
     * a deferred-sync ledger would end it at its last forced entry.
     */
    void abandon(WriteHandle handle) {
        if (open.remove(handle.getId())) {
            metrics.ledgerClosed();
        }
    }

    /** Whether a handle {@link #create} returned writes with deferred sync, as the BookKeeper client holds it. */
    static boolean deferredSync(WriteHandle handle) {
        return handle instanceof LedgerHandle ledger && ledger.getWriteFlags().contains(WriteFlag.DEFERRED_SYNC);
    }

    /** Whether a ledger's metadata says it was created with deferred sync. */
    static boolean createdDeferred(ReadHandle handle) {
        return handle.getLedgerMetadata().getCustomMetadata().containsKey(DEFERRED_SYNC_KEY);
    }

    /** Opens a ledger with recovery: fences its writer and seals it at the last entry a quorum has. */
    CompletableFuture<ReadHandle> openAndFence(long ledgerId) {
        return open(ledgerId, true);
    }

    /** Opens a sealed ledger for reading, without disturbing anyone. */
    CompletableFuture<ReadHandle> openForRead(long ledgerId) {
        return open(ledgerId, false);
    }

    CompletableFuture<Void> delete(long ledgerId) {
        return bookKeeper.newDeleteLedgerOp().withLedgerId(ledgerId).execute();
    }

    private CompletableFuture<ReadHandle> open(long ledgerId, boolean recovery) {
        return bookKeeper.newOpenLedgerOp()
                .withLedgerId(ledgerId)
                .withRecovery(recovery)
                .withDigestType(DigestType.CRC32C)
                .withPassword(PASSWORD)
                .execute();
    }
}

package io.ledgerstream.connectors.postgres;

import io.ledgerstream.connectors.postgres.ChangeEvents.Position;
import io.ledgerstream.connectors.postgres.PgOutput.Relation;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that reads the database for a {@code postgres-cdc} reader and hands it batches of records. The
 * protocol, from the split it was given:
 * <ol>
 *   <li>Create the publication when missing; check every table exists and has a primary key.</li>
 *   <li>If the snapshot was not emitted whole and there is no slot: create it (which exports a snapshot of the
 *       database at the slot's consistent point), read every table in that snapshot, and hand over a batch that
 *       marks the snapshot done at the consistent point. If the slot exists (a failure before that batch was
 *       checkpointed): keep it, read the tables again in a snapshot taken now, and stream from the slot's
 *       confirmed position, which replays every change since, deletes included.</li>
 *   <li>Otherwise the slot must exist (if it was dropped, changes since the checkpoint are gone: fail), and must
 *       not have confirmed past the restored position (restored from an older snapshot: fail).</li>
 *   <li>Stream from the split's LSN, skipping the records of the first transaction that were already emitted,
 *       handing over each transaction (in chunks) with its end LSN as the position after it; between
 *       transactions, the position the server's keepalives report, so a slot on quiet tables still advances.</li>
 *   <li>Between reads, confirm to the slot the LSN of each completed checkpoint, so the server frees the WAL
 *       before it, and never what a restart might still need.</li>
 * </ol>
 * A failure ends the thread and is reported to the reader, which fails the task; Flink's restart takes it again
 * from the last checkpoint.
 *
 * <p>Thread-safe where shared: the reader calls {@link #confirm}, {@link #lagBytes} and {@link #close} from the task
 * thread; everything else runs on this thread.
 */
final class ChangeStream implements Runnable {
    /** Records handed over at a time. */
    static final int CHUNK = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(ChangeStream.class);
    private static final long LAG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long STATUS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Pauses between reads that found nothing: short while changes flow, up to 5 ms when the stream is quiet. */
    private static final long[] IDLE_PAUSES_NANOS = {50_000, 100_000, 200_000, 500_000, 1_000_000, 5_000_000};

    /** Records, and the position after them: an LSN to resume from, or -1 inside a transaction. */
    record Batch(List<ConnectorRecord> records, long lsnAfter, boolean snapshotDone) {
    }

    private final CdcSettings settings;
    private final ChangeEvents events;
    private final CdcSplit split;
    private final FutureCompletingBlockingQueue<Batch> queue;
    private final AtomicLong toConfirm = new AtomicLong(-1);
    private volatile boolean running = true;
    private volatile long lagBytes = -1;
    private volatile Throwable failure;
    /** Closed by {@link #close} so that a call blocked on it ends. */
    private volatile Connection replicationConnection;

    ChangeStream(CdcSettings settings, ChangeEvents events, CdcSplit split,
                 FutureCompletingBlockingQueue<Batch> queue) {
        this.settings = settings;
        this.events = events;
        this.split = split;
        this.queue = queue;
    }

    /** Asks the thread to confirm {@code lsn} to the slot (a checkpoint that holds it completed). */
    void confirm(long lsn) {
        toConfirm.accumulateAndGet(lsn, Math::max);
    }

    /** WAL bytes the slot holds back, as last measured; -1 before the first measurement. */
    long lagBytes() {
        return lagBytes;
    }

    /** The failure that ended the thread, or null. */
    Throwable failure() {
        return failure;
    }

    void close() {
        running = false;
        queue.wakeUpPuttingThread(0);
        Connection connection = replicationConnection;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the replication connection of slot {} failed", settings.slot(), e);
            }
        }
    }

    @Override
    public void run() {
        try (Connection admin = Replication.connect(settings)) {
            Replication.ensurePublication(admin, settings);
            Map<String, Relation> tables = new HashMap<>();
            for (String table : settings.tables()) {
                tables.put(table, Replication.relation(admin, table));
            }
            try (Connection connection = Replication.connectForReplication(settings)) {
                replicationConnection = connection;
                PGConnection replication = connection.unwrap(PGConnection.class);
                Optional<Long> confirmed = Replication.confirmedPosition(admin, settings.slot());
                long start;
                long skip = 0;
                if (!split.snapshotDone() && confirmed.isEmpty()) {
                    start = createSlotAndSnapshot(replication, tables);
                } else if (!split.snapshotDone()) {
                    start = snapshotAgain(admin, confirmed.get(), tables);
                } else {
                    start = resumePosition(admin, confirmed);
                    skip = split.emittedOfNext();
                }
                stream(admin, replication, start, skip);
            }
        } catch (Throwable t) {
            if (running) {
                failure = t;
                LOG.error("postgres-cdc on {} failed", settings.url(), t);
            }
        } finally {
            queue.notifyAvailable();
        }
    }

    /** Step 2, first attempt: a new slot, and the snapshot it exports, exactly at its consistent point. */
    private long createSlotAndSnapshot(PGConnection replication, Map<String, Relation> tables) throws Exception {
        ReplicationSlotInfo slot = replication.getReplicationAPI().createReplicationSlot().logical()
                .withSlotName(settings.slot()).withOutputPlugin("pgoutput").make();
        long consistentPoint = slot.getConsistentPoint().asLong();
        LOG.info("Created replication slot {} at {}", settings.slot(), slot.getConsistentPoint().asString());
        snapshot(settings.snapshot().equals("initial") ? slot.getSnapshotName() : null, tables, consistentPoint);
        return consistentPoint;
    }

    /**
     * Step 2, after a failure before the snapshot was checkpointed (or with a slot left from before): the slot is
     * kept, the tables are read again in a snapshot taken now, and streaming replays everything since the slot's
     * confirmed position, deletes included. Rows may repeat; none is lost and no deleted row survives downstream.
     */
    private long snapshotAgain(Connection admin, long confirmed, Map<String, Relation> tables) throws Exception {
        Replication.awaitSlotInactive(admin, settings.slot());
        LOG.info("Replication slot {} exists: reading the tables again, then replaying changes from {}",
                settings.slot(), LogSequenceNumber.valueOf(confirmed).asString());
        snapshot(null, tables, confirmed);
        return confirmed;
    }

    /** Steps 3: the slot must exist and must not have confirmed past the restored position. */
    private long resumePosition(Connection admin, Optional<Long> confirmed) throws Exception {
        String at = LogSequenceNumber.valueOf(split.lsn()).asString();
        if (confirmed.isEmpty()) {
            throw new IllegalStateException("The replication slot " + settings.slot() + " is gone: the changes "
                    + "since LSN " + at + " cannot be read. Delete the connector ('connect delete') and run it again "
                    + "to start from a new snapshot");
        }
        if (confirmed.get() > split.lsn()) {
            throw new IllegalStateException("The replication slot " + settings.slot() + " confirmed LSN "
                    + LogSequenceNumber.valueOf(confirmed.get()).asString() + ", past the position this connector "
                    + "was restored to (" + at + "): it was restored from an older savepoint or checkpoint than its "
                    + "last, and the changes in between are no longer in the slot. Resume from the newest one, or "
                    + "delete the connector and run it again");
        }
        Replication.awaitSlotInactive(admin, settings.slot());
        return split.lsn();
    }

    /**
     * Reads every table in one repeatable-read transaction: in the slot's exported snapshot when given (the export
     * lives while the replication connection idles), else in a snapshot taken now; nothing with {@code snapshot:
     * never}. The last rows go in the batch that marks the snapshot done at {@code streamFrom}, so that a
     * checkpoint holding every row also holds the end of the snapshot.
     */
    private void snapshot(String snapshotName, Map<String, Relation> tables, long streamFrom) throws Exception {
        List<ConnectorRecord> chunk = new ArrayList<>();
        if (settings.snapshot().equals("initial")) {
            Position position = new Position(0, 0, (System.currentTimeMillis() * 1000) - 946_684_800_000_000L, true);
            try (Connection c = Replication.connect(settings)) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    if (snapshotName != null) {
                        s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "") + "'");
                    }
                }
                for (String table : settings.tables()) {
                    Relation relation = tables.get(table);
                    long rows = 0;
                    try (Statement s = c.createStatement()) {
                        s.setFetchSize(CHUNK);
                        try (ResultSet r = s.executeQuery("SELECT * FROM " + table)) {
                            while (r.next() && running) {
                                Map<String, String> row = new HashMap<>();
                                for (PgOutput.Column column : relation.columns()) {
                                    row.put(column.name(), r.getString(column.name()));
                                }
                                chunk.addAll(events.records('r', relation, null, row, position));
                                rows++;
                                if (chunk.size() >= CHUNK) {
                                    hand(new Batch(chunk, -1, false), null);
                                    chunk = new ArrayList<>();
                                }
                            }
                        }
                    }
                    LOG.info("Snapshot of {}: {} rows", table, rows);
                }
                c.commit();
            }
        }
        hand(new Batch(chunk, streamFrom, true), null);
    }

    private void stream(Connection admin, PGConnection replication, long start, long skip) throws Exception {
        PGReplicationStream stream = replication.getReplicationAPI().replicationStream().logical()
                .withSlotName(settings.slot())
                .withStartPosition(LogSequenceNumber.valueOf(start))
                .withSlotOption("proto_version", "1")
                .withSlotOption("publication_names", settings.publication())
                .withStatusInterval(1, TimeUnit.SECONDS)
                .start();
        LOG.info("Streaming changes from slot {} at {}", settings.slot(), LogSequenceNumber.valueOf(start).asString());
        PgOutput decoder = new PgOutput();
        long toSkip = skip;
        long confirmed = -1;
        long lagAt = 0;
        long handed = start;
        int idle = -1;
        Position position = null;
        List<ConnectorRecord> chunk = new ArrayList<>();
        while (running) {
            long confirm = toConfirm.get();
            if (confirm > confirmed) {
                stream.setFlushedLSN(LogSequenceNumber.valueOf(confirm));
                stream.setAppliedLSN(LogSequenceNumber.valueOf(confirm));
                stream.forceUpdateStatus();
                confirmed = confirm;
            }
            if (System.nanoTime() - lagAt > LAG_EVERY_NANOS) {
                lagBytes = Replication.slotLag(admin, settings.slot()).orElse(-1L);
                lagAt = System.nanoTime();
                // Quiet tables, busy database: move the position to what the server has sent (its keepalives
                // say), so that the slot can free WAL. Any transaction not sent yet commits after it.
                long received = stream.getLastReceiveLSN().asLong();
                if (position == null && received > handed) {
                    hand(new Batch(List.of(), received, true), stream);
                    handed = received;
                }
            }
            ByteBuffer message = stream.readPending();
            if (message == null) {
                idle = Math.min(idle + 1, IDLE_PAUSES_NANOS.length - 1);
                LockSupport.parkNanos(IDLE_PAUSES_NANOS[idle]);
                continue;
            }
            idle = -1;
            PgOutput.Message decoded = decoder.decode(message);
            if (decoded instanceof PgOutput.Begin b) {
                position = new Position(b.finalLsn(), b.xid(), b.commitMicros(), false);
            } else if (decoded instanceof PgOutput.Change c) {
                for (ConnectorRecord record : events.records(c.op(), c.relation(), c.before(), c.after(), position)) {
                    if (toSkip > 0) {
                        toSkip--;
                    } else {
                        chunk.add(record);
                    }
                }
                if (chunk.size() >= CHUNK) {
                    hand(new Batch(chunk, -1, true), stream);
                    chunk = new ArrayList<>();
                }
            } else if (decoded instanceof PgOutput.Commit c) {
                hand(new Batch(chunk, c.endLsn(), true), stream);
                handed = c.endLsn();
                position = null;
                chunk = new ArrayList<>();
                toSkip = 0;
            } else if (decoded instanceof PgOutput.Truncate t) {
                LOG.warn("TRUNCATE of {} is not sent as records: downstream tables keep their rows",
                        t.relations().stream().map(Relation::qualifiedName).toList());
            }
        }
    }

    /**
     * Hands a batch to the reader, waiting while its queue is full. While it waits, the stream (when there is one)
     * keeps telling the server it is alive, or the server would end it after {@code wal_sender_timeout}.
     */
    private void hand(Batch batch, PGReplicationStream stream) throws Exception {
        long statusAt = System.nanoTime();
        while (running && queue.remainingCapacity() == 0) {
            if (stream != null && System.nanoTime() - statusAt > STATUS_EVERY_NANOS) {
                stream.forceUpdateStatus();
                statusAt = System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        if (running) {
            queue.put(0, batch);
        }
    }
}

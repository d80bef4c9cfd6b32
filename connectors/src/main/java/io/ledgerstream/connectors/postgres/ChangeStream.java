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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 *   <li>If the snapshot was not emitted whole: drop the slot if it exists, create it again (which exports a
 *       snapshot of the database at the slot's consistent point), read every table in that snapshot, and hand
 *       over a batch that marks the snapshot done at the consistent point. A failure before that batch is
 *       checkpointed makes the next attempt start again here.</li>
 *   <li>Otherwise the slot must exist (if it was dropped, changes since the checkpoint are gone: fail).</li>
 *   <li>Stream from the split's LSN, skipping the records of the first transaction that were already emitted,
 *       handing over each transaction (in chunks) with its end LSN as the position after it.</li>
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
                PGConnection replication = connection.unwrap(PGConnection.class);
                long start;
                long skip = 0;
                if (!split.snapshotDone()) {
                    start = createSlotAndSnapshot(admin, replication, tables);
                } else {
                    if (!Replication.slotExists(admin, settings.slot())) {
                        throw new IllegalStateException("The replication slot " + settings.slot() + " is gone: the "
                                + "changes since LSN " + LogSequenceNumber.valueOf(split.lsn()).asString() + " cannot "
                                + "be read. Delete the connector ('connect delete') and run it again to start from a "
                                + "new snapshot");
                    }
                    Replication.awaitSlotInactive(admin, settings.slot());
                    start = split.lsn();
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

    private long createSlotAndSnapshot(Connection admin, PGConnection replication, Map<String, Relation> tables)
            throws Exception {
        Replication.dropSlot(admin, settings.slot());
        ReplicationSlotInfo slot = replication.getReplicationAPI().createReplicationSlot().logical()
                .withSlotName(settings.slot()).withOutputPlugin("pgoutput").make();
        long consistentPoint = slot.getConsistentPoint().asLong();
        LOG.info("Created replication slot {} at {}", settings.slot(), slot.getConsistentPoint().asString());
        if (settings.snapshot().equals("initial")) {
            snapshot(slot.getSnapshotName(), tables);
        }
        hand(new Batch(List.of(), consistentPoint, true));
        return consistentPoint;
    }

    /** Reads every table in the slot's exported snapshot; the export lives while the replication connection idles. */
    private void snapshot(String snapshotName, Map<String, Relation> tables) throws Exception {
        Position position = new Position(0, 0, (System.currentTimeMillis() * 1000) - 946_684_800_000_000L, true);
        try (Connection c = Replication.connect(settings)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "") + "'");
            }
            for (String table : settings.tables()) {
                Relation relation = tables.get(table);
                List<ConnectorRecord> chunk = new ArrayList<>();
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
                                hand(new Batch(chunk, -1, false));
                                chunk = new ArrayList<>();
                            }
                        }
                    }
                }
                hand(new Batch(chunk, -1, false));
                LOG.info("Snapshot of {}: {} rows", table, rows);
            }
            c.commit();
        }
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
            }
            ByteBuffer message = stream.readPending();
            if (message == null) {
                TimeUnit.MILLISECONDS.sleep(2);
                continue;
            }
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
                    hand(new Batch(chunk, -1, true));
                    chunk = new ArrayList<>();
                }
            } else if (decoded instanceof PgOutput.Commit c) {
                hand(new Batch(chunk, c.endLsn(), true));
                chunk = new ArrayList<>();
                toSkip = 0;
            } else if (decoded instanceof PgOutput.Truncate t) {
                LOG.warn("TRUNCATE of {} is not sent as records: downstream tables keep their rows",
                        t.relations().stream().map(Relation::qualifiedName).toList());
            }
        }
    }

    private void hand(Batch batch) throws InterruptedException {
        if (running) {
            queue.put(0, batch);
        }
    }
}

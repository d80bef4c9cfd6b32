package io.ledgerstream.log.storage.bookkeeper.bookie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.standalone.EmbeddedZooKeeper;
import io.ledgerstream.log.testing.FreePorts;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.client.api.DigestType;
import org.apache.bookkeeper.client.api.LedgerEntries;
import org.apache.bookkeeper.client.api.LedgerEntry;
import org.apache.bookkeeper.client.api.ReadHandle;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new bookie folder runs DbLedgerStorage; a folder written with SortedLedgerStorage by an earlier version keeps it
 * across restarts; both serve every entry written, before and after a restart, through more data than the write
 * cache holds. A folder whose marker and contents disagree is refused.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BookieStorageITCase {
    /** 48 MiB in all: more than half the write cache, so it is flushed to the entry log while writing. */
    private static final int ENTRIES = 3_000;
    private static final int ENTRY_BYTES = 16 << 10;
    private static final byte[] PASSWORD = new byte[0];

    @TempDir
    Path dir;

    @Test
    void aNewFolderRunsDbLedgerStorageAndKeepsItsEntriesAcrossARestart() throws Exception {
        File folder = dir.resolve("bookie").toFile();
        try (EmbeddedZooKeeper zooKeeper = EmbeddedZooKeeper.start(dir.resolve("zookeeper").toFile(), 0);
             CuratorFramework zk = connect(zooKeeper)) {
            int port = FreePorts.consecutive(1);
            long ledgerId;
            try (BookieNode bookie = startRegistered(zk, zooKeeper, folder, port, BookieStorage.DB);
                 BookKeeper client = client(zooKeeper)) {
                assertThat(bookie.storage()).isEqualTo(BookieStorage.DB);
                ledgerId = writeAndReadBack(client);
            }
            assertThat(folder.toPath().resolve("ledgers/current/ledgers")).isDirectory();
            assertThat(folder.toPath().resolve("ledgers/current/locations")).isDirectory();
            assertThat(Files.readString(folder.toPath().resolve(BookieStorage.MARKER)).trim())
                    .isEqualTo(BookieStorage.DB.className());

            // Asked for SortedLedgerStorage on a new folder: this one is not new, and keeps its storage.
            try (BookieNode bookie = startRegistered(zk, zooKeeper, folder, port, BookieStorage.SORTED);
                 BookKeeper client = client(zooKeeper)) {
                assertThat(bookie.storage()).isEqualTo(BookieStorage.DB);
                readAll(client, ledgerId);
            }
        }
    }

    @Test
    void aFolderOfAnEarlierVersionKeepsSortedLedgerStorage() throws Exception {
        File folder = dir.resolve("bookie").toFile();
        try (EmbeddedZooKeeper zooKeeper = EmbeddedZooKeeper.start(dir.resolve("zookeeper").toFile(), 0);
             CuratorFramework zk = connect(zooKeeper)) {
            int port = FreePorts.consecutive(1);
            long ledgerId;
            try (BookieNode bookie = startRegistered(zk, zooKeeper, folder, port, BookieStorage.SORTED);
                 BookKeeper client = client(zooKeeper)) {
                assertThat(bookie.storage()).isEqualTo(BookieStorage.SORTED);
                ledgerId = writeAndReadBack(client);
            }
            // Earlier versions wrote no marker: the folder's contents alone must tell.
            Files.delete(folder.toPath().resolve(BookieStorage.MARKER));

            try (BookieNode bookie = startRegistered(zk, zooKeeper, folder, port, BookieStorage.DB);
                 BookKeeper client = client(zooKeeper)) {
                assertThat(bookie.storage()).isEqualTo(BookieStorage.SORTED);
                readAll(client, ledgerId);
            }
            assertThat(folder.toPath().resolve("ledgers/current/locations")).doesNotExist();
            assertThat(Files.readString(folder.toPath().resolve(BookieStorage.MARKER)).trim())
                    .isEqualTo(BookieStorage.SORTED.className());
        }
    }

    @Test
    void aFolderWithBookieDataButNeitherIndexNorMarkerIsAnEarlierVersionsAndSorted() throws Exception {
        File folder = dir.resolve("bookie").toFile();
        Path journal = Files.createDirectories(folder.toPath().resolve("journal/current"));
        Files.writeString(journal.resolve("18c.txn"), "journal");
        Files.createDirectories(folder.toPath().resolve("ledgers"));

        assertThat(BookieStorage.of(folder, BookieStorage.DB)).isEqualTo(BookieStorage.SORTED);
        assertThat(BookieStorage.of(folder, BookieStorage.DB)).isEqualTo(BookieStorage.SORTED);
    }

    @Test
    void aFolderWhoseMarkerAndContentsDisagreeIsRefused() throws Exception {
        File folder = dir.resolve("bookie").toFile();
        Files.createDirectories(folder.toPath().resolve("ledgers/current/locations"));
        Files.writeString(folder.toPath().resolve(BookieStorage.MARKER), BookieStorage.SORTED.className() + "\n");

        assertThatThrownBy(() -> BookieStorage.of(folder, BookieStorage.DB)).isInstanceOf(IOException.class)
                .hasMessageContaining(folder.getPath()).hasMessageContaining("refusing");

        File other = dir.resolve("other").toFile();
        Files.createDirectories(other.toPath().resolve("ledgers/current/1a/0"));
        Files.writeString(other.toPath().resolve("ledgers/current/1a/0/1a.idx"), "index");
        Files.writeString(other.toPath().resolve(BookieStorage.MARKER), BookieStorage.DB.className() + "\n");

        assertThatThrownBy(() -> BookieStorage.of(other, BookieStorage.DB)).isInstanceOf(IOException.class)
                .hasMessageContaining(other.getPath()).hasMessageContaining("SortedLedgerStorage");
    }

    private static CuratorFramework connect(EmbeddedZooKeeper zooKeeper) throws Exception {
        return BookieTesting.connect(zooKeeper);
    }

    private static BookieNode startRegistered(CuratorFramework zk, EmbeddedZooKeeper zooKeeper, File folder, int port,
                                              BookieStorage forNewFolder) throws Exception {
        return BookieTesting.awaitRegistered(zk, BookieNode.start(folder, "127.0.0.1", port,
                BookieTesting.metadata(zooKeeper), null, -1, Optional.empty(), forNewFolder));
    }

    private static BookKeeper client(EmbeddedZooKeeper zooKeeper) throws Exception {
        return BookieTesting.client(zooKeeper);
    }

    /** Writes {@link #ENTRIES} entries to a new ledger on the one bookie, reads them back; the ledger's id. */
    private static long writeAndReadBack(BookKeeper client) throws Exception {
        long ledgerId;
        try (WriteHandle ledger = client.newCreateLedgerOp().withEnsembleSize(1).withWriteQuorumSize(1)
                .withAckQuorumSize(1).withDigestType(DigestType.CRC32C).withPassword(PASSWORD)
                .execute().get(30, TimeUnit.SECONDS)) {
            ledgerId = ledger.getId();
            CompletableFuture<?>[] appends = new CompletableFuture<?>[ENTRIES];
            for (int i = 0; i < ENTRIES; i++) {
                appends[i] = ledger.appendAsync(entry(i));
            }
            CompletableFuture.allOf(appends).get(60, TimeUnit.SECONDS);
        }
        readAll(client, ledgerId);
        return ledgerId;
    }

    private static void readAll(BookKeeper client, long ledgerId) throws Exception {
        try (ReadHandle ledger = client.newOpenLedgerOp().withLedgerId(ledgerId).withRecovery(true)
                .withDigestType(DigestType.CRC32C).withPassword(PASSWORD).execute().get(30, TimeUnit.SECONDS)) {
            assertThat(ledger.getLastAddConfirmed()).isEqualTo(ENTRIES - 1);
            int next = 0;
            while (next < ENTRIES) {
                int last = Math.min(next + 99, ENTRIES - 1);
                try (LedgerEntries entries = ledger.read(next, last)) {
                    for (LedgerEntry entry : entries) {
                        assertThat(entry.getEntryId()).isEqualTo(next);
                        assertThat(entry.getEntryBytes()).as("entry %d", next).isEqualTo(entry(next).array());
                        next++;
                    }
                }
            }
        }
    }

    /** Entry {@code i}: its number, then bytes that depend on it. */
    private static ByteBuffer entry(int i) {
        ByteBuffer bytes = ByteBuffer.allocate(ENTRY_BYTES);
        bytes.put(("entry-" + i + "-").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            bytes.put((byte) (i * 31 + bytes.position()));
        }
        return bytes.flip();
    }
}

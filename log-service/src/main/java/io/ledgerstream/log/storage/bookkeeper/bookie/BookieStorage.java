package io.ledgerstream.log.storage.bookkeeper.bookie;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.bookkeeper.bookie.SortedLedgerStorage;
import org.apache.bookkeeper.bookie.storage.ldb.DbLedgerStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger storage of a bookie folder, chosen once and kept: a new folder gets {@link #DB} (BookKeeper's
 * DbLedgerStorage, entries cached off the heap, locations in RocksDB), a folder written before this choice existed
 * keeps {@link #SORTED} (SortedLedgerStorage, what earlier versions ran). The choice is recorded in a marker file in
 * the bookie folder and checked against what is on disk at every start.
 *
 * <p>Stateless.
 */
public enum BookieStorage {
    /** BookKeeper's DbLedgerStorage: the default for new folders. */
    DB(DbLedgerStorage.class.getName()),
    /** BookKeeper's SortedLedgerStorage: kept for folders written by earlier versions. */
    SORTED(SortedLedgerStorage.class.getName());

    private static final Logger LOG = LoggerFactory.getLogger(BookieStorage.class);
    /** The marker file in the bookie folder naming its storage class. */
    static final String MARKER = "ledger-storage";
    /** SortedLedgerStorage's index folders under {@code ledgers/current}: two levels named in hex. */
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    private final String className;

    BookieStorage(String className) {
        this.className = className;
    }

    /** BookKeeper's class for this storage. */
    public String className() {
        return className;
    }

    /**
     * The storage of the bookie folder {@code dataDir} (journal in {@code journal}, ledgers in {@code ledgers}): the
     * one its marker names, else the one its contents show, else {@code forNewFolder} for an empty folder; recorded in
     * the marker when it had none.
     *
     * @throws IOException if the marker cannot be read or written, names no storage we know, or disagrees with the
     *     contents, or the contents hold both storages' files
     */
    static BookieStorage of(File dataDir, BookieStorage forNewFolder) throws IOException {
        Path marker = dataDir.toPath().resolve(MARKER);
        BookieStorage onDisk = fromContents(dataDir);
        if (Files.exists(marker)) {
            String name = Files.readString(marker, StandardCharsets.UTF_8).trim();
            BookieStorage recorded = Arrays.stream(values()).filter(s -> s.className.equals(name)).findFirst()
                    .orElseThrow(() -> new IOException("Bookie folder " + dataDir + ": its marker " + marker
                            + " names an unknown ledger storage '" + name + "'"));
            if (onDisk != null && onDisk != recorded) {
                throw new IOException("Bookie folder " + dataDir + ": its marker " + marker + " says "
                        + recorded.className + " but its ledgers folder holds " + onDisk.className
                        + "'s files; refusing to start it");
            }
            return recorded;
        }
        BookieStorage chosen;
        if (onDisk != null) {
            chosen = onDisk;
            LOG.info("Bookie folder {} holds {}'s files and no marker yet: keeping that storage", dataDir,
                    chosen.className);
        } else if (holdsAnything(dataDir)) {
            // Bookie data without a marker and without RocksDB's folders: written by an earlier version, which ran
            // SortedLedgerStorage, before its index reached the disk.
            chosen = SORTED;
            LOG.info("Bookie folder {} holds bookie data of an earlier version: keeping {}", dataDir,
                    chosen.className);
        } else {
            chosen = forNewFolder;
            LOG.info("Bookie folder {} is new: formatting it for {}", dataDir, chosen.className);
        }
        writeMarker(marker, chosen);
        return chosen;
    }

    /**
     * The storage whose files {@code ledgers/current} holds: RocksDB's {@code ledgers} and {@code locations} folders
     * (DbLedgerStorage) or index files {@code <hex>/<hex>/*.idx} (SortedLedgerStorage); null if neither.
     */
    private static BookieStorage fromContents(File dataDir) throws IOException {
        Path current = dataDir.toPath().resolve("ledgers").resolve("current");
        boolean db = Files.isDirectory(current.resolve("ledgers")) || Files.isDirectory(current.resolve("locations"));
        boolean sorted = holdsIndexFiles(current);
        if (db && sorted) {
            throw new IOException("Bookie folder " + dataDir + ": " + current + " holds both DbLedgerStorage's RocksDB "
                    + "folders and SortedLedgerStorage's index files; refusing to start it");
        }
        return db ? DB : sorted ? SORTED : null;
    }

    private static boolean holdsIndexFiles(Path current) throws IOException {
        if (!Files.isDirectory(current)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(current, 3)) {
            return files.anyMatch(p -> p.getNameCount() == current.getNameCount() + 3
                    && p.getFileName().toString().endsWith(".idx")
                    && HEX.matcher(p.getParent().getFileName().toString()).matches()
                    && HEX.matcher(p.getParent().getParent().getFileName().toString()).matches());
        }
    }

    /** Whether the journal or ledgers folder holds any file, as one a bookie has run in does (its cookie at least). */
    private static boolean holdsAnything(File dataDir) throws IOException {
        for (String sub : new String[] {"journal", "ledgers"}) {
            Path dir = dataDir.toPath().resolve(sub);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    if (files.anyMatch(Files::isRegularFile)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Writes the marker durably: a temporary file, fsynced, renamed into place. */
    private static void writeMarker(Path marker, BookieStorage storage) throws IOException {
        Path tmp = marker.resolveSibling(MARKER + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(StandardCharsets.UTF_8.encode(storage.className + "\n"));
            channel.force(true);
        }
        Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
    }
}

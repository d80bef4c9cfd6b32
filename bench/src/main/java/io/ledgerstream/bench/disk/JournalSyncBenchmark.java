package io.ledgerstream.bench.disk;

import io.ledgerstream.bench.BenchMain;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A journal's write-and-fdatasync, as a bookie does for every group of entries, into two kinds of file: one
 * preallocated as BookKeeper preallocates its journals (a block written at the end, a hole before it, so each sync
 * also allocates blocks and writes the inode), and one whose blocks were written and synced beforehand (as a reused
 * journal file's are). Writes of 16 KiB, each followed by {@link FileChannel#force force(false)}; per file kind:
 * syncs a second, p50 and p99 of a write plus its sync, and the CPU (user and system) of this thread for a write and
 * its sync (kernel threads, such as a file system's journal, are not counted).
 * Rounds alternate the order. Arguments: DIR WRITES ROUNDS.
 *
 * <p>Stateless: a command-line tool.
 */
public final class JournalSyncBenchmark {
    private static final int WRITE_BYTES = 16 << 10;
    private static final int FILL_CHUNK = 1 << 20;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private JournalSyncBenchmark() {}

    public static void main(String[] args) {
        BenchMain.runAndExit(args, a -> {
            Path dir = Path.of(a[0]);
            int writes = Integer.parseInt(a[1]);
            int rounds = Integer.parseInt(a[2]);
            for (int round = 1; round <= rounds; round++) {
                boolean sparseFirst = round % 2 == 1;
                for (boolean sparse : new boolean[] {sparseFirst, !sparseFirst}) {
                    System.out.printf("round %d, %s%n", round, run(dir.resolve("journal-sync.dat"), sparse, writes));
                }
            }
        });
    }

    private static String run(Path file, boolean sparse, int writes) throws IOException {
        long bytes = (long) writes * WRITE_BYTES;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            if (sparse) {
                channel.write(ByteBuffer.allocate(512), bytes + FILL_CHUNK - 512);
            } else {
                ByteBuffer zeros = ByteBuffer.allocate(FILL_CHUNK);
                for (long at = 0; at < bytes + FILL_CHUNK; at += FILL_CHUNK) {
                    channel.write(zeros.clear(), at);
                }
            }
            channel.force(false);
            byte[] payload = new byte[WRITE_BYTES];
            ThreadLocalRandom.current().nextBytes(payload);
            ByteBuffer write = ByteBuffer.wrap(payload);
            long[] nanos = new long[writes];
            long cpuBefore = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                long begin = System.nanoTime();
                channel.write(write.clear(), (long) i * WRITE_BYTES);
                channel.force(false);
                nanos[i] = System.nanoTime() - begin;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuMicros = (THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1e3 / writes;
            Arrays.sort(nanos);
            return String.format(
                    "%-26s %7.0f syncs/s, p50 %.3f ms, p99 %.3f ms, this thread's CPU %.0f µs a write and sync",
                    sparse ? "sparse (as BookKeeper's):" : "written beforehand:", writes / seconds,
                    nanos[writes / 2] / 1e6, nanos[(int) (writes * 0.99)] / 1e6, cpuMicros);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

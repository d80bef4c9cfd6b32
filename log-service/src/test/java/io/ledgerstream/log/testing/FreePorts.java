package io.ledgerstream.log.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds runs of consecutive free ports on loopback, for platforms whose bookies take port, port+1, ... The ports
 * come from below the kernel's ephemeral range: a port in that range can be free when checked and then be taken as
 * the local end of some client connection (a bookie's own ZooKeeper session, say) before the server binds it.
 */
public final class FreePorts {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;

    private FreePorts() {
    }

    public static int consecutive(int count) {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(LOWEST, below - count);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found below " + below);
    }

    /** The first ephemeral port, or the IANA one (49152) where the kernel does not say. */
    private static int ephemeralLow() {
        try {
            // By line: Files.readString reads this procfs file short.
            int low = Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
            return low > LOWEST + 1_000 ? low : 49_152;
        } catch (IOException | RuntimeException e) {
            return 49_152;
        }
    }

    private static boolean allFree(int first, int count) {
        for (int port = first; port < first + count; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}

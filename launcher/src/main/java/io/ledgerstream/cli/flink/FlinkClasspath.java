package io.ledgerstream.cli.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the stock Flink classpath is written by the build: the file named by the system property
 * {@code ledgerstream.flink.classpath}, else {@code flink-cluster/target/classpath.txt} under
 * {@code ledgerstream.home} (set by {@code bin/ledgerstream}).
 */
public final class FlinkClasspath {
    private FlinkClasspath() {
    }

    public static String read() throws IOException {
        String file = System.getProperty("ledgerstream.flink.classpath");
        Path path = file != null ? Path.of(file)
                : Path.of(System.getProperty("ledgerstream.home", "."), "flink-cluster", "target", "classpath.txt");
        if (!Files.isRegularFile(path)) {
            throw new IOException("The Flink classpath " + path + " is missing; build it with "
                    + "'mvn -pl flink-cluster -am package' (bin/ledgerstream does this on first use)");
        }
        return Files.readString(path, StandardCharsets.UTF_8).trim();
    }
}

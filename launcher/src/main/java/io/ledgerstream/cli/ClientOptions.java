package io.ledgerstream.cli;

import io.ledgerstream.jobs.kafka.ClientConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --client-config FILE}: Kafka client settings (security.protocol, ssl.*, sasl.*) for every Kafka client a
 * command makes, read and checked by {@link ClientConfig}; shared by the commands that talk to brokers.
 */
final class ClientOptions {
    @Option(names = "--client-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, ssl.*, sasl.*) for every client this command "
                    + "makes; 'standalone --secure' writes one for its admin user.")
    Path file;

    /** The settings of the file, or none when no file is given. */
    ClientConfig config() {
        return ClientConfig.loadIfGiven(file);
    }
}

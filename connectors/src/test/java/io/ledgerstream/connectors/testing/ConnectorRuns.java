package io.ledgerstream.connectors.testing;

import io.ledgerstream.connectors.Connector;
import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.runtime.ConnectorPipeline;
import io.ledgerstream.jobs.testing.JobTestbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Runs a connector file on the testbed's MiniCluster as {@code connect run} would, plus small test helpers. */
public final class ConnectorRuns {
    private ConnectorRuns() {
    }

    /**
     * Parses {@code yaml} (with the testbed's bootstrap servers added), builds its job with checkpoints into
     * {@link JobTestbed#checkpoints} and starts it.
     */
    public static JobClient run(JobTestbed testbed, String yaml) throws Exception {
        Connector connector = ConnectorFile.parse("test.yaml",
                yaml + "\nbootstrap-servers: " + testbed.bootstrap() + "\n");
        Configuration conf = ConnectorPipeline.configuration(connector.spec());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                testbed.checkpoints(connector.spec().name()).toUri().toString());
        TestStreamEnvironment env = new TestStreamEnvironment(testbed.flink(), conf,
                connector.spec().parallelism(), List.of(), List.of());
        connector.build(env);
        return env.executeAsync(connector.spec().jobName());
    }

    /** Writes a file under a hidden name and renames it into place, as a files source expects. */
    public static void drop(Path folder, String name, String content) throws Exception {
        Path hidden = folder.resolve("." + name);
        Files.writeString(hidden, content, StandardCharsets.UTF_8);
        Files.move(hidden, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A record header as text, or null. */
    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}

package io.ledgerstream.connectors.testing;

import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.jobs.testing.JobTestbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Connector files run on the jobs' testbed (its broker, its MiniCluster), and what their tests read back. */
public final class TestbedConnectors {
    private TestbedConnectors() {
    }

    /**
     * Runs a connector file against the testbed's broker, with checkpoints into {@link JobTestbed#checkpoints} under
     * the connector's name.
     */
    public static JobClient run(JobTestbed testbed, String yaml) throws Exception {
        return start(testbed, yaml + "\nbootstrap-servers: " + testbed.bootstrap() + "\n");
    }

    /** Starts a connector file that names its own bootstrap servers, with checkpoints under the testbed. */
    public static JobClient start(JobTestbed testbed, String yaml) throws Exception {
        String name = ConnectorFile.parse("test.yaml", yaml).spec().name();
        return ConnectorRunner.run(testbed.flink(), testbed.checkpoints(name), yaml, Optional.empty());
    }

    /** Whether the job has gone through a restart. */
    public static boolean restarted(JobTestbed testbed, JobClient job) throws Exception {
        return testbed.flink().getExecutionGraph(job.getJobID()).get(30, TimeUnit.SECONDS)
                .getStatusTimestamp(JobStatus.RESTARTING) > 0;
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

package io.ledgerstream.connectors.jdbc;

import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.testing.ConnectorRunner;
import io.ledgerstream.jobs.testing.JobTestbed;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/** The jdbc tests' connector jobs on the testbed: started from a whole file, and asked whether they restarted. */
public final class ConnectorRun {
    private ConnectorRun() {
    }

    /** Starts a connector file (which names its own bootstrap servers) with checkpoints under the testbed. */
    public static JobClient start(JobTestbed testbed, String yaml) throws Exception {
        String name = ConnectorFile.parse("test.yaml", yaml).spec().name();
        return ConnectorRunner.run(testbed.flink(), testbed.checkpoints(name), yaml, Optional.empty());
    }

    /** Whether the job has gone through a restart. */
    public static boolean restarted(JobTestbed testbed, JobClient job) throws Exception {
        return testbed.flink().getExecutionGraph(job.getJobID()).get(30, TimeUnit.SECONDS)
                .getStatusTimestamp(JobStatus.RESTARTING) > 0;
    }
}

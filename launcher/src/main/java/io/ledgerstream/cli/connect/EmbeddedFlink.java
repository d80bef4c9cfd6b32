package io.ledgerstream.cli.connect;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * The embedded Flink that {@code connect run} uses without {@code --cluster}: a MiniCluster in this process, with
 * Flink's REST API on a loopback port, so the other {@code connect} commands reach it as they reach a cluster.
 *
 * <p>Not thread-safe: started and closed by one thread.
 */
final class EmbeddedFlink implements AutoCloseable {
    private final MiniCluster cluster;

    private EmbeddedFlink(MiniCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts one TaskManager with {@code slots} slots, the REST API on {@code restPort}. */
    static EmbeddedFlink start(int restPort, int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, restPort);
        conf.set(RestOptions.BIND_PORT, Integer.toString(restPort));
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
        try {
            cluster.start();
        } catch (Exception e) {
            cluster.close();
            throw new IllegalStateException("The embedded Flink could not start on port " + restPort + " ("
                    + e.getMessage() + "); is another Flink using it? Give --rest-port, or --cluster to use that one",
                    e);
        }
        return new EmbeddedFlink(cluster);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}

package io.ledgerstream.log.broker;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.manager.LeaderLogs;
import io.ledgerstream.log.metrics.Readiness;
import java.util.function.IntSupplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * Whether a broker serves, for {@code /ready}: it has started, its ZooKeeper session is connected, it knows the
 * controller, and the log of every partition it leads is open. Until it serves it says which step of start-up it is
 * at; once closing, that it stops.
 *
 * <p>Thread-safe: the broker moves it from step to step through volatile fields; {@code /ready} reads them.
 */
@ThreadSafe
final class BrokerReadiness implements Readiness {
    /** What the broker does instead of serving; null while it serves. */
    private volatile String step = "starting";
    private volatile Serving serving;

    /** What is checked while the broker serves. */
    private record Serving(CuratorFramework zk, IntSupplier controllerId, LeaderLogs logs) {
    }

    /** The broker is starting and does {@code what} now. */
    void starting(String what) {
        step = "starting: " + what;
    }

    /** The broker serves: from now on the conditions are checked at each ask. */
    void serving(CuratorFramework zk, IntSupplier controllerId, LeaderLogs logs) {
        serving = new Serving(zk, controllerId, logs);
        step = null;
    }

    /** The broker stops. */
    void stopping() {
        step = "stopping";
    }

    @Override
    public String notReadyBecause() {
        String now = step;
        if (now != null) {
            return now;
        }
        Serving s = serving;
        if (!s.zk().getZookeeperClient().isConnected()) {
            return "not connected to ZooKeeper at " + s.zk().getZookeeperClient().getCurrentConnectionString();
        }
        if (s.controllerId().getAsInt() < 0) {
            return "no controller known";
        }
        LeaderLogs.Leadership leadership = s.logs().leadership();
        if (leadership.waiting() != null) {
            return (leadership.led() - leadership.open()) + " of the " + leadership.led()
                    + " partitions led here are not open yet, " + leadership.waiting() + " among them";
        }
        return null;
    }
}

package io.ledgerstream.log.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.MetricsEndpoint;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition this broker leads whose log cannot open (too few bookies for its replication factor) is opened once the
 * bookies are back,
 * without any client asking for it, and the broker is ready again: /ready does not wait for a request.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedPartitionsReopenITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aLedPartitionThatFailedToOpenOpensWhenTheBookieReturns() throws Exception {
        try (LocalBroker local = LocalBroker.start(dir.toFile(), Map.of("metrics.http.port", "0"))) {
            MetricsEndpoint first = new MetricsEndpoint(local.broker().metricsPort());
            Await.until("the broker is ready", WAIT, () -> status(first) == 200);
            try (Admin admin = TestClients.admin(local.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("needs-three-bookies", 1, (short) 3))).all()
                        .get(30, TimeUnit.SECONDS);
            }
            TopicPartition partition = new TopicPartition("needs-three-bookies", 0);
            Await.until("the partition opens", WAIT, () -> local.broker().logs().leadership().waiting() == null);
            // With one bookie of three down, the restarted broker cannot open it: a new ledger needs three.
            local.cluster().stopBookie(0);
            local.restart();
            MetricsEndpoint restarted = new MetricsEndpoint(local.broker().metricsPort());
            Await.until("the partition is led here but cannot open, so the broker is not ready", WAIT, () ->
                    partition.equals(local.broker().logs().leadership().waiting()) && status(restarted) == 503);
            local.cluster().startBookie(0);
            Await.until("the partition opens with no client asking, and the broker is ready", WAIT,
                    () -> local.broker().logs().leadership().waiting() == null && status(restarted) == 200);
            assertThat(restarted.get("/ready").body()).startsWith("ready");
        }
    }

    private static int status(MetricsEndpoint endpoint) {
        try {
            return endpoint.get("/ready").statusCode();
        } catch (Exception e) {
            throw new AssertionError("/ready did not answer", e);
        }
    }
}

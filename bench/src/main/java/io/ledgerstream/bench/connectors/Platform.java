package io.ledgerstream.bench.connectors;

import io.ledgerstream.log.standalone.StandalonePlatform;
import java.io.File;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Our standalone platform in the benchmark's JVM: ZooKeeper, three bookies (journal fsync on, as shipped) and one
 * broker on a free port, with topics of three partitions replicated to two bookies.
 *
 * <p>Thread-safe as the platform is.
 */
final class Platform implements AutoCloseable {
    private final StandalonePlatform platform;

    private Platform(StandalonePlatform platform) {
        this.platform = platform;
    }

    static Platform start(File dir) throws Exception {
        return new Platform(StandalonePlatform.start(new StandalonePlatform.Settings(dir, 0, 43181, 3,
                Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "group.initial.rebalance.delay.ms", "0")),
                Clock.systemUTC()));
    }

    String bootstrap() {
        return "127.0.0.1:" + platform.broker().kafkaPort();
    }

    void createTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, 3, (short) 2))).all().get(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        platform.close();
    }
}

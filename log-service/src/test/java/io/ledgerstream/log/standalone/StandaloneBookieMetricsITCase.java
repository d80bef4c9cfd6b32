package io.ledgerstream.log.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.MetricsEndpoint;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a bookie metrics port, each bookie of the standalone platform serves BookKeeper's own stats on its own port
 * (the first one's plus its index): after a producer wrote to a topic replicated on both bookies, each says it
 * journalled and fsynced entries.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandaloneBookieMetricsITCase {
    private static final int RECORDS = 200;
    private static final Pattern JOURNAL_ADDS = Pattern.compile(
            "(?m)^bookie_journal_JOURNAL_ADD_ENTRY_count\\{success=\"true\", journalIndex=\"0\"} ([0-9.]+)$");
    private static final Pattern SYNCS = Pattern.compile(
            "(?m)^bookie_journal_JOURNAL_SYNC_count\\{success=\"true\", journalIndex=\"0\"} ([0-9.]+)$");

    @TempDir
    Path dir;

    @Test
    void everyBookieServesItsJournalStatsOnItsOwnPort() throws Exception {
        int metricsPort = FreePorts.consecutive(2);
        try (StandalonePlatform platform = StandalonePlatform.start(new StandalonePlatform.Settings(dir.toFile(), 0,
                FreePorts.consecutive(2), 2, Map.of("listeners", "PLAINTEXT://127.0.0.1:0"), 1)
                .withBookieMetricsPort(metricsPort), Clock.systemUTC())) {
            String bootstrap = "127.0.0.1:" + platform.broker().kafkaPort();
            try (Admin admin = TestClients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("events", 1, (short) 2))).all().get(60, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, Map.of())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>("events", "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            for (int bookie = 0; bookie < 2; bookie++) {
                String text = new MetricsEndpoint(metricsPort + bookie).text();
                assertThat(count(JOURNAL_ADDS, text)).as("bookie %d's journalled entries", bookie)
                        .isGreaterThanOrEqualTo(RECORDS);
                assertThat(count(SYNCS, text)).as("bookie %d's journal fsyncs", bookie).isPositive();
            }
        }
    }

    private static double count(Pattern series, String text) {
        Matcher m = series.matcher(text);
        assertThat(m.find()).as("%s in %s", series, text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}

package io.ledgerstream.log.storage.bookkeeper.bookie;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.standalone.EmbeddedZooKeeper;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.MetricsEndpoint;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.client.api.DigestType;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bookie given a metrics port serves BookKeeper's own stats there through BookKeeper's Prometheus provider: after
 * a client wrote entries to it, its add-entry count says so; once it stops, so does the endpoint.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BookieMetricsITCase {
    private static final int ENTRIES = 10;
    /** The bookie's count of add requests it served successfully (a summary BookKeeper's provider writes). */
    private static final Pattern ADDS = Pattern.compile(
            "(?m)^bookkeeper_server_ADD_ENTRY_REQUEST_count\\{success=\"true\"} ([0-9.]+)$");

    @TempDir
    Path dir;

    @Test
    void theBookieServesItsOwnStatsWhileItRuns() throws Exception {
        try (EmbeddedZooKeeper zooKeeper = EmbeddedZooKeeper.start(dir.resolve("zookeeper").toFile(), 0);
             CuratorFramework zk = BookieTesting.connect(zooKeeper)) {
            int metricsPort = FreePorts.consecutive(1);
            MetricsEndpoint endpoint = new MetricsEndpoint(metricsPort);
            BookieNode bookie = BookieNode.start(dir.resolve("bookie").toFile(), "127.0.0.1",
                    FreePorts.consecutive(1), BookieTesting.metadata(zooKeeper), "127.0.0.1", metricsPort);
            try {
                BookieTesting.awaitRegistered(zk, bookie);
                try (BookKeeper client = BookieTesting.client(zooKeeper);
                     WriteHandle ledger = client.newCreateLedgerOp().withEnsembleSize(1).withWriteQuorumSize(1)
                             .withAckQuorumSize(1).withDigestType(DigestType.CRC32C).withPassword(new byte[0])
                             .execute().get(30, TimeUnit.SECONDS)) {
                    for (int i = 0; i < ENTRIES; i++) {
                        ledger.append(("entry-" + i).getBytes(UTF_8));
                    }
                }
                String text = endpoint.text();
                Matcher adds = ADDS.matcher(text);
                assertThat(adds.find()).as("the add-entry count in %s", text).isTrue();
                assertThat(Double.parseDouble(adds.group(1))).isGreaterThanOrEqualTo(ENTRIES);
                assertThat(text).contains("bookie_journal_JOURNAL_ADD_ENTRY");
            } finally {
                bookie.close();
            }
            assertThatThrownBy(endpoint::text).isInstanceOf(ConnectException.class);
        }
    }
}

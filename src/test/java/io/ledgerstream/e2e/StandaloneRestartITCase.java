package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.manager.LeaderLogs;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.ReadResult;
import io.ledgerstream.log.standalone.StandalonePlatform;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.TestBatches;
import io.ledgerstream.log.testing.TestBatches.KeyAtOffset;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The standalone platform keeps every acknowledged batch across a full restart on the same folder. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StandaloneRestartITCase {
    private static final int PARTITIONS = 2;

    @TempDir
    Path dir;

    @Test
    void aFullRestartKeepsEveryAcknowledgedBatchAndOffsetsContinue() throws Exception {
        StandalonePlatform.Settings settings = new StandalonePlatform.Settings(new File(dir.toFile(), "data"),
                FreePorts.consecutive(1), FreePorts.consecutive(3), 3, Map.of("listeners", "PLAINTEXT://127.0.0.1:0"));
        List<List<KeyAtOffset>> acknowledged = new ArrayList<>();
        try (StandalonePlatform platform = StandalonePlatform.start(settings, Clock.systemUTC())) {
            LeaderLogs logs = platform.broker().logs();
            platform.broker().topics().createTopic("orders", PARTITIONS, new Replication(3, 2, 2), Map.of("segment.bytes", "8192"))
                    .get(30, TimeUnit.SECONDS);
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionLog log = logs.log(new TopicPartition("orders", p)).get(30, TimeUnit.SECONDS);
                List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    appends.add(log.appendAsync(TestBatches.batch("p" + p + "-" + i, 3, 200, System.currentTimeMillis())));
                }
                List<KeyAtOffset> expected = new ArrayList<>();
                for (int i = 0; i < appends.size(); i++) {
                    long base = appends.get(i).get(30, TimeUnit.SECONDS).baseOffset();
                    for (int r = 0; r < 3; r++) {
                        expected.add(new KeyAtOffset(base + r, "p" + p + "-" + i + "-" + r));
                    }
                }
                acknowledged.add(expected);
            }
        }

        try (StandalonePlatform platform = StandalonePlatform.start(settings, Clock.systemUTC())) {
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionLog log = platform.broker().logs().log(new TopicPartition("orders", p))
                        .get(30, TimeUnit.SECONDS);
                assertThat(log.highWatermark()).isEqualTo(450);
                assertThat(readAll(log)).containsExactlyElementsOf(acknowledged.get(p));
                AppendResult next = log.appendAsync(TestBatches.single("after-restart", System.currentTimeMillis()))
                        .get(30, TimeUnit.SECONDS);
                assertThat(next.baseOffset()).isEqualTo(450);
            }
        }
    }

    private static List<KeyAtOffset> readAll(PartitionLog log) throws Exception {
        List<KeyAtOffset> records = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.highWatermark()) {
            try (ReadResult read = log.readAsync(next, 4096).get(30, TimeUnit.SECONDS)) {
                records.addAll(TestBatches.records(read.batches()));
                next = read.nextOffset();
            }
        }
        return records;
    }
}

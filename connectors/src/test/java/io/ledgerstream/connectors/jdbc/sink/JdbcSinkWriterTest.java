package io.ledgerstream.connectors.jdbc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.jdbc.JdbcEndpoint;
import io.ledgerstream.connectors.jdbc.TableName;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer's flushing rules with processing time moved by hand and a fake table. */
class JdbcSinkWriterTest {
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final FakeTable table = new FakeTable();
    private final List<Duration> waits = new ArrayList<>();
    private final JdbcSinkSettings settings = new JdbcSinkSettings(new JdbcEndpoint("jdbc:postgresql://x/y", null,
            null), TableName.parse("t"), List.of("id"), 3, Duration.ofSeconds(1), 2, Duration.ofMillis(100));
    private JdbcSinkWriter writer;

    @BeforeEach
    void createWriter() throws Exception {
        time.setCurrentTime(0);
        writer = new JdbcSinkWriter(settings, table, new Retrier("t", settings.maxRetries(),
                settings.retryBackoff(), JdbcSinkSettings.MAX_BACKOFF, waits::add), time,
                UnregisteredMetricsGroup.createSinkWriterMetricGroup());
    }

    @Test
    void aFullBatchIsWrittenAtOnce() throws Exception {
        writer.write(upsert("1"), null);
        writer.write(upsert("1"), null);
        writer.write(upsert("2"), null);
        assertThat(table.batches).isEmpty();

        writer.write(upsert("3"), null);

        assertThat(table.batches).containsExactly(List.of("1", "2", "3"));
    }

    @Test
    void everyFlushWritesWhatIsBuffered() throws Exception {
        writer.flush(false);
        assertThat(table.batches).as("nothing to write").isEmpty();

        writer.write(upsert("1"), null);
        writer.flush(false);

        assertThat(table.batches).containsExactly(List.of("1"));
    }

    @Test
    void theFlushIntervalTimerWritesAndRearms() throws Exception {
        writer.write(upsert("1"), null);
        time.setCurrentTime(999);
        assertThat(table.batches).isEmpty();

        time.setCurrentTime(1_000);
        writer.write(upsert("2"), null);
        time.setCurrentTime(2_000);

        assertThat(table.batches).containsExactly(List.of("1"), List.of("2"));
    }

    @Test
    void transientFailuresAreRetriedAndTheBatchKept() throws Exception {
        table.failures.add("08006");
        table.failures.add("40001");
        writer.write(upsert("1"), null);

        writer.flush(false);

        assertThat(table.batches).containsExactly(List.of("1"));
        assertThat(table.disconnects).isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void aFailureBeyondTheRetriesFailsTheFlush() throws Exception {
        table.failures.addAll(List.of("08006", "08006", "08006"));
        writer.write(upsert("1"), null);

        assertThatThrownBy(() -> writer.flush(false)).isInstanceOf(JdbcWriteException.class)
                .hasMessageContaining("after 2 retries");
    }

    @Test
    void afterCloseTheTimerWritesNothing() throws Exception {
        writer.write(upsert("1"), null);
        writer.close();
        time.setCurrentTime(5_000);

        assertThat(table.batches).isEmpty();
        assertThat(table.closed).isTrue();
    }

    private static RowChange upsert(String id) {
        return RowChange.upsert(new String[] {id}, new String[] {"id"}, new String[] {id});
    }

    /** Records the keys of each batch written; fails with the queued SQLStates first. */
    private static final class FakeTable implements BatchWriter {
        final List<List<String>> batches = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        int disconnects;
        boolean closed;

        @Override
        public int write(ChangeBatch batch) throws SQLException {
            if (!failures.isEmpty()) {
                throw new SQLException("failed", failures.remove(0));
            }
            List<String> keys = new ArrayList<>();
            batch.upsertsByColumns().values().forEach(rows -> rows.forEach(r -> keys.add(r.get(0))));
            batches.add(keys);
            return keys.size();
        }

        @Override
        public void disconnect() {
            disconnects++;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

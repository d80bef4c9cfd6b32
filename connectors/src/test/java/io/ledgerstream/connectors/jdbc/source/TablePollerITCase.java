package io.ledgerstream.connectors.jdbc.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.jdbc.JdbcEndpoint;
import io.ledgerstream.connectors.jdbc.TableName;
import io.ledgerstream.connectors.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The poller against a real PostgreSQL: rows as JSON, positions, and batches that never split a timestamp. */
class TablePollerITCase {
    private static PostgresServer postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        postgres.createDatabase("shop");
        postgres.execute("shop", "CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric(10,2), "
                + "qty integer, ratio double precision, paid boolean, note text, doc jsonb, "
                + "at timestamptz NOT NULL, local_at timestamp)",
                "INSERT INTO orders (total, qty, ratio, paid, note, doc, at, local_at) VALUES "
                + "(10.50, 2, 0.25, true, 'first', '{\"a\": [1]}', '2026-01-01 00:00:00+00', '2026-01-01 01:00:00'),"
                + "(3.00, NULL, NULL, false, NULL, NULL, '2026-01-01 00:00:00+00', NULL),"
                + "(4.00, 1, NULL, NULL, 'x', NULL, '2026-01-01 00:00:00+00', NULL),"
                + "(5.00, 1, NULL, NULL, 'y', NULL, '2026-01-02 00:00:00.5+00', NULL)");
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void rowsBecomeJsonKeyedByThePrimaryKey() throws Exception {
        try (TablePoller poller = poller(PollMode.INCREMENTING, "id", null, 100, TablePosition.START)) {
            List<PolledRow> rows = fetch(poller);

            assertThat(rows).hasSize(4);
            PolledRow first = rows.get(0);
            assertThat(text(first.record().value)).isEqualTo("{\"id\":1,\"total\":\"10.50\",\"qty\":2,\"ratio\":0.25,"
                    + "\"paid\":true,\"note\":\"first\",\"doc\":{\"a\":[1]},\"at\":\"2026-01-01T00:00:00Z\","
                    + "\"local_at\":\"2026-01-01T01:00:00Z\"}");
            assertThat(text(first.record().key)).isEqualTo("{\"id\":1}");
            assertThat(first.record().origin).isEqualTo("table orders at id 1");
            assertThat(text(rows.get(1).record().value)).contains("\"qty\":null", "\"paid\":false");
            assertThat(rows.get(3).position()).isEqualTo(new TablePosition(null, "4"));
            assertThat(fetch(poller)).isEmpty();
        }
    }

    @Test
    void incrementingReadsOnFromAPositionInBatches() throws Exception {
        try (TablePoller poller = poller(PollMode.INCREMENTING, "id", null, 2, new TablePosition(null, "1"))) {
            assertThat(ids(fetch(poller))).containsExactly("2", "3");
            assertThat(ids(fetch(poller))).containsExactly("4");
        }
    }

    @Test
    void timestampModeNeverSplitsRowsOfOneTimestamp() throws Exception {
        try (TablePoller poller = poller(PollMode.TIMESTAMP, null, "at", 2, TablePosition.START)) {
            List<PolledRow> first = fetch(poller);
            assertThat(ids(first)).containsExactlyInAnyOrder("1", "2", "3");
            assertThat(first.get(2).position()).isEqualTo(new TablePosition("2026-01-01 00:00:00+00", null));
            List<PolledRow> second = fetch(poller);
            assertThat(ids(second)).containsExactly("4");
            assertThat(second.get(0).record().timestamp).isEqualTo(java.time.Instant.parse(
                    "2026-01-02T00:00:00.500Z").toEpochMilli());
        }
    }

    @Test
    void timestampWithATieBreakerPagesThroughATie() throws Exception {
        try (TablePoller poller = poller(PollMode.TIMESTAMP, "id", "at", 2, TablePosition.START)) {
            assertThat(ids(fetch(poller))).containsExactly("1", "2");
            assertThat(ids(fetch(poller))).containsExactly("3", "4");
        }
    }

    @Test
    void aMissingColumnFailsTheFetchNamingTheTable() throws Exception {
        try (TablePoller poller = poller(PollMode.INCREMENTING, "nope", null, 2, TablePosition.START)) {
            assertThatThrownBy(poller::fetch).isInstanceOf(IOException.class)
                    .hasMessageContaining("Polling table orders failed").hasMessageContaining("42703");
        }
    }

    private static TablePoller poller(PollMode mode, String id, String ts, int batch, TablePosition from) {
        TablePoller poller = new TablePoller(new JdbcSourceSettings(new JdbcEndpoint(postgres.url("shop"),
                "postgres", null), TableName.parse("orders"), mode, id, ts, null, Duration.ofMillis(10), batch,
                Duration.ZERO));
        poller.handleSplitsChanges(new SplitsAddition<>(List.of(new TableSplit(TableSplit.ID, from))));
        return poller;
    }

    private static List<PolledRow> fetch(TablePoller poller) throws IOException {
        RecordsWithSplitIds<PolledRow> records = poller.fetch();
        List<PolledRow> rows = new ArrayList<>();
        while (records.nextSplit() != null) {
            for (PolledRow row = records.nextRecordFromSplit(); row != null; row = records.nextRecordFromSplit()) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<String> ids(List<PolledRow> rows) {
        return rows.stream().map(r -> text(r.record().key).replaceAll("\\D", "")).toList();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

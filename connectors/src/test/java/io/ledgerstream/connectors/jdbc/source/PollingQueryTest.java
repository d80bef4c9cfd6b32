package io.ledgerstream.connectors.jdbc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.connectors.jdbc.JdbcEndpoint;
import io.ledgerstream.connectors.jdbc.TableName;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollingQueryTest {
    private static final TablePosition AT = new TablePosition("2026-01-01 00:00:00+00", "41");

    @Test
    void incrementingReadsAboveTheLastId() {
        PollingQuery q = query(PollMode.INCREMENTING, "id", null);

        assertThat(q.sql(TablePosition.START))
                .isEqualTo("SELECT * FROM \"orders\" WHERE \"id\" IS NOT NULL ORDER BY \"id\" LIMIT 100");
        assertThat(q.sql(AT)).isEqualTo("SELECT * FROM \"orders\" WHERE \"id\" > ? ORDER BY \"id\" LIMIT 100");
        assertThat(q.parameters(AT)).containsExactly("41");
        assertThat(q.parameters(TablePosition.START)).isEmpty();
    }

    @Test
    void timestampWithATieBreakerReadsSettledRowsInTimestampAndIdOrder() {
        PollingQuery q = query(PollMode.TIMESTAMP, "id", "ts");

        assertThat(q.sql(AT)).isEqualTo("SELECT * FROM \"orders\" WHERE (\"ts\" > ? OR (\"ts\" = ? AND \"id\" > ?)) "
                + "AND \"ts\" < now() - interval '1000 milliseconds' ORDER BY \"ts\", \"id\" LIMIT 100");
        assertThat(q.parameters(AT)).containsExactly(AT.timestamp(), AT.timestamp(), "41");
    }

    @Test
    void timestampAloneNeverSplitsATie() {
        PollingQuery q = query(PollMode.TIMESTAMP, null, "ts");

        assertThat(q.sql(AT)).isEqualTo("SELECT * FROM \"orders\" WHERE \"ts\" > ? AND \"ts\" <= (SELECT max(\"ts\") "
                + "FROM (SELECT \"ts\" FROM \"orders\" WHERE \"ts\" > ? AND \"ts\" < now() - interval "
                + "'1000 milliseconds' ORDER BY \"ts\" LIMIT 100) AS next_rows) ORDER BY \"ts\"");
        assertThat(q.parameters(AT)).containsExactly(AT.timestamp(), AT.timestamp());
    }

    private static PollingQuery query(PollMode mode, String id, String ts) {
        return new PollingQuery(new JdbcSourceSettings(new JdbcEndpoint("jdbc:postgresql://x/y", null, null),
                TableName.parse("orders"), mode, id, ts, null, Duration.ofSeconds(1), 100, Duration.ofSeconds(1)));
    }
}

package io.ledgerstream.connectors.jdbc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.jdbc.JdbcEndpoint;
import io.ledgerstream.connectors.jdbc.SqlErrors;
import io.ledgerstream.connectors.jdbc.TableName;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The writer against a real PostgreSQL: values cast to each column type, merged batches, clear failures. */
class TableWriterITCase {
    private static PostgresServer postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        postgres.createDatabase("shop");
        postgres.execute("shop", "CREATE SCHEMA sales", "CREATE TABLE sales.items (id integer PRIMARY KEY, "
                + "price numeric(12,2), qty bigint, name text, at timestamptz, active boolean, tags jsonb)");
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void valuesAreCastToTheirColumnsTypes() throws Exception {
        write(batch("{\"id\":1,\"price\":12.5,\"qty\":3,\"name\":\"pen\",\"at\":\"2026-12-07T05:59:23.123Z\","
                + "\"active\":true,\"tags\":{\"colour\":\"red\",\"n\":[1,2]}}",
                "{\"id\":2,\"price\":\"0.10\",\"qty\":null,\"name\":\"ink\",\"active\":false}"));

        assertThat(rows("SELECT id, price, qty, name, at, active, tags FROM sales.items ORDER BY id")).containsExactly(
                "1|12.50|3|pen|2026-12-07 05:59:23.123+00|t|{\"n\": [1, 2], \"colour\": \"red\"}",
                "2|0.10|null|ink|null|f|null");
    }

    @Test
    void aBatchHasTheEffectOfItsChangesInOrder() throws Exception {
        write(batch("{\"id\":10,\"name\":\"a\",\"qty\":1}", "{\"id\":11,\"name\":\"b\",\"qty\":1}"));
        ChangeBatch batch = batch("{\"id\":10,\"qty\":2}", null, "{\"id\":11,\"qty\":5}");
        batch.add(decode("11", null));
        batch.add(decode("11", "{\"qty\":6}"));
        batch.add(decode("12", "{\"name\":\"c\"}"));
        batch.add(decode("12", null));
        write(batch);

        assertThat(rows("SELECT id, name, qty FROM sales.items WHERE id >= 10 ORDER BY id"))
                .containsExactly("10|a|2", "11|null|6");
    }

    @Test
    void aMissingColumnFailsWithTheDatabasesReasonAndWritesNothing() throws Exception {
        ChangeBatch batch = batch("{\"id\":20,\"name\":\"x\"}", "{\"id\":21,\"nope\":1}");

        assertThatThrownBy(() -> write(batch))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(SqlErrors.isTransient(e)).isFalse();
                    assertThat(SqlErrors.describe(e)).contains("nope").contains("42703");
                });
        assertThat(rows("SELECT id FROM sales.items WHERE id >= 20")).isEmpty();
    }

    private static void write(ChangeBatch batch) throws SQLException {
        try (TableWriter writer = new TableWriter(new JdbcEndpoint(postgres.url("shop"), "postgres", null),
                new UpsertStatements(TableName.parse("sales.items"), List.of("id")))) {
            writer.write(batch);
        }
    }

    /** A batch of upserts keyed by their id field; a null entry is skipped. */
    private static ChangeBatch batch(String... values) throws Exception {
        ChangeBatch batch = new ChangeBatch();
        for (String v : values) {
            if (v != null) {
                batch.add(decode(null, v));
            }
        }
        return batch;
    }

    private static RowChange decode(String key, String value) throws Exception {
        return new RowChangeDecoder(List.of("id")).decode(ConnectorRecord.fromTopic("t", 0, 0,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), 0));
    }

    private static List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    cells.add(String.valueOf(rs.getString(i)));
                }
                rows.add(String.join("|", cells));
            }
        }
        return rows;
    }
}

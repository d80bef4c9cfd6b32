package io.ledgerstream.connectors.jdbc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.connectors.jdbc.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpsertStatementsTest {
    private final UpsertStatements sql = new UpsertStatements(TableName.parse("shop.orders"),
            List.of("region", "id"));

    @Test
    void upsertsUpdateTheNonKeyColumnsOnConflict() {
        assertThat(sql.upsert(List.of("region", "id", "total", "note"))).isEqualTo(
                "INSERT INTO \"shop\".\"orders\" (\"region\", \"id\", \"total\", \"note\") VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (\"region\", \"id\") DO UPDATE SET \"total\" = EXCLUDED.\"total\", "
                        + "\"note\" = EXCLUDED.\"note\"");
    }

    @Test
    void anUpsertOfOnlyTheKeyDoesNothingOnConflict() {
        assertThat(sql.upsert(List.of("region", "id"))).endsWith("ON CONFLICT (\"region\", \"id\") DO NOTHING");
    }

    @Test
    void deletesMatchEveryKeyColumn() {
        assertThat(sql.delete()).isEqualTo("DELETE FROM \"shop\".\"orders\" WHERE \"region\" = ? AND \"id\" = ?");
    }

    @Test
    void namesFromRecordsCannotBreakOutOfTheirQuotes() {
        assertThat(new UpsertStatements(TableName.parse("t"), List.of("id"))
                .upsert(List.of("id", "x\" text); DROP TABLE t; --")))
                .contains("\"x\"\" text); DROP TABLE t; --\"");
    }
}

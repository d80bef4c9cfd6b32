package io.ledgerstream.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableNameTest {
    @Test
    void namesMayBeQualifiedAndQuoted() {
        assertThat(TableName.parse("orders")).isEqualTo(new TableName(null, "orders"));
        assertThat(TableName.parse("shop.Orders").sql()).isEqualTo("\"shop\".\"Orders\"");
        assertThat(TableName.parse("\"my.schema\".\"t\"\"x\"")).isEqualTo(new TableName("my.schema", "t\"x"));
    }

    @Test
    void malformedNamesAreRefused() {
        assertThatThrownBy(() -> TableName.parse("a.b.c")).hasMessageContaining("SCHEMA.TABLE");
        assertThatThrownBy(() -> TableName.parse("a.")).hasMessageContaining("SCHEMA.TABLE");
        assertThatThrownBy(() -> TableName.parse("a\"b")).hasMessageContaining("stray double quote");
    }
}

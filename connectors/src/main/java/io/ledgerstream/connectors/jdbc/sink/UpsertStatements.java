package io.ledgerstream.connectors.jdbc.sink;

import io.ledgerstream.connectors.jdbc.TableName;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL the sink runs, PostgreSQL's dialect, every name quoted: {@code INSERT ... ON CONFLICT (pk) DO UPDATE SET
 * c = EXCLUDED.c} for upserts ({@code DO NOTHING} when only key columns are given) and {@code DELETE ... WHERE
 * pk = ?}. Every value is a parameter.
 *
 * <p>Immutable and thread-safe.
 */
final class UpsertStatements {
    private final TableName table;
    private final List<String> primaryKey;

    UpsertStatements(TableName table, List<String> primaryKey) {
        this.table = table;
        this.primaryKey = List.copyOf(primaryKey);
    }

    String upsert(List<String> columns) {
        String names = columns.stream().map(TableName::quote).collect(Collectors.joining(", "));
        String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        String conflict = primaryKey.stream().map(TableName::quote).collect(Collectors.joining(", "));
        List<String> updated = columns.stream().filter(c -> !primaryKey.contains(c)).toList();
        String action = updated.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + updated.stream()
                .map(c -> TableName.quote(c) + " = EXCLUDED." + TableName.quote(c))
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + table.sql() + " (" + names + ") VALUES (" + marks + ") ON CONFLICT (" + conflict
                + ") " + action;
    }

    String delete() {
        return "DELETE FROM " + table.sql() + " WHERE " + primaryKey.stream()
                .map(c -> TableName.quote(c) + " = ?").collect(Collectors.joining(" AND "));
    }
}

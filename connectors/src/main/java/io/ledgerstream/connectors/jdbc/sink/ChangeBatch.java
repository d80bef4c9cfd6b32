package io.ledgerstream.connectors.jdbc.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes waiting to be written, merged per primary key so that writing the batch has the same effect as
 * applying every change in order: a later upsert's columns overwrite an earlier one's, a delete discards what came
 * before it, and an upsert after a delete becomes "delete, then insert" (so columns it does not name do not keep
 * the old row's values). Keys keep the order they first arrived in.
 *
 * <p>Not thread-safe: the sink writer's task thread owns it.
 */
final class ChangeBatch {
    /** One key's merged change: delete the row first or not, then upsert these columns (none: only delete). */
    record Pending(List<String> key, boolean deleteFirst, LinkedHashMap<String, String> columns) {
    }

    private final Map<List<String>, Pending> pending = new LinkedHashMap<>();

    void add(RowChange change) {
        List<String> key = List.of(nullSafe(change.key));
        Pending before = pending.get(key);
        if (change.isDelete()) {
            pending.put(key, new Pending(key, true, null));
            return;
        }
        LinkedHashMap<String, String> columns = new LinkedHashMap<>();
        boolean deleteFirst = false;
        if (before != null) {
            deleteFirst = before.deleteFirst();
            if (before.columns() != null) {
                columns.putAll(before.columns());
            }
        }
        for (int i = 0; i < change.columns.length; i++) {
            columns.put(change.columns[i], change.values[i]);
        }
        pending.put(key, new Pending(key, deleteFirst, columns));
    }

    /** Distinct keys waiting. */
    int size() {
        return pending.size();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The keys whose rows go first: deleted ones, and those an upsert replaces after a delete. */
    List<List<String>> deletes() {
        List<List<String>> keys = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (p.deleteFirst()) {
                keys.add(p.key());
            }
        }
        return keys;
    }

    /** The upserts, after the deletes, grouped by the columns they set (one statement per group). */
    Map<List<String>, List<List<String>>> upsertsByColumns() {
        Map<List<String>, List<List<String>>> groups = new LinkedHashMap<>();
        for (Pending p : pending.values()) {
            if (p.columns() != null) {
                groups.computeIfAbsent(List.copyOf(p.columns().keySet()), c -> new ArrayList<>())
                        .add(new ArrayList<>(p.columns().values()));
            }
        }
        return groups;
    }

    void clear() {
        pending.clear();
    }

    /** {@code List.of} refuses nulls; the decoder never gives a null key value, but keep the list honest. */
    private static String[] nullSafe(String[] key) {
        for (String k : key) {
            if (k == null) {
                throw new IllegalArgumentException("A primary-key value is null");
            }
        }
        return key;
    }
}

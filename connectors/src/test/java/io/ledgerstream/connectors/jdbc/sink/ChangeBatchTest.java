package io.ledgerstream.connectors.jdbc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeBatchTest {
    private final ChangeBatch batch = new ChangeBatch();

    @Test
    void laterUpsertsOfAKeyMergeIntoOneRow() {
        batch.add(upsert("1", "a", "x", "b", "y"));
        batch.add(upsert("1", "a", "z"));
        batch.add(upsert("2", "a", "q"));

        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.deletes()).isEmpty();
        assertThat(batch.upsertsByColumns()).isEqualTo(Map.of(
                List.of("id", "a", "b"), List.of(List.of("1", "z", "y")),
                List.of("id", "a"), List.of(List.of("2", "q"))));
    }

    @Test
    void aDeleteDiscardsEarlierUpserts() {
        batch.add(upsert("1", "a", "x"));
        batch.add(RowChange.delete(new String[] {"1"}));

        assertThat(batch.deletes()).containsExactly(List.of("1"));
        assertThat(batch.upsertsByColumns()).isEmpty();
    }

    @Test
    void anUpsertAfterADeleteReplacesTheRow() {
        batch.add(upsert("1", "a", "x", "b", "y"));
        batch.add(RowChange.delete(new String[] {"1"}));
        batch.add(upsert("1", "a", "z"));

        assertThat(batch.deletes()).containsExactly(List.of("1"));
        assertThat(batch.upsertsByColumns()).isEqualTo(Map.of(List.of("id", "a"), List.of(List.of("1", "z"))));
    }

    @Test
    void keysKeepTheirFirstOrderAndClearEmpties() {
        batch.add(upsert("2", "a", "x"));
        batch.add(upsert("1", "a", "y"));
        batch.add(upsert("2", "a", "z"));

        assertThat(batch.upsertsByColumns().get(List.of("id", "a")))
                .containsExactly(List.of("2", "z"), List.of("1", "y"));
        batch.clear();
        assertThat(batch.isEmpty()).isTrue();
    }

    private static RowChange upsert(String id, String... columnsAndValues) {
        String[] columns = new String[columnsAndValues.length / 2 + 1];
        String[] values = new String[columns.length];
        columns[0] = "id";
        values[0] = id;
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            columns[i / 2 + 1] = columnsAndValues[i];
            values[i / 2 + 1] = columnsAndValues[i + 1];
        }
        return RowChange.upsert(new String[] {id}, columns, values);
    }
}

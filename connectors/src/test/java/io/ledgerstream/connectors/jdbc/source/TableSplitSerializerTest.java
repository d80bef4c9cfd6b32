package io.ledgerstream.connectors.jdbc.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableSplitSerializerTest {
    private final TableSplitSerializer splits = new TableSplitSerializer();
    private final TableSplitSerializer.Pending pending = new TableSplitSerializer.Pending();

    @Test
    void splitsRoundTrip() throws Exception {
        for (TableSplit split : List.of(TableSplit.initial(), new TableSplit("table", new TablePosition(null, "9")),
                new TableSplit("table", new TablePosition("2026-12-07 05:59:23.123456+00", "12")))) {
            assertThat(splits.deserialize(splits.getVersion(), splits.serialize(split))).isEqualTo(split);
        }
    }

    @Test
    void enumeratorCheckpointsRoundTrip() throws Exception {
        List<TableSplit> some = List.of(new TableSplit("table", new TablePosition("t", null)));
        assertThat(pending.deserialize(1, pending.serialize(some))).isEqualTo(some);
        assertThat(pending.deserialize(1, pending.serialize(List.of()))).isEmpty();
    }

    @Test
    void anUnknownVersionIsRefused() {
        assertThatThrownBy(() -> splits.deserialize(2, new byte[0])).hasMessageContaining("version 2");
    }
}

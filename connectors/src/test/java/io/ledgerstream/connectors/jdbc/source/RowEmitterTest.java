package io.ledgerstream.connectors.jdbc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;
import org.junit.jupiter.api.Test;

/** A split's checkpointed position moves with each emitted row, and only then. */
class RowEmitterTest {
    private final List<String> emitted = new ArrayList<>();

    @Test
    void emittingARowMovesTheSplitPastIt() {
        TableSplitState state = new TableSplitState(TableSplit.initial());
        RowEmitter emitter = new RowEmitter();

        emitter.emitRecord(row("a", Long.MIN_VALUE, new TablePosition(null, "1")), output(), state);
        assertThat(state.toSplit()).isEqualTo(new TableSplit(TableSplit.ID, new TablePosition(null, "1")));
        emitter.emitRecord(row("b", 42, new TablePosition("ts", "2")), output(), state);

        assertThat(state.toSplit().position()).isEqualTo(new TablePosition("ts", "2"));
        assertThat(emitted).containsExactly("a", "b@42");
    }

    private static PolledRow row(String origin, long timestamp, TablePosition after) {
        return new PolledRow(ConnectorRecord.of(null, new byte[0], timestamp, origin), after);
    }

    private SourceOutput<ConnectorRecord> output() {
        return new SourceOutput<>() {
            @Override
            public void collect(ConnectorRecord record) {
                emitted.add(record.origin);
            }

            @Override
            public void collect(ConnectorRecord record, long timestamp) {
                emitted.add(record.origin + "@" + timestamp);
            }

            @Override
            public void emitWatermark(Watermark watermark) {
            }

            @Override
            public void markIdle() {
            }

            @Override
            public void markActive() {
            }
        };
    }
}

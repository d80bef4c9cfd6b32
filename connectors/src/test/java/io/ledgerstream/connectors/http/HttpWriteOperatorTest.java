package io.ledgerstream.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.runtime.ConnectorFailedException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.ErrorTolerance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The writer in Flink's operator harness with a scripted transport: batching, the flush before a barrier, refusals. */
class HttpWriteOperatorTest {
    private static final List<String> BODIES = new ArrayList<>();
    private static int status;

    private static HttpPoster.Transport transport() {
        return body -> {
            BODIES.add(new String(body, StandardCharsets.UTF_8));
            return status;
        };
    }

    private static ConnectorSpec spec(ErrorTolerance tolerance) {
        return new ConnectorSpec("h.yaml", "h", false, "http", List.of("t"), "b:9092", null, tolerance,
                tolerance == ErrorTolerance.ALL ? "dead" : null, 1, 1,
                Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    private OneInputStreamOperatorTestHarness<ConnectorRecord, ConnectorRecord> harness;

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void open(ErrorTolerance tolerance, int batchSize) throws Exception {
        BODIES.clear();
        harness = new OneInputStreamOperatorTestHarness<>(new HttpWriteOperator(spec(tolerance), "http://h/in",
                HttpWriteOperatorTest::transport, new Retries(0, Duration.ofMillis(1)), batchSize));
        harness.open();
    }

    private static StreamRecord<ConnectorRecord> record(long offset) {
        return new StreamRecord<>(ConnectorRecord.fromTopic("t", 0, offset, null,
                ("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8), 0));
    }

    @Test
    void aFullBatchIsSentAndAPartialOneBeforeTheCheckpointBarrier() throws Exception {
        status = 200;
        open(ErrorTolerance.NONE, 2);
        harness.processElement(record(0));
        harness.processElement(new StreamRecord<>(null));  // a tombstone
        harness.processElement(record(1));
        harness.processElement(record(2));
        assertThat(BODIES).containsExactly("[{\"n\":0},{\"n\":1}]");

        harness.prepareSnapshotPreBarrier(1);
        harness.snapshot(1, 1);

        assertThat(BODIES).containsExactly("[{\"n\":0},{\"n\":1}]", "[{\"n\":2}]");
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void refusedRecordsComeOutMarkedFailed() throws Exception {
        status = 400;
        open(ErrorTolerance.ALL, 1);
        harness.processElement(record(7));

        List<ConnectorRecord> failed = harness.extractOutputValues();
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).originOffset).isEqualTo(7);
        assertThat(failed.get(0).error).isEqualTo("POST http://h/in was refused with HTTP 400 (not retried)");
        assertThat(failed.get(0).errorClass).isEqualTo(HttpDeliveryException.class.getName());
    }

    @Test
    void withToleranceNoneARefusalFailsTheJobNamingTheRecord() throws Exception {
        status = 503;
        open(ErrorTolerance.NONE, 1);
        assertThatThrownBy(() -> harness.processElement(record(3)))
                .isInstanceOf(ConnectorFailedException.class)
                .hasMessageContaining("topic t partition 0 offset 3")
                .hasMessageContaining("failed after 1 attempt; the last answer was HTTP 503");
    }
}

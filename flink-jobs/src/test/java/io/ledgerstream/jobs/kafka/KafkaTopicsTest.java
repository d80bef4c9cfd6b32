package io.ledgerstream.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.ParameterTool;
import org.junit.jupiter.api.Test;

/** The sinks' delivery guarantee as the command line sets it. */
class KafkaTopicsTest {
    private static ParameterTool params(Map<String, String> options) {
        return ParameterTool.fromMap(options);
    }

    @Test
    void sinksAreExactlyOnceUnlessToldOtherwise() {
        assertThat(KafkaTopics.fromParams(params(Map.of("bootstrap-servers", "b:9092"))).sinkGuarantee())
                .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(KafkaTopics.fromParams(params(Map.of("bootstrap-servers", "b:9092",
                "delivery-guarantee", "at-least-once"))).sinkGuarantee())
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void anotherGuaranteeIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> KafkaTopics.fromParams(params(Map.of("bootstrap-servers", "b:9092",
                "delivery-guarantee", "none"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--delivery-guarantee must be one of exactly-once, at-least-once, not 'none'");
        assertThatThrownBy(() -> new KafkaTopics("b:9092", DeliveryGuarantee.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

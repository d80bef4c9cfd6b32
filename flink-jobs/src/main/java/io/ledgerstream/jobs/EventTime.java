package io.ledgerstream.jobs;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The event-time rules our processors share: events carry their own time, may arrive up to
 * {@link #OUT_OF_ORDERNESS} out of order, and a partition without events for {@link #IDLENESS} does not hold the
 * watermark back.
 */
public final class EventTime {
    public static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    public static final Duration IDLENESS = Duration.ofSeconds(30);

    private EventTime() {
    }

    public static <T> WatermarkStrategy<T> watermarks(SerializableTimestampAssigner<T> timestamp) {
        return WatermarkStrategy.<T>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                .withTimestampAssigner(timestamp)
                .withIdleness(IDLENESS);
    }
}

package io.ledgerstream.log.protocol;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.KeyValueMapper;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The Kafka Streams topologies the Streams tests run, written as a Streams user would, with every repartition topic
 * and store named (so their topics' names are fixed): {@code <application>-<name>-repartition} and
 * {@code <application>-<store>-changelog}.
 */
final class StreamsTopologies {
    private StreamsTopologies() {
    }

    /**
     * Counts the words of the lines in {@code lines} (case-folded, split on spaces) into {@code counts}: re-keyed by
     * word through the repartition topic {@code words}, counted in the store {@code counts}.
     */
    static Topology wordCount(String lines, String counts) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(lines, Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split(" ")))
                .groupBy((key, word) -> word, Grouped.with("words", Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("counts")
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream()
                .to(counts, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    /**
     * Sums sales ({@code shop:amount} values) per shop over tumbling windows of 10 s with 30 s of grace, by the
     * records' own timestamps: re-keyed by shop through the repartition topic {@code sales-by-shop}, summed in the
     * window store {@code window-sums}. Every update of a window goes to {@code updates}, and each window's final sum,
     * once it has closed, to {@code closed} (the suppression buffer {@code closed-sums-store}); both keyed
     * {@code shop@start}, the window's start in seconds after {@code t0}.
     */
    static Topology windowedSums(String sales, long t0, String updates, String closed) {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<Windowed<String>, Long> sums = builder.stream(sales, Consumed.with(Serdes.String(), Serdes.String()))
                .map((sale, value) -> {
                    int colon = value.indexOf(':');
                    return KeyValue.pair(value.substring(0, colon), Long.parseLong(value.substring(colon + 1)));
                })
                .groupByKey(Grouped.with("sales-by-shop", Serdes.String(), Serdes.Long()))
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(30)))
                .reduce(Long::sum, Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("window-sums")
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        KeyValueMapper<Windowed<String>, Long, String> named =
                (window, sum) -> window.key() + "@" + (window.window().start() - t0) / 1000;
        sums.toStream(named).to(updates, Produced.with(Serdes.String(), Serdes.Long()));
        sums.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("closed-sums"))
                .toStream(named)
                .to(closed, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    /**
     * Joins the tables {@code names} and {@code places} (stores {@code names-table} and {@code places-table}, whose
     * changelogs get {@code changelogConfigs}) on their keys into {@code joined}, as {@code name@place}; a key with no
     * name or no place has no join.
     */
    static Topology tableJoin(String names, String places, String joined, Map<String, String> changelogConfigs) {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> nameTable = builder.table(names, Consumed.with(Serdes.String(), Serdes.String()),
                table("names-table", changelogConfigs));
        KTable<String, String> placeTable = builder.table(places, Consumed.with(Serdes.String(), Serdes.String()),
                table("places-table", changelogConfigs));
        nameTable.join(placeTable, (name, place) -> name + "@" + place)
                .toStream()
                .to(joined, Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    private static Materialized<String, String, KeyValueStore<Bytes, byte[]>> table(String store,
                                                                                      Map<String, String> changelog) {
        return Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(store)
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()).withLoggingEnabled(changelog);
    }
}

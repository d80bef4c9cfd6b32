package io.ledgerstream.bench.connectors;

import java.util.List;
import java.util.Locale;

/**
 * One round's figures and the table that prints all rounds: rates with their ratios ours/ceiling, latency
 * percentiles (nearest rank).
 *
 * @param round 0 for the warm-up round
 * @param oursFirst whether the connectors ran before their ceilings in this round
 * @param latencyMillis every paced row's latency, sorted
 */
record RoundFigures(int round, boolean oursFirst, CdcRate cdc, Rate recvlogical, Rate sink, Rate client,
                    double[] latencyMillis) {

    static void print(List<RoundFigures> rounds) {
        System.out.println();
        System.out.println("| round (order) | postgres-cdc rows/s (all written after; start-up) | pg_recvlogical "
                + "rows/s | cdc ratio | jdbc sink rows/s (start-up) | JDBC client rows/s | sink ratio | cdc -> sink "
                + "latency p50 / p99 / max ms |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (RoundFigures r : rounds) {
            Rate cdc = r.cdc.visible();
            System.out.printf(Locale.ROOT, "| %s (%s) | %,.0f in %.2f s (%.2f s; %.1f s) | %,.0f in %.2f s | %.2f "
                            + "| %,.0f in %.2f s (%.1f s) | %,.0f in %.2f s | %.2f | %,.0f / %,.0f / %,.0f |%n",
                    r.round == 0 ? "warm-up" : Integer.toString(r.round),
                    r.oursFirst ? "ours first" : "ceiling first",
                    cdc.perSecond(), cdc.seconds(), r.cdc.writtenSeconds(), cdc.startupSeconds(),
                    r.recvlogical.perSecond(), r.recvlogical.seconds(), cdc.perSecond() / r.recvlogical.perSecond(),
                    r.sink.perSecond(), r.sink.seconds(), r.sink.startupSeconds(), r.client.perSecond(),
                    r.client.seconds(), r.sink.perSecond() / r.client.perSecond(),
                    percentile(r.latencyMillis, 50), percentile(r.latencyMillis, 99),
                    r.latencyMillis[r.latencyMillis.length - 1]);
        }
    }

    /** One line for the log as a round ends. */
    String line() {
        Rate visible = cdc.visible();
        return String.format(Locale.ROOT, "round %d: cdc %,.0f rows/s (%,d rows committed in the topic %.2f s, "
                        + "written %.2f s after the walsender started; job start-up %.1f s) vs pg_recvlogical "
                        + "%,.0f rows/s (%.2f s) = %.2f; sink %,.0f rows/s (%,d rows in %.2f s, start-up %.1f s) vs "
                        + "client %,.0f rows/s (%.2f s) = %.2f; latency p50 %,.0f p99 %,.0f max %,.0f ms (%d rows)",
                round, visible.perSecond(), visible.rows(), visible.seconds(), cdc.writtenSeconds(),
                visible.startupSeconds(), recvlogical.perSecond(), recvlogical.seconds(),
                visible.perSecond() / recvlogical.perSecond(), sink.perSecond(), sink.rows(), sink.seconds(),
                sink.startupSeconds(), client.perSecond(), client.seconds(), sink.perSecond() / client.perSecond(),
                percentile(latencyMillis, 50), percentile(latencyMillis, 99), latencyMillis[latencyMillis.length - 1],
                latencyMillis.length);
    }

    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}

package io.ledgerstream.bench.connectors;

import java.util.List;
import java.util.Locale;

/**
 * One round's figures and the table that prints all rounds: rates with their ratios ours/ceiling, latency
 * percentiles (nearest rank).
 *
 * @param oursFirst whether the connectors ran before their ceilings in this round
 * @param latencyMillis every paced row's latency, sorted
 */
record RoundFigures(int round, boolean oursFirst, Rate cdc, Rate recvlogical, Rate sink, Rate client,
                    double[] latencyMillis) {

    static void print(List<RoundFigures> rounds) {
        System.out.println();
        System.out.println("| round (order) | postgres-cdc rows/s (start-up s) | pg_recvlogical rows/s | cdc ratio "
                + "| jdbc sink rows/s (start-up s) | JDBC client rows/s | sink ratio | cdc -> sink latency p50 / p99 / "
                + "max ms (rows) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (RoundFigures r : rounds) {
            System.out.printf(Locale.ROOT, "| %d (%s) | %,.0f (%.1f) | %,.0f | %.2f | %,.0f (%.1f) | %,.0f | %.2f "
                            + "| %,.0f / %,.0f / %,.0f (%d) |%n",
                    r.round, r.oursFirst ? "ours first" : "ceiling first",
                    r.cdc.perSecond(), r.cdc.startupSeconds(), r.recvlogical.perSecond(),
                    r.cdc.perSecond() / r.recvlogical.perSecond(),
                    r.sink.perSecond(), r.sink.startupSeconds(), r.client.perSecond(),
                    r.sink.perSecond() / r.client.perSecond(),
                    percentile(r.latencyMillis, 50), percentile(r.latencyMillis, 99),
                    r.latencyMillis[r.latencyMillis.length - 1], r.latencyMillis.length);
        }
    }

    /** One line for the log as a round ends. */
    String line() {
        return String.format(Locale.ROOT, "round %d: cdc %,.0f rows/s (%.2f s, start-up %.1f s) vs pg_recvlogical "
                        + "%,.0f rows/s (%.2f s) = %.2f; sink %,.0f rows/s (%.2f s, start-up %.1f s) vs client "
                        + "%,.0f rows/s (%.2f s) = %.2f; latency p50 %,.0f p99 %,.0f max %,.0f ms",
                round, cdc.perSecond(), cdc.seconds(), cdc.startupSeconds(), recvlogical.perSecond(),
                recvlogical.seconds(), cdc.perSecond() / recvlogical.perSecond(), sink.perSecond(), sink.seconds(),
                sink.startupSeconds(), client.perSecond(), client.seconds(), sink.perSecond() / client.perSecond(),
                percentile(latencyMillis, 50), percentile(latencyMillis, 99), latencyMillis[latencyMillis.length - 1]);
    }

    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}

package io.ledgerstream.cli.payments;

import io.ledgerstream.jobs.kafka.ClientConfig;
import io.ledgerstream.jobs.kafka.MalformedEventException;
import io.ledgerstream.jobs.payments.CustomerTotal;
import io.ledgerstream.jobs.payments.PaymentsJson;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The payments state table as a user sees it: follows the upserts on the totals topic, keeps the latest row per
 * customer and draws the table with a progress line. On a terminal it redraws in place; otherwise (a pipe, a log)
 * it prints only what it is asked to print.
 *
 * <p>Not thread-safe: the quick start's main thread refreshes and draws it.
 */
final class StateTableView implements AutoCloseable {
    private final TopicSnapshot totals;
    private final PrintStream out;
    private final boolean terminal;
    private final Map<String, CustomerTotal> rows = new TreeMap<>();
    private long changes;
    private int linesDrawn;

    StateTableView(String bootstrap, ClientConfig client, String topic, PrintStream out, boolean terminal) {
        this.totals = new TopicSnapshot(bootstrap, client, topic);
        this.out = out;
        this.terminal = terminal;
    }

    /** Takes in the upserts that arrived within {@code wait}. */
    void refresh(Duration wait) {
        totals.poll(wait, record -> {
            try {
                CustomerTotal row = PaymentsJson.parseTotal(record.value());
                rows.put(row.customerId, row);
                changes++;
            } catch (MalformedEventException e) {
                // Not a row this job wrote; the table shows only rows it can read.
            }
        });
    }

    Map<String, CustomerTotal> rows() {
        return rows;
    }

    long changes() {
        return changes;
    }

    /** Redraws the table in place (terminal only). */
    void draw(String progress) {
        if (!terminal) {
            return;
        }
        if (linesDrawn > 0) {
            out.print("\033[" + linesDrawn + "F\033[J");
        }
        List<String> lines = lines(progress);
        lines.forEach(out::println);
        out.flush();
        linesDrawn = lines.size();
    }

    /** Prints the table once, below whatever was printed before. */
    void print(String progress) {
        if (terminal && linesDrawn > 0) {
            draw(progress);
            linesDrawn = 0;
            return;
        }
        lines(progress).forEach(out::println);
    }

    private List<String> lines(String progress) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(String.format(Locale.ROOT, "  %-10s %-8s %10s %16s", "customer", "currency", "payments", "total"));
        for (CustomerTotal row : rows.values()) {
            lines.add(String.format(Locale.ROOT, "  %-10s %-8s %,10d %,16.2f", row.customerId, row.currency,
                    row.payments, row.total));
        }
        lines.add("  " + progress);
        return lines;
    }

    @Override
    public void close() {
        totals.close();
    }
}

package io.ledgerstream.log.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What a sum of sales per shop over tumbling windows must hold, worked out without Streams: each window's sum of the
 * sales counted in it, and which windows have closed once stream time reached a point (end plus grace). Times are
 * offsets from a test's start time; a window is named {@code shop@start}, its start in seconds. Not thread-safe.
 */
final class WindowedSums {
    private static final int SHOPS = 6;

    private final long sizeMs;
    private final long graceMs;
    private final Map<Long, Map<String, Long>> sumsByStart = new HashMap<>();

    WindowedSums(int sizeSeconds, int graceSeconds) {
        this.sizeMs = sizeSeconds * 1000L;
        this.graceMs = graceSeconds * 1000L;
    }

    /**
     * {@code count} sales at random shops, times and amounts, their times in [{@code fromMs}, {@code toMs}); added to
     * the sums if {@code counted}, left out if they are to arrive after their window closed.
     */
    List<Sale> sales(Random random, int count, long fromMs, long toMs, boolean counted) {
        List<Sale> sales = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sales.add(new Sale("shop-" + random.nextInt(SHOPS), 1 + random.nextInt(100),
                    fromMs + (long) (random.nextDouble() * (toMs - fromMs))));
        }
        if (counted) {
            sales.forEach(this::count);
        }
        return sales;
    }

    /** One counted sale per shop at {@code atMs}: every shop's stream time reaches it. */
    List<Sale> salesPerShop(Random random, long atMs) {
        List<Sale> sales = new ArrayList<>();
        for (int shop = 0; shop < SHOPS; shop++) {
            Sale sale = new Sale("shop-" + shop, 1 + random.nextInt(100), atMs);
            count(sale);
            sales.add(sale);
        }
        return sales;
    }

    /** Every window's sum, by window name. */
    Map<String, Long> sums() {
        Map<String, Long> named = new HashMap<>();
        sumsByStart.forEach((start, sums) -> sums.forEach((shop, sum) -> named.put(name(shop, start), sum)));
        return named;
    }

    /**
     * The windows closed once stream time is {@code streamTimeSeconds}, each with its sum as the one update a
     * suppression until the window closes emits.
     */
    Map<String, List<Long>> closedBy(long streamTimeSeconds) {
        Map<String, List<Long>> closed = new HashMap<>();
        sumsByStart.forEach((start, sums) -> {
            if (start + sizeMs + graceMs <= streamTimeSeconds * 1000) {
                sums.forEach((shop, sum) -> closed.put(name(shop, start), List.of(sum)));
            }
        });
        return closed;
    }

    private void count(Sale sale) {
        long start = sale.atMs() - sale.atMs() % sizeMs;
        sumsByStart.computeIfAbsent(start, s -> new HashMap<>()).merge(sale.shop(), sale.amount(), Long::sum);
    }

    private static String name(String shop, long startMs) {
        return shop + "@" + startMs / 1000;
    }
}

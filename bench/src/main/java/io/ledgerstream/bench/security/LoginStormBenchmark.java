package io.ledgerstream.bench.security;

import io.ledgerstream.bench.BenchMain;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A reconnect storm against any Kafka-protocol broker: new connections, each completing a SCRAM-SHA-512 login over
 * SASL_SSL ({@link ScramLogin}), started at a fixed rate for a fixed time by a pool of client threads, and closed
 * once logged in. Each login is timed twice: from when it was due to start (so a broker that falls behind shows it
 * in the latency, not only in the rate) and from when a thread actually started it; and the TLS handshake alone.
 * The storm lasts SECONDS: a login not started by then is counted as missed, not made. Prints one line: logins/s
 * achieved, missed and failed logins, and p50/p99/max of those latencies.
 *
 * <p>Arguments: {@code storm HOST:PORT USER PASSWORD TRUSTSTORE TRUSTSTORE_PASSWORD NAME [RATE=1000] [SECONDS=20]
 * [HANDSHAKE=full|resumed] [THREADS=64]} (see {@link ScramLogin.Handshake}), or {@code await HOST:PORT USER
 * PASSWORD TRUSTSTORE TRUSTSTORE_PASSWORD} to try one login a second until one succeeds (at most 30 s), for a user
 * just created. The client's TLS is BoringSSL's through Conscrypt, or the JDK's with the environment variable
 * {@code STORM_CLIENT_TLS=jdk} ({@link ScramLogin.ClientTls}); the line printed names it and counts the full
 * handshakes (server certificate chains checked) among the logins made, and the load generator's own CPU time per
 * login (this JVM's, during the storm and its drain).
 */
public final class LoginStormBenchmark {
    private static final int AWAIT_SECONDS = 30;
    private static final long DRAIN_SECONDS = 120;

    private LoginStormBenchmark() {
    }

    /** Runs the storm (or the wait for a first login) and exits: 0 when it measured, 1 when it failed. */
    public static void main(String[] args) {
        BenchMain.runAndExit(args, LoginStormBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        String[] hostPort = args[1].split(":");
        ScramLogin.Handshake handshake = args.length > 9
                ? ScramLogin.Handshake.valueOf(args[9].toUpperCase(Locale.ROOT)) : ScramLogin.Handshake.FULL;
        String clientTlsName = System.getenv("STORM_CLIENT_TLS");
        ScramLogin.ClientTls clientTls = clientTlsName == null || clientTlsName.isEmpty()
                ? ScramLogin.ClientTls.CONSCRYPT : ScramLogin.ClientTls.valueOf(clientTlsName.toUpperCase(Locale.ROOT));
        ScramLogin login = new ScramLogin(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])),
                args[2], args[3], Path.of(args[4]), args[5], handshake, clientTls);
        if (args[0].equals("await")) {
            awaitLogin(login);
            return;
        }
        String name = args[6];
        int rate = args.length > 7 ? Integer.parseInt(args[7]) : 1_000;
        int seconds = args.length > 8 ? Integer.parseInt(args[8]) : 20;
        int threads = args.length > 10 ? Integer.parseInt(args[10]) : 64;
        storm(login, name + " " + handshake.name().toLowerCase(Locale.ROOT), clientTls, rate, seconds, threads);
    }

    private static void awaitLogin(ScramLogin login) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < AWAIT_SECONDS; attempt++) {
            try {
                login.login();
                return;
            } catch (Exception e) {
                last = e;
                TimeUnit.SECONDS.sleep(1);
            }
        }
        throw new IllegalStateException("No SCRAM login succeeded within " + AWAIT_SECONDS + " s", last);
    }

    private static void storm(ScramLogin login, String name, ScramLogin.ClientTls clientTls, int rate, int seconds,
                              int threads) throws Exception {
        long checksBefore = login.certificateChecks();
        long cpuBefore = processCpuNanos();
        int total = rate * seconds;
        long[] fromDue = new long[total];
        long[] fromStart = new long[total];
        long[] tls = new long[total];
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger missed = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long[] lastEnd = new long[1];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; i < total; i++) {
            long due = t0 + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int index = i;
            pool.execute(() -> {
                long started = System.nanoTime();
                if (started > end) {
                    missed.incrementAndGet();
                    fromDue[index] = -1;
                    return;
                }
                try {
                    ScramLogin.Timing timing = login.login();
                    long done = System.nanoTime();
                    fromDue[index] = done - due;
                    fromStart[index] = done - started;
                    tls[index] = timing.tlsNanos();
                    synchronized (lastEnd) {
                        lastEnd[0] = Math.max(lastEnd[0], done);
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, e);
                    fromDue[index] = -1;
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException("Logins still running " + DRAIN_SECONDS + " s after the storm");
        }
        long clientCpu = processCpuNanos() - cpuBefore;
        int succeeded = total - failures.get() - missed.get();
        double elapsed;
        synchronized (lastEnd) {
            elapsed = (Math.max(lastEnd[0], end) - t0) / 1e9;
        }
        long[] due = succeededOnly(fromDue, fromDue);
        long[] service = succeededOnly(fromStart, fromDue);
        long[] handshake = succeededOnly(tls, fromDue);
        System.out.printf(Locale.ROOT, "%-21s SCRAM-SHA-512 logins over SASL_SSL: %,.0f logins/s (target %,d/s, "
                        + "%,d of %,d in %.1f s, %,d missed, %d failed); latency from due p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                        + "from start p50 %.1f ms, p99 %.1f ms; TLS handshake p50 %.1f ms, p99 %.1f ms; "
                        + "client TLS %s, %,d full handshakes, client CPU %.2f ms/login%n",
                name, succeeded / elapsed, rate, succeeded, total, elapsed, missed.get(), failures.get(),
                ms(percentile(due, 50)), ms(percentile(due, 99)), ms(percentile(due, 100)),
                ms(percentile(service, 50)), ms(percentile(service, 99)),
                ms(percentile(handshake, 50)), ms(percentile(handshake, 99)),
                clientTls.name().toLowerCase(Locale.ROOT), login.certificateChecks() - checksBefore,
                succeeded == 0 ? 0.0 : ms(clientCpu) / succeeded);
        if (firstFailure.get() != null) {
            System.err.println("first failure: " + firstFailure.get());
        }
    }

    /** The values of {@code values} at the indexes where {@code marks} is not -1 (a login that failed), sorted. */
    private static long[] succeededOnly(long[] values, long[] marks) {
        long[] kept = new long[values.length];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (marks[i] != -1) {
                kept[n++] = values[i];
            }
        }
        long[] sorted = Arrays.copyOf(kept, n);
        Arrays.sort(sorted);
        return sorted;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(sorted.length * p / 100.0) - 1))];
    }

    /** The CPU time (user and system) this JVM has used so far: the load generator's own cost. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}

package io.ledgerstream.bench.security;

import io.ledgerstream.bench.BenchMain;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A reconnect storm against any Kafka-protocol broker: new connections, each completing a SCRAM-SHA-512 login over
 * SASL_SSL ({@link ScramLogin}), started at a fixed rate for a fixed time by a pool of client threads, and closed
 * once logged in. Each login is timed twice: from when it was due to start (so a broker that falls behind shows it
 * in the latency, not only in the rate) and from when a thread actually started it; and the TLS handshake alone.
 * The storm lasts SECONDS: a login not started by then is counted as missed, not made. It follows a warm-up at the
 * same rate ({@code STORM_WARMUP_SECONDS}, default 20) whose figures are dropped. Prints one line: logins/s achieved,
 * missed and failed logins, and p50/p99/max of those latencies; with {@code STORM_BROKER_PID} (a broker on this
 * machine) and {@code CLK_TCK}, also the broker's CPU time over the measured storm ({@link BrokerCpu}).
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
    /**
     * Logins made at the same rate before the measured storm, their figures dropped: a broker that has been serving
     * has its login path compiled, one just started does not. With 5 s the JIT still compiled 50 to 125 methods a
     * second through the storm (the broker's compiler threads took a third of its CPU, and the load generator's share
     * the same two cores); 20 s leaves both compiled.
     */
    private static final int DEFAULT_WARMUP_SECONDS = 20;

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
        BrokerCpu brokerCpu = BrokerCpu.fromEnvironment();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int warmUp = warmUpSeconds();
            if (warmUp > 0) {
                Logins warm = run(login, pool, rate, warmUp);
                if (warm.succeeded() == 0) {
                    throw new IllegalStateException("No login succeeded in the warm-up", warm.firstFailure());
                }
            }
            long checksBefore = login.certificateChecks();
            long cpuBefore = processCpuNanos();
            long brokerBefore = brokerCpu.nanos();
            Logins storm = run(login, pool, rate, seconds);
            long brokerUsed = brokerCpu.nanos() - brokerBefore;
            long clientCpu = processCpuNanos() - cpuBefore;
            int succeeded = storm.succeeded();
            System.out.printf(Locale.ROOT, "%-21s SCRAM-SHA-512 logins over SASL_SSL: %,.0f logins/s (target %,d/s, "
                            + "%,d of %,d in %.1f s after %d s of warm-up, %,d missed, %d failed); latency from due "
                            + "p50 %.1f ms, p99 %.1f ms, max %.1f ms; from start p50 %.1f ms, p99 %.1f ms; "
                            + "TLS handshake p50 %.1f ms, p99 %.1f ms; client TLS %s, %,d full handshakes, "
                            + "client CPU %.2f ms/login%s%n",
                    name, succeeded / storm.elapsedSeconds(), rate, succeeded, storm.total(),
                    storm.elapsedSeconds(), warmUp, storm.missed(), storm.failed(),
                    ms(percentile(storm.fromDue(), 50)), ms(percentile(storm.fromDue(), 99)),
                    ms(percentile(storm.fromDue(), 100)), ms(percentile(storm.fromStart(), 50)),
                    ms(percentile(storm.fromStart(), 99)), ms(percentile(storm.handshake(), 50)),
                    ms(percentile(storm.handshake(), 99)), clientTls.name().toLowerCase(Locale.ROOT),
                    login.certificateChecks() - checksBefore, succeeded == 0 ? 0.0 : ms(clientCpu) / succeeded,
                    brokerCpu.describe(brokerUsed, storm.elapsedSeconds(), succeeded));
            if (storm.firstFailure() != null) {
                System.err.println("first failure: " + storm.firstFailure());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int warmUpSeconds() {
        String value = System.getenv("STORM_WARMUP_SECONDS");
        return value == null || value.isEmpty() ? DEFAULT_WARMUP_SECONDS : Integer.parseInt(value);
    }

    /** What one run of logins measured: the latencies of those that succeeded, sorted, and the others counted. */
    private record Logins(long[] fromDue, long[] fromStart, long[] handshake, int total, int missed, int failed,
                          double elapsedSeconds, Exception firstFailure) {
        int succeeded() {
            return total - missed - failed;
        }
    }

    /**
     * Starts {@code rate} logins a second for {@code seconds} on {@code pool} and waits for them all; a login whose
     * thread starts after the span is missed, not made.
     */
    private static Logins run(ScramLogin login, ExecutorService pool, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] fromDue = new long[total];
        long[] fromStart = new long[total];
        long[] tls = new long[total];
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger missed = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        AtomicLong lastEnd = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(total);
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
                try {
                    long started = System.nanoTime();
                    if (started > end) {
                        missed.incrementAndGet();
                        fromDue[index] = -1;
                        return;
                    }
                    ScramLogin.Timing timing = login.login();
                    long done = System.nanoTime();
                    fromDue[index] = done - due;
                    fromStart[index] = done - started;
                    tls[index] = timing.tlsNanos();
                    lastEnd.accumulateAndGet(done, Math::max);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, e);
                    fromDue[index] = -1;
                } finally {
                    finished.countDown();
                }
            });
        }
        if (!finished.await(DRAIN_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Logins still running " + DRAIN_SECONDS + " s after the storm");
        }
        double elapsed = (Math.max(lastEnd.get(), end) - t0) / 1e9;
        return new Logins(succeededOnly(fromDue, fromDue), succeededOnly(fromStart, fromDue),
                succeededOnly(tls, fromDue), total, missed.get(), failures.get(), elapsed, firstFailure.get());
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

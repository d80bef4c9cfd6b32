package io.ledgerstream.cli;

import io.ledgerstream.log.config.MetricsConfig;
import io.ledgerstream.log.standalone.SecureStandalone;
import io.ledgerstream.log.standalone.StandalonePlatform;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ledgerstream standalone}: ZooKeeper, bookies and one or more brokers in one process, until stopped. Its
 * brokers serve metrics unless told otherwise: broker N on {@value #METRICS_PORT} plus N. With {@code --secure} they
 * serve SASL_SSL only, set up by {@link SecureStandalone}, and the admin's password is printed on the first start.
 */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = {"Run ZooKeeper, the bookies and the brokers in this process, all data under one folder.",
                "Broker N serves Prometheus metrics, /health and /ready on port 9404 + N unless "
                        + "--set metrics.http.port=PORT says otherwise (-1: none).",
                "With --secure: SASL_SSL (SCRAM-SHA-512) only, certificates of a CA of its own and an admin user, "
                        + "all made on the first start under DIR/security; the admin's password is printed that once, "
                        + "and DIR/security/admin-client.properties is a ready --client-config."})
final class StandaloneCommand implements Callable<Integer> {
    /** The metrics port of broker 0 when none is set: the port Prometheus' exporters conventionally start at. */
    static final int METRICS_PORT = 9404;

    @Mixin
    PlatformOptions platform;

    @Option(names = "--bookies", defaultValue = "3", description = "Number of bookies (default: ${DEFAULT-VALUE}).")
    int bookies;

    @Option(names = "--brokers", defaultValue = "1",
            description = "Number of brokers; broker N listens on the Kafka port plus N (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Mixin
    ConfigOptions config;

    @Option(names = "--bookie-metrics-port", paramLabel = "PORT", defaultValue = "-1",
            description = "Bookie N serves BookKeeper's own stats (journal, entry log, requests) in Prometheus' format "
                    + "on http://127.0.0.1:PORT+N/metrics (default: none).")
    int bookieMetricsPort;

    @Option(names = "--secure",
            description = "Serve SASL_SSL with SCRAM-SHA-512 and ACLs instead of PLAINTEXT (see above).")
    boolean secure;

    @Override
    public Integer call() throws Exception {
        Map<String, String> values = config.values();
        values.putIfAbsent(MetricsConfig.HTTP_PORT, Integer.toString(METRICS_PORT));
        if (!secure) {
            StandalonePlatform started = StandalonePlatform.start(platform.settings(bookies, brokers, values)
                    .withBookieMetricsPort(bookieMetricsPort), Clock.systemUTC());
            RunUntilStopped.await("the standalone platform", started);
            return 0;
        }
        SecureStandalone security = SecureStandalone.prepare(platform.dataDir.toPath());
        // Keys given with --config or --set win, as they do without --secure.
        security.brokerSettings(platform.kafkaPort).forEach(values::putIfAbsent);
        StandalonePlatform started = StandalonePlatform.start(platform.settings(bookies, brokers, values)
                .withBookieMetricsPort(bookieMetricsPort), Clock.systemUTC(), security::ensureAdminUser);
        System.out.println("Secure standalone platform: SASL_SSL on 127.0.0.1:" + started.broker().kafkaPort()
                + ", client config for the admin user in " + security.clientConfig());
        security.newAdminPassword().ifPresent(password -> System.out.println("Admin user '" + SecureStandalone.ADMIN
                + "' created with password " + password + " (shown this once; it is also in the client config)"));
        System.out.flush();
        RunUntilStopped.await("the standalone platform", started);
        return 0;
    }
}

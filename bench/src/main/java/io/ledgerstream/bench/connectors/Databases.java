package io.ledgerstream.bench.connectors;

/** The benchmark's two databases on its PostgreSQL server: where rows change, and where the sink copies them. */
final class Databases {
    static final String SOURCE = "bench";
    static final String COPY = "copy";

    private Databases() {
    }

    static void create(BenchPostgres postgres) throws Exception {
        postgres.execute("postgres", "CREATE DATABASE " + SOURCE, "CREATE DATABASE " + COPY);
    }
}

package io.ledgerstream.bench;

/**
 * How a benchmark main ends: with exit status 0 when it measured, 1 (the error on stderr) when it failed, and in
 * both cases by exiting, since clients and local Flink clusters may keep non-daemon threads that would otherwise
 * hang the script running it.
 */
public final class BenchMain {
    /** A benchmark's body, given the main's arguments. */
    public interface Body {
        void run(String[] args) throws Exception;
    }

    private BenchMain() {
    }

    public static void runAndExit(String[] args, Body body) {
        try {
            body.run(args);
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}

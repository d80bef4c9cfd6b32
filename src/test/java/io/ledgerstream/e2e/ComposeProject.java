package io.ledgerstream.e2e;

import io.ledgerstream.log.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One podman-compose project of {@code docker/compose.yaml}: started with the environment given, driven with podman
 * (kill, stop, start, healthchecks) and torn down with everything it made (containers, volumes, network). Every
 * command runs with a bound; their output goes to a log file.
 *
 * <p>podman-compose 1.0 neither waits on {@code depends_on} conditions nor runs healthchecks itself (podman runs them
 * with systemd timers, which containers here have none of): {@link #awaitHealthy} runs the services' healthchecks.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class ComposeProject implements AutoCloseable {
    /** Projects of this test are named with this prefix and the id of the JVM that started them. */
    static final String PREFIX = "ledgerstream-e2e-";
    private static final String PROJECT_LABEL = "io.podman.compose.project";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final Path composeFile;
    private final String name;
    private final Map<String, String> environment;
    private final Path log;

    private ComposeProject(Path composeFile, String name, Map<String, String> environment, Path log) {
        this.composeFile = composeFile;
        this.name = name;
        this.environment = environment;
        this.log = log;
    }

    /**
     * Starts the project's containers ({@code podman-compose up -d}); they are created, not yet healthy. On failure,
     * what was made is removed again.
     */
    static ComposeProject up(Path composeFile, Map<String, String> environment, Path log) {
        ComposeProject project = new ComposeProject(composeFile, PREFIX + ProcessHandle.current().pid(), environment,
                log);
        try {
            project.compose(Duration.ofMinutes(5), "up", "-d");
            return project;
        } catch (RuntimeException e) {
            try {
                project.append(project.logs(200));
            } finally {
                project.close();
            }
            throw e;
        }
    }

    /** Removes what projects of this test left behind when the JVM that ran them died before tearing them down. */
    static void removeAbandoned(Path log) {
        ComposeProject probe = new ComposeProject(null, "", Map.of(), log);
        Set<String> projects = new LinkedHashSet<>(probe.lines("podman", "ps", "-a", "--filter",
                "label=" + PROJECT_LABEL, "--format", "{{index .Labels \"" + PROJECT_LABEL + "\"}}"));
        projects.addAll(probe.lines("podman", "network", "ls", "--format", "{{.Name}}").stream()
                .filter(n -> n.endsWith("_default")).map(n -> n.substring(0, n.length() - "_default".length()))
                .toList());
        for (String project : projects) {
            long pid = pid(project);
            boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (project.startsWith(PREFIX) && !alive) {
                new ComposeProject(null, project, Map.of(), log).removeEverything();
            }
        }
    }

    String name() {
        return name;
    }

    /** The container of a service (podman-compose names it project_service_1). */
    String container(String service) {
        return name + "_" + service + "_1";
    }

    /** Waits until every service's healthcheck passes, running them once a second. */
    void awaitHealthy(Duration timeout, String... services) {
        Set<String> waiting = new LinkedHashSet<>(Arrays.asList(services));
        try {
            Await.until("healthy services", timeout, Duration.ofSeconds(1), () -> {
                waiting.removeIf(service -> run(Duration.ofSeconds(30), "podman", "healthcheck", "run",
                        container(service)) == 0);
                return waiting.isEmpty();
            });
        } catch (AssertionError e) {
            throw new AssertionError("Not healthy within " + timeout + ": " + waiting + "; see " + log, e);
        }
    }

    /** Waits until a one-shot service has exited with 0 (it may fail and be restarted on the way). */
    void awaitSucceeded(String service, Duration timeout) {
        Await.until(service + " exiting with 0", timeout, Duration.ofSeconds(1),
                () -> state(service).equals("exited 0"));
    }

    /** The container's status and exit code, e.g. "running 0" or "exited 137". */
    String state(String service) {
        return String.join(" ", lines("podman", "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}",
                container(service)));
    }

    /** Kills the service's container (SIGKILL); its restart policy leaves it down. */
    void kill(String service) {
        podman("kill", container(service));
    }

    /** Stops the service's container cleanly (SIGTERM, then SIGKILL after 30 s). */
    void stop(String service) {
        podman("stop", "-t", "30", container(service));
    }

    void start(String service) {
        podman("start", container(service));
    }

    /** Runs an exited one-shot service's container again, to its end; returns what it printed. */
    List<String> runAgain(String service) {
        return lines("podman", "start", "--attach", container(service));
    }

    /** A command's output run in the service's container. */
    List<String> exec(String service, String... command) {
        List<String> args = new ArrayList<>(List.of("podman", "exec", container(service)));
        args.addAll(List.of(command));
        return lines(args.toArray(String[]::new));
    }

    /** The last lines each container logged, for a failure report. */
    String logs(int lines) {
        StringBuilder out = new StringBuilder();
        for (String container : containers()) {
            out.append("---- ").append(container).append(" (").append(String.join(" ", lines("podman", "inspect",
                    "--format", "{{.State.Status}} {{.State.ExitCode}}", container))).append(")\n");
            lines("podman", "logs", "--tail", Integer.toString(lines), container)
                    .forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    /**
     * Tears the project down: {@code podman-compose down -v}, then whatever is left of its containers, volumes and
     * network, removed by podman directly.
     *
     * @throws IllegalStateException naming what could not be removed
     */
    @Override
    public void close() {
        try {
            compose(Duration.ofMinutes(3), "down", "-v");
        } catch (RuntimeException e) {
            append("podman-compose down failed: " + e.getMessage());
        }
        removeEverything();
    }

    private void removeEverything() {
        for (String container : containers()) {
            run(COMMAND_TIMEOUT, "podman", "rm", "-f", "-t", "5", container);
        }
        for (String volume : volumes()) {
            run(COMMAND_TIMEOUT, "podman", "volume", "rm", "-f", volume);
        }
        if (run(COMMAND_TIMEOUT, "podman", "network", "exists", network()) == 0) {
            run(COMMAND_TIMEOUT, "podman", "network", "rm", "-f", network());
        }
        List<String> left = new ArrayList<>(containers());
        left.addAll(volumes());
        if (run(COMMAND_TIMEOUT, "podman", "network", "exists", network()) == 0) {
            left.add(network());
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException("Could not remove " + left + " of compose project " + name
                    + "; see " + log);
        }
    }

    private List<String> containers() {
        return lines("podman", "ps", "-a", "--filter", "label=" + PROJECT_LABEL + "=" + name, "--format",
                "{{.Names}}");
    }

    /** The project's volumes: podman-compose labels them, and names them project_volume. */
    private List<String> volumes() {
        Set<String> volumes = new LinkedHashSet<>(lines("podman", "volume", "ls", "--filter",
                "label=" + PROJECT_LABEL + "=" + name, "--format", "{{.Name}}"));
        lines("podman", "volume", "ls", "--format", "{{.Name}}").stream().filter(v -> v.startsWith(name + "_"))
                .forEach(volumes::add);
        return new ArrayList<>(volumes);
    }

    private String network() {
        return name + "_default";
    }

    private void compose(Duration timeout, String... command) {
        List<String> args = new ArrayList<>(List.of("podman-compose", "-p", name, "-f", composeFile.toString()));
        args.addAll(List.of(command));
        int exit = run(timeout, args.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("podman-compose " + String.join(" ", command) + " exited with " + exit
                    + "; see " + log);
        }
    }

    private void podman(String... command) {
        List<String> args = new ArrayList<>(List.of("podman"));
        args.addAll(List.of(command));
        int exit = run(COMMAND_TIMEOUT, args.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", args) + " exited with " + exit + "; see " + log);
        }
    }

    /** Runs a command with the project's environment, its output appended to the log; returns its exit code. */
    private int run(Duration timeout, String... command) {
        append("$ " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        return waitFor(builder, timeout, command);
    }

    /** Runs a command and returns its standard output's lines (its errors go to the log). */
    private List<String> lines(String... command) {
        try {
            Path out = Files.createTempFile("podman", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
                builder.environment().putAll(environment);
                waitFor(builder, COMMAND_TIMEOUT, command);
                return Files.readAllLines(out, StandardCharsets.UTF_8).stream().map(String::trim)
                        .filter(l -> !l.isEmpty()).toList();
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int waitFor(ProcessBuilder builder, Duration timeout, String... command) {
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted running " + String.join(" ", command), e);
        }
    }

    private void append(String line) {
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long pid(String project) {
        if (!project.startsWith(PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(project.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

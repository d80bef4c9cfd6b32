package io.ledgerstream.bench.profile;

import com.sun.tools.attach.VirtualMachine;
import io.ledgerstream.bench.BenchMain;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Starts and stops async-profiler in another JVM on this machine (a broker under a benchmark) through the JDK's
 * attach API, so that a profile covers the measured run only, not the start-up and warm-up before it. The native
 * library comes from Maven's {@code tools.profiler:async-profiler} jar on this classpath.
 *
 * <p>Arguments: {@code PID LIBRARY COMMAND}: the JVM to profile, where to keep the library (extracted there once;
 * start and stop must name the same file, as the JVM loads a library once per path) and async-profiler's agent
 * command, e.g. {@code start,event=cpu,interval=2ms,threads} then {@code stop,file=OUT,collapsed}.
 */
public final class ProfilerControl {
    private static final String LIBRARY_RESOURCE = "linux-x64/libasyncProfiler.so";

    private ProfilerControl() {
    }

    /** Sends the command and exits: 0 when the profiler took it, 1 when it did not. */
    public static void main(String[] args) {
        BenchMain.runAndExit(args, ProfilerControl::run);
    }

    private static void run(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("Usage: ProfilerControl PID LIBRARY COMMAND");
        }
        Path library = Path.of(args[1]).toAbsolutePath();
        if (!Files.exists(library)) {
            extract(library);
        }
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(library.toString(), args[2]);
        } finally {
            vm.detach();
        }
    }

    private static void extract(Path library) throws IOException {
        try (InputStream in = ProfilerControl.class.getClassLoader().getResourceAsStream(LIBRARY_RESOURCE)) {
            if (in == null) {
                throw new IOException(LIBRARY_RESOURCE + " is not on the classpath: the async-profiler jar for "
                        + "linux-x64 is missing");
            }
            Files.createDirectories(library.getParent());
            Path partial = Files.createTempFile(library.getParent(), "libasyncProfiler", ".part");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}

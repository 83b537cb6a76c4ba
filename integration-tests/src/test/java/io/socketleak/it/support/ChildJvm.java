package io.socketleak.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classpath in a fresh JVM (the same JDK as the tests), optionally with the agent. */
public final class ChildJvm {
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> wrapper = new ArrayList<>();
    private final Map<String, String> env = new java.util.HashMap<>();
    private final Map<String, Path> replaced = new java.util.HashMap<>();

    /** What the process did. */
    public record Result(int exitCode, String stdout, String stderr) {
        public List<String> stderrLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** Runs {@code java -jar socket-leak-agent.jar args...} (the command line) on the tests' JDK, to its end. */
    public static Result commandLine(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", agentJar().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        java.util.concurrent.CompletableFuture<String> err = standardErrorInBackground(p);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the command line did not finish within 60 s: " + command);
        }
        return new Result(p.exitValue(), out, err.join());
    }

    /**
     * A process's standard error, read to its end on a thread of its own, beside its standard output:
     * neither pipe fills up and blocks the process. (Not on the common pool: with one core's worth of
     * threads, one long read there would hold up the next.)
     */
    public static java.util.concurrent.CompletableFuture<String> standardErrorInBackground(Process p) {
        java.util.concurrent.CompletableFuture<String> err = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> err.complete(standardError(p)), "stderr of " + p.pid());
        reader.setDaemon(true);
        reader.start();
        return err;
    }

    /** A process's standard error, read to its end. */
    public static String standardError(Process p) {
        try {
            return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(standard error unreadable: " + e + ")";
        }
    }

    public static String javaExecutable() {
        return System.getProperty("socketleak.testJvm", Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
    }

    public static Path agentJar() {
        Path jar = Path.of(System.getProperty("socketleak.agentJar", "../agent/target/socket-leak-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("agent jar not built: " + jar + " (run mvn package from the project root)");
        }
        return jar.toAbsolutePath();
    }

    /** Attaches the agent with these options, the way users do: {@code -javaagent:jar=options}. */
    public ChildJvm withAgent(String options) {
        jvmArgs.add("-javaagent:" + agentJar() + (options == null || options.isEmpty() ? "" : "=" + options));
        return this;
    }

    public ChildJvm jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    /** Runs with {@code jar} in place of the class path's jars whose file name starts with {@code prefix}. */
    public ChildJvm replacingOnClassPath(String prefix, Path jar) {
        replaced.put(prefix, jar);
        return this;
    }

    public ChildJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /**
     * Runs the JVM in a new private network namespace (loopback up), after the shell commands given,
     * e.g. {@code echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse}. Needs root; see {@link Namespaces}.
     */
    public ChildJvm inNetworkNamespace(String... setup) {
        StringBuilder script = new StringBuilder("ip link set lo up");
        for (String command : setup) {
            script.append(" && ").append(command);
        }
        wrapper.addAll(List.of("unshare", "-n", "sh", "-c", script + " && exec \"$@\"", "sh"));
        return this;
    }

    /** Runs the JVM with this limit on open file descriptors (soft and hard). */
    public ChildJvm withFileLimit(int descriptors) {
        wrapper.addAll(List.of("sh", "-c", "ulimit -n " + descriptors + " && exec \"$@\"", "sh"));
        return this;
    }

    public Process start(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(javaExecutable());
        command.add("-Xshare:auto");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath());
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return builder.start();
    }

    private String classPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
            String name = Path.of(entry).getFileName().toString();
            String replacement = entry;
            for (Map.Entry<String, Path> r : replaced.entrySet()) {
                if (name.startsWith(r.getKey())) {
                    replacement = r.getValue().toString();
                }
            }
            entries.add(replacement);
        }
        return String.join(File.pathSeparator, entries);
    }

    public Result run(Class<?> main, String... args) throws IOException, InterruptedException {
        Process process = start(main, args);
        process.getOutputStream().close();
        Path out = Files.createTempFile("child-out", ".txt");
        Path err = Files.createTempFile("child-err", ".txt");
        try {
            Thread o = pump(process.getInputStream(), out.toFile());
            Thread e = pump(process.getErrorStream(), err.toFile());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                // SIGQUIT: the JVM prints its threads to its standard output, even when stuck before main.
                new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor();
                Thread.sleep(2000);
                process.destroyForcibly().waitFor();
                o.join(5000);
                e.join(5000);
                throw new AssertionError("child JVM did not finish within 60 s: " + main.getName()
                        + "; its threads and output:\n" + Files.readString(out, StandardCharsets.UTF_8)
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            o.join();
            e.join();
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Thread pump(java.io.InputStream in, File to) {
        Thread t = new Thread(() -> {
            try (in; var out = Files.newOutputStream(to.toPath())) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}

package io.socketleak.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, from the machine's packages (Debian's {@code postgresql}):
 * a fresh cluster in a temporary folder, listening on a free loopback port, trusting local users.
 * Run as the {@code postgres} user when the tests run as root (PostgreSQL refuses root).
 */
public final class PostgresServer implements AutoCloseable {
    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean asRoot = "root".equals(System.getProperty("user.name"));

    public PostgresServer() throws IOException, InterruptedException {
        bin = binaries();
        data = Files.createTempDirectory("socket-leak-pg");
        if (asRoot) {
            run("chown", "postgres:postgres", data.toString());
        }
        port = freePort();
        postgres("initdb", "-D", data.toString(), "-U", "postgres", "-A", "trust", "--no-sync");
        postgres("pg_ctl", "-D", data.toString(), "-w", "-t", "60", "-l", data.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1", "start");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            postgres("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The newest installed server's programs. */
    private static Path binaries() throws IOException {
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> dirs = Files.list(versions)) {
                Path newest = dirs.map(d -> d.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString()
                                .replaceAll("\\D", "0")))).orElse(null);
                if (newest != null) {
                    return newest;
                }
            }
        }
        throw new AssertionError("no PostgreSQL server installed (Debian: apt-get install postgresql); "
                + ".ci/run installs it");
    }

    private void postgres(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        run(command.toArray(new String[0]));
    }

    private void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).directory(data.toFile()).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}

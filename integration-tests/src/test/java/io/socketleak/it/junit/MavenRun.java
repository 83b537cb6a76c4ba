package io.socketleak.it.junit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of real Maven on a project, offline, on the JDK that runs these tests (so that CI's JDK 25
 * run builds the sample on JDK 25 too).
 */
final class MavenRun {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    final Path project;
    final int exitCode;
    final String log;

    private MavenRun(Path project, int exitCode, String log) {
        this.project = project;
        this.exitCode = exitCode;
        this.log = log;
    }

    static MavenRun run(Path project, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(mavenExecutable().toString());
        command.add("-o");
        command.add("-B");
        String repository = System.getProperty("maven.repo.local");
        if (repository != null && !repository.isBlank()) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        command.addAll(List.of(arguments));
        Path logFile = project.resolve("maven.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process maven = builder.start();
        if (!maven.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            maven.destroyForcibly().waitFor();
            throw new AssertionError("Maven did not finish within " + TIMEOUT + ": " + command + "\n"
                    + tail(Files.readString(logFile)));
        }
        return new MavenRun(project, maven.exitValue(), Files.readString(logFile));
    }

    /** The surefire report of one test class of this run. */
    SurefireReport report(String testClass) {
        return SurefireReport.read(project.resolve("target/surefire-reports/TEST-" + testClass + ".xml"), this);
    }

    /** The end of Maven's output, to explain a failed assertion. */
    String logTail() {
        return tail(log);
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 60);
        return "--- Maven output (last lines) ---\n" + String.join("\n", List.of(lines).subList(from, lines.length));
    }

    private static Path mavenExecutable() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator, -1)) {
                Path mvn = Path.of(dir, "mvn");
                if (Files.isExecutable(mvn)) {
                    return mvn;
                }
            }
        }
        String home = System.getProperty("maven.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
            return Path.of(home, "bin", "mvn");
        }
        throw new AssertionError("mvn not found on the PATH: the sample-project tests run real Maven");
    }
}

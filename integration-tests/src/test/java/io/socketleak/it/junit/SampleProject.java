package io.socketleak.it.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The sample user projects (test resources {@code sample-project}, with the JUnit extension, and
 * {@code sample-plugin-project}, with the Maven plugin): they use the agent, the extension and the
 * plugin as released artifacts, so they build against the copies installed in the local Maven
 * repository. Those must be the ones this build made, or the tests would check yesterday's code.
 */
final class SampleProject {
    /** The version the sample's pom.xml asks for. */
    static final String VERSION = "0.1.0-SNAPSHOT";

    private SampleProject() {
    }

    /** The sample that uses the JUnit extension. */
    static final String JUNIT_SAMPLE = "sample-project";
    /** The sample that uses the Maven plugin. */
    static final String PLUGIN_SAMPLE = "sample-plugin-project";

    /** A fresh copy of the JUnit extension's sample project in {@code target}, to build there. */
    static Path copyTo(Path target) throws IOException {
        return copyTo(JUNIT_SAMPLE, target);
    }

    /** What both samples' tests use (a loopback server), kept once, copied into each. */
    private static final String COMMON = "sample-common";

    /** A fresh copy of the sample project {@code name} (a test resource) in {@code target}, to build there. */
    static Path copyTo(String name, Path target) throws IOException {
        copy(resource(name), target);
        copy(resource(COMMON), target);
        return target;
    }

    private static void copy(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = source.relativize(file);
                if (relative.startsWith("target")) {
                    continue;
                }
                Path copy = target.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The 1-based line of the sample's source file that contains {@code marker}. */
    static int lineOf(Path project, String sourceFile, String marker) throws IOException {
        Path file = project.resolve("src/test/java/com/example").resolve(sourceFile);
        int line = 0;
        for (String text : Files.readAllLines(file)) {
            line++;
            if (text.contains(marker)) {
                return line;
            }
        }
        throw new AssertionError(marker + " not found in " + file);
    }

    /**
     * Fails, saying what to do, unless the agent, the extension and the plugin of this build are
     * installed in the local repository the sample projects will read.
     */
    static void requireInstalledArtifacts() {
        Path repository = localRepository();
        Path base = repository.resolve("io/socketleak");
        requireInstalled(base.resolve("socket-leak-parent/" + VERSION + "/socket-leak-parent-" + VERSION + ".pom"), null);
        requireInstalled(base.resolve("socket-leak-agent/" + VERSION + "/socket-leak-agent-" + VERSION + ".jar"),
                Path.of("../agent/target/socket-leak-agent.jar"));
        requireInstalled(base.resolve("socket-leak-junit/" + VERSION + "/socket-leak-junit-" + VERSION + ".jar"),
                Path.of("../junit/target/socket-leak-junit-" + VERSION + ".jar"));
        requireInstalled(base.resolve("socket-leak-protocol/" + VERSION + "/socket-leak-protocol-" + VERSION + ".jar"),
                Path.of("../protocol/target/socket-leak-protocol-" + VERSION + ".jar"));
        requireInstalled(base.resolve("socket-leak-html-report/" + VERSION + "/socket-leak-html-report-" + VERSION + ".jar"),
                Path.of("../html-report/target/socket-leak-html-report-" + VERSION + ".jar"));
        requireInstalled(base.resolve("socket-leak-maven-plugin/" + VERSION + "/socket-leak-maven-plugin-" + VERSION + ".jar"),
                Path.of("../maven-plugin/target/socket-leak-maven-plugin-" + VERSION + ".jar"));
    }

    private static void requireInstalled(Path installed, Path built) {
        if (!Files.isRegularFile(installed)) {
            throw new AssertionError(installed + " is not installed: run mvn install from the project root "
                    + "(the sample projects use the installed agent, extension and plugin)");
        }
        try {
            if (built != null && Files.isRegularFile(built) && Files.mismatch(installed, built) != -1) {
                throw new AssertionError(installed + " differs from " + built.toAbsolutePath().normalize()
                        + ": run mvn install from the project root so that the sample project uses this build");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the Maven run by the tests finds artifacts: as given to this build, in settings.xml, or the default. */
    static Path localRepository() {
        String given = System.getProperty("maven.repo.local");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path home = Path.of(System.getProperty("user.home"));
        Path settings = home.resolve(".m2/settings.xml");
        if (Files.isRegularFile(settings)) {
            try {
                Matcher m = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>")
                        .matcher(Files.readString(settings));
                if (m.find()) {
                    return Path.of(m.group(1).replace("${user.home}", home.toString()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return home.resolve(".m2/repository");
    }

    private static Path resource(String name) {
        URL url = SampleProject.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new AssertionError("test resource " + name + " not on the class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

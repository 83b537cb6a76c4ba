package io.socketleak.it.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.it.support.Readme;
import io.socketleak.protocol.JsonReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Maven plugin as a user meets it: the sample project (test resource {@code sample-plugin-project})
 * declares JUnit and the plugin, nothing else, and is built by real Maven, offline, with
 * {@code mvn verify} against the plugin and agent installed by this build. Its tests open real
 * loopback sockets; {@code LeakingTest}, which runs only when asked for, forgets one.
 */
class MavenPluginTest {
    private static final String PLUGIN_ARTIFACT = "<artifactId>socket-leak-maven-plugin</artifactId>";
    private static final String LEAKING_RUN = "-Dtest=CleanTest,LeakingTest";
    /** JaCoCo's agent as a user adds it, beside ours; its version is the one the integration tests' pom resolves. */
    private static final String JACOCO_PLUGIN = """
            <plugin>
              <groupId>org.jacoco</groupId>
              <artifactId>jacoco-maven-plugin</artifactId>
              <version>%s</version>
              <executions>
                <execution>
                  <goals>
                    <goal>prepare-agent</goal>
                  </goals>
                </execution>
              </executions>
            </plugin>
            """;

    @TempDir
    static Path workspace;

    @BeforeAll
    static void pluginInstalled() {
        SampleProject.requireInstalledArtifacts();
    }

    @Test
    void cleanTestsPassAndWriteTheirReports() throws IOException, InterruptedException {
        MavenRun run = MavenRun.run(copy("clean"), "verify");
        assertEquals(0, run.exitCode, run.logTail());
        assertTrue(run.log.contains("No socket leaks in 1 test JVM"), run.logTail());
        assertEquals(1, reports(run.project).size(), run.logTail());
        assertHtmlReport(run.project, 1);
    }

    /**
     * A leak fails verify, naming its line; the next run, clean and with a test JVM per class, passes:
     * the reports of the run before were deleted, and each forked JVM wrote its own.
     */
    @Test
    void leakFailsVerifyNamingItsLineThenEachForkedJvmWritesItsOwnReport() throws IOException, InterruptedException {
        Path project = copy("leaking");
        MavenRun leaking = MavenRun.run(project, "verify", LEAKING_RUN);
        assertNotEquals(0, leaking.exitCode, leaking.logTail());
        assertTrue(leaking.log.contains("Tests run: 2, Failures: 0, Errors: 0"), "the tests themselves pass\n" + leaking.logTail());
        String line = leakLine(project);
        assertTrue(leaking.log.contains("socket-leak-maven-plugin:" + SampleProject.VERSION + ":check"), leaking.logTail());
        assertTrue(failureMessage(leaking).contains(line), "the failure names " + line + "\n" + leaking.logTail());
        assertHtmlReport(project, 1);
        assertTrue(Files.readString(htmlReport(project)).contains("Socket Leak Detector: Plugin sample"));

        MavenRun forks = MavenRun.run(project, "verify", "-DforkCount=2", "-DreuseForks=false");
        assertEquals(0, forks.exitCode, forks.logTail());
        List<Path> reports = reports(project);
        assertEquals(2, reports.size(), "one report per test class's JVM: " + reports + "\n" + forks.logTail());
        Set<Object> pids = new HashSet<>();
        for (Path report : reports) {
            Map<String, Object> json = JsonReader.parseObject(Files.readString(report));
            pids.add(json.get("pid"));
            assertEquals("socket-leak-" + json.get("pid") + ".json", report.getFileName().toString());
        }
        assertEquals(2, pids.size(), reports.toString());
        assertTrue(forks.log.contains("No socket leaks in 2 test JVMs"), forks.logTail());
        assertHtmlReport(project, 2);
    }

    @Test
    void socketLeftOpenAtExitFailsVerifyNamingItsLine() throws IOException, InterruptedException {
        Path project = copy("open-at-exit");
        MavenRun run = MavenRun.run(project, "verify", "-Dtest=CleanTest,HoldsOpenTest");
        assertNotEquals(0, run.exitCode, run.logTail());
        int line = SampleProject.lineOf(project, "HoldsOpenTest.java", "// OPEN AT EXIT");
        assertTrue(failureMessage(run).contains(
                "openAtExit: 1 socket at com.example.HoldsOpenTest.keepsItsSocketForLater(HoldsOpenTest.java:" + line + ")"),
                run.logTail());
    }

    /** Also: an argLine given on the command line (which Maven resolves before the project's) keeps the agent. */
    @Test
    void maxLeaksIsTheThreshold() throws IOException, InterruptedException {
        Path project = copy("threshold");
        MavenRun run = MavenRun.run(project, "verify", LEAKING_RUN, "-Dsocketleak.maxLeaks=1", "-DargLine=-Xmx256m");
        assertEquals(0, run.exitCode, run.logTail());
        assertTrue(lastLineContaining(run.log, "argLine set to").contains("-Xmx256m -javaagent:"), run.logTail());
        assertTrue(run.log.contains("[INFO]   collected: 1 socket at " + leakLine(project))
                || run.log.contains("[INFO]   openAtExit: 1 socket at " + leakLine(project)), "the leak is still printed\n" + run.logTail());
    }

    /** The README's configuration example, in the sample's plugin block: options reach the agent, an allowed line passes. */
    @Test
    void readmeConfigurationPassesOptionsAndAllowsACallSite() throws IOException, InterruptedException {
        List<String> configuration = null;
        for (Readme.Block block : Readme.read().blocksUnder("Tests in CI: the Maven plugin")) {
            if (block.language().equals("xml") && block.lines().get(0).equals("<configuration>")) {
                configuration = block.lines();
            }
        }
        assertTrue(configuration != null, "the README's Maven plugin section shows no <configuration> example");
        Path project = copy("configured");
        Path pom = project.resolve("pom.xml");
        String text = Files.readString(pom);
        String version = "<version>" + SampleProject.VERSION + "</version>\n";
        int at = text.indexOf(version, text.indexOf(PLUGIN_ARTIFACT)) + version.length();
        String inserted = String.join("\n", configuration).indent(8);
        Files.writeString(pom, text.substring(0, at) + inserted + text.substring(at));

        MavenRun run = MavenRun.run(project, "verify", LEAKING_RUN);
        assertEquals(0, run.exitCode, run.logTail());
        assertTrue(lastLineContaining(run.log, "argLine set to").contains(",closeWaitAfter=1s"), run.logTail());
        assertTrue(lastLineContaining(run.log, leakLine(project)).contains("[allowed: "), run.logTail());
    }

    @Test
    void withoutReportsCheckWarnsAndPasses() throws IOException, InterruptedException {
        MavenRun run = MavenRun.run(copy("tests-skipped"), "verify", "-DskipTests");
        assertEquals(0, run.exitCode, run.logTail());
        assertTrue(run.log.contains("[WARNING] No socket leak reports in "), run.logTail());
        assertFalse(Files.exists(htmlReport(run.project)));
    }

    @Test
    void skipRunsTheTestsWithoutTheAgent() throws IOException, InterruptedException {
        MavenRun run = MavenRun.run(copy("skipped"), "verify", LEAKING_RUN, "-Dsocketleak.skip=true");
        assertEquals(0, run.exitCode, run.logTail());
        assertTrue(run.log.contains("Socket leak check skipped (socketleak.skip)"), run.logTail());
        assertFalse(run.log.contains("-javaagent:"), run.logTail());
        assertEquals(0, reports(run.project).size());
    }

    @Test
    void withJacocoFirstBothAgentsRunAndBothReportsAreWritten() throws IOException, InterruptedException {
        withJacoco(true);
    }

    @Test
    void withJacocoLastBothAgentsRunAndBothReportsAreWritten() throws IOException, InterruptedException {
        withJacoco(false);
    }

    /** The README's plugin block is the one the sample project builds with, character for character. */
    @Test
    void readmeShowsTheSampleProjectsPluginBlock() throws IOException {
        List<String> sample = pluginBlock(Files.readString(sampleSource().resolve("pom.xml")));
        List<List<String>> shown = new ArrayList<>();
        for (Readme.Block block : Readme.read().blocksUnder("Tests in CI: the Maven plugin")) {
            if (block.language().equals("xml") && String.join("\n", block.lines()).contains(PLUGIN_ARTIFACT)) {
                shown.add(block.lines());
            }
        }
        assertFalse(shown.isEmpty(), "the README's Maven plugin section shows no plugin block");
        assertEquals(String.join("\n", sample), String.join("\n", shown.get(0)));
    }

    private static void withJacoco(boolean jacocoFirst) throws IOException, InterruptedException {
        Path project = copy(jacocoFirst ? "jacoco-first" : "jacoco-last");
        Path pom = project.resolve("pom.xml");
        String text = Files.readString(pom);
        int start = text.lastIndexOf("<plugin>", text.indexOf(PLUGIN_ARTIFACT));
        int end = text.indexOf("</plugin>", text.indexOf(PLUGIN_ARTIFACT)) + "</plugin>".length();
        String indent = "      ";
        String jacoco = JACOCO_PLUGIN.formatted(System.getProperty("socketleak.jacocoVersion"))
                .indent(indent.length()).stripTrailing();
        String changed = jacocoFirst
                ? text.substring(0, start) + jacoco.strip() + "\n" + indent + text.substring(start)
                : text.substring(0, end) + "\n" + jacoco + text.substring(end);
        Files.writeString(pom, changed);

        MavenRun run = MavenRun.run(project, "verify", LEAKING_RUN);
        assertNotEquals(0, run.exitCode, run.logTail());
        assertTrue(failureMessage(run).contains(leakLine(project)), run.logTail());
        Path coverage = project.resolve("target/jacoco.exec");
        assertTrue(Files.isRegularFile(coverage) && Files.size(coverage) > 0, "JaCoCo's agent wrote no coverage\n" + run.logTail());
        assertEquals(1, reports(project).size(), run.logTail());
        assertHtmlReport(project, 1);
        // Whichever prepare-agent ran last kept the other's agent on the test JVM's command line.
        String argLine = lastLineContaining(run.log, "argLine set to");
        assertTrue(argLine.contains("org.jacoco.agent") && argLine.contains("socket-leak-agent"), argLine);
    }

    private static String leakLine(Path project) throws IOException {
        int line = SampleProject.lineOf(project, "LeakingTest.java", "// LEAK");
        return "com.example.LeakingTest.forgetsToCloseItsSocket(LeakingTest.java:" + line + ")";
    }

    /** The build's failure, as Maven prints it: the check goal's message, from its first line on. */
    private static String failureMessage(MavenRun run) {
        int start = run.log.indexOf("[ERROR] Failed to execute goal io.socketleak:socket-leak-maven-plugin");
        assertTrue(start >= 0, "the build did not fail in the plugin\n" + run.logTail());
        return run.log.substring(start);
    }

    private static String lastLineContaining(String log, String text) {
        String found = null;
        for (String line : log.lines().toList()) {
            if (line.contains(text)) {
                found = line;
            }
        }
        assertTrue(found != null, "no line with " + text);
        return found;
    }

    private static Path copy(String name) throws IOException {
        return SampleProject.copyTo(SampleProject.PLUGIN_SAMPLE, workspace.resolve(name));
    }

    private static List<Path> reports(Path project) throws IOException {
        List<Path> files = new ArrayList<>();
        Path directory = project.resolve("target/socket-leak");
        if (Files.isDirectory(directory)) {
            try (DirectoryStream<Path> json = Files.newDirectoryStream(directory, "*.json")) {
                json.forEach(files::add);
            }
        }
        return files;
    }

    private static Path htmlReport(Path project) {
        return project.resolve("target/site/socket-leak/index.html");
    }

    /** The page exists and has one section per test JVM, named after its report file. */
    private static void assertHtmlReport(Path project, int jvms) throws IOException {
        Path page = htmlReport(project);
        assertTrue(Files.isRegularFile(page), page + " not written");
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        for (Path report : reports(project)) {
            String name = report.getFileName().toString().replace(".json", "");
            assertTrue(html.contains(name), "no section for " + name);
        }
        assertEquals(jvms, reports(project).size());
    }

    /** The plugin's block in a pom: from its {@code <plugin>} line to its {@code </plugin>}, indentation removed. */
    static List<String> pluginBlock(String pom) {
        List<String> lines = pom.lines().toList();
        int artifact = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(PLUGIN_ARTIFACT)) {
                artifact = i;
            }
        }
        assertTrue(artifact >= 0, "the sample's pom has no " + PLUGIN_ARTIFACT);
        int start = artifact;
        while (!lines.get(start).trim().equals("<plugin>")) {
            start--;
        }
        int end = artifact;
        while (!lines.get(end).trim().equals("</plugin>")) {
            end++;
        }
        int indent = lines.get(start).indexOf('<');
        List<String> block = new ArrayList<>();
        for (String line : lines.subList(start, end + 1)) {
            block.add(line.length() >= indent ? line.substring(indent) : line.strip());
        }
        return block;
    }

    private static Path sampleSource() {
        return Path.of("src/test/resources", SampleProject.PLUGIN_SAMPLE);
    }
}

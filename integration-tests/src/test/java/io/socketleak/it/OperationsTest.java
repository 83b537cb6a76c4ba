package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.HoldsSockets;
import io.socketleak.it.apps.EveryHook;
import io.socketleak.it.apps.LingersBeforeAttach;
import io.socketleak.it.apps.JmxClient;
import io.socketleak.it.apps.RecordedLeaks;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.PeerServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, dynamic attach, the MXBean from outside and JFR, against separate JVMs. */
class OperationsTest {
    @TempDir
    Path dir;

    /** A running {@link HoldsSockets}: send it a line to open another connection. */
    private static final class Target implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final Writer in;

        Target(ChildJvm jvm) throws IOException {
            this(jvm, HoldsSockets.class);
        }

        Target(ChildJvm jvm, Class<?> main, String... args) throws IOException {
            process = jvm.start(main, args);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("ready")) {
                throw new IOException("the target did not start: " + ready + "\n"
                        + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        String pid() {
            return String.valueOf(process.pid());
        }

        void openAnother() throws IOException {
            say("open", "opened");
        }

        void say(String line, String reply) throws IOException {
            in.write(line + "\n");
            in.flush();
            assertEquals(reply, out.readLine());
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Runs {@code java -jar socket-leak-agent.jar args...} on the tests' JDK. */
    private static ChildJvm.Result cli(String... args) throws Exception {
        return ChildJvm.commandLine(args);
    }

    @Test
    void reportReadsAJvmStartedWithTheAgentAsTextAndJson() throws Exception {
        try (Target target = new Target(new ChildJvm().withAgent("interval=0"))) {
            ChildJvm.Result text = cli("report", target.pid());
            assertEquals(0, text.exitCode(), text.stderr());
            assertTrue(text.stdout().contains("Socket Leak Detector report, pid " + target.pid()), text.stdout());
            assertTrue(text.stdout().contains("at io.socketleak.it.apps.HoldsSockets.openPair(HoldsSockets.java:"),
                    text.stdout());

            ChildJvm.Result json = cli("report", target.pid(), "--json");
            assertEquals(0, json.exitCode(), json.stderr());
            JsonNode report = AgentReport.parse(json.stdout());
            assertEquals(Long.parseLong(target.pid()), report.get("pid").asLong());
            assertEquals(2, report.get("openSockets").asLong(), "the client and the accepted socket, not the "
                    + "report's own JMX connection: " + json.stdout());
            assertEquals(2, AgentReport.sum(report, "HoldsSockets.openPair(", "open"));
        }
    }

    @Test
    void attachTracksNewSocketsWithStacksAndListsTheOlderOnes() throws Exception {
        try (Target target = new Target(new ChildJvm())) {
            ChildJvm.Result attach = cli("attach", target.pid(), "interval=0");
            assertEquals(0, attach.exitCode(), attach.stderr());
            assertTrue(attach.stdout().startsWith("attached to " + target.pid()), attach.stdout());
            target.openAnother();

            JsonNode report = AgentReport.parse(cli("report", target.pid(), "--json").stdout());
            assertEquals(2, AgentReport.sum(report, "HoldsSockets.openPair(", "open"),
                    "the pair opened after the attach, with its stack");
            List<String> before = new ArrayList<>();
            for (JsonNode socket : report.get("openedBeforeAttach")) {
                before.add(socket.get("state").asText());
            }
            assertEquals(List.of("ESTABLISHED", "ESTABLISHED", "LISTEN"), before.stream().sorted().toList(),
                    "the pair and the listener that were open before the attach: " + report.get("openedBeforeAttach"));
            String text = cli("report", target.pid()).stdout();
            assertTrue(text.contains("Open since before tracking began (before an attach, or opened by another agent first; no stack): 3"), text);
        }
    }

    @Test
    void afterAnAttachTheRetransformedJdkClassesPassTheJvmsVerifierAndEveryHookedPathRuns() throws Exception {
        ChildJvm jvm = new ChildJvm();
        for (String flag : HooksTest.VERIFY_JDK_CLASSES) {
            jvm.jvmArg(flag);
        }
        Target target = new Target(jvm, EveryHook.class, "wait");
        try (target) {
            target.say("go", "done"); // the socket classes are loaded and in use before the attach
            assertEquals(0, cli("attach", target.pid(), "interval=0").exitCode());
            target.say("go", "done");
            JsonNode report = AgentReport.parse(cli("report", target.pid(), "--json").stdout());
            assertEquals(12, report.get("counters").get("opened").asLong(), report.toString());
            HooksTest.assertAllInstalled(report, "AsynchronousS", 7); // retransformed: loaded before the attach
            assertEquals(0, report.get("openSockets").asLong(), report.toString());
            assertEquals(0, report.get("agent").get("missingHooks").size(), report.toString());
            assertEquals(0, report.get("agent").get("swallowedFailures").asLong(), report.toString());
        }
        assertEquals(0, target.process.exitValue(),
                new String(target.process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aSocketGivenLingerZeroBeforeTheAttachClosesAbortively() throws Exception {
        try (PeerServer peer = new PeerServer();
             Target target = new Target(new ChildJvm(), LingersBeforeAttach.class, String.valueOf(peer.port()))) {
            assertEquals(0, cli("attach", target.pid(), "interval=0").exitCode());
            target.say("close", "closed");
            JsonNode counters = AgentReport.parse(cli("report", target.pid(), "--json").stdout()).get("counters");
            // Opened before the attach: its close is counted apart from the tracked sockets', and classified.
            JsonNode unseen = counters.get("closedUnseenByKind");
            assertEquals(1, unseen.get("abortive").asLong(), "SO_LINGER was set unseen: " + counters);
            assertEquals(0, unseen.get("active").asLong(), counters.toString());
            assertEquals(1, counters.get("closedUnseen").asLong(), counters.toString());
            assertEquals(0, counters.get("closed").asLong(), "never more closed than opened: " + counters);
        }
    }

    @Test
    void socketsOfMainsFirstLineAreTrackedWithTheirStackByDefault() throws Exception {
        try (Target target = new Target(new ChildJvm().withAgent("interval=0"))) {
            target.openAnother();
            JsonNode report = AgentReport.parse(cli("report", target.pid(), "--json").stdout());
            assertEquals(4, AgentReport.sum(report, "HoldsSockets.openPair(", "open"),
                    "both pairs, the first opened on main's first lines, tracked with their stack: " + report);
            assertTrue(report.get("openedBeforeAttach").isNull(), "no socket came before the hooks: " + report);
        }
    }

    @Test
    void secondAttachWithoutOptionsSaysTheAgentIsThereAndChangesNothing() throws Exception {
        try (Target target = new Target(new ChildJvm())) {
            assertEquals(0, cli("attach", target.pid()).exitCode());
            ChildJvm.Result again = cli("attach", target.pid());
            assertEquals(0, again.exitCode(), again.stderr());
            assertTrue(again.stdout().startsWith("the agent is already running in " + target.pid()), again.stdout());
            assertTrue(again.stdout().contains("nothing changed"), again.stdout());
        }
    }

    @Test
    void attachingAgainWithOptionsChangesThoseThatCanChangeAndRefusesTheOthersByName() throws Exception {
        Path log = dir.resolve("agent.log");
        try (Target target = new Target(new ChildJvm().withAgent("interval=0,log=" + log))) {
            ChildJvm.Result refused = cli("attach", target.pid(), "interval=1s", "maxTracked=5");
            assertOneLineFailure(refused, 2, "the agent is already running in " + target.pid() + ": maxTracked is "
                    + "fixed at start and cannot change in a running agent (restart the JVM with it); these can: "
                    + "interval, report, closeWaitAfter, warnAt, log; nothing changed");
            assertOneLineFailure(cli("attach", target.pid(), "interval=xyz"), 2, "the agent is already running in "
                    + target.pid() + ": bad option 'interval=xyz': expected a duration like 30s; nothing changed");
            assertFalse(Files.readString(log).contains("options changed"), "all or nothing: " + Files.readString(log));

            Path report = dir.resolve("report.json");
            ChildJvm.Result changed = cli("attach", target.pid(), "interval=1s", "report=" + report);
            assertEquals(0, changed.exitCode(), changed.stderr());
            assertEquals("the agent in " + target.pid() + " changed interval=1s, report=" + report + "\n",
                    changed.stdout());
            // The summary that interval=0 had switched off now comes every second, and the report file with it.
            String text = awaitInFile(log, " open=2 listening=1 opened=2 ");
            assertTrue(text.contains("options changed: interval=1s, report=" + report), text);
            assertEquals(2, AgentReport.parse(awaitFile(report)).get("openSockets").asLong());

            ChildJvm.Result off = cli("attach", target.pid(), "report=");
            assertEquals("the agent in " + target.pid() + " changed report=\n", off.stdout(), off.stderr());
        }
    }

    @Test
    void theCommandLinesOwnJmxConnectionsAreNotCountedAsTheApplications() throws Exception {
        try (Target target = new Target(new ChildJvm().withAgent("interval=0"))) {
            for (int i = 0; i < 3; i++) {
                JsonNode report = AgentReport.parse(cli("report", target.pid(), "--json").stdout());
                JsonNode counters = report.get("counters");
                assertEquals(1, report.get("listening").asLong(), "the application's listener, not the JDK's JMX "
                        + "connector's: " + report);
                assertEquals(2, counters.get("opened").asLong(), report.toString());
                assertEquals(2, report.get("openSockets").asLong(), report.toString());
                assertEquals(0, counters.get("closed").asLong(), "the previous report's connection: " + report);
                assertEquals(0, counters.get("closedUnseen").asLong(), report.toString());
                assertEquals(0, counters.get("excluded").asLong(), "left out, not excluded: " + report);
            }
        }
    }

    /** Waits for the file to hold {@code text}; returns the file's text. */
    private static String awaitInFile(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String content = "";
        while (System.nanoTime() < deadline) {
            content = Files.exists(file) ? Files.readString(file) : "";
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' in " + file + " within 30 s:\n" + content);
    }

    private static String awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !Files.exists(file)) {
            Thread.sleep(50);
        }
        return Files.readString(file);
    }

    @Test
    void listShowsWhichJvmsRunTheAgent() throws Exception {
        try (Target with = new Target(new ChildJvm().withAgent("interval=0"));
             Target without = new Target(new ChildJvm())) {
            ChildJvm.Result list = cli("list");
            assertEquals(0, list.exitCode(), list.stderr());
            String withLine = line(list.stdout(), with.pid());
            String withoutLine = line(list.stdout(), without.pid());
            assertTrue(withLine.matches(with.pid() + "\\s+\\d.*HoldsSockets.*"), withLine);
            assertTrue(withoutLine.matches(without.pid() + "\\s+no\\s+.*HoldsSockets.*"), withoutLine);
            // The columns stay aligned however long the version is.
            String header = list.stdout().lines().findFirst().orElseThrow();
            int nameColumn = header.indexOf("MAIN CLASS OR JAR");
            assertEquals(nameColumn, withLine.indexOf("io.socketleak.it.apps.HoldsSockets"), list.stdout());
            assertEquals(nameColumn, withoutLine.indexOf("io.socketleak.it.apps.HoldsSockets"), list.stdout());
            assertEquals(header.indexOf("AGENT"), withoutLine.indexOf(" no ") + 1, list.stdout());
        }
    }

    @Test
    void everyErrorIsOneLineWithTheRightExitStatus() throws Exception {
        assertOneLineFailure(cli("report", "999999999"), 1, "no process with pid 999999999");
        assertOneLineFailure(cli("report", "abc"), 2,
                "not a process id: 'abc' (usage: java -jar socket-leak-agent.jar report <pid> [--json | --html])");
        assertOneLineFailure(cli("attach", "abc", "interval=1s"), 2,
                "not a process id: 'abc' (usage: java -jar socket-leak-agent.jar attach <pid> [key=value ...])");
        Process notAJvm = new ProcessBuilder("sleep", "30").start();
        try {
            assertOneLineFailure(cli("report", String.valueOf(notAJvm.pid())), 1,
                    "pid " + notAJvm.pid() + " is not a Java VM this user can attach to (not a JVM, another user's, "
                            + "or started with -XX:-UsePerfData)");
        } finally {
            notAJvm.destroy();
        }
        try (Target plain = new Target(new ChildJvm())) {
            assertOneLineFailure(cli("attach", plain.pid(), "interval=xyz"), 2,
                    "bad option 'interval=xyz': expected a duration like 30s; nothing attached");
            assertOneLineFailure(cli("attach", plain.pid(), "report="), 2,
                    "bad option 'report=': expected a file path, where %p stands for the pid and %% for %; "
                            + "nothing attached");
            assertOneLineFailure(cli("report", plain.pid()), 1,
                    "the agent is not running in " + plain.pid() + ": attach it first with "
                            + "java -jar socket-leak-agent.jar attach " + plain.pid());
        }
        try (Target closed = new Target(new ChildJvm().jvmArg("-XX:+DisableAttachMechanism"))) {
            ChildJvm.Result refused = cli("attach", closed.pid());
            assertEquals(1, refused.exitCode(), refused.stderr());
            assertEquals(1, refused.stderrLines().size(), refused.stderr());
        }
        assertOneLineFailure(cli("attach"), 2, "usage: java -jar socket-leak-agent.jar attach <pid> [key=value ...]");
        assertOneLineFailure(cli("report", "12", "--xml"), 2,
                "usage: java -jar socket-leak-agent.jar report <pid> [--json | --html]");
        assertOneLineFailure(cli("report", "12", "--json", "--json"), 2,
                "usage: java -jar socket-leak-agent.jar report <pid> [--json | --html]");
        assertOneLineFailure(cli("report", "12", "--html", "--json"), 2, "--json and --html are exclusive: one "
                + "report at a time (usage: java -jar socket-leak-agent.jar report <pid> [--json | --html])");
        assertOneLineFailure(cli("frobnicate"), 2, "unknown command 'frobnicate'; try --help");
        ChildJvm.Result version = cli("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.stdout().startsWith("socket-leak-agent "), version.stdout());
        assertEquals(0, cli("--help").exitCode());
    }

    @Test
    void attachFailsClearlyWhereDynamicAgentsAreDisabled() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "-XX:-EnableDynamicAgentLoading exists from JDK 21");
        try (Target closed = new Target(new ChildJvm().jvmArg("-XX:-EnableDynamicAgentLoading"))) {
            ChildJvm.Result refused = cli("attach", closed.pid());
            assertEquals(1, refused.exitCode(), refused.stdout() + refused.stderr());
            assertEquals(1, refused.stderrLines().size(), refused.stderr());
            assertTrue(refused.stderr().contains("EnableDynamicAgentLoading"), refused.stderr());
        }
    }

    @Test
    void mxBeanIsReadableByAPlainJmxClientWithoutTheAgentsClasses() throws Exception {
        try (Target target = new Target(new ChildJvm().withAgent("interval=0"))) {
            ChildJvm.Result read = new ChildJvm().run(JmxClient.class, target.pid());
            assertEquals(0, read.exitCode(), read.stderr());
            assertTrue(read.stdout().contains("OpenSockets=2"), read.stdout());
            assertTrue(read.stdout().contains("MissingHooks=0"), read.stdout());
            assertTrue(read.stdout().contains("MissingHookCount=0"), read.stdout());
            assertEquals(List.of("open=1 portsInUse=1"), read.stdout().lines()
                    .filter(l -> l.matches("destination 127\\.0\\.0\\.1:\\d+ .*"))
                    .map(l -> l.substring(l.indexOf(" open=") + 1)).toList(),
                    "the one connection to its own server, as a row of the table: " + read.stdout());
            double worst = Double.parseDouble(read.stdout().lines().filter(l -> l.startsWith("WorstPortUtilization="))
                    .findFirst().orElseThrow().substring("WorstPortUtilization=".length()));
            assertTrue(worst > 0 && worst < 0.01, "one connection to one destination: " + worst);
            String json = read.stdout().lines().filter(l -> l.startsWith("reportJson=")).findFirst().orElseThrow();
            assertEquals(2, AgentReport.parse(json.substring("reportJson=".length())).get("openSockets").asLong());
        }
    }

    @Test
    void flightRecorderEventsAreRecordedAndReadBack() throws Exception {
        Path recording = dir.resolve("leaks.jfr");
        ChildJvm.Result run = new ChildJvm()
                .jvmArg("-XX:StartFlightRecording=filename=" + recording + ",settings=default")
                .withAgent("interval=0,portRange=40000-40009,warnAt=0.5")
                .run(RecordedLeaks.class);
        assertEquals(0, run.exitCode(), run.stderr());
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
        List<RecordedEvent> leaks = ofType(events, "io.socketleak.LeakFound");
        assertEquals(1, leaks.size(), "one dropped socket");
        assertEquals("collected", leaks.get(0).getString("kind"));
        assertTrue(leaks.get(0).getString("blame").startsWith("io.socketleak.it.apps.RecordedLeaks.dropOne("),
                leaks.get(0).getString("blame"));
        List<RecordedEvent> warnings = ofType(events, "io.socketleak.BudgetWarning");
        assertTrue(!warnings.isEmpty(), "10 active closes on a 10-port range warned at 50%");
        assertEquals(10, warnings.get(0).getLong("capacity"));
        assertTrue(!ofType(events, "io.socketleak.OpenSockets").isEmpty(), "the periodic gauge");
    }

    private static List<RecordedEvent> ofType(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).collect(Collectors.toList());
    }

    private static String line(String output, String pid) {
        return output.lines().filter(l -> l.startsWith(pid + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("pid " + pid + " not listed:\n" + output));
    }

    private static void assertOneLineFailure(ChildJvm.Result result, int status, String message) {
        assertEquals(status, result.exitCode(), result.stdout() + result.stderr());
        assertEquals(List.of(message), result.stderrLines().stream().map(String::trim).toList());
    }
}

package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.apps.FirstMoment;
import io.socketleak.it.apps.Hello;
import io.socketleak.it.apps.Idles;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the defaults, every socket is tracked from main's first line, and the JVM says nothing of the agent. */
class StartupTest {
    /** A line the agent writes: {@code 2026-12-01T08:55:20.320Z INFO socket-leak-agent - ...}. */
    private static final Pattern AGENT_LINE =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (INFO|WARN|ERROR) socket-leak-agent - .*");

    @TempDir
    Path dir;

    @Test
    void aJvmThatExitsRightAwayReportsTheSocketsOfMainsFirstLineExactly() throws Exception {
        Path report = dir.resolve("report.json");
        ChildJvm.Result run = new ChildJvm().withAgent("report=" + report).run(FirstMoment.class);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("main done true", run.stdout().trim());
        JsonNode json = AgentReport.read(report);
        JsonNode counters = json.get("counters");
        assertEquals(6, counters.get("opened").asLong(), json.toString());
        assertEquals(4, counters.get("closed").asLong(), json.toString());
        assertEquals(2, counters.get("activeCloses").asLong(), json.toString());
        assertEquals(2, counters.get("passiveCloses").asLong(), json.toString());
        assertEquals(2, json.get("openSockets").asLong(), json.toString());
        assertEquals(6, AgentReport.sum(json, "FirstMoment.main(", "opened"),
                "every socket has its stack: " + json.get("callSites"));
        assertTrue(json.get("openedBeforeAttach").isNull(), "none came before the hooks: " + json);
        assertTrue(run.stderr().contains("at exit: open=2 listening=1 opened=6 closed=4 (active=2 passive=2"),
                run.stderr());
    }

    @Test
    void neitherTheMBeanServerNorFlightRecorderIsStartedForNobody() throws Exception {
        Path classes = dir.resolve("classes.log");
        ChildJvm.Result run = new ChildJvm().jvmArg("-Xlog:class+load:file=" + classes).withAgent("")
                .run(Idles.class, "500");
        assertEquals(0, run.exitCode(), run.stderr());
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains(" sun.nio.ch.SocketLeakEvents "), "the agent ran");
        assertFalse(loaded.contains(" com.sun.jmx.mbeanserver.JmxMBeanServer "),
                "no platform MBean server until somebody asks for one");
        assertFalse(loaded.contains(" jdk.jfr.internal.PlatformRecorder "), "no flight recorder until one records");
    }

    @Test
    void theJvmPrintsNothingBecauseOfTheAgent() throws Exception {
        ChildJvm.Result run = new ChildJvm().withAgent("").run(Hello.class);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("application ran: 42", run.stdout().trim());
        assertTrue(run.stderrLines().size() >= 2, "the agent's start and exit lines: " + run.stderr());
        for (String line : run.stderrLines()) {
            assertTrue(AGENT_LINE.matcher(line).matches(), "only the agent's own lines on stderr: " + line);
        }
    }

    /**
     * The jar holds the agent's own classes and nothing else (the bridge's stand-in for the JDK's
     * {@code sun.nio.ch.Net} left out), all stored: the agent reads them at every start, and inflating
     * them would cost each start milliseconds.
     */
    @Test
    void theAgentJarHoldsOnlyItsOwnClassesStoredUncompressed() throws Exception {
        List<String> wrong = new ArrayList<>();
        try (ZipFile jar = new ZipFile(ChildJvm.agentJar().toFile())) {
            for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                boolean own = name.startsWith("META-INF/") || name.equals("io/") || name.startsWith("io/socketleak/")
                        || name.equals("sun/") || name.equals("sun/nio/") || name.equals("sun/nio/ch/")
                        || name.startsWith("sun/nio/ch/SocketLeak");
                if (!own || entry.getMethod() != ZipEntry.STORED) {
                    wrong.add(name + (entry.getMethod() == ZipEntry.STORED ? "" : " (deflated)"));
                }
            }
        }
        assertEquals(List.of(), wrong);
    }
}

package io.socketleak.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.kernel.Readings;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.testing.ApplicationCode;
import io.socketleak.agent.tracking.LeakKind;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.agent.tracking.StackWork;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import io.socketleak.protocol.JsonReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reports a Reporter builds from real tracking: the periodic ones, the one from memory, the exit report. */
class ReporterTest {
    private final Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ZERO),
            (leak, first) -> { }, () -> { });
    private final Reporter reporter = new Reporter(new Snapshots(tracker),
            new Readings(new TcpSettings(new PortRange(32768, 60999), 0, 60, 2, "test"), null, null),
            () -> new Report.Health(List.of(), 0, null, new StackWork(0, 0, 0), List.of(), 0),
            () -> BudgetHistory.empty(0.8));

    /** One socket left open by application code. */
    private void oneLeftOpen() throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432);
        Object socket = new Object();
        ApplicationCode.run("com.acme.Client", () -> tracker.opened(socket, remote, 50_000, false));
        tracker.process();
    }

    @TempDir
    Path dir;

    @Test
    void twoWritersOfOneFileNeverSpoilEachOthersWrite() throws Exception {
        oneLeftOpen();
        Report running = reporter.report();
        Report atExit = reporter.exitReport(false);
        Path file = dir.resolve("r.json");
        List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<Thread> writers = List.of(running, atExit).stream().map(report -> new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                try {
                    Reporter.write(report, file);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
        })).toList();
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }
        assertEquals(List.of(), failures, "each write has a temporary file of its own");
        JsonReader.parseObject(Files.readString(file, StandardCharsets.UTF_8)); // whole, one of the two
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "no temporary file left behind");
        }
    }

    @Test
    void aLoneSurrogateInAThreadNameIsWrittenAsAQuestionMark() throws Exception {
        Thread opener = new Thread(this::openOneQuietly, "half a pair \uD83D");
        opener.start();
        opener.join();
        Path file = dir.resolve("r.json");
        Reporter.write(reporter.report(), file);
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).contains("half a pair ?"));
    }

    /** A socket the peer closed and this side keeps: a closeWait leak, which names its thread. */
    private void openOneQuietly() {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432);
        Object socket = new Object();
        kept.add(socket);
        ApplicationCode.run("com.acme.Client", () -> tracker.opened(socket, remote, 50_000, false));
        tracker.endOfStream(socket);
        tracker.process();
    }

    private final List<Object> kept = new java.util.ArrayList<>();

    @Test
    void aReportPathEndingInHtmlInAnyCaseGetsThePageAndAnyOtherTheJson() throws Exception {
        oneLeftOpen();
        Report report = reporter.report();
        for (String name : List.of("r.html", "R.HTML", "sub/r.Html")) {
            Path file = dir.resolve(name);
            Reporter.write(report, file);
            String page = Files.readString(file, StandardCharsets.UTF_8);
            assertTrue(page.startsWith("<!DOCTYPE html>"), name + ": " + page);
            assertTrue(page.contains("Socket Leak Detector report, pid " + report.pid()), page);
            assertEquals(HtmlPage.of(JsonReport.render(report)), page, "the page drawn from the report's JSON");
        }
        for (String name : List.of("r.json", "r.htm", "r.html.json", "html")) {
            Path file = dir.resolve(name);
            Reporter.write(report, file);
            Map<String, Object> json = JsonReader.parseObject(Files.readString(file, StandardCharsets.UTF_8));
            assertEquals(report.pid(), json.get("pid"), name);
        }
    }

    @Test
    void theReportFileIsTheOwnersOnlyAndNoTemporaryFileIsLeft() throws Exception {
        Path file = dir.resolve("r.html");
        Reporter.write(reporter.report(), file);
        Reporter.write(reporter.report(), file);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void onlyTheExitReportSaysItWasMadeAtExit() throws Exception {
        oneLeftOpen();
        assertFalse(reporter.report().atExit());
        assertFalse(reporter.reportFromMemory().atExit());
        assertTrue(reporter.exitReport(false).atExit());
        assertTrue(reporter.exitReport(true).atExit());
        assertEquals(ProcessHandle.current().pid(), reporter.report().pid());
    }

    @Test
    void socketsStillOpenAtExitAreLeaksOnlyWhenAskedFor() throws Exception {
        oneLeftOpen();
        Report plain = reporter.exitReport(false);
        assertEquals(0, plain.leakCount());
        assertEquals(1, plain.sockets().callSites().get(0).open(), "still open at exit, counted where it was opened");
        Report failOnLeak = reporter.exitReport(true);
        assertEquals(1, failOnLeak.leakCount());
        assertEquals(LeakKind.OPEN_AT_EXIT, failOnLeak.allLeaks().get(0).kind());
    }
}

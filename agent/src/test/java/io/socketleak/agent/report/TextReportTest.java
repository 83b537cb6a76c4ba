package io.socketleak.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.kernel.FileDescriptors;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.testing.ApplicationCode;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.agent.tracking.StackWork;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The text report and the summary line say what the JSON knows that changes their meaning, and their
 * advice comes from the same figures as their tables.
 */
class TextReportTest {
    private static final Report.Health HEALTHY = new Report.Health(List.of(), 0, null, new StackWork(0, 0, 0),
            List.of(), 0);
    /** 1,000 ports: 1 of them held by a listener inside the range. */
    private static final PortRange RANGE = new PortRange(40000, 40999);

    private final Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ZERO),
            (leak, first) -> { }, () -> { });
    private final List<Object> held = new ArrayList<>();

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code closes} connections to {@code remote} closed first by com.acme.Client, and one left open. */
    private Snapshot churn(InetSocketAddress remote, int closes) {
        for (int i = 0; i <= closes; i++) {
            Object socket = new Object();
            held.add(socket);
            ApplicationCode.run("com.acme.Client", () -> tracker.opened(socket, remote, 40_500, false));
        }
        tracker.process();
        for (int i = 0; i < closes; i++) {
            tracker.closed(held.get(i), 0);
        }
        return new Snapshots(tracker).snapshot();
    }

    private static Report report(Snapshot s, TcpSettings tcp, List<Leak> stillOpen) {
        List<PortBudget> budgets = new ArrayList<>();
        for (Snapshot.DestinationStats d : s.destinations()) {
            budgets.add(PortBudget.of(d, tcp, null, Set.of(40_123)));
        }
        return new Report(1, Instant.EPOCH, false, s, stillOpen, budgets, new FileDescriptors(10, 1000), tcp, null, null,
                HEALTHY, BudgetHistory.empty(0.8), null);
    }

    @Test
    void whereTcpTwReuseAppliesThePortLineSaysWhichTimeWaitHoldsAPortAndTheAdviceUsesTheSameHold() {
        TcpSettings reuse = new TcpSettings(RANGE, 0, 60, 2, "test");
        String text = TextReport.render(report(churn(address("127.0.0.1", 8080), 50), reuse, List.of()));

        assertTrue(text.contains("0.1% of 999 ports in use: 1 (this JVM: 1 open, 0 TIME_WAIT younger than 2 s)")
                || text.contains("5.1% of 999 ports in use: 51 (this JVM: 1 open, 50 TIME_WAIT younger than 2 s)"),
                text);
        assertTrue(text.contains("50 in TIME_WAIT in all: tcp_tw_reuse=2 applies to this destination, so a connect "
                + "reuses a TIME_WAIT port once it is about 2 s old"), text);
        assertTrue(text.contains("999 ports: the range's 1000, less 0 reserved and 1 listening inside it"), text);
        assertTrue(text.contains("tcp_tw_reuse=2 (connects to loopback reuse TIME_WAIT ports)"), text);
        // The ceiling of the advice: 999 ports each held about 2 s, not 60.
        assertTrue(text.contains("until a new connect reuses it, after about 2 s (tcp_tw_reuse=2), so the 999 ports "
                + "allow at most 500 such connections a second"), text);
    }

    @Test
    void withoutReuseEveryTimeWaitHoldsItsPortForTheWholeTimeWait() {
        TcpSettings noReuse = new TcpSettings(RANGE, 0, 60, 0, "test");
        String text = TextReport.render(report(churn(address("10.0.0.5", 443), 50), noReuse, List.of()));

        assertTrue(text.contains("5.1% of 999 ports in use: 51 (this JVM: 1 open, 50 TIME_WAIT)"), text);
        assertFalse(text.contains("younger than"), text);
        assertTrue(text.contains("holds a local port in TIME_WAIT for 60 s, so the 999 ports allow at most 17 such "
                + "connections a second"), text);
        assertTrue(text.contains("tcp_tw_reuse=0 (TIME_WAIT ports are not reused)"), text);
    }

    @Test
    void theRateSaysOverWhatWindowItIsMeasured() {
        TcpSettings noReuse = new TcpSettings(RANGE, 0, 60, 0, "test");
        Report report = report(churn(address("10.0.0.5", 443), 50), noReuse, List.of());
        String text = TextReport.render(report);
        // All 50 closes a moment ago: a rate over the second or two since, not over ten.
        PortBudget budget = report.budgets().get(0);
        assertTrue(budget.rateWindowSeconds() >= 1 && budget.rateWindowSeconds() <= 3, budget.toString());
        assertEquals(50 / budget.rateWindowSeconds(), budget.activeClosesPerSecond(), 1e-9, budget.toString());
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "; %.1f active closes/s over the last %.0f s",
                budget.activeClosesPerSecond(), budget.rateWindowSeconds())), text);
    }

    @Test
    void theExitSummaryCountsTheSocketsStillOpenAsTheExitReportDoes() {
        Snapshot s = churn(address("10.0.0.5", 443), 2); // one left open
        List<Leak> stillOpen = new Snapshots(tracker).stillOpen();
        Report atExit = report(s, new TcpSettings(RANGE, 0, 60, 0, "test"), stillOpen);

        String line = SummaryLine.render(atExit);
        String text = TextReport.render(atExit);

        assertTrue(line.contains(" leaks=1 (collected=0 closeWait=0 openAtExit=1)"), line);
        assertTrue(text.contains("LEAKS: 1\n"), text);
        assertFalse(SummaryLine.render(report(s, new TcpSettings(RANGE, 0, 60, 0, "test"), List.of()))
                .contains("openAtExit"), "while running, open sockets are no leaks");
    }

    @Test
    void atExitEachLeakIsOneLineAtItsBlamedLineItsStackHavingBeenLoggedWithItsFirstLeak() {
        churn(address("10.0.0.5", 443), 1);
        tracker.endOfStream(held.get(1)); // the one left open: the peer closed, and closeWaitAfter is 0
        tracker.process();
        tracker.process();
        Report atExit = report(new Snapshots(tracker).snapshot(), new TcpSettings(RANGE, 0, 60, 0, "test"), List.of());

        String lines = TextReport.renderLeakLines(atExit);

        assertEquals(2, lines.lines().count(), lines);
        assertTrue(lines.startsWith("LEAKS: 1 (each call site's stack was logged with its first leak)\n"), lines);
        assertTrue(lines.lines().skip(1).findFirst().orElseThrow().matches("  closeWait, 1 socket at com\\.acme\\.Client"
                + "\\.accept\\(.*\\)"), lines);
        assertFalse(lines.contains("      at "), "no stack again: " + lines);
    }
}

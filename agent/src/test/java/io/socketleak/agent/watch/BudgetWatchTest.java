package io.socketleak.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.socketleak.agent.report.AgentLog;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.kernel.FileDescriptors;
import io.socketleak.agent.kernel.KernelTcpTable;
import io.socketleak.agent.kernel.KernelViews;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BudgetWatchTest {
    private static final InetSocketAddress REMOTE = address("10.0.0.5", 443);
    private static final String BLAME = "com.acme.Client.fetch(Client.java:42)";
    /** 40000-40099: a destination can take 100 ports. */
    private static final TcpSettings HUNDRED_PORTS = tcp(0);
    private static final FileDescriptors NO_FD_LIMIT = new FileDescriptors(-1, -1);

    private final AtomicInteger alarms = new AtomicInteger();
    private final Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ofSeconds(30), 60),
            (leak, first) -> { }, alarms::incrementAndGet);
    private final BudgetWatch watch = new BudgetWatch(tracker, AgentLog.open("stderr"), 0.8);

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TcpSettings tcp(Integer twReuse) {
        return new TcpSettings(new PortRange(40000, 40099), 0, 60, twReuse, "test, portRange option");
    }

    private static Snapshot.DestinationStats dest(int open, long timeWait, long recentActiveCloses) {
        return new Snapshot.DestinationStats("10.0.0.5:443", REMOTE, open, open + timeWait, timeWait, 0, 0, 0,
                timeWait, 0, recentActiveCloses, 10_000, List.of(new Snapshot.SiteCount(BLAME, timeWait)));
    }

    /** Opens a connection to {@code remote} and closes it first: one more port in TIME_WAIT. */
    private void activeClose(InetSocketAddress remote) {
        Object socket = new Object();
        tracker.opened(socket, remote, 40_000, false);
        tracker.closed(socket, 0);
    }

    // ---- the warning's text -------------------------------------------------------------------

    @Test
    void thePortWarningNamesDestinationFullnessRateTimeLeftAndCallSite() {
        // 3 open + 22,000 TIME_WAIT of 28,232 ports = 77.9 %; 5,000 closes in 10 s = 500/s;
        // left: 6,229 ports, filling at 500 - 22,000/60 = 133.3 a second: 46.7 s
        TcpSettings linux = new TcpSettings(new PortRange(32768, 60999), 0, 60, 0, "test");
        PortBudget budget = PortBudget.of(dest(3, 22_000, 5_000), linux, null, Set.of());

        String warning = BudgetWatch.portWarning(budget);

        assertTrue(warning.contains("10.0.0.5:443"), warning);
        assertTrue(warning.contains("78%"), warning);
        assertTrue(warning.contains("22003 of 28232"), warning);
        assertTrue(warning.contains("3 open"), warning);
        assertTrue(warning.contains("22000 in TIME_WAIT"), warning);
        assertTrue(warning.contains("500.0 active closes/s"), warning);
        assertTrue(warning.contains("about 47 s"), warning);
        assertTrue(warning.contains(BLAME + " (22000 active closes)"), warning);
    }

    @Test
    void thePortWarningSaysNothingOfTimeLeftWhenThePortsNeverRunOut() {
        PortBudget budget = new PortBudget("10.0.0.5:443", 85, 0, 0, -1, 85, 100, 0, 0.85, 0.0, 10, null, false, 60,
                List.of());

        String warning = BudgetWatch.portWarning(budget);

        assertTrue(warning.contains("85%"), warning);
        assertTrue(warning.contains("85 of 100"), warning);
        assertTrue(warning.contains("0.0 active closes/s"), warning);
        assertFalse(warning.contains("until connects fail"), warning);
        assertFalse(warning.contains("on the host"), warning);
        assertFalse(warning.contains("Closing first here"), warning);
    }

    @Test
    void thePortWarningGivesTheHostsTimeWaitWhenTheKernelWasRead() {
        PortBudget budget = new PortBudget("10.0.0.5:443", 0, 10, 10, 70, 90, 100, 0, 0.9, 1.0, 10, 5.0, false, 60,
                List.of());

        String warning = BudgetWatch.portWarning(budget);

        assertTrue(warning.contains("70 in TIME_WAIT on the host"), warning);
        assertTrue(warning.contains("about 5 s"), warning);
    }

    @Test
    void thePortWarningListsEveryTopCallSite() {
        PortBudget budget = new PortBudget("10.0.0.5:443", 0, 90, 90, -1, 90, 100, 0, 0.9, 9.0, 10, 1.1, false, 60, List.of(
                new Snapshot.SiteCount(BLAME, 60), new Snapshot.SiteCount("com.acme.Poller.poll(Poller.java:7)", 30)));

        String warning = BudgetWatch.portWarning(budget);

        assertTrue(warning.contains(BLAME + " (60 active closes)"), warning);
        assertTrue(warning.contains("com.acme.Poller.poll(Poller.java:7) (30 active closes)"), warning);
        assertTrue(warning.indexOf(BLAME) < warning.indexOf("com.acme.Poller"), warning);
    }

    // ---- the history ----------------------------------------------------------------------------

    @Test
    void eachCheckIsASampleOfTheHistoryWithTheBudgetItComputed() {
        assertEquals(List.of(), watch.get().destinations(), "no sample before the first check");
        assertEquals(0.8, watch.get().warnAt());
        Object held = new Object();
        tracker.opened(held, REMOTE, 39_999, false);
        for (int i = 0; i < 7; i++) {
            activeClose(REMOTE);
        }
        watch.check(HUNDRED_PORTS, null, new FileDescriptors(41, 20_000));
        BudgetHistory.View view = watch.get();
        assertEquals(1, view.destinations().size());
        BudgetHistory.Destination d = view.destinations().get(0);
        PortBudget budget = PortBudget.of(tracker.budgetAlarms().destinationStats().get(0), HUNDRED_PORTS, null,
                Set.of());
        assertEquals("10.0.0.5:443", d.remote());
        assertEquals(1, d.samples());
        assertEquals(1, d.open(0));
        assertEquals(budget.timeWaitHolding(), d.timeWait(0));
        assertEquals(7, d.timeWait(0));
        assertEquals(100, d.portCapacity());
        assertEquals(41, view.fileDescriptors().open(0));
        assertEquals(20_000, view.fileDescriptors().max());
        watch.warnAt(0.9);
        assertEquals(0.9, watch.get().warnAt(), "the warning level of now");
    }

    // ---- arming the tracker -------------------------------------------------------------------

    @Test
    void checkArmsTheAlarmForTheCloseThatPutsTheEightiethPortInUse() {
        Object held = new Object();
        tracker.opened(held, REMOTE, 39_999, false); // the destination is known: one port in use

        watch.check(HUNDRED_PORTS, null, NO_FD_LIMIT);
        for (int i = 0; i < 78; i++) {
            activeClose(REMOTE); // 1 open + up to 78 in TIME_WAIT: 79 ports
        }
        assertEquals(0, alarms.get(), "alarm before 80 of 100 ports were in use");

        activeClose(REMOTE); // 1 open + 79 in TIME_WAIT: 80 ports, 0.8 of 100
        assertEquals(1, alarms.get());
    }

    @Test
    void withoutACheckNoAlarmIsArmed() {
        tracker.opened(new Object(), REMOTE, 39_999, false);

        for (int i = 0; i < 150; i++) {
            activeClose(REMOTE);
        }

        assertEquals(0, alarms.get());
    }

    @Test
    void portsOtherProcessesHoldBringTheAlarmForward() {
        Object held = new Object();
        tracker.opened(held, REMOTE, 39_999, false);
        // The kernel sees 31 connections to the destination: ours, and 30 of other processes.
        KernelTcpTable.View kernel = KernelViews.withEstablished(REMOTE, 31);

        watch.check(HUNDRED_PORTS, kernel, NO_FD_LIMIT);
        for (int i = 0; i < 48; i++) {
            activeClose(REMOTE); // ours: 1 + 48 = 49, with the others' 30: 79
        }
        assertEquals(0, alarms.get(), "alarm before 80 of 100 ports were in use on the host");

        activeClose(REMOTE); // ours: 50, host: 80
        assertEquals(1, alarms.get());
    }

    @Test
    void whereTwReuseAppliesClosesRaiseNoPortAlarm() {
        tracker.opened(new Object(), REMOTE, 39_999, false);

        watch.check(tcp(1), null, NO_FD_LIMIT);
        for (int i = 0; i < 150; i++) {
            activeClose(REMOTE);
        }

        assertEquals(0, alarms.get());
    }

    @Test
    void anotherDestinationsClosesDoNotRaiseItsAlarm() {
        InetSocketAddress other = address("10.0.0.6", 443);
        tracker.opened(new Object(), REMOTE, 39_999, false);
        tracker.opened(new Object(), other, 39_998, false);

        watch.check(HUNDRED_PORTS, null, NO_FD_LIMIT);
        for (int i = 0; i < 79; i++) {
            activeClose(other); // 80 ports to 10.0.0.6 ...
        }
        assertEquals(1, alarms.get()); // ... which is armed too
        for (int i = 0; i < 78; i++) {
            activeClose(REMOTE); // 79 ports to 10.0.0.5
        }
        assertEquals(1, alarms.get());
    }

    @Test
    void checkArmsTheAlarmForTheOpenThatFillsTheDescriptorBudget() {
        tracker.opened(new Object(), REMOTE, 39_999, false); // one socket open

        // 70 of 100 descriptors open, warn at 80: ten more sockets cross the line
        watch.check(HUNDRED_PORTS, null, new FileDescriptors(70, 100));
        for (int i = 0; i < 9; i++) {
            tracker.opened(new Object(), address("10.0.1." + (i + 1), 443), 39_000 + i, false);
        }
        assertEquals(0, alarms.get());

        tracker.opened(new Object(), address("10.0.1.10", 443), 39_100, false);
        assertEquals(1, alarms.get());
    }
}

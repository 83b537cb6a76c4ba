package io.socketleak.agent.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.kernel.KernelTcpTable;
import io.socketleak.agent.kernel.KernelViews;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.tracking.Snapshot;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortBudgetTest {
    /** Linux's default ephemeral range: 60999 - 32768 + 1 = 28,232 ports. */
    private static final PortRange LINUX = new PortRange(32768, 60999);
    private static final InetSocketAddress REMOTE = address("10.0.0.5", 443);
    private static final InetSocketAddress LOOPBACK = address("127.0.0.1", 8080);

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TcpSettings tcp(PortRange range, int reserved, int timeWait, Integer twReuse) {
        return KernelViews.tcpSettings(range, reserved, timeWait, twReuse);
    }

    private static TcpSettings linux(Integer twReuse) {
        return tcp(LINUX, 0, 60, twReuse);
    }

    private static Snapshot.DestinationStats dest(InetSocketAddress remote, int open, long timeWait, long young,
                                                  long recentActiveCloses) {
        String name = remote == null ? "(other destinations):0" : remote.getAddress().getHostAddress() + ":"
                + remote.getPort();
        return new Snapshot.DestinationStats(name, remote, open, open + timeWait, timeWait, 0, 0, 0, timeWait,
                young, recentActiveCloses, 10_000, List.of(new Snapshot.SiteCount("com.acme.Client.fetch(Client.java:42)",
                        timeWait)));
    }

    /** A kernel view with these connections to {@code remote} and these listening ports. */
    private static KernelTcpTable.View kernel(InetSocketAddress remote, long established, long timeWait,
                                              Set<Integer> listening) {
        return KernelViews.view(remote, established, Map.of(59, timeWait), listening, System.currentTimeMillis());
    }

    // ---- capacity -----------------------------------------------------------------------------

    @Test
    void capacityIsTheEphemeralRangeLessReservedPorts() {
        assertEquals(28_232, PortBudget.of(dest(REMOTE, 0, 0, 0, 0), linux(0), null, Set.of()).capacity());
        assertEquals(28_222, PortBudget.of(dest(REMOTE, 0, 0, 0, 0), tcp(LINUX, 10, 60, 0), null, Set.of())
                .capacity());
    }

    @Test
    void listeningPortsInsideTheRangeAreNotAvailable() {
        // 8080 and 61000 are outside; 32768 and 60999 are the range's own ends; 40000 is inside.
        Set<Integer> listening = Set.of(8080, 32767, 32768, 40000, 60999, 61000);

        assertEquals(28_232 - 3, PortBudget.capacity(linux(0), null, listening));
        assertEquals(28_232 - 3 - 5, PortBudget.capacity(tcp(LINUX, 5, 60, 0), null, listening));
    }

    @Test
    void theKernelsListeningPortsReplaceThisJvmsWhenKnown() {
        KernelTcpTable.View kernel = kernel(null, 0, 0, Set.of(40000, 40001, 22));

        // the kernel sees two listeners in the range (all processes); this JVM's own list is not used
        assertEquals(28_230, PortBudget.capacity(linux(0), kernel, Set.of(50000, 50001, 50002)));
        assertEquals(28_229, PortBudget.capacity(linux(0), null, Set.of(50000, 50001, 50002)));
    }

    @Test
    void capacityNeverGoesBelowZero() {
        PortRange tiny = new PortRange(40000, 40001);
        assertEquals(0, PortBudget.capacity(tcp(tiny, 5, 60, 0), null, Set.of()));
        PortBudget budget = PortBudget.of(dest(REMOTE, 1, 0, 0, 0), tcp(tiny, 5, 60, 0), null, Set.of());
        assertEquals(1.0, budget.utilization());
    }

    // ---- tcp_tw_reuse -------------------------------------------------------------------------

    @Test
    void twReuseOneAppliesToEveryDestination() {
        assertTrue(PortBudget.twReuseApplies(linux(1), REMOTE.getAddress()));
        assertTrue(PortBudget.twReuseApplies(linux(1), LOOPBACK.getAddress()));
    }

    @Test
    void twReuseTwoAppliesOnlyToLoopbackDestinations() throws UnknownHostException {
        assertFalse(PortBudget.twReuseApplies(linux(2), REMOTE.getAddress()));
        assertTrue(PortBudget.twReuseApplies(linux(2), LOOPBACK.getAddress()));
        assertTrue(PortBudget.twReuseApplies(linux(2), InetAddress.getByName("127.0.0.2")));
        assertTrue(PortBudget.twReuseApplies(linux(2), InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})));
        assertFalse(PortBudget.twReuseApplies(linux(2), null));
    }

    @Test
    void twReuseOffOrUnknownNeverApplies() {
        assertFalse(PortBudget.twReuseApplies(linux(0), LOOPBACK.getAddress()));
        assertFalse(PortBudget.twReuseApplies(linux(null), LOOPBACK.getAddress()));
    }

    @Test
    void withTwReuseOnlyTheYoungestTimeWaitsHoldPorts() {
        Snapshot.DestinationStats d = dest(LOOPBACK, 3, 500, 20, 0);

        PortBudget reused = PortBudget.of(d, linux(2), null, Set.of());
        PortBudget held = PortBudget.of(d, linux(0), null, Set.of());

        assertTrue(reused.twReuseApplies());
        assertEquals(3 + 20, reused.portsInUse());
        assertFalse(held.twReuseApplies());
        assertEquals(3 + 500, held.portsInUse());
        // the TIME_WAIT count reported is this JVM's full one either way
        assertEquals(500, reused.timeWait());
    }

    @Test
    void withTwReuseAPortIsHeldForTheReuseAgeNotTheWholeTimeWait() {
        // 1,000 closes/s: 60,000 ports over a full TIME_WAIT, but only 2,000 over 2 s of reuse age.
        Snapshot.DestinationStats d = dest(LOOPBACK, 0, 0, 0, 10_000);

        assertNotNull(PortBudget.of(d, linux(0), null, Set.of()).secondsToExhaustion());
        assertNull(PortBudget.of(d, linux(2), null, Set.of()).secondsToExhaustion());
    }

    // ---- ports in use and utilization ---------------------------------------------------------

    @Test
    void utilizationIsPortsInUseOverCapacity() {
        TcpSettings hundred = tcp(new PortRange(40000, 40099), 0, 60, 0);

        PortBudget budget = PortBudget.of(dest(REMOTE, 10, 15, 0, 0), hundred, null, Set.of());

        assertEquals(100, budget.capacity());
        assertEquals(25, budget.portsInUse());
        assertEquals(0.25, budget.utilization(), 1e-12);
        assertEquals(10, budget.open());
        assertEquals(15, budget.timeWait());
    }

    @Test
    void theKernelsLargerCountForTheWholeHostIsUsed() {
        TcpSettings hundred = tcp(new PortRange(40000, 40099), 0, 60, 0);
        // this JVM: 5 open + 5 TIME_WAIT; the host: 20 established + 40 TIME_WAIT to the same endpoint
        KernelTcpTable.View kernel = kernel(REMOTE, 20, 40, Set.of());

        PortBudget budget = PortBudget.of(dest(REMOTE, 5, 5, 0, 0), hundred, kernel, Set.of());

        assertEquals(60, budget.portsInUse());
        assertEquals(40, budget.hostTimeWait());
        assertEquals(0.6, budget.utilization(), 1e-12);
    }

    @Test
    void anOldReadingOfTheKernelNoLongerCountsTheTimeWaitItSawEnd() {
        TcpSettings hundred = tcp(new PortRange(40000, 40099), 0, 60, 0);
        // Read 30 s ago: 20 established, 40 TIME_WAIT with 10 s left then, 10 with 55 s left.
        KernelTcpTable.View kernel = KernelViews.view(REMOTE, 20, Map.of(10, 40L, 55, 10L), Set.of(),
                System.currentTimeMillis() - 30_000);

        PortBudget budget = PortBudget.of(dest(REMOTE, 5, 5, 0, 0), hundred, kernel, Set.of());

        assertEquals(20 + 10, budget.portsInUse());
        assertEquals(10, budget.hostTimeWait());
    }

    @Test
    void theKernelsSmallerCountDoesNotLowerThisJvmsOwn() {
        TcpSettings hundred = tcp(new PortRange(40000, 40099), 0, 60, 0);
        KernelTcpTable.View kernel = kernel(REMOTE, 1, 2, Set.of());

        PortBudget budget = PortBudget.of(dest(REMOTE, 5, 5, 0, 0), hundred, kernel, Set.of());

        assertEquals(10, budget.portsInUse());
        assertEquals(2, budget.hostTimeWait());
    }

    @Test
    void hostTimeWaitIsUnknownWithoutTheKernelAndZeroWhenTheKernelShowsNone() {
        Snapshot.DestinationStats d = dest(REMOTE, 1, 1, 0, 0);

        assertEquals(-1, PortBudget.of(d, linux(0), null, Set.of()).hostTimeWait());
        assertEquals(0, PortBudget.of(d, linux(0), kernel(null, 0, 0, Set.of()), Set.of()).hostTimeWait());
    }

    @Test
    void withTwReuseTheKernelsTimeWaitCountDoesNotHoldPorts() {
        KernelTcpTable.View kernel = kernel(LOOPBACK, 0, 5_000, Set.of());

        PortBudget budget = PortBudget.of(dest(LOOPBACK, 2, 300, 7, 0), linux(2), kernel, Set.of());

        assertEquals(2 + 7, budget.portsInUse());
        assertEquals(5_000, budget.hostTimeWait());
    }

    @Test
    void utilizationStopsAtOne() {
        TcpSettings hundred = tcp(new PortRange(40000, 40099), 0, 60, 0);
        KernelTcpTable.View kernel = kernel(REMOTE, 0, 150, Set.of());

        assertEquals(1.0, PortBudget.of(dest(REMOTE, 0, 0, 0, 0), hundred, kernel, Set.of()).utilization());
    }

    @Test
    void theBudgetCarriesTheDestinationsNameAndTopCallSites() {
        PortBudget budget = PortBudget.of(dest(REMOTE, 1, 4, 0, 0), linux(0), null, Set.of());

        assertEquals("10.0.0.5:443", budget.remote());
        assertEquals(List.of(new Snapshot.SiteCount("com.acme.Client.fetch(Client.java:42)", 4)),
                budget.topCallSites());
    }

    // ---- rate and time left -------------------------------------------------------------------

    @Test
    void activeClosesPerSecondAreTheRecentClosesOverTheRateWindow() {
        PortBudget budget = PortBudget.of(dest(REMOTE, 0, 37, 0, 37), linux(0), null, Set.of());

        assertEquals(37.0 / Snapshot.RATE_SECONDS, budget.activeClosesPerSecond(), 1e-12);
        assertEquals(3.7, budget.activeClosesPerSecond(), 1e-12);
    }

    @Test
    void fourHundredConnectionsPerSecondNeverExhaustTheDefaultRange() {
        // 400/s x 60 s = 24,000 ports held at steady state, below 28,232
        PortBudget budget = PortBudget.of(dest(REMOTE, 0, 20_000, 0, 4_000), linux(0), null, Set.of());

        assertEquals(400.0, budget.activeClosesPerSecond(), 1e-9);
        assertNull(budget.secondsToExhaustion());
    }

    @Test
    void fiveHundredConnectionsPerSecondExhaustTheDefaultRange() {
        // 500/s x 60 s = 30,000 ports would be needed, more than 28,232
        PortBudget budget = PortBudget.of(dest(REMOTE, 0, 5_000, 0, 5_000), linux(0), null, Set.of());

        assertEquals(500.0, budget.activeClosesPerSecond(), 1e-9);
        Double seconds = budget.secondsToExhaustion();
        assertNotNull(seconds);
        assertTrue(seconds > 0 && Double.isFinite(seconds), "seconds left: " + seconds);
        // 23,232 ports left, filling at 500/s less the 5,000/60 s that expire: 23,232 / 416.67 = 55.76 s
        assertEquals(23_232 / (500 - 5_000 / 60.0), seconds, 1e-6);
    }

    @Test
    void theCeilingIsAboutFourHundredSeventyConnectionsPerSecond() {
        // 28,232 / 60 = 470.5: 470/s needs 28,200 ports, 471/s needs 28,260.
        assertNull(PortBudget.of(dest(REMOTE, 0, 0, 0, 4_700), linux(0), null, Set.of()).secondsToExhaustion());
        assertNotNull(PortBudget.of(dest(REMOTE, 0, 0, 0, 4_710), linux(0), null, Set.of()).secondsToExhaustion());
    }

    @Test
    void secondsToExhaustionShrinkAsPortsFill() {
        double previous = Double.MAX_VALUE;
        for (long timeWait : new long[] {0, 10_000, 20_000, 25_000, 28_000}) {
            Double seconds = PortBudget.of(dest(REMOTE, 0, timeWait, 0, 5_000), linux(0), null, Set.of())
                    .secondsToExhaustion();
            assertNotNull(seconds, "at " + timeWait + " ports");
            assertTrue(seconds > 0 && Double.isFinite(seconds), "at " + timeWait + " ports: " + seconds);
            assertTrue(seconds < previous, "at " + timeWait + " ports: " + seconds + " not below " + previous);
            previous = seconds;
        }
    }

    @Test
    void openConnectionsCountTowardsExhaustion() {
        // 5 closes/s hold 300 ports: with 28,000 open that is 28,300 > 28,232; with 27,000 only 27,300.
        assertNotNull(PortBudget.of(dest(REMOTE, 28_000, 0, 0, 50), linux(0), null, Set.of()).secondsToExhaustion());
        assertNull(PortBudget.of(dest(REMOTE, 27_000, 0, 0, 50), linux(0), null, Set.of()).secondsToExhaustion());
    }

    @Test
    void withoutActiveClosesPortsNeverRunOut() {
        TcpSettings hundred = tcp(new PortRange(40000, 40099), 0, 60, 0);

        PortBudget full = PortBudget.of(dest(REMOTE, 100, 0, 0, 0), hundred, null, Set.of());

        assertEquals(1.0, full.utilization());
        assertEquals(0.0, full.activeClosesPerSecond());
        assertNull(full.secondsToExhaustion());
    }

    @Test
    void aLongerTimeWaitLowersTheCeiling() {
        // 300/s: 18,000 ports over 60 s (fine), 36,000 over 120 s (Windows' default: too many)
        Snapshot.DestinationStats d = dest(REMOTE, 0, 0, 0, 3_000);

        assertNull(PortBudget.of(d, tcp(LINUX, 0, 60, 0), null, Set.of()).secondsToExhaustion());
        assertNotNull(PortBudget.of(d, tcp(LINUX, 0, 120, 0), null, Set.of()).secondsToExhaustion());
    }
}

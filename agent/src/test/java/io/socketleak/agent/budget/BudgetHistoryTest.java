package io.socketleak.agent.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetHistoryTest {
    /** 2026-12-02T01:00:00Z, in seconds. */
    private static final long T0 = Instant.parse("2026-12-02T01:00:00Z").getEpochSecond();
    private static final int CAPACITY = 28_232;

    private final BudgetHistory history = new BudgetHistory();

    /** One second's samples: each destination with {@code open} open and {@code timeWait} in TIME_WAIT. */
    private void second(long second, String remote, int open, int timeWait) {
        history.second(second * 1000 + 37);
        history.destination(remote, open, timeWait, open + timeWait, CAPACITY);
    }

    private static List<Integer> open(BudgetHistory.Destination d) {
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < d.samples(); i++) {
            values.add(d.open(i));
        }
        return values;
    }

    private static List<Integer> timeWait(BudgetHistory.Destination d) {
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < d.samples(); i++) {
            values.add(d.timeWait(i));
        }
        return values;
    }

    private static List<String> remotes(BudgetHistory.View view) {
        List<String> remotes = new ArrayList<>();
        for (BudgetHistory.Destination d : view.destinations()) {
            remotes.add(d.remote());
        }
        return remotes;
    }

    // ---- bounds -----------------------------------------------------------------------------------

    @Test
    void aSampleASecondIsKeptForTheLastFifteenMinutesOldestFirst() {
        for (int s = 0; s < 2000; s++) {
            second(T0 + s, "10.0.0.5:443", s % 100, s % 7);
        }
        BudgetHistory.Destination d = history.view(0.8).destinations().get(0);
        assertEquals(900, d.samples());
        assertEquals(Instant.ofEpochSecond(T0 + 1100), d.start(), "the 900 latest seconds: 1100 to 1999");
        for (int i = 0; i < 900; i++) {
            int s = 1100 + i;
            assertEquals(s % 100, d.open(i), "sample " + i);
            assertEquals(s % 7, d.timeWait(i), "sample " + i);
        }
        assertEquals(CAPACITY, d.portCapacity());
    }

    @Test
    void aShortRunHasASampleForEachSecondItRan() {
        for (int s = 0; s < 3; s++) {
            second(T0 + s, "10.0.0.5:443", s + 1, 10 * s);
        }
        BudgetHistory.Destination d = history.view(0.8).destinations().get(0);
        assertEquals(List.of(1, 2, 3), open(d));
        assertEquals(List.of(0, 10, 20), timeWait(d));
        assertEquals("2026-12-02T01:00:00Z", d.start().toString());
    }

    @Test
    void atMostFiveDestinationsAreKept() {
        for (int s = 0; s < 10; s++) {
            history.second((T0 + s) * 1000);
            for (int i = 1; i <= 8; i++) {
                history.destination("10.0.0." + i + ":80", i, 0, i, CAPACITY);
            }
        }
        assertEquals(BudgetHistory.MAX_DESTINATIONS, history.view(0.8).destinations().size());
    }

    /**
     * Memory is fixed: a full window of five destinations, each with its two series, allocates a
     * few kilobytes per destination, and then nothing more however long it runs and however often
     * newcomers take a place.
     */
    @Test
    void itsMemoryIsAllocatedOnceAndIsAFewKilobytesPerDestination() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] remotes = new String[20];
        for (int i = 0; i < remotes.length; i++) {
            remotes[i] = "10.0.0." + i + ":80";
        }
        feed(new BudgetHistory(), remotes, 0, 1000); // compiled, so that the interpreter's allocations do not count
        long before = threads.getCurrentThreadAllocatedBytes();
        BudgetHistory fresh = new BudgetHistory();
        feed(fresh, remotes, 0, 1000);
        long filled = threads.getCurrentThreadAllocatedBytes() - before;
        // Two series of 900 ints (7.2 KB) and a minute's peaks per destination, the descriptors' series.
        assertTrue(filled >= 5 * 2 * 900 * 4 + 900 * 4, "the series themselves are counted: " + filled + " bytes");
        assertTrue(filled < 5 * 8_000 + 4_000 + 2_000, "a full window took " + filled + " bytes");
        before = threads.getCurrentThreadAllocatedBytes();
        feed(fresh, remotes, 1000, 20_000);
        long later = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(later < 1_000, "19,000 more seconds, destinations coming and going, took " + later + " bytes");
        assertEquals(BudgetHistory.MAX_DESTINATIONS, fresh.view(0.8).destinations().size());
    }

    /** Each second all the destinations, each at a load that rises and falls at its own pace. */
    private static void feed(BudgetHistory history, String[] remotes, int from, int to) {
        for (int s = from; s < to; s++) {
            history.second((T0 + s) * 1000);
            for (int i = 0; i < remotes.length; i++) {
                int load = (s / (60 + 7 * i) + i) % 13;
                history.destination(remotes[i], load, 2L * load, 3L * load, CAPACITY);
            }
            history.fileDescriptors(40 + s % 5, 20_000);
        }
    }

    // ---- the busiest destinations -----------------------------------------------------------------

    @Test
    void theBusiestComeFirstAndABusierNewcomerReplacesTheLeastBusy() {
        for (int s = 0; s < 5; s++) {
            history.second((T0 + s) * 1000);
            for (int i = 1; i <= 5; i++) {
                history.destination("10.0.0." + i + ":80", 10 * i, 0, 10L * i, CAPACITY);
            }
        }
        assertEquals(List.of("10.0.0.5:80", "10.0.0.4:80", "10.0.0.3:80", "10.0.0.2:80", "10.0.0.1:80"),
                remotes(history.view(0.8)));

        history.second((T0 + 5) * 1000);
        history.destination("10.0.0.9:80", 10, 0, 10, CAPACITY);
        assertEquals(5, history.view(0.8).destinations().size());
        assertTrue(!remotes(history.view(0.8)).contains("10.0.0.9:80"), "no busier than the least busy: not taken");

        history.destination("10.0.0.8:80", 25, 0, 25, CAPACITY);
        List<String> now = remotes(history.view(0.8));
        assertEquals(List.of("10.0.0.5:80", "10.0.0.4:80", "10.0.0.3:80", "10.0.0.8:80", "10.0.0.2:80"), now,
                "the newcomer in place of the least busy, ranked by its own peak");
        BudgetHistory.Destination newcomer = history.view(0.8).destinations().get(3);
        assertEquals(1, newcomer.samples(), "its series starts when it came in");
        assertEquals(Instant.ofEpochSecond(T0 + 5), newcomer.start());
    }

    @Test
    void busyMeansBusyWithinTheWindowAPeakOfLongAgoNoLongerCounts() {
        String[] steady = {"10.0.0.2:80", "10.0.0.3:80", "10.0.0.4:80", "10.0.0.5:80"};
        for (int s = 0; s < 20 * 60; s++) {
            history.second((T0 + s) * 1000);
            // A burst to .1 in the first minute, then one connection open.
            history.destination("10.0.0.1:80", s < 60 ? 1000 : 1, 0, s < 60 ? 1000 : 1, CAPACITY);
            for (int i = 0; i < steady.length; i++) {
                history.destination(steady[i], 20 + i, 0, 20 + i, CAPACITY);
            }
        }
        assertEquals("10.0.0.5:80", history.view(0.8).destinations().get(0).remote(),
                "the burst of 20 minutes ago is out of the window");
        history.destination("10.0.0.9:80", 5, 0, 5, CAPACITY);
        assertTrue(remotes(history.view(0.8)).contains("10.0.0.9:80"));
        assertTrue(!remotes(history.view(0.8)).contains("10.0.0.1:80"), "replaced: " + remotes(history.view(0.8)));
    }

    @Test
    void aDestinationWithNoPortInUseIsNotTakenIn() {
        second(T0, "10.0.0.5:443", 0, 0);
        assertEquals(List.of(), history.view(0.8).destinations());
    }

    // ---- gaps and clocks ----------------------------------------------------------------------------

    @Test
    void missedSecondsAreFilledWithTheValueBeforeThemSoThatSampleIIsAtStartPlusISeconds() {
        second(T0, "10.0.0.5:443", 1, 10);
        second(T0 + 1, "10.0.0.5:443", 2, 20);
        second(T0 + 4, "10.0.0.5:443", 5, 50); // the agent's thread held up for two seconds
        BudgetHistory.Destination d = history.view(0.8).destinations().get(0);
        assertEquals(Instant.ofEpochSecond(T0), d.start());
        assertEquals(List.of(1, 2, 2, 2, 5), open(d));
        assertEquals(List.of(10, 20, 20, 20, 50), timeWait(d));
    }

    @Test
    void aGapLongerThanTheWindowLeavesAFullWindowOfTheLastValue() {
        second(T0, "10.0.0.5:443", 3, 0);
        second(T0 + 5000, "10.0.0.5:443", 4, 0);
        BudgetHistory.Destination d = history.view(0.8).destinations().get(0);
        assertEquals(900, d.samples());
        assertEquals(Instant.ofEpochSecond(T0 + 5000 - 899), d.start());
        assertEquals(3, d.open(0));
        assertEquals(4, d.open(899));
    }

    @Test
    void aSecondSampledTwiceKeepsItsLatestValueAndAClockSetBackNeverMovesTheSeriesBack() {
        second(T0, "10.0.0.5:443", 1, 0);
        second(T0 + 1, "10.0.0.5:443", 2, 0);
        second(T0 + 1, "10.0.0.5:443", 3, 0); // an alarm's extra check in the same second
        second(T0 - 30, "10.0.0.5:443", 4, 0); // the wall clock set back
        BudgetHistory.Destination d = history.view(0.8).destinations().get(0);
        assertEquals(Instant.ofEpochSecond(T0), d.start());
        assertEquals(List.of(1, 4), open(d));
    }

    // ---- file descriptors ------------------------------------------------------------------------------

    @Test
    void fileDescriptorsAreSampledWithTheirLatestLimitAndUnknownWithoutOne() {
        history.second(T0 * 1000);
        history.fileDescriptors(41, 20_000);
        history.second((T0 + 1) * 1000);
        history.fileDescriptors(-1, -1); // not read this second
        history.second((T0 + 2) * 1000);
        history.fileDescriptors(43, -1); // the limit not read (no descriptor left to read it)
        BudgetHistory.Descriptors fds = history.view(0.8).fileDescriptors();
        assertNotNull(fds);
        assertEquals(20_000, fds.max());
        assertEquals(Instant.ofEpochSecond(T0), fds.start());
        assertEquals(3, fds.samples());
        assertEquals(List.of(41, 41, 43), List.of(fds.open(0), fds.open(1), fds.open(2)));

        BudgetHistory noLimit = new BudgetHistory();
        noLimit.second(T0 * 1000);
        noLimit.fileDescriptors(12, -1); // off Linux, say
        assertNull(noLimit.view(0.8).fileDescriptors());
        assertNull(BudgetHistory.empty(0.8).fileDescriptors());
    }

    @Test
    void theViewCarriesTheWarningLevelItWasAskedWith() {
        assertEquals(0.9, history.view(0.9).warnAt());
        assertEquals(0.7, BudgetHistory.empty(0.7).warnAt());
    }
}

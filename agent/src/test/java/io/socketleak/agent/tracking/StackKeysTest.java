package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.agent.testing.ApplicationCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Stacks seen before are recognized on the application's thread, and only when every frame is the same. */
class StackKeysTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 443);
    private final List<Object> keepOpen = new ArrayList<>();

    private Tracker tracker(List<String> exclude) {
        return new Tracker(new TrackerSettings(exclude, 100_000, Duration.ofSeconds(30)), (leak, first) -> { }, () -> { });
    }

    private void openFrom(String className, Tracker tracker) {
        Object socket = new Object();
        keepOpen.add(socket);
        ApplicationCode.run(className, () -> tracker.opened(socket, REMOTE, 40_000, false));
    }

    @Test
    void theBacktraceLayoutOfThisJvmIsUnderstood() {
        assertTrue(StackKeys.forThisJvm().enabled(),
                "java.lang is opened to the tests as the agent opens it to its bridge");
    }

    @Test
    void aRepeatStackIsRecognizedAndCountedAtItsCallSite() {
        Tracker tracker = tracker(List.of());
        for (int i = 0; i < 5; i++) {
            openFrom("com.acme.Client", tracker); // one line: the same stack each time
            if (i == 0) {
                tracker.process();
            }
        }
        assertEquals(new StackWork(1, 4, 0), new Snapshots(tracker).stackWork());
        Snapshot snapshot = new Snapshots(tracker).snapshot();
        assertEquals(1, snapshot.callSites().size());
        assertEquals(5, snapshot.callSites().get(0).opened());
        assertEquals(5, snapshot.callSites().get(0).open());
        assertEquals(5, snapshot.counters().opened());
    }

    @Test
    void stacksThatDifferInOneFrameAreDifferentCallSites() {
        Tracker tracker = tracker(List.of());
        for (int i = 0; i < 4; i++) {
            for (String className : List.of("com.acme.Orders", "com.acme.Billing")) {
                openFrom(className, tracker); // differs in one frame only: the generated class
            }
            if (i == 0) {
                tracker.process();
            }
        }
        assertEquals(new StackWork(2, 6, 0), new Snapshots(tracker).stackWork());
        Snapshot snapshot = new Snapshots(tracker).snapshot();
        assertEquals(2, snapshot.callSites().size());
        for (Snapshot.CallSiteStats site : snapshot.callSites()) {
            assertEquals(4, site.opened(), site.blame());
        }
    }

    @Test
    void aRecognizedExcludedStackIsLeftOutLikeTheFirst() {
        Tracker tracker = tracker(List.of("com.acme.Pool"));
        for (int i = 0; i < 3; i++) {
            openFrom("com.acme.Pool", tracker);
            if (i == 0) {
                tracker.process();
            }
        }
        assertEquals(2, new Snapshots(tracker).stackWork().recognized());
        Snapshot snapshot = new Snapshots(tracker).snapshot();
        assertEquals(3, snapshot.counters().excluded());
        assertEquals(0, snapshot.counters().opened());
        assertEquals(0, snapshot.openSockets());
        assertTrue(snapshot.callSites().isEmpty());
    }

    @Test
    void aSocketClosedAfterBeingRecognizedCountsItsCloseOnce() {
        Tracker tracker = tracker(List.of());
        for (int i = 0; i < 2; i++) {
            openFrom("com.acme.Client", tracker);
            tracker.process();
        }
        assertEquals(1, new Snapshots(tracker).stackWork().recognized());
        tracker.closed(keepOpen.get(1), 0);
        tracker.process();
        Snapshot.CallSiteStats site = new Snapshots(tracker).snapshot().callSites().get(0);
        assertEquals(2, site.opened());
        assertEquals(1, site.activeCloses());
        assertEquals(1, site.open());
    }

    @Test
    void aSocketReportedOpenTwiceIsRecognizedOnce() {
        Tracker tracker = tracker(List.of());
        Object socket = new Object(); // a channel's connect() and finishConnect() both report it
        keepOpen.add(new Object());
        for (int i = 0; i < 3; i++) {
            Object reported = i == 0 ? keepOpen.get(0) : socket;
            ApplicationCode.run("com.acme.Client", () -> tracker.opened(reported, REMOTE, 40_000, false));
            tracker.process();
        }
        assertEquals(new StackWork(1, 1, 0), new Snapshots(tracker).stackWork());
        assertEquals(2, new Snapshots(tracker).snapshot().counters().opened());
    }

    @Test
    void stacksDeeperThanTheLimitAreResolvedEachTime() {
        Tracker tracker = tracker(List.of());
        IntFunction<Void> deep = new IntFunction<>() {
            @Override
            public Void apply(int depth) {
                if (depth > 0) {
                    return apply(depth - 1);
                }
                openFrom("com.acme.Client", tracker);
                return null;
            }
        };
        deep.apply(StackKeys.MAX_FRAMES);
        tracker.process();
        deep.apply(StackKeys.MAX_FRAMES);
        tracker.process();
        assertEquals(new StackWork(2, 0, 0), new Snapshots(tracker).stackWork());
        assertEquals(2, new Snapshots(tracker).snapshot().callSites().get(0).opened());
    }

    @Test
    void aKeyUnusedForTenMinutesIsDropped() {
        StackKeys keys = StackKeys.forThisJvm();
        CallSite site = new CallSite(1,
                new StackTraceElement[] {new StackTraceElement("com.acme.A", "b", "A.java", 1)});
        long now = System.currentTimeMillis();
        Throwable[] stacks = new Throwable[3];
        for (int i = 0; i < stacks.length; i++) {
            stacks[i] = new Throwable(); // one line, one stack
        }
        keys.remember(stacks[0], false, site, false, now);
        StackKeys.Key key = keys.find(stacks[1], now);
        assertNotNull(key);
        assertSame(site, key.site);
        keys.dropIdle(now + Duration.ofMinutes(StackKeys.IDLE_MINUTES).toMillis());
        assertEquals(1, keys.size(), "used within the last ten minutes");
        keys.dropIdle(now + Duration.ofMinutes(StackKeys.IDLE_MINUTES + 1).toMillis());
        assertEquals(0, keys.size());
        assertNull(keys.find(stacks[2], now));
    }
}

package io.socketleak.junit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One checked scope, a test class or a single test: where it started, what it allows, and the
 * scopes inside it that were checked on their own ({@code @CheckSocketsPerTest} tests, {@code @Nested}
 * classes). Their sockets are theirs to report, so this scope leaves them out and nothing is
 * reported twice.
 */
final class CheckedScope {
    private final String name;
    private final boolean singleTest;
    private final long mark;
    private final CheckSettings settings;
    /** Time windows [start, end) of the inner scopes checked on their own, in agent marks. */
    private final List<long[]> inner = new ArrayList<>();
    /** Whether a test of this scope ran since the last inner scope ended (else the next one extends its window). */
    private boolean ownTestSinceInner = true;

    CheckedScope(String name, boolean singleTest, long mark, CheckSettings settings) {
        this.name = name;
        this.singleTest = singleTest;
        this.mark = mark;
        this.settings = settings;
    }

    String name() {
        return name;
    }

    boolean singleTest() {
        return singleTest;
    }

    long mark() {
        return mark;
    }

    CheckSettings settings() {
        return settings;
    }

    /** A test of this scope starts that this scope checks itself. */
    synchronized void ownTestStarted() {
        ownTestSinceInner = true;
    }

    /** A scope inside this one was checked on its own, from {@code start} to {@code end}. */
    synchronized void innerChecked(long start, long end) {
        if (!ownTestSinceInner && !inner.isEmpty()) {
            // Back to back with the previous one: one window, so the check below asks fewer questions.
            inner.get(inner.size() - 1)[1] = end;
        } else {
            inner.add(new long[] {start, end});
        }
        ownTestSinceInner = false;
    }

    /** The sockets opened in this scope, less those opened in an inner scope checked on its own. */
    ScopeSockets sockets(Agent agent) {
        List<long[]> windows;
        synchronized (this) {
            windows = new ArrayList<>(inner);
        }
        ScopeSockets all = agent.socketsSince(mark);
        Set<Long> theirs = new HashSet<>();
        for (long[] window : windows) {
            theirs.addAll(agent.socketsBetween(window[0], window[1]).ids());
        }
        return all.without(theirs);
    }
}

package io.socketleak.agent.tracking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Turns allocation stacks into call sites, interned so that the sockets opened from one place in the
 * code share one {@link CallSite}. A stack seen before is recognized on the application thread
 * ({@link StackKeys}); a new one is resolved on the tracker thread. Stacks that match {@code exclude}
 * all go to one excluded site, which no report shows.
 */
final class CallSites {
    private final List<String> exclude;
    final StackKeys stackKeys = StackKeys.forThisJvm();
    private final LongAdder resolved = new LongAdder();
    private final LongAdder recognized = new LongAdder();

    // Owned by the tracker thread (guarded by the tracker).
    private final Map<List<StackTraceElement>, CallSite> interned = new HashMap<>();
    private final CallSite excluded = new CallSite(-1, new StackTraceElement[0]);
    /** Where sockets go past {@link TrackerSettings#MAX_CALL_SITES} distinct sites. */
    private CallSite others;
    /** Where sockets go whose stack was not taken (the tracker thread was too far behind). */
    private CallSite uncaptured;

    CallSites(List<String> exclude) {
        this.exclude = exclude;
    }

    /** On the application thread: the stack's site if it was seen before, else null. */
    StackKeys.Key recognize(Throwable stack, long nowMillis) {
        return stackKeys.find(stack, nowMillis);
    }

    /** A socket was stored with the site {@link #recognize} found: no stack to resolve for it. */
    void countRecognized() {
        recognized.increment();
    }

    /**
     * On the tracker thread: the site of a new stack, remembered so that the next one is recognized.
     *
     * @param stack  the stack of the thread that opened the socket; its causes, when it has any, are
     *               the stacks of the threads that handed the work off ({@link Origins}), nearest first
     * @param thread  the name of the thread that opened the socket
     * @param inbound whether it was accepted
     */
    CallSite resolve(Throwable stack, long openedAtMillis, String thread, boolean inbound) {
        resolved.increment();
        StackTraceElement[] opening = stack.getStackTrace();
        StackTraceElement[] asked = null;
        if (!Frames.hasApplication(opening)) {
            for (Throwable cause = stack.getCause(); cause != null && asked == null; cause = cause.getCause()) {
                StackTraceElement[] frames = cause.getStackTrace();
                asked = Frames.hasApplication(frames) ? frames : null;
            }
        }
        boolean isExcluded = Frames.matchesAny(opening, exclude) || (asked != null && Frames.matchesAny(asked, exclude));
        CallSite site = isExcluded ? excluded : intern(opening, asked, (inbound ? "accepted" : "connected") + " on thread " + thread);
        // A stack of the application's own decides its site alone; a library thread's, with its causes.
        stackKeys.remember(stack, !Frames.hasApplication(opening), site, isExcluded, openedAtMillis);
        return site;
    }

    boolean isExcluded(CallSite site) {
        return site == excluded;
    }

    CallSite uncaptured() {
        if (uncaptured == null) {
            uncaptured = new CallSite(-2, new StackTraceElement[] {
                new StackTraceElement("(stack not captured: the agent was behind)", "", null, -1)});
        }
        return uncaptured;
    }

    /** Forgets recognized stacks not seen for a while. */
    void dropIdle(long nowMillis) {
        stackKeys.dropIdle(nowMillis);
    }

    /** Every site a report shows: the interned ones, then the overflow and the uncaptured site if used. */
    List<CallSite> reported() {
        List<CallSite> all = new ArrayList<>(interned.values());
        if (others != null) {
            all.add(others);
        }
        if (uncaptured != null) {
            all.add(uncaptured);
        }
        return all;
    }

    StackWork work() {
        CallSite notTaken = uncaptured;
        return new StackWork(resolved.sum(), recognized.sum(), notTaken == null ? 0 : notTaken.opened.sum());
    }

    /** The site of a socket opened with this stack, and asked for with that one if it was handed off. */
    private CallSite intern(StackTraceElement[] opening, StackTraceElement[] asked, String onThread) {
        StackTraceElement[] frames = Frames.callSite(opening);
        if (asked == null) {
            StackTraceElement blamed = Frames.blame(frames);
            String origin = blamed == null || Frames.isApplication(blamed.getClassName()) ? null
                    : "application line unknown: " + onThread + by(Frames.library(opening));
            return intern(frames, blamed, origin);
        }
        StackTraceElement[] askedFrames = Frames.callSite(asked);
        StackTraceElement[] both = Arrays.copyOf(frames, Math.min(frames.length, Frames.DEPTH_OF_HANDED_OFF)
                + askedFrames.length);
        System.arraycopy(askedFrames, 0, both, both.length - askedFrames.length, askedFrames.length);
        String library = Frames.library(opening);
        return intern(both, Frames.blame(askedFrames),
                (library == null ? "" : "through " + library + ", ") + onThread);
    }

    private static String by(String library) {
        return library == null ? "" : ", by " + library;
    }

    private CallSite intern(StackTraceElement[] frames, StackTraceElement blamed, String origin) {
        List<StackTraceElement> key = Arrays.asList(frames);
        CallSite site = interned.get(key);
        if (site == null) {
            if (interned.size() >= TrackerSettings.MAX_CALL_SITES) {
                if (others == null) {
                    others = new CallSite(0, new StackTraceElement[] {
                        new StackTraceElement("(other call sites)", "", null, -1)});
                }
                return others;
            }
            site = new CallSite(interned.size() + 1, frames, blamed, origin);
            interned.put(key, site);
        }
        return site;
    }
}

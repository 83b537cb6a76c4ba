package io.socketleak.agent.tracking;

import java.time.Duration;
import java.util.List;

/**
 * What tracking needs from the options.
 *
 * @param exclude        frame prefixes whose sockets are not tracked
 * @param maxTracked     sockets stored individually; past it they are only counted
 * @param closeWaitAfter how long a socket may stay open after its peer closed before it is a leak
 * @param timeWaitSeconds how long a connection closed first by this side holds its port (TIME_WAIT)
 */
public record TrackerSettings(List<String> exclude, int maxTracked, Duration closeWaitAfter, int timeWaitSeconds) {

    public TrackerSettings(List<String> exclude, int maxTracked, Duration closeWaitAfter) {
        this(exclude, maxTracked, closeWaitAfter, 60);
    }

    /** Distinct call sites kept; past it, new stacks are pooled into one "other" site. */
    static final int MAX_CALL_SITES = 10_000;
    /** Raw stacks waiting for the tracker thread; past it, new sockets' stacks are not captured. */
    static final int MAX_PENDING_STACKS = 10_000;
    /** Distinct destinations kept; past it, new ones are pooled. */
    static final int MAX_DESTINATIONS = 10_000;
}

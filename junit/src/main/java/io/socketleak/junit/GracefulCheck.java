package io.socketleak.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the agent about a scope until no unallowed socket is left open, or the grace period ends.
 * Waiting is what keeps asynchronous closes (a pool's reaper, a server's handler thread) from
 * flaking; collecting garbage while waiting is what turns a socket dropped without close() into the
 * leak it is, instead of a socket that merely looks open.
 */
final class GracefulCheck {
    /** How often to ask again; the agent answers from memory, so this costs little. */
    private static final long POLL_MILLIS = 50;

    private GracefulCheck() {
    }

    /** What the check found: the sockets this scope did not close and does not allow. */
    record Outcome(List<Finding> unallowed, boolean complete) {
        boolean clean() {
            return unallowed.isEmpty();
        }
    }

    static Outcome run(CheckedScope scope, Agent agent) {
        Duration grace = scope.settings().grace();
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            ScopeSockets sockets = scope.sockets(agent);
            List<Finding> unallowed = new ArrayList<>();
            boolean openLeft = false;
            for (Finding finding : sockets.findings()) {
                if (!scope.settings().allowList().allows(finding)) {
                    unallowed.add(finding);
                    openLeft |= finding.stillOpen();
                }
            }
            if (!openLeft || System.nanoTime() - deadline >= 0) {
                return new Outcome(List.copyOf(unallowed), sockets.complete());
            }
            System.gc();
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return new Outcome(List.copyOf(unallowed), sockets.complete());
            }
        }
    }
}

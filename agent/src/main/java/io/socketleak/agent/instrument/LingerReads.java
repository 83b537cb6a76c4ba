package io.socketleak.agent.instrument;

import io.socketleak.agent.kernel.SocketsBeforeHooks;
import io.socketleak.bootstrap.SocketLeakEvents;
import io.socketleak.bootstrap.SocketLeakState;
import java.util.Arrays;

/**
 * When a close must ask the kernel for SO_LINGER, the one rule: SO_LINGER 0 turns a close into a
 * reset, but reading it costs a system call on every close, so it is read only where it may be set:
 * <ul>
 *   <li>on every socket, once a set of it was seen ({@link Hooks#LINGER_SETS} raise
 *       {@link SocketLeakEvents#lingerMayBeSet()}, in {@code java.base});
 *   <li>on a socket made before the hooks, which may have been set unseen: their descriptors are
 *       listed when the hooks are in, and the first close of each reads it;
 *   <li>on every socket, when those hooks did not all take or the sockets from before cannot be told
 *       apart (see {@link SocketsBeforeHooks#tcpDescriptorsNow()}), and until the hooks are in.
 * </ul>
 */
final class LingerReads {
    /** Descriptors of the sockets made before the hooks and not closed since, sorted; null until the hooks are in. */
    private volatile int[] madeBeforeHooks;

    /**
     * The hooks are in.
     *
     * @param setsSeen      whether every hook of {@link Hooks#LINGER_SETS} took
     * @param socketsBefore whether sockets may exist from before the hooks (an attach, another agent)
     */
    void hooksIn(boolean setsSeen, boolean socketsBefore) {
        int[] before = setsSeen && socketsBefore ? SocketsBeforeHooks.tcpDescriptorsNow() : new int[0];
        if (!setsSeen || before == null) {
            SocketLeakEvents.lingerSet(); // sets go unseen, or the sockets from before cannot be told apart
            before = new int[0];
        }
        madeBeforeHooks = before;
    }

    /** Whether this close must read SO_LINGER. */
    boolean mayBeSet(Object socket) {
        if (SocketLeakEvents.lingerMayBeSet()) {
            return true;
        }
        int[] before = madeBeforeHooks;
        if (before == null || before.length == 0) {
            return before == null;
        }
        int fd = SocketLeakState.descriptor(socket);
        if (Arrays.binarySearch(before, fd) < 0) {
            return fd < 0;
        }
        closedFromBefore(fd); // the first close seen on such a descriptor is that socket's own
        return true;
    }

    private synchronized void closedFromBefore(int fd) {
        int[] before = madeBeforeHooks;
        int at = Arrays.binarySearch(before, fd);
        if (at >= 0) {
            int[] rest = new int[before.length - 1];
            System.arraycopy(before, 0, rest, 0, at);
            System.arraycopy(before, at + 1, rest, at, rest.length - at);
            madeBeforeHooks = rest;
        }
    }
}

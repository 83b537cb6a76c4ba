package io.socketleak.bootstrap;

import jdk.internal.misc.Unsafe;

/**
 * Reads {@code Throwable.backtrace}, the JVM's raw record of a stack: arrays of method numbers,
 * bytecode indexes and classes, filled in by {@code fillInStackTrace()} before any
 * {@code StackTraceElement} exists. The agent compares these to recognize a stack it has seen
 * before at a fraction of the cost of {@code getStackTrace()}. In {@code java.base} with the door, so
 * reading the field needs no access granted to anyone.
 */
public final class SocketLeakBacktraces {
    private static final Unsafe U = Unsafe.getUnsafe();
    private static final long BACKTRACE = backtraceField();

    private SocketLeakBacktraces() {
    }

    /** The raw backtrace, or null when it cannot be read (then the agent resolves every stack). */
    public static Object of(Throwable stack) {
        return BACKTRACE < 0 ? null : U.getReference(stack, BACKTRACE);
    }

    private static long backtraceField() {
        try {
            return U.objectFieldOffset(Throwable.class, "backtrace"); // not visible to reflection
        } catch (Throwable e) {
            return -1;
        }
    }
}

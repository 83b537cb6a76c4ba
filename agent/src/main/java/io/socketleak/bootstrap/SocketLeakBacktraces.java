package io.socketleak.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Reads {@code Throwable.backtrace}, the JVM's raw record of a stack: arrays of method numbers,
 * bytecode indexes and classes, filled in by {@code fillInStackTrace()} before any
 * {@code StackTraceElement} exists. The agent compares these to recognize a stack it has seen
 * before at a fraction of the cost of {@code getStackTrace()}. In {@code java.base} with the door, so
 * reading the field needs no access granted to anyone.
 */
public final class SocketLeakBacktraces {
    private static final VarHandle BACKTRACE = backtraceField();

    private SocketLeakBacktraces() {
    }

    /** The raw backtrace, or null when it cannot be read (then the agent resolves every stack). */
    public static Object of(Throwable stack) {
        return BACKTRACE == null ? null : BACKTRACE.get(stack);
    }

    private static VarHandle backtraceField() {
        try {
            return MethodHandles.privateLookupIn(Throwable.class, MethodHandles.lookup())
                    .findVarHandle(Throwable.class, "backtrace", Object.class);
        } catch (Throwable e) {
            return null;
        }
    }
}

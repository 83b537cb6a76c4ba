package io.socketleak.agent.tracking;

import io.socketleak.bootstrap.SocketLeakBacktraces;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recognizes an allocation stack seen before, on the application's thread, from the JVM's raw
 * backtrace ({@link SocketLeakBacktraces}). A repeat stack gets its call site at once: no
 * {@code StackTraceElement} is made and the tracker thread has nothing left to do for it.
 *
 * <p>A key holds every frame of its stack (class, method number, bytecode index and class version),
 * so a hit is exact: the same frames always make the same call site and the same exclusion. A
 * socket opened on a library's thread has the stacks of the threads that handed the work off as its
 * causes ({@link Origins}): its key holds the whole chain, each stack after a boundary, since the
 * same opening stack with another cause is another site. A stack with an application frame decides
 * its site alone, and is remembered alone. A chain with a stack deeper than {@link #MAX_FRAMES} is
 * resolved each time. Keys refer to classes, so one unused for
 * {@link #IDLE_MINUTES} is dropped rather than keep an undeployed application's classes loaded.
 *
 * <p>The backtrace's layout is the JVM's own business: it is checked against
 * {@code getStackTrace()} once, and where it does not match, every stack is resolved as before.
 */
final class StackKeys {
    static final int MAX_FRAMES = 256;
    /** Frames held by all keys together: about 10 bytes each, so keys stay within a few megabytes. */
    static final int MAX_STORED_FRAMES = 250_000;
    static final int IDLE_MINUTES = 10;

    // One backtrace chunk: parallel arrays of up to 32 frames, and a link to the next chunk.
    private static final int METHODS = 0;
    private static final int BCIS = 1;
    private static final int CLASSES = 2;
    /** Stands between the stacks of a chain in a key, as its class; its method and index are -1. */
    private static final Object BOUNDARY = new Object();

    /** The chunk slot that links to the next chunk, or -1 when raw backtraces cannot be used. */
    private final int nextChunk;
    private final ConcurrentHashMap<Object, Key> keys = new ConcurrentHashMap<>();
    // Tracker thread only.
    private int storedFrames;
    private int sweptAtMinute;

    private StackKeys(int nextChunk) {
        this.nextChunk = nextChunk;
    }

    /** Keys for this JVM's backtraces, or a table that never matches when they cannot be read. */
    static StackKeys forThisJvm() {
        return new StackKeys(nextChunkSlot());
    }

    boolean enabled() {
        return nextChunk >= 0;
    }

    int size() {
        return keys.size();
    }

    /** Frames held by all keys, against {@link #MAX_STORED_FRAMES}. Tracker thread. */
    int storedFrames() {
        return storedFrames;
    }

    /** The key of a stack seen before, or null. Application threads; never throws for a well-formed backtrace. */
    Key find(Throwable stack, long nowMillis) {
        if (nextChunk < 0 || keys.isEmpty()) {
            return null;
        }
        long shape = shape(stack, true);
        if (shape < 0) {
            return null;
        }
        Key key = keys.get(new Probe(stack, (int) shape, (int) (shape >>> 32), nextChunk));
        if (key != null) {
            int minute = (int) (nowMillis / 60_000);
            if (key.usedAtMinute != minute) {
                key.usedAtMinute = minute; // written once a minute at most: no contention on hot keys
            }
        }
        return key;
    }

    /**
     * Remembers what a resolved stack turned out to be. Tracker thread.
     *
     * @param withCauses whether its causes decided the site too: else the stack alone is remembered,
     *                   and found again whatever its causes
     */
    void remember(Throwable stack, boolean withCauses, CallSite site, boolean excluded, long nowMillis) {
        if (nextChunk < 0 || storedFrames >= MAX_STORED_FRAMES) {
            return;
        }
        long shape = shape(stack, withCauses);
        if (shape < 0) {
            return;
        }
        int depth = (int) (shape >>> 32);
        if (storedFrames + depth > MAX_STORED_FRAMES) {
            return; // the cap is a bound, not a threshold
        }
        short[] methods = new short[depth];
        int[] bcis = new int[depth];
        Object[] classes = new Object[depth];
        int n = 0;
        for (Throwable t = stack; t != null && n < depth; t = withCauses ? t.getCause() : null) {
            if (t != stack) {
                methods[n] = -1;
                bcis[n] = -1;
                classes[n++] = BOUNDARY;
            }
            int end = n + frames(t);
            for (Object[] c = (Object[]) SocketLeakBacktraces.of(t); c != null && n < end; c = (Object[]) c[nextChunk]) {
                int take = Math.min(end - n, ((Object[]) c[CLASSES]).length);
                System.arraycopy(c[METHODS], 0, methods, n, take);
                System.arraycopy(c[BCIS], 0, bcis, n, take);
                System.arraycopy(c[CLASSES], 0, classes, n, take);
                n += take;
            }
        }
        Key key = new Key((int) shape, methods, bcis, classes, site, excluded, !withCauses, (int) (nowMillis / 60_000));
        if (keys.putIfAbsent(key, key) == null) {
            storedFrames += depth;
        }
    }

    /** Drops keys unused for {@link #IDLE_MINUTES}. Tracker thread; cheap between sweeps. */
    void dropIdle(long nowMillis) {
        int minute = (int) (nowMillis / 60_000);
        if (minute == sweptAtMinute) {
            return;
        }
        sweptAtMinute = minute;
        for (Iterator<Key> it = keys.values().iterator(); it.hasNext(); ) {
            Key key = it.next();
            if (minute - key.usedAtMinute > IDLE_MINUTES) {
                it.remove();
                storedFrames -= key.classes.length;
            }
        }
    }

    /**
     * The chain's hash (low half) and depth, frames and boundaries (high half), or -1 when one of
     * its stacks is deeper than {@link #MAX_FRAMES} or a backtrace cannot be read.
     */
    private long shape(Throwable stack, boolean withCauses) {
        int hash = 1;
        int depth = 0;
        for (Throwable t = stack; t != null; t = withCauses ? t.getCause() : null) {
            if (t != stack) {
                depth++;
                hash = 31 * hash + System.identityHashCode(BOUNDARY);
            }
            int limit = depth + MAX_FRAMES;
            if (!(SocketLeakBacktraces.of(t) instanceof Object[] chunk)) {
                return -1;
            }
            chunks:
            for (Object[] c = chunk; c != null; c = (Object[]) c[nextChunk]) {
                short[] methods = (short[]) c[METHODS];
                int[] bcis = (int[]) c[BCIS];
                Object[] classes = (Object[]) c[CLASSES];
                for (int i = 0; i < classes.length; i++) {
                    Object type = classes[i];
                    if (type == null) {
                        break chunks;
                    }
                    if (++depth > limit) {
                        return -1;
                    }
                    hash = 31 * (31 * (31 * hash + System.identityHashCode(type)) + methods[i]) + bcis[i];
                }
            }
        }
        return (long) depth << 32 | (hash & 0xffffffffL);
    }

    /** The number of frames of one backtrace. */
    private int frames(Throwable t) {
        int n = 0;
        for (Object[] c = (Object[]) SocketLeakBacktraces.of(t); c != null; c = (Object[]) c[nextChunk]) {
            for (Object type : (Object[]) c[CLASSES]) {
                if (type == null) {
                    return n;
                }
                n++;
            }
        }
        return n;
    }

    /**
     * Finds the slot linking one chunk to the next (it moved between JDK releases) and checks that
     * the classes in the backtrace are those {@code getStackTrace()} reports; -1 if anything differs.
     */
    private static int nextChunkSlot() {
        try {
            Throwable probe = nested(40);
            if (!(SocketLeakBacktraces.of(probe) instanceof Object[] first) || first.length <= CLASSES
                    || !(first[METHODS] instanceof short[]) || !(first[BCIS] instanceof int[])
                    || !(first[CLASSES] instanceof Object[])) {
                return -1;
            }
            for (int slot = CLASSES + 1; slot < first.length; slot++) {
                if (first[slot] instanceof Object[] next && next.length == first.length
                        && next[CLASSES] instanceof Object[] && agrees(first, slot, probe.getStackTrace())) {
                    return slot;
                }
            }
            return -1;
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    private static boolean agrees(Object[] chunk, int nextSlot, StackTraceElement[] frames) {
        int n = 0;
        for (Object[] c = chunk; c != null; c = (Object[]) c[nextSlot]) {
            for (Object type : (Object[]) c[CLASSES]) {
                if (type == null) {
                    return n == frames.length;
                }
                if (n >= frames.length || !(type instanceof Class<?> k)
                        || !k.getName().equals(frames[n].getClassName())) {
                    return false;
                }
                n++;
            }
        }
        return n == frames.length;
    }

    private static Throwable nested(int depth) {
        return depth == 0 ? new Throwable() : nested(depth - 1);
    }

    /** A remembered stack and what it turned out to be. */
    static final class Key {
        private final int hash;
        private final short[] methods;
        private final int[] bcis;
        private final Object[] classes;
        final CallSite site;
        final boolean excluded;
        /** Remembered without the stack's causes: it decides its site whatever they are. */
        final boolean alone;
        volatile int usedAtMinute;

        Key(int hash, short[] methods, int[] bcis, Object[] classes, CallSite site, boolean excluded, boolean alone,
            int minute) {
            this.hash = hash;
            this.methods = methods;
            this.bcis = bcis;
            this.classes = classes;
            this.site = site;
            this.excluded = excluded;
            this.alone = alone;
            this.usedAtMinute = minute;
        }

        /** Whether a chain of raw backtraces of this depth holds exactly these frames. */
        boolean matches(Throwable stack, int depth, int nextSlot) {
            if (depth != classes.length) {
                return false;
            }
            int n = 0;
            for (Throwable t = stack; t != null; t = t.getCause()) {
                if (t != stack && (n >= depth || classes[n++] != BOUNDARY)) {
                    return false;
                }
                chunks:
                for (Object[] c = (Object[]) SocketLeakBacktraces.of(t); c != null; c = (Object[]) c[nextSlot]) {
                    short[] m = (short[]) c[METHODS];
                    int[] b = (int[]) c[BCIS];
                    Object[] k = (Object[]) c[CLASSES];
                    for (int i = 0; i < k.length; i++, n++) {
                        if (k[i] == null) {
                            break chunks;
                        }
                        if (n >= depth || k[i] != classes[n] || m[i] != methods[n] || b[i] != bcis[n]) {
                            return false;
                        }
                    }
                }
            }
            return n == depth;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other == this || (other instanceof Key k && k.hash == hash && Arrays.equals(k.methods, methods)
                    && Arrays.equals(k.bcis, bcis) && Arrays.equals(k.classes, classes));
        }
    }

    /** Looks a chain of raw backtraces up among the keys without copying it. */
    private static final class Probe {
        private final Throwable stack;
        private final int hash;
        private final int depth;
        private final int nextSlot;

        Probe(Throwable stack, int hash, int depth, int nextSlot) {
            this.stack = stack;
            this.hash = hash;
            this.depth = depth;
            this.nextSlot = nextSlot;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && k.hash == hash && k.matches(stack, depth, nextSlot);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}

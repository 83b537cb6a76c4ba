package io.socketleak.agent.tracking;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One place in the code that opens sockets: the distinct stack that led to them, and what became of
 * the sockets it opened.
 */
public final class CallSite {
    private final int id;
    private final List<String> frames;
    private final String blame;
    private final boolean applicationLine;
    private final String origin;

    /** Counted on the tracker thread, or on the application's when its stack was recognized. */
    final LongAdder opened = new LongAdder();
    // Written by the tracker thread only.
    long collected;
    long closeWait;
    /** Written by whichever thread counts a close (see {@code Tracker.countClose}). */
    final Counts<CloseKind> closes = new Counts<>(CloseKind.class);

    /**
     * A site that stands for sockets without a stack of their own (the excluded ones, those past the
     * cap, those whose stack was not taken): its frames say so, and name no application line.
     */
    CallSite(int id, StackTraceElement[] frames) {
        this(id, frames, frames.length == 0 ? null : frames[0], null, false);
    }

    /**
     * @param frames the frames shown, innermost first: those of the thread that opened the socket,
     *               then, when the socket was handed off, those of the thread that asked for it
     * @param blamed the line to blame
     * @param origin how the socket came from the blamed line when it is not on the opening thread's own
     *               stack (see {@link #origin()}), else null
     */
    CallSite(int id, StackTraceElement[] frames, StackTraceElement blamed, String origin) {
        this(id, frames, blamed, origin, blamed != null && Frames.isApplication(blamed.getClassName()));
    }

    private CallSite(int id, StackTraceElement[] frames, StackTraceElement blamed, String origin,
                     boolean applicationLine) {
        this.id = id;
        List<String> text = new ArrayList<>(frames.length);
        for (StackTraceElement frame : frames) {
            text.add(frame.toString());
        }
        this.frames = Collections.unmodifiableList(text);
        this.blame = blamed == null ? "(unknown)" : blamed.toString();
        this.applicationLine = applicationLine;
        this.origin = origin;
    }

    public int id() {
        return id;
    }

    /** Stack frames as {@code StackTraceElement} strings, innermost first. */
    public List<String> frames() {
        return frames;
    }

    /** The application line responsible; when none is known, the library line that opened the socket. */
    public String blame() {
        return blame;
    }

    /** Whether {@link #blame()} is a line of the application's own code. */
    public boolean applicationLine() {
        return applicationLine;
    }

    /**
     * Null when the application's own thread opened the socket. Else, in words: "through OkHttp,
     * connected on thread OkHttp TaskRunner" (the blame is where the application asked), or
     * "application line unknown: connected on thread HikariPool-1 connection adder, by HikariCP".
     */
    public String origin() {
        return origin;
    }
}

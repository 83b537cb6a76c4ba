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

    /** Counted on the tracker thread, or on the application's when its stack was recognized. */
    final LongAdder opened = new LongAdder();
    // Written by the tracker thread only.
    long collected;
    long closeWait;
    /** Written by whichever thread counts a close (see {@code Tracker.countClose}). */
    final Counts<CloseKind> closes = new Counts<>(CloseKind.class);

    CallSite(int id, StackTraceElement[] frames) {
        this.id = id;
        List<String> text = new ArrayList<>(frames.length);
        for (StackTraceElement frame : frames) {
            text.add(frame.toString());
        }
        this.frames = Collections.unmodifiableList(text);
        StackTraceElement blamed = Frames.blame(frames);
        this.blame = blamed == null ? "(unknown)" : blamed.toString();
    }

    public int id() {
        return id;
    }

    /** Stack frames as {@code StackTraceElement} strings, innermost first. */
    public List<String> frames() {
        return frames;
    }

    /** The application line responsible, or the innermost frame when there is none. */
    public String blame() {
        return blame;
    }
}

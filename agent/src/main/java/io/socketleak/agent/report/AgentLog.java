package io.socketleak.agent.report;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where summaries, warnings and reports go: standard error or a file ({@code log=}), one line per
 * message, {@code 2026-12-01T08:55:20.320Z WARN socket-leak-agent - message}. Written by hand, with
 * no logging library: the application's own logging is untouched, and a start-up pays for no
 * logging framework or date formatter.
 */
public final class AgentLog {
    private static final String NAME = "socket-leak-agent";
    /** Guarded by this: a change at run time ({@link #moveTo}) swaps it between two lines. */
    private OutputStream out;

    private AgentLog(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes to {@code destination} from now on ({@code stderr} or a file, appended to); the previous
     * file, if any, is closed.
     *
     * @throws IOException if the file cannot be opened: the log stays where it was
     */
    public void moveTo(String destination) throws IOException {
        OutputStream next = "stderr".equals(destination) ? System.err : new FileOutputStream(destination, true);
        OutputStream previous;
        synchronized (this) {
            previous = out;
            out = next;
        }
        if (previous != System.err && previous != next) {
            previous.close();
        }
    }

    /**
     * Opens the log.
     *
     * @param destination {@code stderr} or a file path (appended to; if it cannot be opened, standard
     *                    error, with one line saying why)
     */
    public static AgentLog open(String destination) {
        if ("stderr".equals(destination)) {
            return new AgentLog(System.err);
        }
        try {
            return new AgentLog(new FileOutputStream(destination, true));
        } catch (IOException | SecurityException e) {
            AgentLog log = new AgentLog(System.err);
            log.warn("cannot write to log=" + destination + " (" + e + "); logging to standard error");
            return log;
        }
    }

    public void info(String message) {
        write("INFO", message);
    }

    public void warn(String message) {
        write("WARN", message);
    }

    public void error(String message) {
        write("ERROR", message);
    }

    private void write(String level, String message) {
        String line = timestamp(System.currentTimeMillis()) + " " + level + " " + NAME + " - " + message + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                if (out instanceof PrintStream stream) {
                    stream.write(bytes, 0, bytes.length); // a PrintStream keeps its errors to itself
                    stream.flush();
                } else {
                    out.write(bytes);
                    out.flush();
                }
            } catch (IOException e) {
                // the disk is full, say: the application must not notice
            }
        }
    }

    /**
     * ISO 8601 in UTC with milliseconds, as {@code Instant.toString()} gives it, computed here: java.time
     * would load twenty classes into every JVM the agent starts in, for its first line.
     */
    static String timestamp(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000);
        int millis = Math.floorMod(epochMillis, 1000);
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = Math.floorMod(seconds, 86_400);
        // The proleptic Gregorian date of a day count, in 400-year eras starting on March 1st.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long shiftedMonth = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
        int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder s = new StringBuilder(24);
        s.append(year).append('-');
        two(s, month).append('-');
        two(s, day).append('T');
        two(s, secondOfDay / 3600).append(':');
        two(s, secondOfDay / 60 % 60).append(':');
        two(s, secondOfDay % 60).append('.');
        s.append(millis < 100 ? "0" : "").append(millis < 10 ? "0" : "").append(millis).append('Z');
        return s.toString();
    }

    private static StringBuilder two(StringBuilder s, int value) {
        return s.append(value < 10 ? "0" : "").append(value);
    }
}

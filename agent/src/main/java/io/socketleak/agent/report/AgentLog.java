package io.socketleak.agent.report;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Where summaries, warnings and reports go: standard error or a file ({@code log=}), one line per
 * message, {@code 2026-12-01T08:55:20.320Z WARN socket-leak-agent - message}. Written by hand, with
 * no logging library: the application's own logging is untouched, and a start-up pays for no
 * logging framework or date formatter.
 */
public final class AgentLog {
    private static final String NAME = "socket-leak-agent";
    private final OutputStream out;

    private AgentLog(OutputStream out) {
        this.out = out;
    }

    /**
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

    /** ISO 8601 in UTC with milliseconds, as {@code Instant.toString()} gives it, without loading a formatter. */
    static String timestamp(long epochMillis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000),
                (int) Math.floorMod(epochMillis, 1000) * 1_000_000, ZoneOffset.UTC);
        StringBuilder s = new StringBuilder(24);
        s.append(t.getYear()).append('-');
        two(s, t.getMonthValue()).append('-');
        two(s, t.getDayOfMonth()).append('T');
        two(s, t.getHour()).append(':');
        two(s, t.getMinute()).append(':');
        two(s, t.getSecond()).append('.');
        int millis = (int) Math.floorMod(epochMillis, 1000);
        s.append(millis < 100 ? "0" : "").append(millis < 10 ? "0" : "").append(millis).append('Z');
        return s.toString();
    }

    private static StringBuilder two(StringBuilder s, int value) {
        return s.append(value < 10 ? "0" : "").append(value);
    }
}

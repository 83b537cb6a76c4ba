package io.socketleak.agent.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's table of TCP connections (Linux {@code /proc/net/tcp} and {@code tcp6}), summed up
 * per remote endpoint. It covers every process in the network namespace, which all share the
 * ephemeral port range. Parsed from bytes with one reusable buffer: a table of 100,000 connections
 * costs a few tens of milliseconds and no per-line garbage.
 */
public final class KernelTcpTable {
    private static final String[] FILES = {"/proc/net/tcp", "/proc/net/tcp6"};

    /** Connections to one remote endpoint, by state. */
    public static final class Counts {
        static final int EXPIRY_STEP_SECONDS = 5;
        static final int EXPIRY_STEPS = 13;

        /**
         * TIME_WAIT entries by the time left on their kernel timer, in 5 s steps up to 65 s (Linux
         * gives TIME_WAIT 60 s; a longer timer counts in the last step). Null while there are none.
         */
        private long[] timeWaitByExpiry;
        long established;
        long other;

        /** Adds {@code count} TIME_WAIT entries whose kernel timer has {@code secondsLeft} to run. */
        void addTimeWait(long count, int secondsLeft) {
            if (timeWaitByExpiry == null) {
                timeWaitByExpiry = new long[EXPIRY_STEPS];
            }
            timeWaitByExpiry[Math.min(Math.max(secondsLeft, 0) / EXPIRY_STEP_SECONDS, EXPIRY_STEPS - 1)] += count;
        }

        /** TIME_WAIT entries at the reading. */
        public long timeWait() {
            return timeWaitAfter(0);
        }

        /**
         * TIME_WAIT entries still there {@code millis} after the reading: each leaves when its own
         * kernel timer runs out, counted here up to 5 s late. (New ones are not seen until the next reading.)
         */
        public long timeWaitAfter(long millis) {
            if (timeWaitByExpiry == null) {
                return 0;
            }
            long left = 0;
            for (int step = 0; step < EXPIRY_STEPS; step++) {
                if ((step + 1L) * EXPIRY_STEP_SECONDS * 1000 > millis) {
                    left += timeWaitByExpiry[step];
                }
            }
            return left;
        }

        /** Connections holding a local port for this destination {@code millis} after the reading: not LISTEN. */
        public long portsInUseAfter(long millis) {
            return timeWaitAfter(millis) + established + other;
        }
    }

    /**
     * One reading of the table.
     *
     * @param closeWait  connections in CLOSE_WAIT, as {@link #portPair} keys
     * @param listening  local ports in LISTEN
     */
    public record View(Map<Object, Counts> byRemote, Set<Long> closeWait, Set<Integer> listening, long lines,
                       long scanNanos, long takenAtMillis) {

        /** Connections to this endpoint on the whole host (this network namespace), or null if none. */
        public Counts to(InetSocketAddress remote) {
            return byRemote.get(key(remote));
        }

        /** Time since the reading, for {@link Counts#timeWaitAfter}. */
        public long ageMillis() {
            return Math.max(0, System.currentTimeMillis() - takenAtMillis);
        }
    }

    private final KernelRows rows = new KernelRows(new byte[64 * 1024]);
    private final String[] files;

    public KernelTcpTable() {
        this(FILES);
    }

    KernelTcpTable(String... files) {
        this.files = files;
    }

    public static boolean available() {
        return new java.io.File(FILES[0]).canRead();
    }

    public View scan() throws IOException {
        long start = System.nanoTime();
        Parser parser = new Parser();
        for (String file : files) {
            try (InputStream in = ProcFiles.openIfExists(file)) {
                if (in != null) {
                    rows.read(in, parser);
                }
            }
        }
        return new View(parser.byRemote, parser.closeWait, parser.listening, parser.lines,
                System.nanoTime() - start, System.currentTimeMillis());
    }

    /** A connection as a number, {@code localPort << 16 | remotePort}: how {@link View#closeWait} names it. */
    public static long portPair(int localPort, int remotePort) {
        return ((long) localPort << 16) | remotePort;
    }

    /** The key {@link View#to} uses for an endpoint: IPv4 (also IPv4-mapped) as a number, IPv6 as text. */
    static Object key(InetSocketAddress remote) {
        InetAddress address = remote.getAddress();
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            long ip = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
            return (ip << 16) | remote.getPort();
        }
        if (address == null) {
            return remote.getHostString() + ":" + remote.getPort();
        }
        byte[] b = address.getAddress();
        StringBuilder hex = new StringBuilder(40);
        for (byte x : b) {
            hex.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return hex.append(':').append(remote.getPort()).toString();
    }

    /** Sums the rows up per remote endpoint. */
    private static final class Parser implements KernelRows.Visitor {
        final Map<Object, Counts> byRemote = new HashMap<>();
        final Set<Long> closeWait = new HashSet<>();
        final Set<Integer> listening = new HashSet<>();
        long lines;

        @Override
        public void row(KernelRows.Row row) {
            if (!row.isConnection()) {
                return;
            }
            lines++;
            int state = row.state();
            int localPort = row.port(KernelRows.LOCAL);
            if (state == KernelRows.LISTEN) {
                listening.add(localPort);
                return;
            }
            if (state == KernelRows.CLOSE_WAIT) {
                closeWait.add(portPair(localPort, row.port(KernelRows.REMOTE)));
            }
            Object key = row.remoteKey();
            Counts counts = byRemote.get(key);
            if (counts == null) {
                counts = new Counts();
                byRemote.put(key, counts);
            }
            if (state == KernelRows.TIME_WAIT) {
                counts.addTimeWait(1, row.timerSecondsLeft());
            } else if (state == KernelRows.ESTABLISHED) {
                counts.established++;
            } else {
                counts.other++;
            }
        }
    }
}

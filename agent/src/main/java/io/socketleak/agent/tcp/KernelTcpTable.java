package io.socketleak.agent.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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
    static final int ESTABLISHED = 0x01;
    static final int TIME_WAIT = 0x06;
    static final int CLOSE_WAIT = 0x08;
    static final int LISTEN = 0x0A;

    private static final Path[] FILES = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};

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
                if ((step + 1) * EXPIRY_STEP_SECONDS * 1000L > millis) {
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
     * @param closeWait  connections in CLOSE_WAIT, as {@code localPort << 16 | remotePort}
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

    private final byte[] buffer = new byte[64 * 1024];
    private final Path[] files;

    public KernelTcpTable() {
        this(FILES);
    }

    KernelTcpTable(Path... files) {
        this.files = files;
    }

    public static boolean available() {
        return Files.isReadable(FILES[0]);
    }

    public View scan() throws IOException {
        long start = System.nanoTime();
        Parser parser = new Parser();
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                continue;
            }
            try (InputStream in = Files.newInputStream(file)) {
                parser.parse(in, buffer);
            }
        }
        return new View(parser.byRemote, parser.closeWait, parser.listening, parser.lines,
                System.nanoTime() - start, System.currentTimeMillis());
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

    /** Line by line over raw bytes; fields: {@code sl local rem st ...}, addresses in hex. */
    private static final class Parser {
        final Map<Object, Counts> byRemote = new HashMap<>();
        final Set<Long> closeWait = new HashSet<>();
        final Set<Integer> listening = new HashSet<>();
        long lines;
        private final byte[] line = new byte[512];
        private int length;
        private boolean header = true;

        void parse(InputStream in, byte[] buffer) throws IOException {
            header = true;
            length = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte c = buffer[i];
                    if (c == '\n') {
                        endOfLine();
                    } else if (length < line.length) {
                        line[length++] = c;
                    }
                }
            }
            endOfLine();
        }

        private void endOfLine() {
            if (header) {
                header = false;
                length = 0;
                return;
            }
            if (length > 0) {
                parseLine();
            }
            length = 0;
        }

        private void parseLine() {
            int p = skipSpaces(0);
            p = skipField(p); // "sl:"
            p = skipSpaces(p);
            int localStart = p;
            p = skipField(p);
            int localEnd = p;
            p = skipSpaces(p);
            int remoteStart = p;
            p = skipField(p);
            int remoteEnd = p;
            p = skipSpaces(p);
            if (p + 2 > length || localEnd - localStart < 13 || remoteEnd - remoteStart < 13) {
                return;
            }
            lines++;
            int state = (int) hex(p, p + 2);
            int localPort = (int) hex(localEnd - 4, localEnd);
            int remotePort = (int) hex(remoteEnd - 4, remoteEnd);
            if (state == LISTEN) {
                listening.add(localPort);
                return;
            }
            if (state == CLOSE_WAIT) {
                closeWait.add(((long) localPort << 16) | remotePort);
            }
            Object key = remoteKey(remoteStart, remoteEnd - 5, remotePort);
            Counts counts = byRemote.get(key);
            if (counts == null) {
                counts = new Counts();
                byRemote.put(key, counts);
            }
            if (state == TIME_WAIT) {
                counts.addTimeWait(1, timerSecondsLeft(skipField(p)));
            } else if (state == ESTABLISHED) {
                counts.established++;
            } else {
                counts.other++;
            }
        }

        /**
         * The seconds left on the connection's timer (field {@code tr:tm->when}, after
         * {@code tx_queue:rx_queue}), which the kernel prints in clock ticks of 1/100 s. For a
         * TIME_WAIT entry, the time until it is gone. 60 when it cannot be read.
         */
        private int timerSecondsLeft(int afterState) {
            int p = skipSpaces(afterState);
            p = skipField(p); // tx_queue:rx_queue
            p = skipSpaces(p);
            int end = skipField(p);
            int colon = p;
            while (colon < end && line[colon] != ':') {
                colon++;
            }
            if (end - colon < 2 || end - colon > 17) {
                return 60;
            }
            long ticks = hex(colon + 1, end);
            return ticks < 0 ? 60 : (int) Math.min(Integer.MAX_VALUE, ticks / 100);
        }

        /** IPv4 (8 hex digits, or IPv4-mapped IPv6) as a number; other IPv6 as lower-case hex text. */
        private Object remoteKey(int start, int end, int port) {
            int digits = end - start;
            if (digits == 8) {
                return (ipv4(start) << 16) | port;
            }
            if (digits == 32 && allZero(start, start + 16) && hex(start + 16, start + 24) == 0xFFFF0000L) {
                return (ipv4(start + 24) << 16) | port;
            }
            // Four 32-bit words, each little-endian: reorder into network byte order.
            StringBuilder hex = new StringBuilder(40);
            for (int word = 0; word < 4; word++) {
                int w = start + word * 8;
                for (int b = 3; b >= 0; b--) {
                    hex.append((char) Character.toLowerCase(line[w + b * 2]))
                            .append((char) Character.toLowerCase(line[w + b * 2 + 1]));
                }
            }
            return hex.append(':').append(port).toString();
        }

        /** 8 hex digits of a little-endian IPv4 address, as the address in network order. */
        private long ipv4(int start) {
            long le = hex(start, start + 8);
            return ((le & 0xff) << 24) | ((le >> 8 & 0xff) << 16) | ((le >> 16 & 0xff) << 8) | (le >> 24 & 0xff);
        }

        private boolean allZero(int from, int to) {
            for (int i = from; i < to; i++) {
                if (line[i] != '0') {
                    return false;
                }
            }
            return true;
        }

        private long hex(int from, int to) {
            long v = 0;
            for (int i = from; i < to; i++) {
                v = (v << 4) | Character.digit(line[i], 16);
            }
            return v;
        }

        private int skipSpaces(int p) {
            while (p < length && line[p] == ' ') {
                p++;
            }
            return p;
        }

        private int skipField(int p) {
            while (p < length && line[p] != ' ') {
                p++;
            }
            return p;
        }
    }
}

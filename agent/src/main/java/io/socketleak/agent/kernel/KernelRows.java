package io.socketleak.agent.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The one reader of the kernel's socket tables: {@code /proc/net/tcp} and {@code tcp6} (and the
 * {@code unix}, {@code udp} and {@code raw} tables, whose rows start the same way). Line by line over
 * raw bytes with a reusable buffer, the header skipped: a host with 100,000 connections in TIME_WAIT
 * prints that many rows, and a row becomes strings only when a caller asks for one of its fields.
 *
 * <p>A TCP row reads {@code sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode},
 * addresses as {@code hex-ip:hex-port}: IPv4 one 32-bit word and IPv6 four, each printed in host
 * (little-endian) order; the port big-endian.
 */
final class KernelRows {
    // TCP states, as the kernel numbers them (include/net/tcp_states.h).
    static final int ESTABLISHED = 0x01;
    static final int TIME_WAIT = 0x06;
    static final int CLOSE_WAIT = 0x08;
    static final int LISTEN = 0x0A;

    // Columns of a TCP, UDP or raw row.
    static final int LOCAL = 1;
    static final int REMOTE = 2;
    static final int STATE = 3;
    static final int TIMER = 5;
    static final int INODE = 9;
    /** The inode's column in {@code /proc/net/unix}. */
    static final int UNIX_INODE = 6;

    private static final int LONGEST_LINE = 512;
    private static final int MOST_FIELDS = 10;

    /** What is done with each row. */
    interface Visitor {
        void row(Row row);
    }

    private final byte[] buffer;
    private final Row row = new Row();

    KernelRows(byte[] buffer) {
        this.buffer = buffer;
    }

    /**
     * Calls back for each row of the table.
     *
     * @return false when the table exists but could not be read; a missing one (no IPv6, say) has no rows
     */
    boolean read(String table, Visitor visitor) {
        try (InputStream in = ProcFiles.openIfExists(table)) {
            if (in != null) {
                read(in, visitor);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void read(InputStream in, Visitor visitor) throws IOException {
        // The loops over bytes (append, tokenize) make no calls, so that the JIT compiles them alone and
        // soon; this loop runs once a row, and its compilation, which takes in the visitor, comes late.
        boolean header = true;
        row.length = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            int next;
            for (int p = 0; p < n && (next = row.append(buffer, p, n)) >= 0; p = next + 1) {
                if (!header) {
                    deliver(visitor);
                }
                header = false;
                row.length = 0;
            }
        }
        if (!header) {
            deliver(visitor); // a last line without its newline
        }
    }

    private void deliver(Visitor visitor) {
        row.tokenize();
        if (row.fields > 0) {
            visitor.row(row);
        }
    }

    /** The row being read: valid only during the callback. */
    static final class Row {
        private final byte[] line = new byte[LONGEST_LINE];
        private final int[] starts = new int[MOST_FIELDS];
        private final int[] ends = new int[MOST_FIELDS];
        private int length;
        private int fields;

        /**
         * Adds {@code bytes[from, to)} up to the first newline to the line (past {@link #LONGEST_LINE},
         * the rest of a line is dropped).
         *
         * @return the newline's index, or -1 when the bytes end first
         */
        private int append(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                byte c = bytes[i];
                if (c == '\n') {
                    return i;
                }
                if (length < LONGEST_LINE) {
                    line[length++] = c;
                }
            }
            return -1;
        }

        /** Finds the line's space-separated fields, up to {@link #MOST_FIELDS}. */
        private void tokenize() {
            fields = 0;
            int p = 0;
            while (fields < MOST_FIELDS) {
                while (p < length && line[p] == ' ') {
                    p++;
                }
                if (p == length) {
                    break;
                }
                starts[fields] = p;
                while (p < length && line[p] != ' ') {
                    p++;
                }
                ends[fields++] = p;
            }
        }

        /** Whether the row has this column. */
        boolean has(int field) {
            return field < fields;
        }

        /** A TCP row with its addresses and state: a connection or a listener. */
        boolean isConnection() {
            return has(STATE) && width(LOCAL) >= 13 && width(REMOTE) >= 13 && width(STATE) >= 2;
        }

        int state() {
            return (int) hex(starts[STATE], starts[STATE] + 2);
        }

        /** The port of an address column ({@link #LOCAL} or {@link #REMOTE}). */
        int port(int field) {
            return (int) hex(ends[field] - 4, ends[field]);
        }

        /** A column in decimal (an inode), or -1 when it is not a number. */
        long decimal(int field) {
            if (!has(field) || width(field) == 0 || width(field) > 18) {
                return -1;
            }
            long value = 0;
            for (int i = starts[field]; i < ends[field]; i++) {
                byte c = line[i];
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }

        /**
         * The seconds left on the connection's timer ({@code tr:tm->when}, in clock ticks of 1/100 s):
         * for a TIME_WAIT entry, the time until it is gone. 60 when it cannot be read.
         */
        int timerSecondsLeft() {
            if (!has(TIMER)) {
                return 60;
            }
            int colon = starts[TIMER];
            while (colon < ends[TIMER] && line[colon] != ':') {
                colon++;
            }
            int digits = ends[TIMER] - colon - 1;
            if (digits < 1 || digits > 16) {
                return 60;
            }
            long ticks = hex(colon + 1, ends[TIMER]);
            return ticks < 0 ? 60 : (int) Math.min(Integer.MAX_VALUE, ticks / 100);
        }

        /**
         * The remote endpoint as a key: IPv4 (also IPv4-mapped IPv6) as the number
         * {@code address << 16 | port}, other IPv6 as lower-case hex text {@code address:port}.
         */
        Object remoteKey() {
            int start = starts[REMOTE];
            int digits = ends[REMOTE] - 5 - start;
            int port = port(REMOTE);
            if (digits == 8) {
                return (ipv4(start) << 16) | port;
            }
            if (digits == 32 && zeros(start, start + 16) && hex(start + 16, start + 24) == 0xFFFF0000L) {
                return (ipv4(start + 24) << 16) | port;
            }
            StringBuilder key = new StringBuilder(40);
            appendNetworkOrder(key, start);
            return key.append(':').append(port).toString();
        }

        /** An address column as {@code ip:port} text, IPv4-mapped IPv6 shown as IPv4, {@code *} for none. */
        String address(int field) {
            int start = starts[field];
            int digits = ends[field] - 5 - start;
            int port = port(field);
            if (port == 0 && zeros(start, start + digits)) {
                return "*"; // the unset peer of a listening socket
            }
            if (digits == 32 && zeros(start, start + 16) && hex(start + 16, start + 24) == 0xFFFF0000L) {
                start += 24;
                digits = 8;
            }
            if (digits == 8) {
                long ip = ipv4(start);
                return (ip >> 24) + "." + (ip >> 16 & 0xff) + "." + (ip >> 8 & 0xff) + "." + (ip & 0xff) + ":" + port;
            }
            StringBuilder bytes = new StringBuilder(32);
            appendNetworkOrder(bytes, start);
            StringBuilder v6 = new StringBuilder("[");
            for (int group = 0; group < 8; group++) {
                v6.append(group == 0 ? "" : ":").append(bytes, group * 4, group * 4 + 4);
            }
            return v6.append("]:").append(port).toString();
        }

        /** The state's name, as netstat and ss print it. */
        static String stateName(int state) {
            return switch (state) {
                case ESTABLISHED -> "ESTABLISHED";
                case 0x02 -> "SYN_SENT";
                case 0x03 -> "SYN_RECV";
                case 0x04 -> "FIN_WAIT1";
                case 0x05 -> "FIN_WAIT2";
                case TIME_WAIT -> "TIME_WAIT";
                case 0x07 -> "CLOSE";
                case CLOSE_WAIT -> "CLOSE_WAIT";
                case 0x09 -> "LAST_ACK";
                case LISTEN -> "LISTEN";
                case 0x0B -> "CLOSING";
                default -> "state " + String.format(Locale.ROOT, "%02X", state);
            };
        }

        /** Four little-endian 32-bit words of an IPv6 address, in network byte order, lower-case hex. */
        private void appendNetworkOrder(StringBuilder out, int start) {
            for (int word = 0; word < 4; word++) {
                int w = start + word * 8;
                for (int b = 3; b >= 0; b--) {
                    out.append((char) Character.toLowerCase(line[w + b * 2]))
                            .append((char) Character.toLowerCase(line[w + b * 2 + 1]));
                }
            }
        }

        /** 8 hex digits of a little-endian IPv4 address, as the address in network order. */
        private long ipv4(int start) {
            long le = hex(start, start + 8);
            return ((le & 0xff) << 24) | ((le >> 8 & 0xff) << 16) | ((le >> 16 & 0xff) << 8) | (le >> 24 & 0xff);
        }

        private int width(int field) {
            return ends[field] - starts[field];
        }

        private boolean zeros(int from, int to) {
            for (int i = from; i < to; i++) {
                if (line[i] != '0') {
                    return false;
                }
            }
            return true;
        }

        /** Hex digits as a number; -1 if one is not a hex digit. */
        private long hex(int from, int to) {
            long v = 0;
            for (int i = from; i < to; i++) {
                int d = Character.digit(line[i], 16);
                if (d < 0) {
                    return -1;
                }
                v = (v << 4) | d;
            }
            return v;
        }
    }
}

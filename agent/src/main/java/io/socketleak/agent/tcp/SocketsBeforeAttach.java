package io.socketleak.agent.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The TCP sockets this process had open when the agent attached to it (Linux): found through
 * {@code /proc/self/fd} (each socket is a link to {@code socket:[inode]}) and the kernel's
 * connection tables, which give addresses and state. The agent has no stack for them.
 */
public final class SocketsBeforeAttach {
    /** Listed individually in a report; the rest are only counted. */
    public static final int MAX_LISTED = 100;

    /** One socket: addresses as {@code ip:port}, and the kernel's state name. */
    public record Socket(long inode, String local, String remote, String state) {
    }

    private SocketsBeforeAttach() {
    }

    /**
     * The process's open TCP sockets now, but those the hooks track, or an empty list where /proc is
     * not there. Read once the hooks are in, so that every socket is either tracked or listed.
     *
     * @param tracked the tracked connections, as {@code Tracker.portPair(localPort, remotePort)}
     */
    public static List<Socket> read(Set<Long> tracked) {
        Map<Long, ?> inodes = openSocketInodes();
        if (inodes.isEmpty()) {
            return List.of();
        }
        List<Socket> sockets = new ArrayList<>();
        for (String table : TCP_TABLES) {
            rowsOf(table, TCP_INODE, inodes, (inode, f) -> {
                if (!tracked.contains(((long) port(f[1]) << 16) | port(f[2]))) {
                    sockets.add(new Socket(inode, address(f[1]), address(f[2]), state(f[3])));
                }
            });
        }
        return sockets;
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }

    /**
     * The descriptors of the TCP sockets open now, sorted: sockets whose options the agent may not
     * have seen set (a socket not yet bound counts as one). Null when that cannot be narrowed down:
     * /proc cannot be read (no /proc, or no descriptor left to read it with), or a socket listens, as
     * the sockets it accepts inherit its options.
     */
    public static int[] tcpDescriptorsNow() {
        Map<Long, List<Integer>> sockets = socketsByInode();
        if (sockets == null) {
            return null;
        }
        if (sockets.isEmpty()) {
            return new int[0];
        }
        Map<Long, String> tcpStates = new HashMap<>();
        for (String table : TCP_TABLES) {
            if (!rowsOf(table, TCP_INODE, sockets, (inode, f) -> tcpStates.put(inode, f[3]))) {
                return null;
            }
        }
        Set<Long> otherKinds = new HashSet<>(); // the JVM's own Unix sockets, datagram sockets
        if (tcpStates.size() < sockets.size()) {
            for (String table : new String[] {"/proc/net/unix", "/proc/net/udp", "/proc/net/udp6",
                    "/proc/net/raw", "/proc/net/raw6"}) {
                rowsOf(table, table.endsWith("unix") ? 6 : TCP_INODE, sockets, (inode, f) -> otherKinds.add(inode));
            }
        }
        List<Integer> fds = new ArrayList<>();
        for (Map.Entry<Long, List<Integer>> socket : sockets.entrySet()) {
            String state = tcpStates.get(socket.getKey());
            if (state == null && otherKinds.contains(socket.getKey())) {
                continue;
            }
            if ("0A".equals(state)) { // LISTEN
                return null;
            }
            fds.addAll(socket.getValue()); // one socket may have several descriptors (dup, inherited)
        }
        int[] tcp = fds.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(tcp);
        return tcp;
    }

    private static final String[] TCP_TABLES = {"/proc/net/tcp", "/proc/net/tcp6"};
    /** The inode's column in the TCP, UDP and raw tables. */
    private static final int TCP_INODE = 9;

    private interface Row {
        void of(long inode, String[] fields);
    }

    /**
     * Calls back with the leading fields of each row of a kernel table whose inode is one of
     * {@code ours}. Hosts with many connections in TIME_WAIT have tables of 100,000 rows and more
     * (all inode 0): rows are split by hand, and only ours are turned into strings.
     *
     * @return false when the table exists but could not be read
     */
    private static boolean rowsOf(String table, int inodeColumn, Map<Long, ?> ours, Row row) {
        String text;
        try (InputStream in = Files.newInputStream(Path.of(table))) {
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return true; // no such protocol here (IPv6 off, say): no rows
        } catch (IOException e) {
            return false;
        }
        int[] starts = new int[inodeColumn + 1];
        int[] ends = new int[inodeColumn + 1];
        int lineStart = text.indexOf('\n') + 1; // after the header
        while (lineStart > 0 && lineStart < text.length()) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = text.length();
            }
            int field = 0;
            int i = lineStart;
            while (field <= inodeColumn) {
                while (i < lineEnd && text.charAt(i) == ' ') {
                    i++;
                }
                if (i == lineEnd) {
                    break;
                }
                starts[field] = i;
                while (i < lineEnd && text.charAt(i) != ' ') {
                    i++;
                }
                ends[field++] = i;
            }
            if (field > inodeColumn) {
                long inode = digits(text, starts[inodeColumn], ends[inodeColumn]);
                if (inode > 0 && ours.containsKey(inode)) {
                    String[] fields = new String[inodeColumn + 1];
                    for (int f = 0; f <= inodeColumn; f++) {
                        fields[f] = text.substring(starts[f], ends[f]);
                    }
                    row.of(inode, fields);
                }
            }
            lineStart = lineEnd + 1;
        }
        return true;
    }

    /** A decimal number, or -1 if the text is not one. */
    private static long digits(String text, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || value > Long.MAX_VALUE / 10) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return from < to ? value : -1;
    }

    /** Of {@code before}, those still open now. */
    public static List<Socket> stillOpen(List<Socket> before) {
        if (before.isEmpty()) {
            return before;
        }
        Map<Long, ?> open = openSocketInodes();
        List<Socket> still = new ArrayList<>();
        for (Socket s : before) {
            if (open.containsKey(s.inode())) {
                still.add(s);
            }
        }
        return still;
    }

    /** The sockets the process has open, by inode; empty where that cannot be read. */
    private static Map<Long, ?> openSocketInodes() {
        Map<Long, List<Integer>> sockets = socketsByInode();
        return sockets == null ? Map.of() : sockets;
    }

    /** Each socket's inode with its descriptor numbers, or null when /proc/self/fd cannot be read. */
    private static Map<Long, List<Integer>> socketsByInode() {
        Map<Long, List<Integer>> inodes = new HashMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.computeIfAbsent(Long.parseLong(target.substring(8, target.length() - 1)),
                                k -> new ArrayList<>()).add(Integer.parseInt(fd.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return inodes;
    }

    /** The kernel's {@code hex-ip:hex-port} as {@code ip:port}; IPv4-mapped IPv6 shown as IPv4. */
    static String address(String hex) {
        int colon = hex.indexOf(':');
        String ip = hex.substring(0, colon);
        int port = Integer.parseInt(hex.substring(colon + 1), 16);
        if (port == 0 && ip.chars().allMatch(c -> c == '0')) {
            return "*"; // the unset peer of a listening socket
        }
        if (ip.length() == 32 && ip.startsWith("0000000000000000FFFF0000")) {
            ip = ip.substring(24);
        }
        if (ip.length() == 8) {
            long le = Long.parseLong(ip, 16);
            return (le & 0xff) + "." + (le >> 8 & 0xff) + "." + (le >> 16 & 0xff) + "." + (le >> 24 & 0xff) + ":" + port;
        }
        StringBuilder v6 = new StringBuilder("[");
        for (int word = 0; word < 4; word++) {
            String w = ip.substring(word * 8, word * 8 + 8);
            // each 32-bit word is printed little-endian: its bytes reversed give network order
            String bytes = w.substring(6, 8) + w.substring(4, 6) + w.substring(2, 4) + w.substring(0, 2);
            v6.append(word == 0 ? "" : ":").append(bytes, 0, 4).append(':').append(bytes, 4, 8);
        }
        return v6.append("]:").append(port).toString().toLowerCase(java.util.Locale.ROOT);
    }

    static String state(String hex) {
        return switch (hex) {
            case "01" -> "ESTABLISHED";
            case "02" -> "SYN_SENT";
            case "03" -> "SYN_RECV";
            case "04" -> "FIN_WAIT1";
            case "05" -> "FIN_WAIT2";
            case "06" -> "TIME_WAIT";
            case "07" -> "CLOSE";
            case "08" -> "CLOSE_WAIT";
            case "09" -> "LAST_ACK";
            case "0A" -> "LISTEN";
            case "0B" -> "CLOSING";
            default -> "state " + hex;
        };
    }
}

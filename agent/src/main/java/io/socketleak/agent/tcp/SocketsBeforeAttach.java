package io.socketleak.agent.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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

    /** The process's open TCP sockets now, or an empty list where /proc is not there. */
    public static List<Socket> read() {
        Map<Long, Integer> inodes = openSocketInodes();
        if (inodes.isEmpty()) {
            return List.of();
        }
        List<Socket> sockets = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : lines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !f[0].endsWith(":")) {
                    continue;
                }
                long inode;
                try {
                    inode = Long.parseLong(f[9]);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (inodes.containsKey(inode)) {
                    sockets.add(new Socket(inode, address(f[1]), address(f[2]), state(f[3])));
                }
            }
        }
        return sockets;
    }

    /**
     * The descriptors of the TCP sockets open now, sorted: sockets whose options the agent may not
     * have seen set (a socket not yet bound counts as one). Null when that cannot be narrowed down:
     * no /proc, or a listening socket, as the sockets it accepts inherit its options.
     */
    public static int[] tcpDescriptorsNow() {
        if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
            return null;
        }
        Map<Long, Integer> sockets = openSocketInodes();
        if (sockets.isEmpty()) {
            return new int[0];
        }
        Map<Long, String> tcpStates = new HashMap<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : lines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 10 && f[0].endsWith(":") && sockets.containsKey(parseInode(f[9]))) {
                    tcpStates.put(parseInode(f[9]), f[3]);
                }
            }
        }
        Set<Long> otherKinds = new HashSet<>(); // the JVM's own Unix sockets, datagram sockets
        for (String table : new String[] {"/proc/net/unix", "/proc/net/udp", "/proc/net/udp6", "/proc/net/raw",
                "/proc/net/raw6"}) {
            int column = table.endsWith("unix") ? 6 : 9;
            for (String line : lines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > column) {
                    otherKinds.add(parseInode(f[column]));
                }
            }
        }
        int[] fds = new int[sockets.size()];
        int n = 0;
        for (Map.Entry<Long, Integer> socket : sockets.entrySet()) {
            String state = tcpStates.get(socket.getKey());
            if (state == null && otherKinds.contains(socket.getKey())) {
                continue;
            }
            if ("0A".equals(state)) { // LISTEN
                return null;
            }
            fds[n++] = socket.getValue();
        }
        int[] tcp = Arrays.copyOf(fds, n);
        Arrays.sort(tcp);
        return tcp;
    }

    private static long parseInode(String field) {
        try {
            return Long.parseLong(field);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Of {@code before}, those still open now. */
    public static List<Socket> stillOpen(List<Socket> before) {
        if (before.isEmpty()) {
            return before;
        }
        Map<Long, Integer> open = openSocketInodes();
        List<Socket> still = new ArrayList<>();
        for (Socket s : before) {
            if (open.containsKey(s.inode())) {
                still.add(s);
            }
        }
        return still;
    }

    /** Inode to descriptor number, of each socket the process has open. */
    private static Map<Long, Integer> openSocketInodes() {
        Map<Long, Integer> inodes = new HashMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.put(Long.parseLong(target.substring(8, target.length() - 1)),
                                Integer.parseInt(fd.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return inodes;
    }

    private static List<String> lines(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
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

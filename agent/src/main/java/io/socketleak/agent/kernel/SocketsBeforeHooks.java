package io.socketleak.agent.kernel;

import java.io.IOException;
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
 * The TCP sockets this process had open before the agent's hooks went in (Linux): all of them after an
 * attach, or those another agent opened first. Found through {@code /proc/self/fd} (each socket is a
 * link to {@code socket:[inode]}) and the kernel's connection tables, which give addresses and
 * state. The agent has no stack for them. (Reports call them {@code openedBeforeAttach}.)
 */
public final class SocketsBeforeHooks {
    /** Listed individually in a report; the rest are only counted. */
    public static final int MAX_LISTED = 100;

    /** One socket: addresses as {@code ip:port}, and the kernel's state name. */
    public record Socket(long inode, String local, String remote, String state) {
    }

    private SocketsBeforeHooks() {
    }

    /**
     * The process's open TCP sockets now, but those the hooks track, or an empty list where /proc is
     * not there. Read once the hooks are in, so that every socket is either tracked or listed.
     *
     * @param tracked the tracked connections, as {@link KernelTcpTable#portPair} keys
     */
    public static List<Socket> read(Set<Long> tracked) {
        Map<Long, ?> inodes = openSocketInodes();
        if (inodes.isEmpty()) {
            return List.of();
        }
        List<Socket> sockets = new ArrayList<>();
        KernelRows rows = new KernelRows(new byte[READ_BUFFER]);
        for (String table : TCP_TABLES) {
            rows.read(table, row -> {
                long inode = row.decimal(KernelRows.INODE);
                if (row.isConnection() && inodes.containsKey(inode) && !tracked.contains(
                        KernelTcpTable.portPair(row.port(KernelRows.LOCAL), row.port(KernelRows.REMOTE)))) {
                    sockets.add(new Socket(inode, row.address(KernelRows.LOCAL), row.address(KernelRows.REMOTE),
                            KernelRows.Row.stateName(row.state())));
                }
            });
        }
        return sockets;
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
        Map<Long, Integer> tcpStates = new HashMap<>();
        KernelRows rows = new KernelRows(new byte[READ_BUFFER]);
        for (String table : TCP_TABLES) {
            boolean read = rows.read(table, row -> {
                long inode = row.decimal(KernelRows.INODE);
                if (row.isConnection() && sockets.containsKey(inode)) {
                    tcpStates.put(inode, row.state());
                }
            });
            if (!read) {
                return null;
            }
        }
        Set<Long> otherKinds = new HashSet<>(); // the JVM's own Unix sockets, datagram sockets
        if (tcpStates.size() < sockets.size()) {
            for (String table : OTHER_TABLES) {
                int column = table.endsWith("unix") ? KernelRows.UNIX_INODE : KernelRows.INODE;
                rows.read(table, row -> {
                    long inode = row.decimal(column);
                    if (sockets.containsKey(inode)) {
                        otherKinds.add(inode);
                    }
                });
            }
        }
        List<Integer> fds = new ArrayList<>();
        for (Map.Entry<Long, List<Integer>> socket : sockets.entrySet()) {
            Integer state = tcpStates.get(socket.getKey());
            if (state == null && otherKinds.contains(socket.getKey())) {
                continue;
            }
            if (state != null && state == KernelRows.LISTEN) {
                return null;
            }
            fds.addAll(socket.getValue()); // one socket may have several descriptors (dup, inherited)
        }
        int[] tcp = fds.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(tcp);
        return tcp;
    }

    private static final String[] TCP_TABLES = {"/proc/net/tcp", "/proc/net/tcp6"};
    private static final String[] OTHER_TABLES = {"/proc/net/unix", "/proc/net/udp", "/proc/net/udp6",
        "/proc/net/raw", "/proc/net/raw6"};
    private static final int READ_BUFFER = 64 * 1024;

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
}

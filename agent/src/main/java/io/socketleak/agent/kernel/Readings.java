package io.socketleak.agent.kernel;

import io.socketleak.agent.config.PortRange;
import java.time.Duration;
import java.util.List;

/**
 * The last good readings of the system: the TCP settings, the kernel's table of connections, this
 * process's descriptors and the sockets that were open before the hooks. Refreshed by the agent's
 * thread (and by a report, for the descriptors and the sockets from before), read by reports and the
 * budget watch; each is kept from its last good refresh, so that a report can be made when the process
 * has no descriptor left to read them again.
 */
public final class Readings {
    private final PortRange portRange;
    private final Duration timeWait;
    private volatile TcpSettings tcp;
    private volatile KernelTcpTable.View kernel;
    private volatile FileDescriptors fileDescriptors = new FileDescriptors(-1, -1);
    private volatile List<SocketsBeforeHooks.Socket> beforeHooks;

    /**
     * @param tcp       the TCP settings as read at start; refreshed later with the same overrides
     * @param portRange the {@code portRange=} override, or null
     * @param timeWait  the {@code timeWait=} override, or null
     */
    public Readings(TcpSettings tcp, PortRange portRange, Duration timeWait) {
        this.tcp = tcp;
        this.portRange = portRange;
        this.timeWait = timeWait;
    }

    public void refreshTcpSettings() {
        tcp = TcpSettings.read(portRange, timeWait);
    }

    public TcpSettings tcpSettings() {
        return tcp;
    }

    public void kernelView(KernelTcpTable.View view) {
        kernel = view;
    }

    /** The latest reading of the kernel's table, or null before the first (or off Linux). */
    public KernelTcpTable.View kernelView() {
        return kernel;
    }

    /** Reads the descriptor counts, keeping the last good reading when the read itself fails. */
    public FileDescriptors readFileDescriptors() {
        FileDescriptors now = FileDescriptors.read();
        if (now.open() >= 0) {
            // The limit needs a descriptor to read it: at the limit, the last one read stands.
            fileDescriptors = now.max() >= 0 ? now : new FileDescriptors(now.open(), fileDescriptors.max());
        }
        return fileDescriptors;
    }

    /** The last good descriptor counts, without reading them again. */
    public FileDescriptors lastFileDescriptors() {
        return fileDescriptors;
    }

    /** The sockets open before the hooks went in (after an attach, say), to list until they close. */
    public void socketsBeforeHooks(List<SocketsBeforeHooks.Socket> sockets) {
        beforeHooks = sockets;
    }

    /** Those of the sockets open before the hooks that are still open, read again; null if none were listed. */
    public List<SocketsBeforeHooks.Socket> refreshSocketsBeforeHooks() {
        List<SocketsBeforeHooks.Socket> before = beforeHooks;
        if (before != null && !before.isEmpty()) {
            before = SocketsBeforeHooks.stillOpen(before);
            beforeHooks = before;
        }
        return before;
    }

    /** The sockets open before the hooks as last listed, without reading them again. */
    public List<SocketsBeforeHooks.Socket> lastSocketsBeforeHooks() {
        return beforeHooks;
    }
}

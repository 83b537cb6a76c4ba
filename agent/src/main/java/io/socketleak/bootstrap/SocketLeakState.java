package io.socketleak.bootstrap;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;

/**
 * Reads the state of the JDK's socket implementations: {@code sun.nio.ch.NioSocketImpl} (behind every
 * {@code java.net.Socket}) and {@code sun.nio.ch.SocketChannelImpl}.
 *
 * <p>Defined into {@code java.base} with the door ({@link SocketLeakEvents}), so it reads the socket
 * classes' private fields with that module's own rights: nothing is opened to any other module for
 * it. A field or method missing on some JDK leaves its handle null and the reading falls back to
 * "unknown"; nothing here throws.
 */
public final class SocketLeakState {
    // NioSocketImpl states (same on JDK 17 to 25).
    private static final int IMPL_CONNECTED = 3;
    // SocketChannelImpl states.
    private static final int CHANNEL_CONNECTED = 2;

    private static final Class<?> IMPL = load("sun.nio.ch.NioSocketImpl");
    private static final Class<?> CHANNEL = load("sun.nio.ch.SocketChannelImpl");
    private static final Class<?> NET = load("sun.nio.ch.Net");

    private static final VarHandle IMPL_STATE = field(IMPL, "state", int.class);
    private static final VarHandle IMPL_SERVER = field(IMPL, "server", boolean.class);
    private static final VarHandle IMPL_STREAM = field(IMPL, "stream", boolean.class); // JDK 17 only
    private static final VarHandle IMPL_READ_EOF = field(IMPL, "readEOF", boolean.class);
    private static final VarHandle IMPL_RESET = field(IMPL, "connectionReset", boolean.class);
    private static final VarHandle IMPL_INPUT_CLOSED = field(IMPL, "isInputClosed", boolean.class);
    private static final VarHandle IMPL_OUTPUT_CLOSED = field(IMPL, "isOutputClosed", boolean.class);
    private static final VarHandle IMPL_FD = field(SocketImpl.class, "fd", FileDescriptor.class);
    private static final VarHandle IMPL_ADDRESS = field(SocketImpl.class, "address", InetAddress.class);
    private static final VarHandle IMPL_PORT = field(SocketImpl.class, "port", int.class);
    private static final VarHandle IMPL_LOCAL_PORT = field(SocketImpl.class, "localport", int.class);

    private static final VarHandle CHANNEL_STATE = field(CHANNEL, "state", int.class);
    private static final VarHandle CHANNEL_FAMILY = field(CHANNEL, "family", ProtocolFamily.class);
    private static final VarHandle CHANNEL_FD = field(CHANNEL, "fd", FileDescriptor.class);
    private static final VarHandle CHANNEL_REMOTE = field(CHANNEL, "remoteAddress", SocketAddress.class);
    private static final VarHandle CHANNEL_LOCAL = field(CHANNEL, "localAddress", SocketAddress.class);
    private static final VarHandle CHANNEL_RESET = field(CHANNEL, "connectionReset", boolean.class);
    private static final VarHandle CHANNEL_INPUT_CLOSED = field(CHANNEL, "isInputClosed", boolean.class);
    private static final VarHandle CHANNEL_OUTPUT_CLOSED = field(CHANNEL, "isOutputClosed", boolean.class);

    private static final MethodHandle POLL = method(NET, "poll", MethodType.methodType(int.class,
            FileDescriptor.class, int.class, long.class));
    private static final MethodHandle AVAILABLE = method(NET, "available", MethodType.methodType(int.class,
            FileDescriptor.class));
    private static final MethodHandle GET_OPTION = method(NET, "getSocketOption", MethodType.methodType(
            Object.class, FileDescriptor.class, SocketOption.class));
    private static final MethodHandle FD_VAL = method(load("sun.nio.ch.IOUtil"), "fdVal",
            MethodType.methodType(int.class, FileDescriptor.class));
    private static final int POLLIN = pollConstant("POLLIN");
    private static final int POLLERR = pollConstant("POLLERR");

    /** {@link #pendingInput} when nothing is waiting to be read. */
    public static final int NOTHING_PENDING = -1;
    /** {@link #pendingInput} when the peer's FIN is waiting, unread. */
    public static final int FIN_PENDING = 0;
    /** {@link #pendingInput} when an error (an RST from the peer) is waiting. */
    public static final int ERROR_PENDING = -2;

    private SocketLeakState() {
    }

    /** Whether every handle the agent relies on was found on this JDK; lists the missing ones. */
    public static String missingHandles() {
        StringBuilder missing = new StringBuilder();
        Object[][] all = {
            {"NioSocketImpl.state", IMPL_STATE}, {"NioSocketImpl.server", IMPL_SERVER},
            {"NioSocketImpl.readEOF", IMPL_READ_EOF}, {"NioSocketImpl.connectionReset", IMPL_RESET},
            {"NioSocketImpl.isInputClosed", IMPL_INPUT_CLOSED}, {"NioSocketImpl.isOutputClosed", IMPL_OUTPUT_CLOSED},
            {"SocketImpl.fd", IMPL_FD}, {"SocketImpl.address", IMPL_ADDRESS}, {"SocketImpl.port", IMPL_PORT},
            {"SocketImpl.localport", IMPL_LOCAL_PORT}, {"SocketChannelImpl.state", CHANNEL_STATE},
            {"SocketChannelImpl.family", CHANNEL_FAMILY}, {"SocketChannelImpl.fd", CHANNEL_FD},
            {"SocketChannelImpl.remoteAddress", CHANNEL_REMOTE}, {"SocketChannelImpl.localAddress", CHANNEL_LOCAL},
            {"SocketChannelImpl.connectionReset", CHANNEL_RESET},
            {"SocketChannelImpl.isInputClosed", CHANNEL_INPUT_CLOSED},
            {"SocketChannelImpl.isOutputClosed", CHANNEL_OUTPUT_CLOSED},
            {"Net.poll", POLL}, {"Net.available", AVAILABLE}, {"Net.getSocketOption", GET_OPTION},
            {"IOUtil.fdVal", FD_VAL},
        };
        for (Object[] entry : all) {
            if (entry[1] == null) {
                missing.append(missing.length() == 0 ? "" : ", ").append(entry[0]);
            }
        }
        if (POLLIN == 0) {
            missing.append(missing.length() == 0 ? "" : ", ").append("Net.POLLIN");
        }
        return missing.toString();
    }

    public static boolean isSocketImpl(Object socket) {
        return IMPL != null && IMPL.isInstance(socket);
    }

    public static boolean isChannel(Object socket) {
        return CHANNEL != null && CHANNEL.isInstance(socket);
    }

    /** A connected TCP socket or channel (not UNIX-domain, not UDP, not listening). */
    public static boolean isConnectedTcp(Object socket) {
        if (isSocketImpl(socket)) {
            return IMPL_STATE != null && (int) IMPL_STATE.getVolatile(socket) == IMPL_CONNECTED
                    && !isListener(socket)
                    && (IMPL_STREAM == null || (boolean) IMPL_STREAM.get(socket));
        }
        if (isChannel(socket)) {
            return CHANNEL_STATE != null && (int) CHANNEL_STATE.getVolatile(socket) == CHANNEL_CONNECTED
                    && CHANNEL_FAMILY != null && CHANNEL_FAMILY.get(socket) != StandardProtocolFamily.UNIX;
        }
        return false;
    }

    /** The impl of a {@code ServerSocket}. */
    public static boolean isListener(Object socket) {
        return isSocketImpl(socket) && IMPL_SERVER != null && (boolean) IMPL_SERVER.get(socket);
    }

    public static InetSocketAddress remote(Object socket) {
        if (isSocketImpl(socket)) {
            InetAddress address = IMPL_ADDRESS == null ? null : (InetAddress) IMPL_ADDRESS.get(socket);
            int port = IMPL_PORT == null ? 0 : (int) IMPL_PORT.get(socket);
            return address == null ? null : new InetSocketAddress(address, port);
        }
        if (isChannel(socket) && CHANNEL_REMOTE != null) {
            return CHANNEL_REMOTE.get(socket) instanceof InetSocketAddress isa ? isa : null;
        }
        return null;
    }

    public static int localPort(Object socket) {
        if (isSocketImpl(socket)) {
            return IMPL_LOCAL_PORT == null ? 0 : (int) IMPL_LOCAL_PORT.get(socket);
        }
        if (isChannel(socket) && CHANNEL_LOCAL != null) {
            return CHANNEL_LOCAL.get(socket) instanceof InetSocketAddress isa ? isa.getPort() : 0;
        }
        return 0;
    }

    /** The application shut down its own input: a read's end-of-stream then says nothing about the peer. */
    public static boolean inputShutDown(Object socket) {
        return flag(socket, IMPL_INPUT_CLOSED, CHANNEL_INPUT_CLOSED);
    }

    public static boolean outputShutDown(Object socket) {
        return flag(socket, IMPL_OUTPUT_CLOSED, CHANNEL_OUTPUT_CLOSED);
    }

    public static boolean resetByPeer(Object socket) {
        return flag(socket, IMPL_RESET, CHANNEL_RESET);
    }

    /** The JDK already read end-of-stream on this socket (NioSocketImpl only keeps this). */
    public static boolean endOfStreamRead(Object socket) {
        return isSocketImpl(socket) && IMPL_READ_EOF != null && (boolean) IMPL_READ_EOF.get(socket);
    }

    /** The socket's descriptor number, or -1 when closed or unknown. */
    public static int descriptor(Object socket) {
        FileDescriptor fd = fd(socket);
        if (fd == null || FD_VAL == null) {
            return -1;
        }
        try {
            return (int) FD_VAL.invokeExact(fd);
        } catch (Throwable e) {
            return -1;
        }
    }

    /** SO_LINGER in seconds, -1 when off or unknown. */
    public static int lingerSeconds(Object socket) {
        FileDescriptor fd = fd(socket);
        if (fd == null || GET_OPTION == null) {
            return -1;
        }
        try {
            Object value = GET_OPTION.invokeExact(fd, (SocketOption<?>) StandardSocketOptions.SO_LINGER);
            return value instanceof Integer seconds ? seconds : -1;
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * What waits in the receive queue, without reading it: a count of unread bytes (&gt; 0),
     * {@link #FIN_PENDING}, {@link #ERROR_PENDING} or {@link #NOTHING_PENDING}.
     */
    public static int pendingInput(Object socket) {
        FileDescriptor fd = fd(socket);
        if (fd == null || POLL == null || AVAILABLE == null || POLLIN == 0) {
            return NOTHING_PENDING;
        }
        try {
            int events = (int) POLL.invokeExact(fd, POLLIN, 0L);
            if ((events & POLLERR) != 0) {
                return ERROR_PENDING;
            }
            if ((events & POLLIN) == 0) {
                return NOTHING_PENDING;
            }
            int available = (int) AVAILABLE.invokeExact(fd);
            return available > 0 ? available : FIN_PENDING;
        } catch (Throwable e) {
            return NOTHING_PENDING;
        }
    }

    private static FileDescriptor fd(Object socket) {
        if (isSocketImpl(socket)) {
            return IMPL_FD == null ? null : (FileDescriptor) IMPL_FD.get(socket);
        }
        if (isChannel(socket)) {
            return CHANNEL_FD == null ? null : (FileDescriptor) CHANNEL_FD.get(socket);
        }
        return null;
    }

    private static boolean flag(Object socket, VarHandle ofImpl, VarHandle ofChannel) {
        if (isSocketImpl(socket)) {
            return ofImpl != null && (boolean) ofImpl.get(socket);
        }
        if (isChannel(socket)) {
            return ofChannel != null && (boolean) ofChannel.get(socket);
        }
        return false;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, null);
        } catch (Throwable e) {
            return null;
        }
    }

    private static VarHandle field(Class<?> owner, String name, Class<?> type) {
        if (owner == null) {
            return null;
        }
        try {
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
        } catch (Throwable e) {
            return null;
        }
    }

    private static MethodHandle method(Class<?> owner, String name, MethodType type) {
        if (owner == null) {
            return null;
        }
        try {
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findStatic(owner, name, type);
        } catch (Throwable e) {
            return null;
        }
    }

    private static int pollConstant(String name) {
        if (NET == null) {
            return 0;
        }
        try {
            return (short) MethodHandles.privateLookupIn(NET, MethodHandles.lookup())
                    .findStaticVarHandle(NET, name, short.class).get();
        } catch (Throwable e) {
            return 0;
        }
    }
}

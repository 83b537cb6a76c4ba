package io.socketleak.bootstrap;

import java.io.FileDescriptor;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import jdk.internal.misc.Unsafe;

/**
 * Reads the state of the JDK's socket implementations: {@code sun.nio.ch.NioSocketImpl} (behind every
 * {@code java.net.Socket}), {@code sun.nio.ch.SocketChannelImpl} and
 * {@code sun.nio.ch.AsynchronousSocketChannelImpl}.
 *
 * <p>Defined into {@code java.base} with the door ({@link SocketLeakEvents}), so it reads the socket
 * classes' private fields with that module's own rights: nothing is opened to any other module for
 * it. Fields are read with the JDK's internal {@code Unsafe}, as {@code java.base} reads its own:
 * method and variable handles would each be linked at first use, a start-up cost every JVM would
 * pay. A field or method missing on some JDK leaves its offset at -1 (or its handle null) and the
 * reading falls back to "unknown"; nothing here throws.
 */
public final class SocketLeakState {
    // NioSocketImpl states (same on JDK 17 to 25).
    private static final int IMPL_CONNECTED = 3;
    // SocketChannelImpl states; AsynchronousSocketChannelImpl's ST_CONNECTED is the same.
    private static final int CHANNEL_CONNECTED = 2;
    private static final long MISSING = -1;

    private static final Unsafe U = Unsafe.getUnsafe();

    private static final Class<?> IMPL = load("sun.nio.ch.NioSocketImpl");
    private static final Class<?> CHANNEL = load("sun.nio.ch.SocketChannelImpl");
    /** Looked up, not loaded: a JVM that never uses an asynchronous channel does not load its classes. */
    private static final String ASYNC_NAME = "sun.nio.ch.AsynchronousSocketChannelImpl";

    private static final long IMPL_STATE = offset(IMPL, "state", int.class);
    private static final long IMPL_SERVER = offset(IMPL, "server", boolean.class);
    private static final long IMPL_STREAM = offset(IMPL, "stream", boolean.class); // JDK 17 only
    private static final long IMPL_READ_EOF = offset(IMPL, "readEOF", boolean.class);
    private static final long IMPL_RESET = offset(IMPL, "connectionReset", boolean.class);
    private static final long IMPL_INPUT_CLOSED = offset(IMPL, "isInputClosed", boolean.class);
    private static final long IMPL_OUTPUT_CLOSED = offset(IMPL, "isOutputClosed", boolean.class);
    private static final long IMPL_FD = offset(SocketImpl.class, "fd", FileDescriptor.class);
    private static final long IMPL_ADDRESS = offset(SocketImpl.class, "address", InetAddress.class);
    private static final long IMPL_PORT = offset(SocketImpl.class, "port", int.class);
    private static final long IMPL_LOCAL_PORT = offset(SocketImpl.class, "localport", int.class);

    private static final long CHANNEL_STATE = offset(CHANNEL, "state", int.class);
    private static final long CHANNEL_FAMILY = offset(CHANNEL, "family", ProtocolFamily.class);
    private static final long CHANNEL_FD = offset(CHANNEL, "fd", FileDescriptor.class);
    private static final long CHANNEL_REMOTE = offset(CHANNEL, "remoteAddress", SocketAddress.class);
    private static final long CHANNEL_LOCAL = offset(CHANNEL, "localAddress", SocketAddress.class);
    private static final long CHANNEL_RESET = offset(CHANNEL, "connectionReset", boolean.class);
    private static final long CHANNEL_INPUT_CLOSED = offset(CHANNEL, "isInputClosed", boolean.class);
    private static final long CHANNEL_OUTPUT_CLOSED = offset(CHANNEL, "isOutputClosed", boolean.class);
    private static final long FD_NUMBER = offset(FileDescriptor.class, "fd", int.class);

    /** The asynchronous channel's class and fields, read once it has loaded (see {@link #async}). */
    private static volatile Class<?> asyncType;
    private static long asyncState = MISSING;
    private static long asyncFd = MISSING;
    private static long asyncRemote = MISSING;
    private static long asyncLocal = MISSING;
    private static long asyncInputShut = MISSING;
    private static long asyncOutputShut = MISSING;

    private static final int POLLIN;
    private static final int POLLERR;
    /** Whether the JDK's {@code sun.nio.ch.Net} has the methods the bridge calls (see {@link Net}). */
    private static final boolean NET_LINKED;

    static {
        int in = 0;
        int err = 0;
        boolean linked;
        try {
            in = Net.pollinValue();
            err = Net.pollerrValue();
            // Each call links its method or throws a LinkageError; on no descriptor, each returns at once.
            FileDescriptor none = new FileDescriptor();
            Net.poll(none, 0, 0);
            callOnNoDescriptor(none);
            linked = in != 0;
        } catch (Throwable e) {
            linked = false;
        }
        POLLIN = in;
        POLLERR = err;
        NET_LINKED = linked;
    }

    /** {@link #pendingInput} when nothing is waiting to be read. */
    public static final int NOTHING_PENDING = -1;
    /** {@link #pendingInput} when the peer's FIN is waiting, unread. */
    public static final int FIN_PENDING = 0;
    /** {@link #pendingInput} when an error (an RST from the peer) is waiting. */
    public static final int ERROR_PENDING = -2;

    private SocketLeakState() {
    }

    /** Whether every field and method the agent relies on was found on this JDK; lists the missing ones. */
    public static String missingHandles() {
        StringBuilder missing = new StringBuilder();
        String[] names = {
            "NioSocketImpl.state", "NioSocketImpl.server", "NioSocketImpl.readEOF", "NioSocketImpl.connectionReset",
            "NioSocketImpl.isInputClosed", "NioSocketImpl.isOutputClosed", "SocketImpl.fd", "SocketImpl.address",
            "SocketImpl.port", "SocketImpl.localport", "SocketChannelImpl.state", "SocketChannelImpl.family",
            "SocketChannelImpl.fd", "SocketChannelImpl.remoteAddress", "SocketChannelImpl.localAddress",
            "SocketChannelImpl.connectionReset", "SocketChannelImpl.isInputClosed",
            "SocketChannelImpl.isOutputClosed", "FileDescriptor.fd",
        };
        long[] offsets = {
            IMPL_STATE, IMPL_SERVER, IMPL_READ_EOF, IMPL_RESET, IMPL_INPUT_CLOSED, IMPL_OUTPUT_CLOSED, IMPL_FD,
            IMPL_ADDRESS, IMPL_PORT, IMPL_LOCAL_PORT, CHANNEL_STATE, CHANNEL_FAMILY, CHANNEL_FD, CHANNEL_REMOTE,
            CHANNEL_LOCAL, CHANNEL_RESET, CHANNEL_INPUT_CLOSED, CHANNEL_OUTPUT_CLOSED, FD_NUMBER,
        };
        for (int i = 0; i < names.length; i++) {
            if (offsets[i] == MISSING) {
                missing.append(missing.length() == 0 ? "" : ", ").append(names[i]);
            }
        }
        if (!NET_LINKED) {
            missing.append(missing.length() == 0 ? "" : ", ").append("Net.poll, Net.available, Net.getSocketOption");
        }
        return missing.toString();
    }

    public static boolean isSocketImpl(Object socket) {
        return IMPL != null && IMPL.isInstance(socket);
    }

    public static boolean isChannel(Object socket) {
        return CHANNEL != null && CHANNEL.isInstance(socket);
    }

    /** An {@code AsynchronousSocketChannel} (not its server). */
    public static boolean isAsynchronous(Object socket) {
        Class<?> type = async(socket);
        return type != null && type.isInstance(socket);
    }

    /**
     * The asynchronous channel class, once a socket of it shows up: its hooks only run once it has
     * loaded, and then its fields are read here, on first sight.
     */
    private static Class<?> async(Object socket) {
        Class<?> type = asyncType;
        if (type != null || socket == null || isSocketImpl(socket) || isChannel(socket)) {
            return type;
        }
        for (Class<?> c = socket.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(ASYNC_NAME)) {
                synchronized (SocketLeakState.class) {
                    asyncState = offset(c, "state", int.class);
                    asyncFd = offset(c, "fd", FileDescriptor.class);
                    asyncRemote = offset(c, "remoteAddress", InetSocketAddress.class);
                    asyncLocal = offset(c, "localAddress", InetSocketAddress.class);
                    asyncInputShut = offset(c, "readShutdown", boolean.class);
                    asyncOutputShut = offset(c, "writeShutdown", boolean.class);
                    asyncType = c; // last: the offsets are published with it
                }
                return c;
            }
        }
        return null;
    }

    /** A connected TCP socket or channel (not UNIX-domain, not UDP, not listening). */
    public static boolean isConnectedTcp(Object socket) {
        if (isSocketImpl(socket)) {
            return IMPL_STATE != MISSING && U.getIntVolatile(socket, IMPL_STATE) == IMPL_CONNECTED
                    && !isListener(socket)
                    && (IMPL_STREAM == MISSING || U.getBoolean(socket, IMPL_STREAM));
        }
        if (isChannel(socket)) {
            return CHANNEL_STATE != MISSING && U.getIntVolatile(socket, CHANNEL_STATE) == CHANNEL_CONNECTED
                    && CHANNEL_FAMILY != MISSING && U.getReference(socket, CHANNEL_FAMILY) != StandardProtocolFamily.UNIX;
        }
        if (isAsynchronous(socket)) {
            return asyncState != MISSING && U.getIntVolatile(socket, asyncState) == CHANNEL_CONNECTED;
        }
        return false;
    }

    /** The impl of a {@code ServerSocket}. */
    public static boolean isListener(Object socket) {
        return isSocketImpl(socket) && IMPL_SERVER != MISSING && U.getBoolean(socket, IMPL_SERVER);
    }

    public static InetSocketAddress remote(Object socket) {
        if (isSocketImpl(socket)) {
            Object address = IMPL_ADDRESS == MISSING ? null : U.getReference(socket, IMPL_ADDRESS);
            int port = IMPL_PORT == MISSING ? 0 : U.getInt(socket, IMPL_PORT);
            return address instanceof InetAddress ip ? new InetSocketAddress(ip, port) : null;
        }
        if (isChannel(socket) && CHANNEL_REMOTE != MISSING) {
            return U.getReference(socket, CHANNEL_REMOTE) instanceof InetSocketAddress isa ? isa : null;
        }
        if (isAsynchronous(socket) && asyncRemote != MISSING) {
            return U.getReferenceVolatile(socket, asyncRemote) instanceof InetSocketAddress isa ? isa : null;
        }
        return null;
    }

    public static int localPort(Object socket) {
        if (isSocketImpl(socket)) {
            return IMPL_LOCAL_PORT == MISSING ? 0 : U.getInt(socket, IMPL_LOCAL_PORT);
        }
        if (isChannel(socket) && CHANNEL_LOCAL != MISSING) {
            return U.getReference(socket, CHANNEL_LOCAL) instanceof InetSocketAddress isa ? isa.getPort() : 0;
        }
        if (isAsynchronous(socket) && asyncLocal != MISSING) {
            return U.getReferenceVolatile(socket, asyncLocal) instanceof InetSocketAddress isa ? isa.getPort() : 0;
        }
        return 0;
    }

    /** The application shut down its own input: a read's end-of-stream then says nothing about the peer. */
    public static boolean inputShutDown(Object socket) {
        return flag(socket, IMPL_INPUT_CLOSED, CHANNEL_INPUT_CLOSED, true);
    }

    public static boolean outputShutDown(Object socket) {
        return flag(socket, IMPL_OUTPUT_CLOSED, CHANNEL_OUTPUT_CLOSED, false);
    }

    /** A reset the JDK saw on a read (the asynchronous channel keeps no such flag: the kernel's poll tells). */
    public static boolean resetByPeer(Object socket) {
        return flag(socket, IMPL_RESET, CHANNEL_RESET, null);
    }

    /** The JDK already read end-of-stream on this socket (NioSocketImpl only keeps this). */
    public static boolean endOfStreamRead(Object socket) {
        return isSocketImpl(socket) && IMPL_READ_EOF != MISSING && U.getBoolean(socket, IMPL_READ_EOF);
    }

    /** The socket's descriptor number, or -1 when closed or unknown. */
    public static int descriptor(Object socket) {
        FileDescriptor fd = fd(socket);
        return fd == null || FD_NUMBER == MISSING ? -1 : U.getInt(fd, FD_NUMBER);
    }

    /** SO_LINGER in seconds, -1 when off or unknown. */
    public static int lingerSeconds(Object socket) {
        FileDescriptor fd = fd(socket);
        if (fd == null || !NET_LINKED) {
            return -1;
        }
        try {
            Object value = Net.getSocketOption(fd, StandardSocketOptions.SO_LINGER);
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
        if (fd == null || !NET_LINKED) {
            return NOTHING_PENDING;
        }
        try {
            int events = Net.poll(fd, POLLIN, 0L);
            if ((events & POLLERR) != 0) {
                return ERROR_PENDING;
            }
            if ((events & POLLIN) == 0) {
                return NOTHING_PENDING;
            }
            int available = Net.available(fd);
            return available > 0 ? available : FIN_PENDING;
        } catch (Throwable e) {
            return NOTHING_PENDING;
        }
    }

    private static FileDescriptor fd(Object socket) {
        Object fd = null;
        if (isSocketImpl(socket)) {
            fd = IMPL_FD == MISSING ? null : U.getReference(socket, IMPL_FD);
        } else if (isChannel(socket)) {
            fd = CHANNEL_FD == MISSING ? null : U.getReference(socket, CHANNEL_FD);
        } else if (isAsynchronous(socket)) {
            fd = asyncFd == MISSING ? null : U.getReference(socket, asyncFd);
        }
        return fd instanceof FileDescriptor descriptor ? descriptor : null;
    }

    /** @param asyncInput for an asynchronous channel: its input (true) or output (false) flag, or null for none */
    private static boolean flag(Object socket, long ofImpl, long ofChannel, Boolean asyncInput) {
        if (isSocketImpl(socket)) {
            return ofImpl != MISSING && U.getBoolean(socket, ofImpl);
        }
        if (isChannel(socket)) {
            return ofChannel != MISSING && U.getBoolean(socket, ofChannel);
        }
        if (asyncInput != null && isAsynchronous(socket)) { // its offsets are read after the type, published last
            long offset = asyncInput ? asyncInputShut : asyncOutputShut;
            return offset != MISSING && U.getBoolean(socket, offset);
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

    /** A field's offset, or {@link #MISSING} when this JDK has no such field of that type. */
    private static long offset(Class<?> owner, String name, Class<?> type) {
        if (owner == null) {
            return MISSING;
        }
        try {
            Field field = owner.getDeclaredField(name);
            return field.getType() == type ? U.objectFieldOffset(field) : MISSING;
        } catch (Throwable e) {
            return MISSING;
        }
    }

    private static void callOnNoDescriptor(FileDescriptor none) {
        try {
            Net.available(none);
        } catch (java.io.IOException expected) {
            // a bad descriptor: the method is there
        }
        try {
            Net.getSocketOption(none, StandardSocketOptions.SO_LINGER);
        } catch (java.io.IOException expected) {
            // the same
        }
    }
}

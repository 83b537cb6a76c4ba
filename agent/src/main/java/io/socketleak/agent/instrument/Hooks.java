package io.socketleak.agent.instrument;

import java.util.ArrayList;
import java.util.List;

/**
 * Every hook the agent installs in the JDK, in one table ({@link #ALL}, installed at start, and
 * {@link #ON_FIRST_LOAD}); the libraries' are {@link HandOffs}. The same on JDK 17 to 25;
 * {@link HookStatus} records whether each one found its method on the running JDK.
 */
public final class Hooks {
    public static final String SOCKET_IMPL = "sun.nio.ch.NioSocketImpl";
    public static final String CHANNEL = "sun.nio.ch.SocketChannelImpl";
    public static final String SERVER_CHANNEL = "sun.nio.ch.ServerSocketChannelImpl";
    public static final String NET = "sun.nio.ch.Net";
    public static final String MANAGEMENT = "java.lang.management.ManagementFactory";
    private static final String ASYNC_BASE = "sun.nio.ch.AsynchronousSocketChannelImpl";
    private static final String ASYNC_CHANNEL = "sun.nio.ch.UnixAsynchronousSocketChannelImpl";
    private static final String ASYNC_SERVER_BASE = "sun.nio.ch.AsynchronousServerSocketChannelImpl";
    private static final String ASYNC_SERVER = "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl";
    private static final String SOCKET_ADDRESS = "Ljava/net/SocketAddress;";

    /**
     * Every SO_LINGER set passes here (Socket, SocketChannel, their server sockets): until one does, a
     * close can leave SO_LINGER unread. Without both, every close reads it.
     */
    public static final List<Hook> LINGER_SETS = List.of(
            new Hook(Hook.LINGER_SET, NET, "setSocketOption",
                    "(Ljava/io/FileDescriptor;Ljava/net/SocketOption;Ljava/lang/Object;)", Advice.OPTION_SET),
            new Hook(Hook.LINGER_SET, NET, "setSocketOption",
                    "(Ljava/io/FileDescriptor;Ljava/net/ProtocolFamily;Ljava/net/SocketOption;Ljava/lang/Object;)",
                    Advice.OPTION_SET_WITH_FAMILY));

    public static final List<Hook> ALL = withLingerSets(
            // java.net.Socket (plain and SSL): every Socket, client or accepted, sits on a NioSocketImpl.
            new Hook("connected", SOCKET_IMPL, "connect", "(" + SOCKET_ADDRESS + "I)", Advice.CONNECTED),
            new Hook("accepted", SOCKET_IMPL, "accept", "(Ljava/net/SocketImpl;)", Advice.ACCEPTED_INTO_ARGUMENT),
            new Hook("bind failed", SOCKET_IMPL, "bind", "(Ljava/net/InetAddress;I)", Advice.FAILURE),
            new Hook("listening", SOCKET_IMPL, "listen", "(I)", Advice.LISTENING),
            new Hook("output shut down", SOCKET_IMPL, "shutdownOutput", "()", Advice.OUTPUT_SHUT_DOWN),
            new Hook("input shutting down", SOCKET_IMPL, "shutdownInput", "()", Advice.INPUT_SHUTTING_DOWN),
            new Hook("end of stream", SOCKET_IMPL, "read", "([BII)", Advice.READ),
            new Hook("closing", SOCKET_IMPL, "close", "()", Advice.CLOSING),

            // SocketChannel, and the Socket adaptor that SocketChannel.socket() returns.
            new Hook("connected", CHANNEL, "connect", "(" + SOCKET_ADDRESS + ")", Advice.CONNECTED_IF_TRUE),
            new Hook("connected", CHANNEL, "finishConnect", "()", Advice.CONNECTED_IF_TRUE),
            new Hook("connected", CHANNEL, "blockingConnect", "(" + SOCKET_ADDRESS + "J)", Advice.CONNECTED),
            // A channel made non-blocking may connect on a selector's thread: its stack is taken now.
            new Hook("going non-blocking", CHANNEL, "implConfigureBlocking", "(Z)", Advice.CONFIGURING_BLOCKING),
            new Hook("bind failed", CHANNEL, "bind", "(" + SOCKET_ADDRESS + ")", Advice.FAILURE),
            new Hook("output shut down", CHANNEL, "shutdownOutput", "()", Advice.OUTPUT_SHUT_DOWN),
            new Hook("input shutting down", CHANNEL, "shutdownInput", "()", Advice.INPUT_SHUTTING_DOWN),
            new Hook("end of stream", CHANNEL, "read", "(Ljava/nio/ByteBuffer;)", Advice.READ),
            new Hook("end of stream", CHANNEL, "read", "([Ljava/nio/ByteBuffer;II)", Advice.READ),
            new Hook("end of stream", CHANNEL, "blockingRead", "([BIIJ)", Advice.READ),
            // Reached by close(), by the adaptor and streams, and by an interrupt (which skips close() on 17).
            new Hook("closing", CHANNEL, "implCloseSelectableChannel", "()", Advice.CLOSING),

            // Every socket's descriptor is made here: where "Too many open files" shows first.
            new Hook("socket creation failed", NET, "socket", null, Advice.CREATION_FAILURE),
            new Hook("socket creation failed", NET, "serverSocket", null, Advice.CREATION_FAILURE),

            // ServerSocketChannel: listening sockets are counted, never leaks.
            new Hook("listening", SERVER_CHANNEL, "bind", "(" + SOCKET_ADDRESS + "I)", Advice.LISTENING),
            new Hook("accepted", SERVER_CHANNEL, "finishAccept", "(Ljava/io/FileDescriptor;" + SOCKET_ADDRESS + ")",
                    Advice.ACCEPTED_RESULT),
            new Hook("accept failed", SERVER_CHANNEL, "accept", "()", Advice.FAILURE),
            new Hook("accept failed", SERVER_CHANNEL, "blockingAccept", "(J)", Advice.FAILURE),
            new Hook("closing", SERVER_CHANNEL, "implCloseSelectableChannel", "()", Advice.CLOSING),

            // The agent's MXBean joins the platform MBean server when somebody creates it (a JMX client,
            // jcmd, the command line's report): creating it for nobody would cost a third of a second.
            new Hook("management server created", MANAGEMENT, "getPlatformMBeanServer", "()",
                    Advice.MANAGEMENT_SERVER));

    /**
     * Hooks of classes a JVM may never load: rewritten as they load (a JVM that never uses them pays
     * nothing), or retransformed after an attach. {@code AsynchronousSocketChannel} on Linux and macOS.
     * End of stream is not seen on these (reads complete on the group's threads): the kernel's
     * CLOSE_WAIT still is.
     */
    public static final List<Hook> ON_FIRST_LOAD = List.of(
            new Hook("connecting", ASYNC_CHANNEL, "implConnect", null, Advice.HANDING_OFF), // may finish elsewhere
            new Hook("connected", ASYNC_CHANNEL, "setConnected", "()", Advice.CONNECTED),
            new Hook("accepted", ASYNC_SERVER, "finishAccept", null, Advice.ACCEPTED_RESULT),
            new Hook("output shut down", ASYNC_BASE, "shutdownOutput", "()", Advice.OUTPUT_SHUT_DOWN),
            new Hook("closing", ASYNC_CHANNEL, "implClose", "()", Advice.CLOSING),
            new Hook("listening", ASYNC_SERVER_BASE, "bind", "(" + SOCKET_ADDRESS + "I)", Advice.LISTENING),
            new Hook("closing", ASYNC_SERVER, "implClose", "()", Advice.CLOSING));

    private Hooks() {
    }

    private static List<Hook> withLingerSets(Hook... others) {
        List<Hook> all = new ArrayList<>(List.of(others));
        all.addAll(LINGER_SETS);
        return List.copyOf(all);
    }
}

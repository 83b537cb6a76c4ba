package io.socketleak.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.io.FileDescriptor;
import java.net.InetAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketImpl;
import java.nio.ByteBuffer;
import java.nio.channels.spi.SelectorProvider;
import java.util.List;

/**
 * Every hook the agent installs, in one table. The same on JDK 17 to 25; {@link HookStatus}
 * records whether each one found its method on the running JDK.
 */
public final class Hooks {
    static final String SOCKET_IMPL = "sun.nio.ch.NioSocketImpl";
    static final String CHANNEL = "sun.nio.ch.SocketChannelImpl";
    static final String SERVER_CHANNEL = "sun.nio.ch.ServerSocketChannelImpl";
    static final String NET = "sun.nio.ch.Net";
    /** The event of the hooks that see SO_LINGER being set. */
    public static final String LINGER_SET = "SO_LINGER set";

    public static final List<Hook> ALL = List.of(
            // java.net.Socket (plain and SSL): every Socket, client or accepted, sits on a NioSocketImpl.
            new Hook("connected", SOCKET_IMPL, "connect(SocketAddress, int)",
                    isMethod().and(named("connect")).and(takesArguments(SocketAddress.class, int.class)),
                    Advices.Connected.class),
            new Hook("accepted", SOCKET_IMPL, "accept(SocketImpl)",
                    isMethod().and(named("accept")).and(takesArguments(SocketImpl.class)),
                    Advices.AcceptedIntoArgument.class),
            new Hook("bind failed", SOCKET_IMPL, "bind(InetAddress, int)",
                    isMethod().and(named("bind")).and(takesArguments(InetAddress.class, int.class)),
                    Advices.Failure.class),
            new Hook("listening", SOCKET_IMPL, "listen(int)",
                    isMethod().and(named("listen")).and(takesArguments(int.class)),
                    Advices.Listening.class),
            new Hook("output shut down", SOCKET_IMPL, "shutdownOutput()",
                    isMethod().and(named("shutdownOutput")).and(takesArguments(0)),
                    Advices.OutputShutdown.class),
            new Hook("input shutting down", SOCKET_IMPL, "shutdownInput()",
                    isMethod().and(named("shutdownInput")).and(takesArguments(0)),
                    Advices.InputShuttingDown.class),
            new Hook("end of stream", SOCKET_IMPL, "read(byte[], int, int)",
                    isMethod().and(named("read")).and(takesArguments(byte[].class, int.class, int.class))
                            .and(returns(int.class)),
                    Advices.ReadInt.class),
            new Hook("closing", SOCKET_IMPL, "close()",
                    isMethod().and(named("close")).and(takesArguments(0)),
                    Advices.Closing.class),

            // SocketChannel, and the Socket adaptor that SocketChannel.socket() returns.
            new Hook("connected", CHANNEL, "connect(SocketAddress)",
                    isMethod().and(named("connect")).and(takesArguments(SocketAddress.class)),
                    Advices.ConnectedIfTrue.class),
            new Hook("connected", CHANNEL, "finishConnect()",
                    isMethod().and(named("finishConnect")).and(takesArguments(0)),
                    Advices.ConnectedIfTrue.class),
            new Hook("connected", CHANNEL, "blockingConnect(SocketAddress, long)",
                    isMethod().and(named("blockingConnect")).and(takesArguments(SocketAddress.class, long.class)),
                    Advices.Connected.class),
            new Hook("accepted", CHANNEL, "<init>(SelectorProvider, ProtocolFamily, FileDescriptor, SocketAddress)",
                    isConstructor().and(takesArguments(4)).and(takesArgument(0, SelectorProvider.class))
                            .and(takesArgument(1, ProtocolFamily.class)).and(takesArgument(2, FileDescriptor.class))
                            .and(takesArgument(3, SocketAddress.class)),
                    Advices.AcceptedChannel.class),
            new Hook("bind failed", CHANNEL, "bind(SocketAddress)",
                    isMethod().and(named("bind")).and(takesArguments(SocketAddress.class)),
                    Advices.Failure.class),
            new Hook("output shut down", CHANNEL, "shutdownOutput()",
                    isMethod().and(named("shutdownOutput")).and(takesArguments(0)),
                    Advices.OutputShutdown.class),
            new Hook("input shutting down", CHANNEL, "shutdownInput()",
                    isMethod().and(named("shutdownInput")).and(takesArguments(0)),
                    Advices.InputShuttingDown.class),
            new Hook("end of stream", CHANNEL, "read(ByteBuffer)",
                    isMethod().and(named("read")).and(takesArguments(ByteBuffer.class)),
                    Advices.ReadInt.class),
            new Hook("end of stream", CHANNEL, "read(ByteBuffer[], int, int)",
                    isMethod().and(named("read")).and(takesArguments(ByteBuffer[].class, int.class, int.class)),
                    Advices.ReadLong.class),
            new Hook("end of stream", CHANNEL, "blockingRead(byte[], int, int, long)",
                    isMethod().and(named("blockingRead"))
                            .and(takesArguments(byte[].class, int.class, int.class, long.class)),
                    Advices.ReadInt.class),
            // Reached by close(), by the adaptor and streams, and by an interrupt (which skips close() on 17).
            new Hook("closing", CHANNEL, "implCloseSelectableChannel()",
                    isMethod().and(named("implCloseSelectableChannel")).and(takesArguments(0)),
                    Advices.Closing.class),

            // Every socket's descriptor is made here: where "Too many open files" shows first.
            new Hook("socket creation failed", NET, "socket(...), serverSocket(...)",
                    isStatic().and(named("socket").or(named("serverSocket"))).and(returns(FileDescriptor.class)),
                    Advices.CreationFailure.class),

            // Every SO_LINGER set passes here (Socket, SocketChannel, their server sockets): until one does,
            // a close can leave SO_LINGER unread.
            new Hook(LINGER_SET, NET, "setSocketOption(FileDescriptor, SocketOption, Object)",
                    isStatic().and(named("setSocketOption"))
                            .and(takesArguments(FileDescriptor.class, SocketOption.class, Object.class)),
                    Advices.OptionSet.class),
            new Hook(LINGER_SET, NET, "setSocketOption(FileDescriptor, ProtocolFamily, SocketOption, Object)",
                    isStatic().and(named("setSocketOption")).and(takesArguments(FileDescriptor.class,
                            ProtocolFamily.class, SocketOption.class, Object.class)),
                    Advices.OptionSetWithFamily.class),

            // ServerSocketChannel: listening sockets are counted, never leaks.
            new Hook("listening", SERVER_CHANNEL, "bind(SocketAddress, int)",
                    isMethod().and(named("bind")).and(takesArguments(SocketAddress.class, int.class)),
                    Advices.Listening.class),
            new Hook("accept failed", SERVER_CHANNEL, "accept()",
                    isMethod().and(named("accept")).and(takesArguments(0)),
                    Advices.Failure.class),
            new Hook("accept failed", SERVER_CHANNEL, "blockingAccept(long)",
                    isMethod().and(named("blockingAccept")).and(takesArguments(long.class)),
                    Advices.Failure.class),
            new Hook("closing", SERVER_CHANNEL, "implCloseSelectableChannel()",
                    isMethod().and(named("implCloseSelectableChannel")).and(takesArguments(0)),
                    Advices.Closing.class));

    private Hooks() {
    }
}

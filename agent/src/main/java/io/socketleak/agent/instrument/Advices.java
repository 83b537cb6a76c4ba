package io.socketleak.agent.instrument;

import io.socketleak.bootstrap.SocketEvents;
import java.net.StandardSocketOptions;
import net.bytebuddy.asm.Advice;

/**
 * The advice inlined into JDK socket classes. Each one only hands {@code this} (or the accepted
 * socket) to {@link SocketEvents}; all decisions are made in the agent. Inlined code may reference
 * nothing but boot class path types, and {@code suppress} keeps any failure out of the host.
 */
final class Advices {
    private Advices() {
    }

    /** Exit of a connect that returns normally only once connected. */
    static final class Connected {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketEvents.connected(self);
            } else {
                SocketEvents.failed(self, failure);
            }
        }
    }

    /** Exit of {@code SocketChannel.connect}/{@code finishConnect}: {@code true} means connected. */
    static final class ConnectedIfTrue {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected,
                         @Advice.Thrown Throwable failure) {
            if (failure != null) {
                SocketEvents.failed(self, failure);
            } else if (connected) {
                SocketEvents.connected(self);
            }
        }
    }

    /** Exit of {@code NioSocketImpl.accept(SocketImpl)}: the argument is the accepted socket. */
    static final class AcceptedIntoArgument {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) Object accepted,
                         @Advice.Thrown Throwable failure) {
            if (failure == null) {
                SocketEvents.accepted(accepted);
            } else {
                SocketEvents.failed(self, failure);
            }
        }
    }

    /** Exit of a bind or accept: only its failure is of interest (port or descriptor exhaustion). */
    static final class Failure {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable failure) {
            if (failure != null) {
                SocketEvents.failed(self, failure);
            }
        }
    }

    /** Entry of {@code Net.setSocketOption(fd, option, value)}: every socket option set passes here. */
    static final class OptionSet {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(1) Object option) {
            if (option == StandardSocketOptions.SO_LINGER) {
                SocketEvents.lingerSet();
            }
        }
    }

    /** Entry of {@code Net.setSocketOption(fd, family, option, value)}. */
    static final class OptionSetWithFamily {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(2) Object option) {
            if (option == StandardSocketOptions.SO_LINGER) {
                SocketEvents.lingerSet();
            }
        }
    }

    /** Exit of the constructor that wraps an accepted connection in a channel. */
    static final class AcceptedChannel {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object self) {
            SocketEvents.accepted(self);
        }
    }

    static final class Listening {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object self) {
            SocketEvents.listening(self);
        }
    }

    static final class OutputShutdown {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object self) {
            SocketEvents.outputShutdown(self);
        }
    }

    /** Exit of a static method that creates a socket's descriptor: only its failure is of interest. */
    static final class CreationFailure {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Thrown Throwable failure) {
            if (failure != null) {
                SocketEvents.failed(null, failure);
            }
        }
    }

    /** Entry of {@code shutdownInput}: the last moment a waiting FIN from the peer can be seen. */
    static final class InputShuttingDown {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketEvents.inputShuttingDown(self);
        }
    }

    /** Entry of a close: the socket's state (linger, unread data, peer FIN) is still readable. */
    static final class Closing {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object self) {
            SocketEvents.closing(self);
        }
    }

    /** Exit of a read returning an {@code int} count: -1 is end-of-stream. */
    static final class ReadInt {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return int count) {
            if (count < 0) {
                SocketEvents.endOfStream(self);
            }
        }
    }

    /** Exit of a scattering read returning a {@code long} count: -1 is end-of-stream. */
    static final class ReadLong {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return long count) {
            if (count < 0) {
                SocketEvents.endOfStream(self);
            }
        }
    }
}

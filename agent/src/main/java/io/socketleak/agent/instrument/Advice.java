package io.socketleak.agent.instrument;

import io.socketleak.bootstrap.SocketLeakEvents;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What a hook inlines into its JDK method: calls of {@link SocketLeakEvents}, with {@code this}, an
 * argument or the result. Nothing else: all decisions are made in the agent, and the door swallows
 * every failure, so the JDK method behaves as before.
 */
public enum Advice {
    /** Exit of a connect that returns normally only once connected; a throw is a failed connect. */
    CONNECTED(Thrown.REPORTED) {
        @Override
        void onReturn(MethodVisitor code, int returnOpcode) {
            code.visitVarInsn(Opcodes.ALOAD, 0);
            call(code, "connected", OBJECT);
        }
    },
    /** Exit of {@code SocketChannel.connect}/{@code finishConnect}: {@code true} means connected. */
    CONNECTED_IF_TRUE(Thrown.REPORTED) {
        @Override
        void onReturn(MethodVisitor code, int returnOpcode) {
            code.visitInsn(Opcodes.DUP);
            code.visitVarInsn(Opcodes.ALOAD, 0);
            call(code, "connectedIf", "(ZLjava/lang/Object;)V");
        }
    },
    /** Exit of {@code NioSocketImpl.accept(SocketImpl)}: the argument is the accepted socket. */
    ACCEPTED_INTO_ARGUMENT(Thrown.REPORTED) {
        @Override
        void onReturn(MethodVisitor code, int returnOpcode) {
            code.visitVarInsn(Opcodes.ALOAD, 1);
            call(code, "accepted", OBJECT);
        }
    },
    /** Exit of the constructor that wraps an accepted connection in a channel. */
    ACCEPTED_CHANNEL(Thrown.IGNORED) {
        @Override
        void onReturn(MethodVisitor code, int returnOpcode) {
            code.visitVarInsn(Opcodes.ALOAD, 0);
            call(code, "accepted", OBJECT);
        }
    },
    /** A bind or accept: only its failure is of interest (port or descriptor exhaustion). */
    FAILURE(Thrown.REPORTED),
    /** A static method that creates a socket's descriptor: only its failure is of interest. */
    CREATION_FAILURE(Thrown.REPORTED_WITHOUT_SOCKET),
    /** Entry of {@code Net.setSocketOption(fd, option, value)}: every socket option set passes here. */
    OPTION_SET(Thrown.IGNORED) {
        @Override
        void onEnter(MethodVisitor code) {
            code.visitVarInsn(Opcodes.ALOAD, 1);
            call(code, "optionSet", OBJECT);
        }
    },
    /** Entry of {@code Net.setSocketOption(fd, family, option, value)}. */
    OPTION_SET_WITH_FAMILY(Thrown.IGNORED) {
        @Override
        void onEnter(MethodVisitor code) {
            code.visitVarInsn(Opcodes.ALOAD, 2);
            call(code, "optionSet", OBJECT);
        }
    },
    LISTENING(Thrown.IGNORED) {
        @Override
        void onReturn(MethodVisitor code, int returnOpcode) {
            code.visitVarInsn(Opcodes.ALOAD, 0);
            call(code, "listening", OBJECT);
        }
    },
    OUTPUT_SHUT_DOWN(Thrown.IGNORED) {
        @Override
        void onReturn(MethodVisitor code, int returnOpcode) {
            code.visitVarInsn(Opcodes.ALOAD, 0);
            call(code, "outputShutdown", OBJECT);
        }
    },
    /** Entry of {@code shutdownInput}: the last moment a waiting FIN from the peer can be seen. */
    INPUT_SHUTTING_DOWN(Thrown.IGNORED) {
        @Override
        void onEnter(MethodVisitor code) {
            code.visitVarInsn(Opcodes.ALOAD, 0);
            call(code, "inputShuttingDown", OBJECT);
        }
    },
    /** Entry of a close: the socket's state (linger, unread data, peer FIN) is still readable. */
    CLOSING(Thrown.IGNORED) {
        @Override
        void onEnter(MethodVisitor code) {
            code.visitVarInsn(Opcodes.ALOAD, 0);
            call(code, "closing", OBJECT);
        }
    },
    /** Exit of a read returning a count ({@code int} or {@code long}): -1 is end-of-stream. */
    READ(Thrown.IGNORED) {
        @Override
        void onReturn(MethodVisitor code, int returnOpcode) {
            boolean wide = returnOpcode == Opcodes.LRETURN;
            code.visitInsn(wide ? Opcodes.DUP2 : Opcodes.DUP);
            code.visitVarInsn(Opcodes.ALOAD, 0);
            call(code, "read", wide ? "(JLjava/lang/Object;)V" : "(ILjava/lang/Object;)V");
        }
    },
    /** Exit of {@code ManagementFactory.getPlatformMBeanServer()}: the server, for the agent's MXBean. */
    MANAGEMENT_SERVER(Thrown.IGNORED) {
        @Override
        void onReturn(MethodVisitor code, int returnOpcode) {
            code.visitInsn(Opcodes.DUP);
            call(code, "managementServer", OBJECT);
        }
    };

    /** Operand stack slots the advice uses beyond the method's own, at most (a long result and one more). */
    static final int EXTRA_STACK = 3;
    private static final String OBJECT = "(Ljava/lang/Object;)V";
    private static final String DOOR = SocketLeakEvents.class.getName().replace('.', '/');

    /** What happens when the method throws. */
    enum Thrown {
        IGNORED,
        /** {@code failed(this, thrown)}, then the same throwable goes on. */
        REPORTED,
        /** {@code failed(null, thrown)}: a static method. */
        REPORTED_WITHOUT_SOCKET
    }

    private final Thrown thrown;

    Advice(Thrown thrown) {
        this.thrown = thrown;
    }

    Thrown thrown() {
        return thrown;
    }

    /** Code run first in the method. */
    void onEnter(MethodVisitor code) {
    }

    /** Code run just before a return instruction, with the result (if any) on top of the stack. */
    void onReturn(MethodVisitor code, int returnOpcode) {
    }

    /** The handler of a throw: the throwable is on the stack, and stays there for the rethrow. */
    void onThrown(MethodVisitor code) {
        code.visitInsn(Opcodes.DUP);
        if (thrown == Thrown.REPORTED) {
            code.visitVarInsn(Opcodes.ALOAD, 0);
        } else {
            code.visitInsn(Opcodes.ACONST_NULL);
        }
        code.visitInsn(Opcodes.SWAP);
        call(code, "failed", "(Ljava/lang/Object;Ljava/lang/Throwable;)V");
        code.visitInsn(Opcodes.ATHROW);
    }

    static void call(MethodVisitor code, String method, String descriptor) {
        code.visitMethodInsn(Opcodes.INVOKESTATIC, DOOR, method, descriptor, false);
    }
}

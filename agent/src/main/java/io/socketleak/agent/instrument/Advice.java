package io.socketleak.agent.instrument;

import io.socketleak.bootstrap.SocketLeakEvents;

/**
 * What a hook inlines into its JDK method: one call of {@link SocketLeakEvents}, at the method's entry
 * or before each of its returns, with {@code this}, an argument or the result; and, for the methods
 * whose failure tells of exhaustion, a call with what they throw. Nothing else: all decisions are made
 * in the agent, and the door swallows every failure, so the JDK method behaves as before.
 */
public enum Advice {
    /** Exit of a connect that returns normally only once connected; a throw is a failed connect. */
    CONNECTED(At.RETURN, Pass.THIS, "connected", Thrown.REPORTED),
    /** Exit of {@code SocketChannel.connect}/{@code finishConnect}: {@code true} means connected. */
    CONNECTED_IF_TRUE(At.RETURN, Pass.RESULT_AND_THIS, "connectedIf", Thrown.REPORTED),
    /** Exit of {@code NioSocketImpl.accept(SocketImpl)}: the argument is the accepted socket, {@code this} the listener. */
    ACCEPTED_INTO_ARGUMENT(At.RETURN, Pass.LOCAL_1_AND_THIS, "accepted", Thrown.REPORTED),
    /** Exit of a server channel's {@code finishAccept}: it returns the accepted channel; {@code this} is the listener. */
    ACCEPTED_RESULT(At.RETURN, Pass.RESULT_OBJECT_AND_THIS, "accepted", Thrown.IGNORED),
    /** A bind or accept: only its failure is of interest (port or descriptor exhaustion). */
    FAILURE(At.NOWHERE, Pass.THIS, null, Thrown.REPORTED),
    /** A static method that creates a socket's descriptor: only its failure is of interest. */
    CREATION_FAILURE(At.NOWHERE, Pass.THIS, null, Thrown.REPORTED_WITHOUT_SOCKET),
    /** Entry of {@code Net.setSocketOption(fd, option, value)}: every socket option set passes here. */
    OPTION_SET(At.ENTRY, Pass.LOCAL_1, "optionSet", Thrown.IGNORED),
    /** Entry of {@code Net.setSocketOption(fd, family, option, value)}. */
    OPTION_SET_WITH_FAMILY(At.ENTRY, Pass.LOCAL_2, "optionSet", Thrown.IGNORED),
    LISTENING(At.RETURN, Pass.THIS, "listening", Thrown.IGNORED),
    OUTPUT_SHUT_DOWN(At.RETURN, Pass.THIS, "outputShutdown", Thrown.IGNORED),
    /** Entry of {@code shutdownInput}: the last moment a waiting FIN from the peer can be seen. */
    INPUT_SHUTTING_DOWN(At.ENTRY, Pass.THIS, "inputShuttingDown", Thrown.IGNORED),
    /** Entry of a close: the socket's state (linger, unread data, peer FIN) is still readable. */
    CLOSING(At.ENTRY, Pass.THIS, "closing", Thrown.IGNORED),
    /** Exit of a read returning a count ({@code int} or {@code long}): -1 is end-of-stream. */
    READ(At.RETURN, Pass.RESULT_AND_THIS, "read", Thrown.IGNORED),
    /** Exit of {@code ManagementFactory.getPlatformMBeanServer()}: the server, for the agent's MXBean. */
    MANAGEMENT_SERVER(At.RETURN, Pass.RESULT, "managementServer", Thrown.IGNORED),
    /** Entry of {@code SocketChannel.implConfigureBlocking(boolean)}: a non-blocking channel may connect elsewhere. */
    CONFIGURING_BLOCKING(At.ENTRY, Pass.INT_1_AND_THIS, "configuringBlocking", Thrown.IGNORED),
    /** Exit of a library's constructor that takes work from the calling thread. */
    HANDED_OFF(At.RETURN, Pass.THIS, "handedOff", Thrown.IGNORED),
    /** Entry of a method that starts work another thread may finish (an asynchronous connect). */
    HANDING_OFF(At.ENTRY, Pass.THIS, "handedOff", Thrown.IGNORED),
    /** Around a library's method that runs work handed off: {@code carryIn(this)}, then {@code carryOut()}. */
    CARRIED(At.AROUND, Pass.THIS, "carryIn", Thrown.CARRY_ENDS),
    /** The same, for work that runs once: its stack is let go as it starts. */
    CARRIED_ONCE(At.AROUND, Pass.THIS, "carryInOnce", Thrown.CARRY_ENDS);

    /** Operand stack slots the advice uses beyond the method's own, at most (a long result and one more). */
    static final int EXTRA_STACK = 3;
    private static final String DOOR = SocketLeakEvents.class.getName().replace('.', '/');
    private static final String OBJECT = "Ljava/lang/Object;";
    private static final int ACONST_NULL = 0x01;
    private static final int ILOAD_1 = 0x1b;
    private static final int ALOAD_0 = 0x2a;
    private static final int DUP = 0x59;
    private static final int DUP2 = 0x5c;
    private static final int SWAP = 0x5f;
    private static final int INVOKESTATIC = 0xb8;
    private static final int ATHROW = 0xbf;

    /** Where the call goes. */
    enum At {
        ENTRY, RETURN, NOWHERE,
        /** The call at entry, and {@code carryOut()} before each return. */
        AROUND
    }

    /** What the call is given. */
    enum Pass {
        /** {@code this}: local 0 of an instance method. */
        THIS,
        /** Local 1: the first argument of an instance method, the second of a static one. */
        LOCAL_1,
        LOCAL_2,
        /** The first argument, an {@code int} or {@code boolean}, then {@code this}: {@code door(arg, this)}. */
        INT_1_AND_THIS,
        /** The first argument, an object, then {@code this}. */
        LOCAL_1_AND_THIS,
        /** The object about to be returned, then {@code this}. */
        RESULT_OBJECT_AND_THIS,
        /** The value about to be returned. */
        RESULT,
        /** The value about to be returned, then {@code this}: {@code door(result, this)}. */
        RESULT_AND_THIS
    }

    /** What happens when the method throws. */
    enum Thrown {
        IGNORED,
        /** {@code failed(this, thrown)}, then the same throwable goes on. */
        REPORTED,
        /** {@code failed(null, thrown)}: a static method. */
        REPORTED_WITHOUT_SOCKET,
        /** {@code carryOut()}, then the same throwable goes on. */
        CARRY_ENDS
    }

    private final At at;
    private final Pass pass;
    private final String method;
    private final Thrown thrown;

    Advice(At at, Pass pass, String method, Thrown thrown) {
        this.at = at;
        this.pass = pass;
        this.method = method;
        this.thrown = thrown;
    }

    Thrown thrown() {
        return thrown;
    }

    /** Code run first in the method. */
    void onEnter(Bytes code, ConstantPool pool) {
        if (at == At.ENTRY || at == At.AROUND) {
            call(code, pool, 'V');
        }
    }

    /**
     * Code run just before a return instruction, with the result (if any) on top of the stack.
     *
     * @param result the first character of the method's return type descriptor ({@code V}, {@code I}, ...)
     */
    void onReturn(Bytes code, ConstantPool pool, char result) {
        if (at == At.RETURN) {
            call(code, pool, result);
        } else if (at == At.AROUND) {
            invoke(code, pool, "carryOut", "()V");
        }
    }

    /** The handler of a throw: the throwable is on the stack, and stays there for the rethrow. */
    void onThrown(Bytes code, ConstantPool pool) {
        if (thrown == Thrown.CARRY_ENDS) {
            invoke(code, pool, "carryOut", "()V");
            code.u1(ATHROW);
            return;
        }
        code.u1(DUP);
        code.u1(thrown == Thrown.REPORTED ? ALOAD_0 : ACONST_NULL);
        code.u1(SWAP);
        invoke(code, pool, "failed", "(" + OBJECT + "Ljava/lang/Throwable;)V");
        code.u1(ATHROW);
    }

    private void call(Bytes code, ConstantPool pool, char result) {
        String descriptor = "(" + OBJECT + ")V";
        switch (pass) {
            case THIS -> code.u1(ALOAD_0);
            case LOCAL_1 -> code.u1(ALOAD_0 + 1);
            case LOCAL_2 -> code.u1(ALOAD_0 + 2);
            case INT_1_AND_THIS -> {
                code.u1(ILOAD_1).u1(ALOAD_0);
                descriptor = "(Z" + OBJECT + ")V";
            }
            case LOCAL_1_AND_THIS -> {
                code.u1(ALOAD_0 + 1).u1(ALOAD_0);
                descriptor = "(" + OBJECT + OBJECT + ")V";
            }
            case RESULT_OBJECT_AND_THIS -> {
                code.u1(DUP).u1(ALOAD_0);
                descriptor = "(" + OBJECT + OBJECT + ")V";
            }
            case RESULT -> code.u1(DUP);
            case RESULT_AND_THIS -> {
                code.u1(result == 'J' || result == 'D' ? DUP2 : DUP);
                code.u1(ALOAD_0);
                descriptor = "(" + result + OBJECT + ")V"; // connectedIf(boolean), read(int|long)
            }
            default -> throw new IllegalStateException(pass.name());
        }
        invoke(code, pool, method, descriptor);
    }

    private static void invoke(Bytes code, ConstantPool pool, String name, String descriptor) {
        code.u1(INVOKESTATIC).u2(pool.methodRef(DOOR, name, descriptor));
    }
}

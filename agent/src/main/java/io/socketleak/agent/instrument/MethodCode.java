package io.socketleak.agent.instrument;

import java.util.List;

/**
 * One method's {@code Code} attribute with a hook's advice inlined: a call at entry, a call before
 * each return, and a handler around the whole body that reports a throw and throws it on.
 *
 * <p>The method's own instructions are copied as they are; only what holds a code offset is moved:
 * branch and switch offsets, the exception table, line numbers, local variable ranges and the stack
 * map frames. Control that reached a return now reaches the advice before it; a jump to the start
 * lands after the entry advice, so a loop back to the top does not report twice. The inlined code
 * leaves the operand stack and the locals as it found them, so the frames stay true; the handler
 * gets a frame of its own. No class is loaded and no frame is computed.
 */
final class MethodCode {
    private static final int TABLESWITCH = 0xaa;
    private static final int LOOKUPSWITCH = 0xab;
    private static final int WIDE = 0xc4;
    private static final int GOTO_W = 0xc8;
    private static final int JSR_W = 0xc9;
    private static final int FULL_FRAME = 255;
    private static final String THROWABLE = "java/lang/Throwable";

    /** Length of each instruction by opcode; 0 for the three of variable length, -1 for none. */
    private static final byte[] LENGTH = new byte[256];

    static {
        java.util.Arrays.fill(LENGTH, (byte) -1);
        fill(0x00, 0x0f, 1);                 // nop .. dconst_1
        LENGTH[0x10] = 2;                    // bipush
        LENGTH[0x11] = 3;                    // sipush
        LENGTH[0x12] = 2;                    // ldc
        fill(0x13, 0x14, 3);                 // ldc_w, ldc2_w
        fill(0x15, 0x19, 2);                 // iload .. aload
        fill(0x1a, 0x35, 1);                 // iload_0 .. saload
        fill(0x36, 0x3a, 2);                 // istore .. astore
        fill(0x3b, 0x83, 1);                 // istore_0 .. lxor
        LENGTH[0x84] = 3;                    // iinc
        fill(0x85, 0x98, 1);                 // i2l .. dcmpg
        fill(0x99, 0xa8, 3);                 // ifeq .. jsr
        LENGTH[0xa9] = 2;                    // ret
        fill(TABLESWITCH, LOOKUPSWITCH, 0);
        fill(0xac, 0xb1, 1);                 // ireturn .. return
        fill(0xb2, 0xb8, 3);                 // getstatic .. invokestatic
        fill(0xb9, 0xba, 5);                 // invokeinterface, invokedynamic
        LENGTH[0xbb] = 3;                    // new
        LENGTH[0xbc] = 2;                    // newarray
        LENGTH[0xbd] = 3;                    // anewarray
        fill(0xbe, 0xbf, 1);                 // arraylength, athrow
        fill(0xc0, 0xc1, 3);                 // checkcast, instanceof
        fill(0xc2, 0xc3, 1);                 // monitorenter, monitorexit
        LENGTH[WIDE] = 0;
        LENGTH[0xc5] = 4;                    // multianewarray
        fill(0xc6, 0xc7, 3);                 // ifnull, ifnonnull
        fill(GOTO_W, JSR_W, 5);
    }

    private final byte[] b;
    private final int code;
    private final int codeLength;
    private final ConstantPool pool;
    /** By old offset: where control that reached it goes now (the advice before a return, if any). */
    private final int[] landing;
    /** By old offset: where the instruction itself is now. */
    private final int[] position;

    private MethodCode(byte[] b, int code, int codeLength, ConstantPool pool) {
        this.b = b;
        this.code = code;
        this.codeLength = codeLength;
        this.pool = pool;
        this.landing = new int[codeLength + 1];
        this.position = new int[codeLength + 1];
    }

    /**
     * The new contents of a {@code Code} attribute (what follows its name and length).
     *
     * @param at offset of the attribute's contents in the class file {@code b}
     */
    static Bytes rewrite(byte[] b, int at, ConstantPool pool, String owner, int access, String name,
                         String descriptor, Advice advice) {
        int codeLength = Bytes.s4(b, at + 4);
        return new MethodCode(b, at + 8, codeLength, pool).rewrite(at, owner, access, name, descriptor, advice);
    }

    private Bytes rewrite(int at, String owner, int access, String name, String descriptor, Advice advice) {
        int maxStack = Bytes.u2(b, at);
        int maxLocals = Bytes.u2(b, at + 2);
        Bytes entry = new Bytes(8);
        advice.onEnter(entry, pool);
        Bytes exit = new Bytes(8);
        advice.onReturn(exit, pool, Descriptor.returnSort(descriptor));
        boolean catches = advice.thrown() != Advice.Thrown.IGNORED && !"<init>".equals(name);

        int handler = layOut(entry.length(), exit.length());
        Bytes out = new Bytes(handler + 64);
        out.u2(maxStack + Advice.EXTRA_STACK).u2(maxLocals);
        int lengthAt = out.length();
        out.u4(0);
        int codeStart = out.length();
        out.append(entry);
        for (int o = 0; o < codeLength; o += length(o)) {
            if (isReturn(o)) {
                out.append(exit);
            }
            copyInstruction(o, out);
        }
        if (catches) {
            advice.onThrown(out, pool);
        }
        int newLength = out.length() - codeStart;
        if (newLength > 0xFFFF) {
            throw new IllegalStateException("method too long to hook");
        }
        out.putU4(lengthAt, newLength);

        int tables = code + codeLength;
        int handlers = Bytes.u2(b, tables);
        out.u2(handlers + (catches ? 1 : 0));
        for (int i = 0, e = tables + 2; i < handlers; i++, e += 8) {
            out.u2(landing[Bytes.u2(b, e)]).u2(landing[Bytes.u2(b, e + 2)]).u2(landing[Bytes.u2(b, e + 4)])
                    .u2(Bytes.u2(b, e + 6));
        }
        if (catches) { // last, so the method's own handlers keep their precedence
            out.u2(0).u2(handler).u2(handler).u2(pool.classRef(THROWABLE));
        }
        copyAttributes(tables + 2 + 8 * handlers, out,
                catches ? handlerFrame(owner, access, descriptor) : null, handler);
        return out;
    }

    /** Fills {@link #landing} and {@link #position}; returns where the copied code ends. */
    private int layOut(int entryLength, int exitLength) {
        int pos = entryLength;
        for (int o = 0; o < codeLength; o += length(o)) {
            landing[o] = pos;
            if (isReturn(o)) {
                pos += exitLength;
            }
            position[o] = pos;
            int op = Bytes.u1(b, code + o);
            pos += op == TABLESWITCH || op == LOOKUPSWITCH ? length(o) - padding(o) + padding(pos) : length(o);
        }
        landing[codeLength] = pos;
        position[codeLength] = pos;
        return pos;
    }

    private void copyInstruction(int o, Bytes out) {
        int at = code + o;
        int op = Bytes.u1(b, at);
        if ((op >= 0x99 && op <= 0xa8) || op == 0xc6 || op == 0xc7) {
            int jump = moved(o, o + Bytes.s2(b, at + 1));
            if (jump != (short) jump) {
                throw new IllegalStateException("a branch of the method would be too long");
            }
            out.u1(op).u2(jump);
        } else if (op == GOTO_W || op == JSR_W) {
            out.u1(op).u4(moved(o, o + Bytes.s4(b, at + 1)));
        } else if (op == TABLESWITCH || op == LOOKUPSWITCH) {
            out.u1(op);
            for (int i = padding(position[o]); i > 0; i--) {
                out.u1(0);
            }
            int p = at + 1 + padding(o);
            out.u4(moved(o, o + Bytes.s4(b, p)));
            if (op == TABLESWITCH) {
                int low = Bytes.s4(b, p + 4);
                int high = Bytes.s4(b, p + 8);
                out.u4(low).u4(high);
                for (int i = 0, q = p + 12; i <= high - low; i++, q += 4) {
                    out.u4(moved(o, o + Bytes.s4(b, q)));
                }
            } else {
                int pairs = Bytes.s4(b, p + 4);
                out.u4(pairs);
                for (int i = 0, q = p + 8; i < pairs; i++, q += 8) {
                    out.u4(Bytes.s4(b, q)).u4(moved(o, o + Bytes.s4(b, q + 4)));
                }
            }
        } else {
            out.copy(b, at, length(o));
        }
    }

    /** The new relative offset of a jump from the instruction at {@code from} to {@code to}. */
    private int moved(int from, int to) {
        return landing[to] - position[from];
    }

    private void copyAttributes(int at, Bytes out, Bytes handlerFrame, int handler) {
        int count = Bytes.u2(b, at);
        int countAt = out.length();
        out.u2(0);
        int written = 0;
        boolean frames = false;
        at += 2;
        for (int i = 0; i < count; i++) {
            int nameIndex = Bytes.u2(b, at);
            int length = Bytes.s4(b, at + 2);
            int from = at + 6;
            at = from + length;
            String name = pool.utf8(nameIndex);
            Bytes table;
            switch (name) {
                case "StackMapTable" -> {
                    table = frames(from, handlerFrame, handler);
                    frames = true;
                }
                case "LineNumberTable" -> table = lineNumbers(from);
                case "LocalVariableTable", "LocalVariableTypeTable" -> table = localVariables(from);
                default -> table = null; // type annotations: their offsets would be stale, and nothing needs them
            }
            if (table != null) {
                out.u2(nameIndex).u4(table.length()).append(table);
                written++;
            }
        }
        if (!frames && handlerFrame != null) {
            Bytes table = new Bytes(handlerFrame.length() + 4).u2(1).u1(FULL_FRAME).u2(handler).append(handlerFrame);
            out.u2(pool.utf8Ref("StackMapTable")).u4(table.length()).append(table);
            written++;
        }
        out.putU2(countAt, written);
    }

    private Bytes frames(int at, Bytes handlerFrame, int handler) {
        int count = Bytes.u2(b, at);
        Bytes out = new Bytes(Bytes.s4(b, at - 4) + 64);
        out.u2(count + (handlerFrame == null ? 0 : 1));
        at += 2;
        int offset = -1;
        int moved = -1;
        for (int i = 0; i < count; i++) {
            int type = Bytes.u1(b, at++);
            int delta;
            if (type < 128) {
                delta = type & 63;
            } else if (type >= 247) {
                delta = Bytes.u2(b, at);
                at += 2;
            } else {
                throw new IllegalArgumentException("unknown stack map frame type " + type);
            }
            offset += delta + 1;
            int newOffset = landing[offset];
            int newDelta = newOffset - moved - 1;
            moved = newOffset;
            if (type < 64 || type == 251) {                     // same_frame
                if (newDelta < 64) {
                    out.u1(newDelta);
                } else {
                    out.u1(251).u2(newDelta);
                }
            } else if (type < 128 || type == 247) {             // same_locals_1_stack_item
                if (newDelta < 64) {
                    out.u1(64 + newDelta);
                } else {
                    out.u1(247).u2(newDelta);
                }
                at = copyTypes(at, 1, out);
            } else if (type < 251) {                            // chop_frame
                out.u1(type).u2(newDelta);
            } else if (type < FULL_FRAME) {                     // append_frame
                out.u1(type).u2(newDelta);
                at = copyTypes(at, type - 251, out);
            } else {
                out.u1(type).u2(newDelta);
                int locals = Bytes.u2(b, at);
                out.u2(locals);
                at = copyTypes(at + 2, locals, out);
                int stack = Bytes.u2(b, at);
                out.u2(stack);
                at = copyTypes(at + 2, stack, out);
            }
        }
        if (handlerFrame != null) {
            out.u1(FULL_FRAME).u2(handler - moved - 1).append(handlerFrame);
        }
        return out;
    }

    /** Copies verification types; an uninitialised one names the offset of its {@code new}, which moves. */
    private int copyTypes(int at, int count, Bytes out) {
        for (int i = 0; i < count; i++) {
            int tag = Bytes.u1(b, at++);
            out.u1(tag);
            if (tag == 7) {
                out.u2(Bytes.u2(b, at));
                at += 2;
            } else if (tag == 8) {
                out.u2(position[Bytes.u2(b, at)]);
                at += 2;
            } else if (tag > 8) {
                throw new IllegalArgumentException("unknown verification type " + tag);
            }
        }
        return at;
    }

    private Bytes lineNumbers(int at) {
        int count = Bytes.u2(b, at);
        Bytes out = new Bytes(2 + 4 * count).u2(count);
        for (int i = 0, e = at + 2; i < count; i++, e += 4) {
            out.u2(landing[Bytes.u2(b, e)]).u2(Bytes.u2(b, e + 2));
        }
        return out;
    }

    private Bytes localVariables(int at) {
        int count = Bytes.u2(b, at);
        Bytes out = new Bytes(2 + 10 * count).u2(count);
        for (int i = 0, e = at + 2; i < count; i++, e += 10) {
            int start = Bytes.u2(b, e);
            int end = start + Bytes.u2(b, e + 2);
            out.u2(landing[start]).u2(landing[end] - landing[start]).copy(b, e + 4, 6);
        }
        return out;
    }

    /** The frame at the handler, after its delta: the parameters as locals, the throwable on the stack. */
    private Bytes handlerFrame(String owner, int access, String descriptor) {
        List<String> parameters = Descriptor.parameters(descriptor);
        boolean instance = (access & 0x0008) == 0; // not ACC_STATIC
        Bytes frame = new Bytes(32);
        frame.u2(parameters.size() + (instance ? 1 : 0));
        if (instance) {
            frame.u1(7).u2(pool.classRef(owner));
        }
        for (String type : parameters) {
            switch (type.charAt(0)) {
                case 'Z', 'B', 'C', 'S', 'I' -> frame.u1(1);
                case 'F' -> frame.u1(2);
                case 'D' -> frame.u1(3);
                case 'J' -> frame.u1(4);
                case 'L' -> frame.u1(7).u2(pool.classRef(type.substring(1, type.length() - 1)));
                default -> frame.u1(7).u2(pool.classRef(type)); // an array: named by its descriptor
            }
        }
        frame.u2(1).u1(7).u2(pool.classRef(THROWABLE));
        return frame;
    }

    private boolean isReturn(int o) {
        int op = Bytes.u1(b, code + o);
        return op >= 0xac && op <= 0xb1;
    }

    private int length(int o) {
        int at = code + o;
        int op = Bytes.u1(b, at);
        int fixed = LENGTH[op];
        if (fixed > 0) {
            return fixed;
        }
        if (fixed < 0) {
            throw new IllegalArgumentException("unknown opcode " + op + " at " + o);
        }
        if (op == WIDE) {
            return Bytes.u1(b, at + 1) == 0x84 ? 6 : 4;
        }
        int p = at + 1 + padding(o);
        if (op == TABLESWITCH) {
            return 1 + padding(o) + 12 + 4 * (Bytes.s4(b, p + 8) - Bytes.s4(b, p + 4) + 1);
        }
        return 1 + padding(o) + 8 + 8 * Bytes.s4(b, p + 4);
    }

    /** Bytes after a switch opcode at this offset, so that its operands start at a multiple of four. */
    private static int padding(int offset) {
        return (4 - ((offset + 1) & 3)) & 3;
    }

    private static void fill(int from, int to, int length) {
        for (int op = from; op <= to; op++) {
            LENGTH[op] = (byte) length;
        }
    }
}

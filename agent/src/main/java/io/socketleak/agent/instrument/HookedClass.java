package io.socketleak.agent.instrument;

import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Rewrites one JDK class with its hooks inlined. Only the hooked methods are touched; the others are
 * copied as they are. No member is added and no frame is computed (which would load classes), so
 * the same rewrite serves a class as it loads and a retransformation after an attach.
 */
final class HookedClass extends ClassVisitor {
    private final List<Hook> hooks;
    private final HookStatus status;
    private String owner;

    private HookedClass(ClassVisitor next, List<Hook> hooks, HookStatus status) {
        super(Opcodes.ASM9, next);
        this.hooks = hooks;
        this.status = status;
    }

    /** The class with its hooks, or null to leave it unchanged; marks which hooks took. */
    static byte[] rewrite(byte[] bytes, List<Hook> hooks, HookStatus status) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        HookedClass hooked = new HookedClass(writer, hooks, status);
        // Expanded frames: the handler of a throw gets a full frame of its own.
        reader.accept(hooked, ClassReader.EXPAND_FRAMES);
        for (Hook hook : hooks) {
            if (!status.isInstalled(hook)) {
                status.failed(hook, "no such method in this JDK");
            }
        }
        return writer.toByteArray();
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName,
                      String[] interfaces) {
        owner = name;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                     String[] exceptions) {
        MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
        if ((access & (Opcodes.ACC_BRIDGE | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return method; // a bridge only forwards to the real method, which is hooked itself
        }
        for (Hook hook : hooks) {
            if (hook.matches(name, descriptor)) {
                status.installed(hook);
                return new HookedMethod(method, access, owner, name, descriptor, hook.advice());
            }
        }
        return method;
    }

    /** One hooked method: the advice at entry, before each return, and around the body for a throw. */
    private static final class HookedMethod extends MethodVisitor {
        private final Advice advice;
        private final Type result;
        private final Object[] parameters;
        private final boolean catchesThrown;
        private final Label start = new Label();

        HookedMethod(MethodVisitor next, int access, String owner, String name, String descriptor, Advice advice) {
            super(Opcodes.ASM9, next);
            this.advice = advice;
            this.result = Type.getReturnType(descriptor);
            this.catchesThrown = advice.thrown() != Advice.Thrown.IGNORED && !"<init>".equals(name);
            this.parameters = frameOfParameters(access, owner, descriptor);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (catchesThrown) {
                super.visitLabel(start);
            }
            advice.onEnter(mv);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                advice.onReturn(mv, result);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            if (catchesThrown) {
                Label end = new Label();
                Label handler = new Label();
                super.visitLabel(end);
                // Registered last, so the method's own handlers keep their precedence.
                super.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
                super.visitLabel(handler);
                super.visitFrame(Opcodes.F_NEW, parameters.length, parameters, 1, new Object[] {"java/lang/Throwable"});
                advice.onThrown(mv);
            }
            super.visitMaxs(maxStack + Advice.EXTRA_STACK, maxLocals);
        }

        /** The locals at the method's entry, as a stack map frame lists them. */
        private static Object[] frameOfParameters(int access, String owner, String descriptor) {
            Type[] types = Type.getArgumentTypes(descriptor);
            boolean instance = (access & Opcodes.ACC_STATIC) == 0;
            Object[] locals = new Object[types.length + (instance ? 1 : 0)];
            int i = 0;
            if (instance) {
                locals[i++] = owner;
            }
            for (Type type : types) {
                locals[i++] = switch (type.getSort()) {
                    case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
                    case Type.FLOAT -> Opcodes.FLOAT;
                    case Type.LONG -> Opcodes.LONG;
                    case Type.DOUBLE -> Opcodes.DOUBLE;
                    case Type.ARRAY -> type.getDescriptor();
                    default -> type.getInternalName();
                };
            }
            return locals;
        }
    }
}

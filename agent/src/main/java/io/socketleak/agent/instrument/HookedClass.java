package io.socketleak.agent.instrument;

import java.util.IdentityHashMap;
import java.util.List;

/**
 * Rewrites one JDK class with its hooks inlined. Only the hooked methods' code changes; every other
 * byte is copied as it is, and the constant pool only grows at its end. No member is added, so the
 * same rewrite serves a class as it loads and a retransformation after an attach.
 */
final class HookedClass {
    private static final int SKIPPED = 0x0040 | 0x0400 | 0x0100; // ACC_BRIDGE, ACC_ABSTRACT, ACC_NATIVE

    private HookedClass() {
    }

    /** The class with its hooks; marks which hooks took, and why the others did not. */
    static byte[] rewrite(byte[] bytes, List<Hook> hooks, HookStatus status) {
        ConstantPool pool = new ConstantPool(bytes);
        String owner = pool.className(Bytes.u2(bytes, pool.end() + 2));
        int methodsAt = methodsAt(bytes, pool);
        int at = methodsAt;
        int methods = Bytes.u2(bytes, at);
        at += 2;
        Bytes rewritten = new Bytes(bytes.length - methodsAt + 1024);
        rewritten.u2(methods);
        IdentityHashMap<Hook, String> problems = new IdentityHashMap<>();
        for (int i = 0; i < methods; i++) {
            int start = at;
            at = skipAttributes(bytes, at + 6);
            int access = Bytes.u2(bytes, start);
            // A bridge only forwards to the real method, which is hooked itself.
            String name = (access & SKIPPED) != 0 ? null : pool.utf8(Bytes.u2(bytes, start + 2));
            String descriptor = name == null ? null : pool.utf8(Bytes.u2(bytes, start + 4));
            Hook hook = name == null ? null : hookOf(name, descriptor, hooks);
            if (hook != null) {
                try {
                    rewritten.append(hooked(bytes, start, pool, owner, name, descriptor, hook));
                    status.installed(hook);
                    continue;
                } catch (RuntimeException e) { // this method stays as it is
                    problems.put(hook, "cannot hook " + owner.replace('/', '.') + "." + hook.method() + ": " + e);
                }
            }
            rewritten.copy(bytes, start, at - start);
        }
        for (Hook hook : hooks) {
            String problem = problems.get(hook);
            if (problem != null) {
                status.failed(hook, problem);
            } else if (!status.isInstalled(hook)) {
                status.failed(hook, "no such method in this JDK");
            }
        }
        Bytes out = new Bytes(bytes.length + rewritten.length() - (at - methodsAt) + 512);
        out.copy(bytes, 0, 8); // magic, version
        pool.writeTo(out);      // last: the hooks added to it
        out.copy(bytes, pool.end(), methodsAt - pool.end());
        out.append(rewritten);
        out.copy(bytes, at, bytes.length - at); // the class's attributes
        return out.toArray();
    }

    private static Hook hookOf(String name, String descriptor, List<Hook> hooks) {
        for (Hook hook : hooks) {
            if (hook.matches(name, descriptor)) {
                return hook;
            }
        }
        return null;
    }

    /** One method_info, its {@code Code} attribute rewritten, its other attributes as they were. */
    private static Bytes hooked(byte[] bytes, int method, ConstantPool pool, String owner, String name,
                                String descriptor, Hook hook) {
        int access = Bytes.u2(bytes, method);
        int count = Bytes.u2(bytes, method + 6);
        Bytes out = new Bytes(256);
        out.copy(bytes, method, 8);
        int at = method + 8;
        for (int i = 0; i < count; i++) {
            int nameIndex = Bytes.u2(bytes, at);
            int length = Bytes.s4(bytes, at + 2);
            if ("Code".equals(pool.utf8(nameIndex))) {
                Bytes code = MethodCode.rewrite(bytes, at + 6, pool, owner, access, name, descriptor, hook.advice());
                out.u2(nameIndex).u4(code.length()).append(code);
            } else {
                out.copy(bytes, at, 6 + length);
            }
            at += 6 + length;
        }
        return out;
    }

    /** Offset of the methods' count: after the class's access, name, super class, interfaces and fields. */
    static int methodsAt(byte[] bytes, ConstantPool pool) {
        int at = pool.end();
        at += 8 + 2 * Bytes.u2(bytes, at + 6);
        int fields = Bytes.u2(bytes, at);
        at += 2;
        for (int i = 0; i < fields; i++) {
            at = skipAttributes(bytes, at + 6);
        }
        return at;
    }

    /** Offset after an attribute table, given the offset of its count. */
    static int skipAttributes(byte[] bytes, int at) {
        int count = Bytes.u2(bytes, at);
        at += 2;
        for (int i = 0; i < count; i++) {
            at += 6 + Bytes.s4(bytes, at + 2);
        }
        return at;
    }
}

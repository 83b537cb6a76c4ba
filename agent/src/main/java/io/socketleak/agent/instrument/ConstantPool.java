package io.socketleak.agent.instrument;

import java.util.HashMap;
import java.util.Map;

/**
 * A class file's constant pool: read where it is, and grown only at its end, so that every index
 * the class already uses stays valid and nothing but the pool's count and tail has to be rewritten.
 */
final class ConstantPool {
    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int METHOD_REF = 10;
    private static final int NAME_AND_TYPE = 12;

    private final byte[] classFile;
    /** Offset of each entry's tag in the class file, by index; 0 for the unused slot after a long or double. */
    private final int[] offsets;
    private final int end;
    private final Bytes added = new Bytes(256);
    private final Map<String, Integer> addedIndex = new HashMap<>();
    private int count;

    ConstantPool(byte[] classFile) {
        this.classFile = classFile;
        if (Bytes.s4(classFile, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        count = Bytes.u2(classFile, 8);
        offsets = new int[count];
        int at = 10;
        for (int i = 1; i < count; i++) {
            offsets[i] = at;
            int tag = Bytes.u1(classFile, at);
            switch (tag) {
                case UTF8 -> at += 3 + Bytes.u2(classFile, at + 1);
                case 3, 4, 9, METHOD_REF, 11, NAME_AND_TYPE, 17, 18 -> at += 5;
                case 5, 6 -> {
                    at += 9;
                    i++; // a long or double takes two slots
                }
                case CLASS, 8, 16, 19, 20 -> at += 3;
                case 15 -> at += 4;
                default -> throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + at);
            }
        }
        end = at;
    }

    /** Offset of the first byte after the pool, in the class file read. */
    int end() {
        return end;
    }

    /** The text of a Utf8 entry (modified UTF-8, as class files write it). */
    String utf8(int index) {
        int at = offsets[index];
        if (Bytes.u1(classFile, at) != UTF8) {
            throw new IllegalArgumentException("constant " + index + " is not a Utf8");
        }
        int length = Bytes.u2(classFile, at + 1);
        char[] text = new char[length];
        int n = 0;
        for (int i = at + 3, stop = at + 3 + length; i < stop; n++) {
            int b = classFile[i++] & 0xFF;
            if (b < 0x80) {
                text[n] = (char) b;
            } else if (b < 0xE0) {
                text[n] = (char) (((b & 0x1F) << 6) | (classFile[i++] & 0x3F));
            } else {
                text[n] = (char) (((b & 0x0F) << 12) | ((classFile[i++] & 0x3F) << 6) | (classFile[i++] & 0x3F));
            }
        }
        return new String(text, 0, n);
    }

    /** The internal name of a Class entry. */
    String className(int index) {
        return utf8(Bytes.u2(classFile, offsets[index] + 1));
    }

    /** A Class entry for this internal name, added if this pool did not add it before. */
    int classRef(String internalName) {
        String key = "C" + internalName;
        Integer known = addedIndex.get(key);
        if (known != null) {
            return known;
        }
        int name = utf8Ref(internalName);
        return add(key, CLASS, name, -1);
    }

    /** A Methodref entry of a class (not an interface). */
    int methodRef(String owner, String name, String descriptor) {
        String key = "M" + owner + '.' + name + descriptor;
        Integer known = addedIndex.get(key);
        if (known != null) {
            return known;
        }
        int type = classRef(owner);
        int nameAndType = nameAndType(name, descriptor);
        return add(key, METHOD_REF, type, nameAndType);
    }

    /** A Utf8 entry with this text (ASCII: the names the agent adds). */
    int utf8Ref(String text) {
        String key = "U" + text;
        Integer known = addedIndex.get(key);
        if (known != null) {
            return known;
        }
        int index = next(key);
        added.u1(UTF8).u2(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c >= 0x80) {
                throw new IllegalArgumentException("not ASCII: " + text);
            }
            added.u1(c);
        }
        return index;
    }

    /** The new entry count, then every entry: the old ones as they were, the added ones after them. */
    void writeTo(Bytes out) {
        out.u2(count);
        out.copy(classFile, 10, end - 10);
        out.append(added);
    }

    private int nameAndType(String name, String descriptor) {
        String key = "N" + name + descriptor;
        Integer known = addedIndex.get(key);
        if (known != null) {
            return known;
        }
        int n = utf8Ref(name);
        int d = utf8Ref(descriptor);
        return add(key, NAME_AND_TYPE, n, d);
    }

    private int add(String key, int tag, int first, int second) {
        int index = next(key);
        added.u1(tag).u2(first);
        if (second >= 0) {
            added.u2(second);
        }
        return index;
    }

    private int next(String key) {
        if (count >= 0xFFFF) {
            throw new IllegalStateException("constant pool full");
        }
        int index = count++;
        addedIndex.put(key, index);
        return index;
    }
}

package io.socketleak.agent.instrument;

import java.util.ArrayList;
import java.util.List;

/** The grammar of a method descriptor, e.g. {@code (Ljava/net/SocketAddress;I)Z}. */
final class Descriptor {
    private Descriptor() {
    }

    /** The field descriptor of each parameter, in order: {@code [Ljava/net/SocketAddress;, I]}. */
    static List<String> parameters(String descriptor) {
        List<String> types = new ArrayList<>();
        int i = 1; // after '('
        while (descriptor.charAt(i) != ')') {
            int start = i;
            while (descriptor.charAt(i) == '[') {
                i++;
            }
            i = descriptor.charAt(i) == 'L' ? descriptor.indexOf(';', i) + 1 : i + 1;
            types.add(descriptor.substring(start, i));
        }
        return types;
    }

    /** The first character of the return type: {@code V}, {@code I}, {@code J}, {@code L}, ... */
    static char returnSort(String descriptor) {
        return descriptor.charAt(descriptor.indexOf(')') + 1);
    }

    /** A field descriptor as Java spells the type, without its package: {@code SocketAddress}, {@code byte[]}. */
    static String simpleName(String type) {
        int dims = 0;
        while (type.charAt(dims) == '[') {
            dims++;
        }
        String element = switch (type.charAt(dims)) {
            case 'Z' -> "boolean";
            case 'B' -> "byte";
            case 'C' -> "char";
            case 'S' -> "short";
            case 'I' -> "int";
            case 'J' -> "long";
            case 'F' -> "float";
            case 'D' -> "double";
            default -> type.substring(Math.max(type.lastIndexOf('/'), dims) + 1, type.length() - 1);
        };
        return element + "[]".repeat(dims);
    }
}

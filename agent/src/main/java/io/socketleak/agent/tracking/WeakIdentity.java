package io.socketleak.agent.tracking;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A map key that refers to its object weakly and by identity, so that a map of them never keeps an
 * object alive and never calls its {@code equals}: the key of a socket's record, or of work a library
 * handed off. Found again from the object alone with a {@link Probe}.
 */
class WeakIdentity extends WeakReference<Object> {
    private final int identity;

    WeakIdentity(Object referent, ReferenceQueue<Object> queue) {
        super(referent, queue);
        this.identity = System.identityHashCode(referent);
    }

    @Override
    public final int hashCode() {
        return identity;
    }

    /** Two keys are equal while they refer to the same live object; a cleared one only to itself. */
    @Override
    public final boolean equals(Object other) {
        if (other == this) {
            return true;
        }
        Object referent = get();
        return referent != null && other instanceof WeakIdentity w && w.refersTo(referent);
    }

    /** Looks an object up in a map keyed by these, without holding on to it. */
    static final class Probe {
        private final Object referent;

        Probe(Object referent) {
            this.referent = referent;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof WeakIdentity w && w.refersTo(referent);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(referent);
        }
    }
}

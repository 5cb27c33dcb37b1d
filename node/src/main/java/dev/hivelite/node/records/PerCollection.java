package dev.hivelite.node.records;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Something derived from a collection's definition (its column list, its SQL, its JSON key order),
 * computed once and reused. A {@link Collection} never changes: a schema change makes a new one, so
 * the memo is keyed by identity, which costs nothing to check where the record's own equals would
 * walk every field. A few dozen slots; a collection whose slot another took is derived again.
 */
final class PerCollection<T> {

    private static final int SLOTS = 64;

    private record Slot<T>(Collection collection, T value) {
    }

    private final AtomicReferenceArray<Slot<T>> slots = new AtomicReferenceArray<>(SLOTS);
    private final Function<Collection, T> derive;

    PerCollection(Function<Collection, T> derive) {
        this.derive = derive;
    }

    T get(Collection collection) {
        int i = System.identityHashCode(collection) & (SLOTS - 1);
        Slot<T> slot = slots.get(i);
        if (slot != null && slot.collection() == collection) {
            return slot.value();
        }
        T value = derive.apply(collection);
        slots.set(i, new Slot<>(collection, value));
        return value;
    }
}

package dev.hivelite.node.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HeapBudgetTest {

    @Test
    void aReservationGivesBackAllItCountedEvenWhenItWasRefused() {
        long before = HeapBudget.inUse();
        try (HeapBudget.Reservation r = HeapBudget.open()) {
            r.add(1000);
            assertEquals(before + 1000, HeapBudget.inUse());
            ApiException e = assertThrows(ApiException.class, () -> r.add(HeapBudget.PER_ANSWER));
            assertEquals(400, e.status(), "one answer past its cap");
        }
        assertEquals(before, HeapBudget.inUse());
        try (HeapBudget.Reservation r = HeapBudget.openUncapped()) {
            ApiException e = assertThrows(ApiException.class, () -> r.add(HeapBudget.LIMIT + 1));
            assertEquals(503, e.status(), "the worker's budget is shared by every answer under way");
        }
        assertEquals(before, HeapBudget.inUse());
    }
}

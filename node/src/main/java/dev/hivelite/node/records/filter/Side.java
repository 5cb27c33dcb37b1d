package dev.hivelite.node.records.filter;

/** A compiled operand: one value ({@link Term}) or a set of values ({@link ValueSet}). */
sealed interface Side permits Term, ValueSet {
}
